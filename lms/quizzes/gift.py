"""Moodle GIFT question banks: parse to and export from `lms.gift-questions/1` dicts (pure).

The parser follows Moodle's own importer (question/format/gift/format.php and
question/format.php) step by step, including its quirks, so that a file means
here what it means in Moodle. Where Moodle would refuse a file (a parse error,
a weight that is not one of its grades, a question its question types refuse
to save) the whole file is refused and every problem is reported with a line
number. The few deliberate divergences are marked "Divergence" below.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

FORMAT_ID = "lms.gift-questions/1"
TEXT_FORMATS = ("moodle", "html", "plain", "markdown")
QUESTION_TYPES = (
    "multichoice",
    "truefalse",
    "shortanswer",
    "numerical",
    "matching",
    "essay",
    "description",
)
WILDCARD = "*"
DEFAULT_NAME = "Question name"  # Moodle's get_string('questionname', 'question')

# PHP's trim() strips exactly these; Python's str.strip() would also strip NBSP etc.
_PHP_WS = " \t\n\r\0\x0b"

# question_bank::fraction_options_full(), in Moodle's order (it matters for "nearest").
_RAW_FRACTIONS = (
    0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333,
    0.3, 0.25, 0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05,
)
GRADE_OPTIONS: tuple[float, ...] = (
    0.0, 1.0, *_RAW_FRACTIONS, *(-f for f in reversed(_RAW_FRACTIONS)), -1.0,
)

_WEIGHT_RE = re.compile(r"%-*[0-9]{1,2}\.?[0-9]*%")
_PHP_NUMBER_RE = re.compile(r"[ \t\n\r\v\f]*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?[ \t\n\r\v\f]*")
_ESCAPABLE = ":#={}~n"
_ESCAPED_CHAR = {":": ":", "#": "#", "=": "=", "{": "{", "}": "}", "~": "~", "n": "\n"}


class GiftError(ValueError):
    """A GIFT file Moodle would refuse; `problems` lists every (line, reason)."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = sorted(problems, key=lambda p: p[0])
        super().__init__("\n".join(f"line {n}: {reason}" for n, reason in self.problems))


# --------------------------------------------------------------------------
# PHP behaviour the importer relies on
# --------------------------------------------------------------------------


def _trim(s: str) -> str:
    return s.strip(_PHP_WS)


def _php_empty(s: str) -> bool:
    # PHP's empty() is also true for "0": Moodle treats a line "0" as blank.
    return s == "" or s == "0"


def _php_number(s: str) -> float | None:
    """The float PHP's is_numeric() would accept in `s`, or None."""
    if not _PHP_NUMBER_RE.fullmatch(s):
        return None
    return float(s.strip(" \t\n\r\v\f"))


_C_SPACE = " \t\n\r\x0b\x0c"


def _tag_allowed(tag: str, allowed: str) -> bool:
    """PHP's php_tag_find(): normalise "<a href=..>" or "</a>" to "<a>" and look it up."""
    norm, started, i = ["<"], False, 1
    while i < len(tag) and tag[i] != ">":
        c = tag[i].lower()
        if c == "<":
            norm.append(c)
        elif c not in _C_SPACE:
            started = True
            if c != "/" or (tag[i - 1] != "<" and tag[i + 1 : i + 2] != ">"):
                norm.append(c)
        elif started:
            break
        i += 1
    return "".join(norm) + ">" in allowed


def strip_tags(s: str, allowed: str = "") -> str:
    """PHP 8's strip_tags(), state machine and quirks included; `allowed` is like "<span>"."""
    out: list[str] = []
    buf: list[str] = []
    state = depth = 0
    in_q = ""
    lc = ""
    br = 0
    is_xml = False
    n = len(s)
    i = 0
    while i < n:
        c = s[i]
        prev = s[i - 1] if i else ""
        nxt = s[i + 1] if i + 1 < n else ""
        if c == "\0" and state in (0, 1):
            pass
        elif state == 0:
            if c == "<":
                if in_q:
                    pass
                elif nxt and nxt in _C_SPACE:
                    out.append(c)
                else:
                    lc, state, buf = "<", 1, ["<"]
            elif c == ">":
                if depth:
                    depth -= 1
                elif not in_q:
                    out.append(c)
            else:
                out.append(c)
        elif state == 1:
            if c == "<":
                if in_q:
                    pass
                elif nxt and nxt in _C_SPACE:
                    buf.append(c)
                else:
                    depth += 1
            elif c == ">":
                if depth:
                    depth -= 1
                elif in_q:
                    pass
                elif not (is_xml and prev == "-"):
                    lc, in_q, state, is_xml = ">", "", 0, False
                    buf.append(">")
                    if allowed and _tag_allowed("".join(buf), allowed):
                        out.extend(buf)
                    buf = []
            elif c in "\"'":
                if i and (not in_q or c == in_q):
                    in_q = "" if in_q else c
                buf.append(c)
            elif c == "!" and prev == "<":
                state, lc = 3, c
            elif c == "?" and prev == "<":
                state, br = 2, 0
            else:
                buf.append(c)
        elif state == 2:
            if c in "()" and lc not in ('"', "'"):
                lc = c
                br += 1 if c == "(" else -1
            elif c == ">":
                if depth:
                    depth -= 1
                elif not in_q and not br and lc != '"' and prev == "?":
                    in_q, state, buf = "", 0, []
            elif c in "\"'":
                if i and prev != "\\":
                    if lc == c:
                        lc = ""
                    elif lc != "\\":
                        lc = c
                    if not in_q or c == in_q:
                        in_q = "" if in_q else c
            elif c in "lL" and i > 4 and s[i - 4 : i - 2] == "<?" and s[i - 2 : i].lower() == "xm":
                state, is_xml = 1, True
        elif state == 3:
            if c == ">":
                if depth:
                    depth -= 1
                elif not in_q:
                    in_q, state, buf = "", 0, []
            elif c in "\"'":
                if i and prev != "\\" and (not in_q or c == in_q):
                    in_q = "" if in_q else c
            elif c == "-" and i >= 2 and s[i - 2 : i] == "!-":
                state = 4
            elif c in "Ee" and i > 6 and s[i - 6 : i].lower() == "doctyp":
                state = 1
        elif state == 4 and c == ">" and not in_q and i >= 2 and s[i - 2 : i] == "--":
            in_q, state, buf = "", 0, []
        i += 1
    return "".join(out)


def _clean_text(name: str) -> str:
    """Moodle's clean_param(PARAM_TEXT): strip tags, but keep well-formed multilang spans."""
    name = name.replace("\0", "")
    for closing, allowed, pattern in (
        ("</lang>", "<lang>", r'<lang lang="[a-zA-Z0-9_-]+"\s*>'),
        ("</span>", "<span>", r'<span(\s+lang="[a-zA-Z0-9_-]+"|\s+class="multilang"){2}\s*>'),
    ):
        if closing not in name:
            continue
        name = strip_tags(name, allowed)
        tags = re.findall(r"<.*?>", name, re.S)
        if not tags:
            break
        open_ = False
        for tag in tags:
            if tag == closing:
                if not open_:
                    return strip_tags(name)
                open_ = False
            elif re.fullmatch(pattern, tag):
                open_ = True
            else:
                return strip_tags(name)
        return strip_tags(name) if open_ else name
    return strip_tags(name)


_SHORTEN_SPLIT = re.compile(r"(<.+?>)?([^<>]*)", re.S)
_ENTITY = re.compile(r"&[0-9a-z]{2,8};|&#[0-9]{1,7};|&#x[0-9a-f]{1,6};", re.I)


def _shorten_tokens(text: str):
    pos, n = 0, len(text)
    while pos <= n:
        m = _SHORTEN_SPLIT.match(text, pos)
        assert m is not None
        if m.end() > pos:
            yield m.group(1) or "", m.group(2)
            pos = m.end()
        else:
            # PCRE finds no non-empty match here either, so it skips a stray < or >.
            pos += 1


def shorten_text(text: str, ideal: int = 80, ending: str = "...") -> str:
    """Moodle's shorten_text() as far as a name built from it can tell (tags are stripped later)."""
    if len(re.sub(r"<.*?>", "", text)) <= ideal:
        return text
    total, out = len(ending), []
    for tag, plain in _shorten_tokens(text):
        out.append(tag)
        length = len(_ENTITY.sub(" ", plain))
        if total + length > ideal:
            left, entities = ideal - total, 0
            for m in _ENTITY.finditer(plain):
                # PHP reports the entity's offset in bytes, and compares it with characters.
                if len(plain[: m.start()].encode()) + 1 - entities <= left:
                    left -= 1
                    entities += len(m.group(0))
                else:
                    break
            limit = breakpos = left + entities
            while breakpos > 0:
                ch = plain[breakpos : breakpos + 1]
                if ch and ch != "0" and (ch in ". " or len(ch.encode()) > 2):
                    breakpos += 1
                    break
                breakpos -= 1
            if breakpos == 0 or breakpos > limit:
                breakpos = limit
            out.append(plain[:breakpos])
            break
        out.append(plain)
        total += length
        if total >= ideal:
            break
    return "".join(out) + ending


def clean_question_name(name: str) -> str:
    """Moodle's clean_question_name(): PARAM_TEXT cleaning, trimmed, at most 255 characters."""
    name = _trim(_clean_text(name))
    trimlength = 251
    while len(name) > 255 and trimlength > 0:
        name = shorten_text(name, trimlength)
        trimlength -= 10
    return name


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Seg:
    """A piece of a question block with its offset, so problems can name a line."""

    text: str
    pos: int

    def trim(self) -> _Seg:
        left = self.text.lstrip(_PHP_WS)
        return _Seg(_trim(self.text), self.pos + len(self.text) - len(left))

    def cut(self, start: int, end: int | None = None) -> _Seg:
        return _Seg(self.text[start:end], self.pos + start)

    def find(self, sub: str) -> int:
        return self.text.find(sub)


class _Block:
    """One blank-line-separated question block, escapes already replaced by sentinels."""

    def __init__(self, lines: list[tuple[int, str]], sentinels: dict[str, str]):
        self.linenos = [n for n, _ in lines]
        self.starts: list[int] = []
        parts, offset = [], 0
        for _, line in lines:
            if line.startswith("//"):
                line = " "  # Moodle blanks comment lines rather than dropping them
            else:
                line = _escape_pre(line, sentinels)
            self.starts.append(offset)
            parts.append(line)
            offset += len(line) + 1
        self.text = "\n".join(parts)
        self.first_line = self.linenos[0]

    def line(self, pos: int) -> int:
        return self.linenos[max(0, bisect_right(self.starts, pos) - 1)]


def _escape_pre(line: str, sentinels: dict[str, str]) -> str:
    # Same result as Moodle's three str_replace passes: "\\" is a backslash, "\x" a sentinel.
    out, i, n = [], 0, len(line)
    while i < n:
        c = line[i]
        if c == "\\" and i + 1 < n:
            nxt = line[i + 1]
            if nxt == "\\":
                out.append("\\")
                i += 2
                continue
            if nxt in sentinels:
                out.append(sentinels[nxt])
                i += 2
                continue
        out.append(c)
        i += 1
    return "".join(out)


class _Parser:
    def __init__(self, text: str, match_grades: str):
        if match_grades not in ("error", "nearest"):
            raise ValueError(f"match_grades must be 'error' or 'nearest', not {match_grades!r}")
        self.match_grades = match_grades
        self.problems: list[tuple[int, str]] = []
        # Moodle swaps escapes for placeholders such as "&&058;" while it parses. These
        # sentinels have the same lengths (a few slices depend on them) but are made of
        # characters absent from the file. Divergence: text that itself holds "&&058;"
        # stays as written, where Moodle would turn it into ":".
        free = (chr(c) for c in [*range(0xFDD0, 0xFDF0), *range(0xE000, 0xF900)] if chr(c) not in text)
        filler = next(free)
        self.sentinels = {esc: next(free) + filler * (4 if esc == "n" else 5) for esc in _ESCAPABLE}

    # -- helpers mirroring format.php ------------------------------------

    def post(self, s: str) -> str:
        for esc, sentinel in self.sentinels.items():
            s = s.replace(sentinel, _ESCAPED_CHAR[esc])
        return s

    def problem(self, line: int, reason: str) -> None:
        self.problems.append((line, reason))

    def text_with_format(self, text: str, default: str = "moodle") -> tuple[str, str]:
        """parse_text_with_format(): an optional leading [format] tag, then unescaped and trimmed."""
        fmt = default
        if text.startswith("["):
            end = text.find("]")
            # PHP's substr() with a missing "]" still yields a candidate name: all but the first
            # and the last byte, so it can only be a format name when the last character is ASCII.
            name = text[1:end] if end >= 0 else (text[1:-1] if text[-1] < "\x80" else "")
            if name in TEXT_FORMATS:
                fmt = name
                text = text[end + 1 :] if end >= 0 else text[1:]
        return _trim(self.post(text)), fmt

    def comment(self, answer: str, default: str) -> tuple[str, str]:
        """commentparser(): answer text and feedback split at the first '#'."""
        bits = answer.split("#", 1)
        text = self.text_with_format(_trim(bits[0]), default)[0]
        feedback = self.text_with_format(_trim(bits[1]), default)[0] if len(bits) > 1 else ""
        return text, feedback

    def weight(self, answer: _Seg, block: _Block) -> tuple[float | None, _Seg]:
        """answerweightparser(): the fraction of a leading %weight% and the rest of the answer."""
        rest = answer.cut(1)
        end = rest.find("%")
        raw = rest.text[:end]
        after = rest.cut(end + 1)
        if raw.count("-") > 1:
            # PHP 8 refuses arithmetic on a non-numeric string, so the import fails.
            self.problem(block.line(answer.pos), f"invalid weight %{raw}%")
            return None, after
        return self.grade(float(raw) / 100, raw, block.line(answer.pos)), after

    def grade(self, fraction: float, raw: str, line: int) -> float | None:
        """match_grade_options(): snap to one of Moodle's grades, or report the weight."""
        if self.match_grades == "nearest":
            return min(GRADE_OPTIONS, key=lambda g: abs(fraction - g))
        for option in GRADE_OPTIONS:
            if abs(fraction - option) < 0.00001:
                return option
        self.problem(
            line,
            f"weight %{raw}% is not one of Moodle's grades "
            "(100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, "
            "16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0 percent, or their negatives)",
        )
        return None

    # -- file level ------------------------------------------------------

    def blocks(self, text: str) -> list[list[tuple[int, str]]]:
        """readdata() and readquestions(): lines split, trimmed, grouped by blank lines."""
        if text.startswith("\ufeff"):
            text = text[1:]
        if "\n" not in text and "\r" in text:
            raw_lines = text.split("\r")  # old Macintosh line endings
        else:
            raw_lines = text.split("\n")
        blocks: list[list[tuple[int, str]]] = []
        current: list[tuple[int, str]] = []
        for number, raw in enumerate(raw_lines, start=1):
            line = _trim(raw)
            if _php_empty(line):
                if current:
                    blocks.append(current)
                    current = []
            else:
                current.append((number, line))
        if current:
            blocks.append(current)
        return blocks

    def parse(self, text: str) -> list[dict[str, Any]]:
        questions: list[dict[str, Any]] = []
        category: str | None = None
        seen_anything = False
        for lines in self.blocks(text):
            block = _Block(lines, self.sentinels)
            body = _Seg(block.text, 0).trim()
            if body.text == "":
                continue  # only comments
            seen_anything = True
            if body.text.startswith("$CATEGORY:"):
                ok, new = self.category(body, block)
                if ok:
                    category = new
                continue
            question = self.question(body, block)
            if question is not None:
                questions.append({"category": category, **question})
        if not seen_anything and not self.problems:
            self.problem(1, "the file contains no questions")
        if self.problems:
            raise GiftError(self.problems)
        return questions

    def category(self, body: _Seg, block: _Block) -> tuple[bool, str | None]:
        raw = _trim(body.text[len("$CATEGORY:") :])
        if "\n" in raw:
            # Divergence: Moodle would take every following line of the block as part of
            # the category's name and silently lose the question written there.
            self.problem(
                block.line(body.pos),
                "a $CATEGORY line must be followed by a blank line "
                "(Moodle would read the next lines as part of the category name)",
            )
            return False, None
        return True, normalize_category(self.post(raw))

    # -- one question ----------------------------------------------------

    def question(self, body: _Seg, block: _Block) -> dict[str, Any] | None:
        text = body
        name: str | None = None
        if text.text.startswith("::"):
            text = text.cut(2)
            finish = text.find("::")
            if finish >= 0:
                name = clean_question_name(self.post(text.text[:finish]))
                text = text.cut(finish + 2).trim()

        start, finish = text.find("{"), text.find("}")
        if start < 0 and finish < 0:
            qtext, fmt = self.text_with_format(text.text)
            return self.make(name, "description", qtext, fmt, "")
        if start < 0 or finish < 0:
            where = start if start >= 0 else finish
            what = "'{' has no matching '}'" if start >= 0 else "'}' has no matching '{'"
            self.problem(block.line(text.pos + where), f"unclosed brace: {what}")
            return None
        if finish < start:
            # Divergence: Moodle would cut the text at negative lengths and import garbage.
            self.problem(block.line(text.pos + finish), "'}' comes before the '{' of the answer block")
            return None

        answer = text.cut(start + 1, finish).trim()
        if text.text.endswith("}"):
            qtext_raw = text.text[:start] + text.text[finish + 1 :]
        else:
            qtext_raw = text.text[:start] + "_____" + text.text[finish + 1 :]  # missing word

        general_raw = ""
        separator = answer.text.rfind("####")
        if separator >= 0:
            general_raw = answer.text[separator + 4 :]
            answer = answer.cut(0, separator).trim()

        qtext, fmt = self.text_with_format(qtext_raw)
        general = self.text_with_format(general_raw, fmt)[0]
        brace_line = block.line(text.pos + start)
        qtype = _detect_type(answer.text)
        reader = getattr(self, "read_" + qtype)
        fields = reader(answer, block, fmt, brace_line)
        if fields is None:
            return None
        return self.make(name, qtype, qtext, fmt, general, fields)

    def make(
        self, name: str | None, qtype: str, text: str, fmt: str, general: str, fields: dict | None = None
    ) -> dict[str, Any]:
        if name is None:
            name = clean_question_name(shorten_text(text, 80))
            if _php_empty(name):
                name = DEFAULT_NAME  # PHP's `$name ? $name : $default` also rejects "0"
        question: dict[str, Any] = {"name": name, "type": qtype}
        if qtype == "multichoice" and fields is not None:
            question["single"] = fields.pop("single")
        question.update(text=text, text_format=fmt, general_feedback=general)
        question.update(fields or {})
        return question

    def read_essay(self, answer: _Seg, block: _Block, fmt: str, line: int) -> dict:
        return {}

    def read_multichoice(self, answer: _Seg, block: _Block, fmt: str, line: int) -> dict | None:
        single = "=" in answer.text
        pieces = _split_choices(answer)
        if pieces and _php_empty(_trim(pieces[0].text)):
            pieces = pieces[1:]
        if len(pieces) < 2:
            self.problem(line, "a multiple choice question needs at least two answers")
            return None
        answers, ok = [], True
        for piece in pieces:
            piece = piece.trim()
            fraction: float | None = 0.0
            if piece.text.startswith("="):
                fraction, piece = 1.0, piece.cut(1)
            elif _WEIGHT_RE.match(piece.text):
                fraction, piece = self.weight(piece, block)
            ok = ok and fraction is not None
            text, feedback = self.comment(piece.text, fmt)
            if text:  # Moodle does not save a choice with a blank text
                answers.append({"text": text, "fraction": fraction, "feedback": feedback})
        if ok and len(answers) < 2:
            # Divergence: Moodle would save a choice question with fewer than two choices.
            self.problem(line, "a multiple choice question needs at least two answers with text")
            return None
        return {"single": single, "answers": answers} if ok else None

    def read_matching(self, answer: _Seg, block: _Block, fmt: str, line: int) -> dict | None:
        pieces = _split(answer, "=")
        if pieces and _php_empty(_trim(pieces[0].text)):
            pieces = pieces[1:]
        if len(pieces) < 2:
            self.problem(line, "a matching question needs at least two pairs")
            return None
        pairs, ok = [], True
        for piece in pieces:
            piece = piece.trim()
            marker = piece.find("->")
            if marker < 0:
                self.problem(block.line(piece.pos), f"matching pair without '->': {self.post(piece.text)!r}")
                ok = False
                continue
            question = self.text_with_format(piece.text[:marker], fmt)[0]
            right = _trim(self.post(piece.text[marker + 2 :]))
            if question == "" and right == "":
                continue  # Moodle skips an empty pair
            if right == "":
                # Moodle stops the import with "no matching answer" for this pair.
                self.problem(block.line(piece.pos), f"matching pair {question!r} has no answer after '->'")
                ok = False
                continue
            pairs.append({"question": question, "answer": right})
        if ok and not any(p["question"] for p in pairs):
            # Divergence: Moodle would save a matching question with nothing to match.
            self.problem(line, "a matching question needs at least one pair with a question")
            return None
        return {"pairs": pairs} if ok else None

    def read_truefalse(self, answer: _Seg, block: _Block, fmt: str, line: int) -> dict:
        bits = answer.text.split("#", 2)
        value = self.text_with_format(_trim(bits[0]), fmt)[0]
        wrong = self.text_with_format(_trim(bits[1]), fmt)[0] if len(bits) > 1 else ""
        right = self.text_with_format(_trim(bits[2]), fmt)[0] if len(bits) > 2 else ""
        return {"answer": value in ("T", "TRUE"), "feedback_wrong": wrong, "feedback_right": right}

    def read_shortanswer(self, answer: _Seg, block: _Block, fmt: str, line: int) -> dict | None:
        pieces = _split(answer, "=")
        if pieces and _php_empty(_trim(pieces[0].text)):
            pieces = pieces[1:]
        if not pieces:
            self.problem(line, "a short answer question needs at least one answer")
            return None
        answers: list[dict[str, Any]] = []
        ok = True
        for piece in pieces:
            piece = piece.trim()
            fraction: float | None = 1.0
            if _WEIGHT_RE.match(piece.text):
                fraction, piece = self.weight(piece, block)
            ok = ok and fraction is not None
            text, feedback = self.comment(piece.text, fmt)
            answers.append({"text": text, "fraction": fraction, "feedback": feedback})
        if not ok:
            return None
        if max(a["fraction"] for a in answers) != 1.0:
            self.problem(line, "a short answer question needs an answer worth 100%")
            return None
        # Moodle does not save an answer that is blank, worth nothing and without feedback.
        answers = [a for a in answers if a["text"] or a["fraction"] or _trim(strip_tags(a["feedback"]))]
        return {"answers": answers}

    def read_numerical(self, answer: _Seg, block: _Block, fmt: str, line: int) -> dict | None:
        body = answer.cut(1)
        wrong_feedback = ""
        tilde = body.find("~")
        if tilde >= 0:
            wrong_feedback = body.text[tilde:]
            body = body.cut(0, tilde)
        pieces = _split(body, "=")
        if pieces and _php_empty(_trim(pieces[0].text)):
            pieces = pieces[1:]
        if not pieces:
            self.problem(line, "a numerical question needs an answer")
            return None
        answers, ok = [], True
        for piece in pieces:
            piece = piece.trim()
            where = block.line(piece.pos)
            fraction: float | None = 1.0
            if _WEIGHT_RE.match(piece.text):
                fraction, piece = self.weight(piece, block)
            text, feedback = self.comment(piece.text, fmt)
            number = self.number(text, where)
            if fraction is None or number is None:
                ok = False
                continue
            value, tolerance = number
            answers.append({"value": value, "tolerance": tolerance, "fraction": fraction, "feedback": feedback})
        if not ok:
            return None
        if wrong_feedback:
            feedback = self.comment(wrong_feedback, fmt)[1]
            answers.append({"value": WILDCARD, "tolerance": 0.0, "fraction": 0.0, "feedback": feedback})
        return {"answers": answers}

    def number(self, text: str, line: int) -> tuple[float | str, float] | None:
        """The value and tolerance of a numerical answer: `a`, `a:tolerance` or `min..max`."""
        dots, colon = text.find(".."), text.find(":")
        value: float | str | None
        tolerance: float | None = 0.0
        if dots > 0:
            low, high = _php_number(_trim(text[:dots])), _php_number(_trim(text[dots + 2 :]))
            if low is None or high is None:
                self.problem(line, f"numerical range {text!r} needs a number on each side of '..'")
                return None
            value = (high + low) / 2
            tolerance = high - value
        else:
            raw = _trim(text[:colon] if colon > 0 else text)
            value = WILDCARD if raw == WILDCARD else _php_number(raw)
            if colon > 0:
                tolerance = _php_number(_trim(text[colon + 1 :]))
                if tolerance is None:
                    self.problem(line, f"numerical tolerance in {text!r} is not a number")
                    return None
        assert tolerance is not None
        if value is None:
            # Divergence: a typo in Moodle ("$ans = '*'") turns any non-number into
            # "any answer is right"; the intended error is reported instead.
            self.problem(line, f"numerical answer {text!r} is not a number")
            return None
        if (isinstance(value, float) and not math.isfinite(value)) or not math.isfinite(tolerance):
            self.problem(line, f"numerical answer {text!r} is out of range")
            return None
        return value, tolerance


def _detect_type(answer: str) -> str:
    """The question type Moodle decides from the answer block, in Moodle's order."""
    if answer == "":
        return "essay"
    if answer.startswith("#"):
        return "numerical"
    if "~" in answer:
        return "multichoice"
    if "=" in answer and "->" in answer:
        return "matching"
    check = answer
    if answer.find("#") > 0:
        check = _trim(answer[: answer.find("#")])
    return "truefalse" if check in ("T", "TRUE", "F", "FALSE") else "shortanswer"


def _split(seg: _Seg, sep: str) -> list[_Seg]:
    pieces, start = [], 0
    while True:
        at = seg.text.find(sep, start)
        if at < 0:
            pieces.append(seg.cut(start))
            return pieces
        pieces.append(seg.cut(start, at))
        start = at + len(sep)


def _split_choices(seg: _Seg) -> list[_Seg]:
    # Equivalent to Moodle's explode('~', str_replace('=', '~=', $answertext)).
    pieces, start = [], 0
    for i, c in enumerate(seg.text):
        if c == "~":
            pieces.append(seg.cut(start, i))
            start = i + 1
        elif c == "=":
            pieces.append(seg.cut(start, i))
            start = i
    pieces.append(seg.cut(start))
    return pieces


def normalize_category(raw: str) -> str | None:
    """A $CATEGORY path as Moodle resolves it: segments trimmed, no $context$ token, no leading 'top'."""
    segments = [_trim(s) for s in re.split(r"(?<!/)/(?!/)", raw)]
    if segments and re.fullmatch(r"\$[a-z]+\$", segments[0]):
        segments = segments[1:]
    if len(segments) > 1 and segments[0] == "top":
        segments = segments[1:]
    path = "/".join(segments)
    # Divergence: an empty path means "no category" here; Moodle would make a nameless one.
    return path or None


def parse_gift(text: str, *, match_grades: str = "error") -> list[dict[str, Any]]:
    """Parse GIFT into `lms.gift-questions/1` dicts, or raise GiftError listing every problem."""
    # match_grades is Moodle's import option: "error" (its default) refuses a weight that
    # is not one of its grades, "nearest" rounds it to the nearest one.
    return _Parser(text, match_grades).parse(text)


def to_document(questions: list[dict[str, Any]]) -> dict[str, Any]:
    """Wrap question dicts in the `lms.gift-questions/1` document."""
    return {"format": FORMAT_ID, "questions": list(questions)}


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------


class GiftExportError(ValueError):
    """A question that GIFT cannot express."""


def _escape(text: str) -> str:
    """Moodle's repchar(): escape GIFT's special characters, newlines as \\n, drop CR."""
    out = text.replace("\\", "\\\\")
    for c in "#=~{}:":
        out = out.replace(c, "\\" + c)
    return out.replace("\n", "\\n").replace("\r", "")


def _has_format_tag(text: str) -> bool:
    if not text.startswith("["):
        return False
    end = text.find("]")
    return (text[1:end] if end >= 0 else text[1:-1] if text[-1] < "\x80" else "") in TEXT_FORMATS


def _write_text(text: str, fmt: str, default: str) -> str:
    # A text that itself starts like "[html]" keeps it by stating the format in front.
    tag = f"[{fmt}]" if fmt != default or _has_format_tag(text) else ""
    return tag + _escape(text)


def _format_weight(fraction: float) -> str:
    weight = f"{fraction * 100:.5f}".rstrip("0").rstrip(".")
    return "0" if weight in ("-0", "") else weight


def _format_number(value: float) -> str:
    text = repr(float(value))
    if text in ("-0.0", "0.0"):
        return "0"
    return text[:-2] if text.endswith(".0") else text


def _general(q: dict, fmt: str, indent: str = "\t") -> list[str]:
    general = q.get("general_feedback") or ""
    return [indent + "####" + _write_text(general, fmt, fmt)] if general else []


def _block(lines: list[str]) -> str:
    return "{\n" + "\n".join(lines) + "\n}"


def _feedback(feedback: str, fmt: str) -> str:
    return "#" + _write_text(feedback, fmt, fmt) if feedback else ""


def _write_multichoice(q: dict, fmt: str) -> str:
    answers = q["answers"]
    single = bool(q["single"])
    all_right = all(a["fraction"] == 1.0 for a in answers)
    lines, equals = [], 0
    for a in answers:
        text = _write_text(a["text"], fmt, fmt)
        if single and a["fraction"] == 1.0 and not (all_right and equals):
            mark = "="
            equals += 1
        elif a["fraction"] == 0.0 and not _WEIGHT_RE.match(text):
            mark = "~"
        else:
            mark = f"~%{_format_weight(a['fraction'])}%"
        lines.append("\t" + mark + text + _feedback(a["feedback"], fmt))
    if single and not equals:
        lines.append("\t=")  # keeps the question single-answer; a blank choice is not saved
    return _block(lines + _general(q, fmt))


def _write_shortanswer(q: dict, fmt: str) -> str:
    answers = q["answers"]
    arrows = [a for a in answers if "->" in a["text"] or "->" in a["feedback"]]
    if arrows and len(answers) > 1:
        raise GiftExportError(
            f"question {q['name']!r}: GIFT cannot write a short answer containing '->' "
            "next to other answers (Moodle would read it as a matching question)"
        )
    lines = []
    for a in answers:
        lead = "" if arrows else "="
        text = _write_text(a["text"], fmt, fmt)
        lines.append(f"\t{lead}%{_format_weight(a['fraction'])}%{text}{_feedback(a['feedback'], fmt)}")
    return _block(lines + _general(q, fmt))


def _write_numerical(q: dict, fmt: str) -> str:
    lines = []
    for a in q["answers"]:
        value = WILDCARD if a["value"] == WILDCARD else _format_number(a["value"])
        tolerance = float(a.get("tolerance") or 0.0)
        number = value if tolerance == 0 else f"{value}:{_format_number(tolerance)}"
        lines.append(f"\t=%{_format_weight(a['fraction'])}%{number}{_feedback(a['feedback'], fmt)}")
    return "{#\n" + "\n".join(lines + _general(q, fmt)) + "\n}"


def _write_matching(q: dict, fmt: str) -> str:
    lines = []
    for pair in q["pairs"]:
        if "->" in pair["question"]:
            raise GiftExportError(f"question {q['name']!r}: GIFT cannot write '->' inside a matching question")
        lines.append("\t=" + _write_text(pair["question"], fmt, fmt) + " -> " + _escape(pair["answer"]))
    # GIFT wants two pairs; an empty pair counts for that and is not saved.
    lines += ["\t= ->"] * (2 - len(lines))
    return _block(lines + _general(q, fmt))


def _write_truefalse(q: dict, fmt: str) -> str:
    out = "{" + ("TRUE" if q["answer"] else "FALSE")
    wrong, right = q.get("feedback_wrong") or "", q.get("feedback_right") or ""
    if wrong or right:
        out += "#" + _write_text(wrong, fmt, fmt) if wrong else "#"
    if right:
        out += "#" + _write_text(right, fmt, fmt)
    return out + "".join(_general(q, fmt, indent="")) + "}"


def _write_essay(q: dict, fmt: str) -> str:
    return "{" + "".join(_general(q, fmt, indent="")) + "}"


def _write_description(q: dict, fmt: str) -> str:
    if q.get("general_feedback"):
        raise GiftExportError(f"question {q['name']!r}: GIFT cannot write general feedback for a description")
    return ""


_WRITERS = {
    "multichoice": _write_multichoice,
    "shortanswer": _write_shortanswer,
    "numerical": _write_numerical,
    "matching": _write_matching,
    "truefalse": _write_truefalse,
    "essay": _write_essay,
    "description": _write_description,
}


def _write_category(category: str | None) -> str:
    # Moodle writes category paths raw; backslashes and newlines need escaping to read back the same.
    if category is None:
        return "$CATEGORY:"
    return "$CATEGORY: " + category.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "")


def export_gift(questions: list[dict[str, Any]]) -> str:
    """Write question dicts as GIFT that parse_gift() reads back to the same dicts."""
    out: list[str] = []
    current: str | None = None
    for q in questions:
        category = q.get("category")
        if category != current:
            out.append(_write_category(category) + "\n\n")
            current = category
        fmt = q.get("text_format") or "moodle"
        if q["type"] not in _WRITERS:
            raise GiftExportError(f"question {q.get('name')!r}: unknown type {q['type']!r}")
        head = "::" + _escape(q["name"]) + "::" + _write_text(q["text"], fmt, "moodle")
        block = _WRITERS[q["type"]](q, fmt)
        out.append(head + (" " + block if block else "") + "\n\n")
    return "".join(out)
