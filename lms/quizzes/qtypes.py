"""Question types behind one registry: validate, lay out per attempt, show to the browser, grade (pure).

Questions are `lms.gift-questions/1` dicts (see lms.quizzes.gift). An attempt uses a
question in four steps, all on the server:

1. `layout(question, rng)` draws the per-attempt arrangement: the display order
   of choices (and of matching stems) and an opaque random key for each. It is
   JSON and must be stored with the attempt; it is the only link between what
   the browser sees and the question's answers.
2. `view(question, layout)` (or `public(question, rng)`, which is
   `view(question, layout(question, rng))`) gives the dict the browser may see:
   text and choice texts with their keys, never fractions, feedback or answers.
3. `decode(question, layout, submitted)` turns what the browser sent (keys,
   text) into a response (see each type); unknown keys raise ResponseError.
4. `grade(question, response)` gives a Grade: the fraction of the question's
   marks in [0, 1], the feedback that applies, and whether a trainer must mark it.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from lms.quizzes.gift import TEXT_FORMATS, WILDCARD

Question = Mapping[str, Any]
Layout = dict[str, Any]

# Moodle widens every numerical tolerance by 10**-precision (PHP precision 14), see MDL-3225.
_TOLERANCE_EPSILON = 1e-14
_NUMBER_RE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


class ResponseError(ValueError):
    """A submitted response that does not fit the attempt's layout (e.g. an unknown key)."""


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one response."""

    fraction: float
    feedback: tuple[str, ...] = ()
    general_feedback: str = ""
    needs_marking: bool = False

    @property
    def state(self) -> str:
        """One of needs_marking, correct, partial, wrong."""
        if self.needs_marking:
            return "needs_marking"
        if self.fraction >= 1.0:
            return "correct"
        return "partial" if self.fraction > 0 else "wrong"


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _texts(*texts: str) -> tuple[str, ...]:
    return tuple(t for t in texts if t)


def _new_keys(rng: random.Random, count: int) -> list[str]:
    keys: list[str] = []
    while len(keys) < count:
        key = f"{rng.getrandbits(48):012x}"
        if key not in keys:
            keys.append(key)
    return keys


def _shuffled(rng: random.Random, count: int) -> list[int]:
    order = list(range(count))
    rng.shuffle(order)
    return order


def _keyed(rng: random.Random, count: int) -> list[list[Any]]:
    """[key, index] pairs in a shuffled display order."""
    return [[key, index] for key, index in zip(_new_keys(rng, count), _shuffled(rng, count), strict=True)]


def _lookup(pairs: Iterable[Iterable[Any]], key: Any) -> int:
    for k, index in pairs:
        if k == key:
            return index
    raise ResponseError(f"unknown key {key!r}")


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


class QuestionType:
    """The interface every question type implements; subclasses register with @register."""

    name: ClassVar[str]
    has_marks: ClassVar[bool] = True

    def validate(self, question: Question) -> list[str]:
        """Problems that stop the question from being shown or graded (empty when fine)."""
        problems = []
        for key in ("name", "text", "general_feedback"):
            if not isinstance(question.get(key), str):
                problems.append(f"{key} must be text")
        if question.get("text_format") not in TEXT_FORMATS:
            problems.append(f"text_format must be one of {', '.join(TEXT_FORMATS)}")
        category = question.get("category")
        if category is not None and not isinstance(category, str):
            problems.append("category must be text or null")
        return problems + self.validate_fields(question)

    def validate_fields(self, question: Question) -> list[str]:
        return []

    def layout(self, question: Question, rng: random.Random) -> Layout:
        """The per-attempt arrangement to store with the attempt (JSON)."""
        return {}

    def view(self, question: Question, layout: Layout) -> dict[str, Any]:
        """What the browser may see before submission, for a stored layout."""
        return {"type": self.name, "text": question["text"], "text_format": question["text_format"]}

    def public(self, question: Question, rng: random.Random) -> dict[str, Any]:
        """The browser view for the layout drawn from rng (the same rng state gives the same keys)."""
        return self.view(question, self.layout(question, rng))

    def decode(self, question: Question, layout: Layout, submitted: Any) -> Any:
        """The response for what the browser submitted, mapped through the stored layout."""
        return None

    def grade(self, question: Question, response: Any) -> Grade:
        """Grade a decoded response."""
        raise NotImplementedError

    def right_answer(self, question: Question) -> str:
        """A plain summary of the right answer, for review after the last attempt."""
        return ""


_REGISTRY: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Class decorator: make a question type available under its name."""
    _REGISTRY[cls.name] = cls()
    return cls


def get_type(name: str) -> QuestionType:
    """The registered question type called `name` (KeyError if none)."""
    return _REGISTRY[name]


def type_names() -> list[str]:
    """Names of all registered question types."""
    return sorted(_REGISTRY)


def for_question(question: Question) -> QuestionType:
    """The question type that handles `question`."""
    qtype = question.get("type")
    if qtype not in _REGISTRY:
        raise KeyError(f"unknown question type {qtype!r}")
    return _REGISTRY[qtype]


def validate(question: Question) -> list[str]:
    """Problems with a question dict, whatever its type."""
    if question.get("type") not in _REGISTRY:
        return [f"unknown question type {question.get('type')!r}"]
    return for_question(question).validate(question)


def layout(question: Question, rng: random.Random) -> Layout:
    """Per-attempt layout for `question` (store it with the attempt)."""
    return for_question(question).layout(question, rng)


def view(question: Question, stored_layout: Layout) -> dict[str, Any]:
    """Browser view of `question` for a stored layout."""
    return for_question(question).view(question, stored_layout)


def public(question: Question, rng: random.Random) -> dict[str, Any]:
    """Browser view of `question` for the layout drawn from rng."""
    return for_question(question).public(question, rng)


def decode(question: Question, stored_layout: Layout, submitted: Any) -> Any:
    """Response for what the browser submitted, through the stored layout."""
    return for_question(question).decode(question, stored_layout, submitted)


def grade(question: Question, response: Any) -> Grade:
    """Grade a decoded response to `question`."""
    return for_question(question).grade(question, response)


def right_answer(question: Question) -> str:
    """Plain summary of the right answer to `question`."""
    return for_question(question).right_answer(question)


def _check_fraction(value: Any, where: str) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not -1.0 <= value <= 1.0:
        return [f"{where}: fraction must be a number from -1 to 1"]
    return []


def _check_answers(question: Question, minimum: int, noun: str) -> list[str]:
    answers = question.get("answers")
    if not isinstance(answers, list) or len(answers) < minimum:
        return [f"needs at least {minimum} {noun}"]
    problems = []
    for i, answer in enumerate(answers, start=1):
        if not isinstance(answer, Mapping):
            problems.append(f"answer {i} must be an object")
            continue
        problems += _check_fraction(answer.get("fraction"), f"answer {i}")
        if not isinstance(answer.get("feedback", ""), str):
            problems.append(f"answer {i}: feedback must be text")
    return problems


@register
class MultiChoice(QuestionType):
    """One answer (`single`) or several (multiple response) from shuffled choices.

    Browser sends: one choice key (single) or a list of choice keys.
    Response: the index into question["answers"] (or None), or a list of indices.
    Layout: {"choices": [[key, answer_index], ...]} in display order.
    """

    name = "multichoice"

    def validate_fields(self, question: Question) -> list[str]:
        problems = _check_answers(question, 2, "answers")
        if not isinstance(question.get("single"), bool):
            problems.append("single must be true or false")
        for i, answer in enumerate(question.get("answers") or [], start=1):
            if isinstance(answer, Mapping) and not (isinstance(answer.get("text"), str) and answer["text"]):
                problems.append(f"answer {i} needs a text")
        return problems

    def layout(self, question: Question, rng: random.Random) -> Layout:
        return {"choices": _keyed(rng, len(question["answers"]))}

    def view(self, question: Question, layout: Layout) -> dict[str, Any]:
        answers = question["answers"]
        return {
            **super().view(question, layout),
            "single": bool(question["single"]),
            "choices": [{"key": key, "text": answers[index]["text"]} for key, index in layout["choices"]],
        }

    def decode(self, question: Question, layout: Layout, submitted: Any) -> int | None | list[int]:
        if question["single"]:
            if isinstance(submitted, (list, tuple)):
                if len(submitted) > 1:
                    raise ResponseError("only one choice may be given")
                submitted = submitted[0] if submitted else None
            return None if _is_blank(submitted) else _lookup(layout["choices"], submitted)
        if _is_blank(submitted):
            return []
        keys = [submitted] if isinstance(submitted, str) else list(submitted)
        chosen = {_lookup(layout["choices"], key) for key in keys if not _is_blank(key)}
        return sorted(chosen)

    def grade(self, question: Question, response: Any) -> Grade:
        answers = question["answers"]
        general = question.get("general_feedback", "")
        if question["single"]:
            if response is None:
                return Grade(0.0, (), general)
            answer = answers[self._index(answers, response)]
            return Grade(_clamp(answer["fraction"]), _texts(answer.get("feedback", "")), general)
        chosen = sorted({self._index(answers, i) for i in (response or [])})
        total = sum(answers[i]["fraction"] for i in chosen)
        return Grade(_clamp(total), _texts(*(answers[i].get("feedback", "") for i in chosen)), general)

    @staticmethod
    def _index(answers: list, index: Any) -> int:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(answers):
            raise ResponseError(f"no answer {index!r}")
        return index

    def right_answer(self, question: Question) -> str:
        answers = question["answers"]
        if question["single"]:
            best = max(a["fraction"] for a in answers)
            return "; ".join(a["text"] for a in answers if a["fraction"] == best)
        return "; ".join(a["text"] for a in answers if a["fraction"] > 0)


@register
class TrueFalse(QuestionType):
    """A statement that is true or false.

    Browser sends: "true" or "false" (booleans accepted).
    Response: True, False or None.
    """

    name = "truefalse"

    def validate_fields(self, question: Question) -> list[str]:
        problems = [] if isinstance(question.get("answer"), bool) else ["answer must be true or false"]
        for key in ("feedback_right", "feedback_wrong"):
            if not isinstance(question.get(key, ""), str):
                problems.append(f"{key} must be text")
        return problems

    def view(self, question: Question, layout: Layout) -> dict[str, Any]:
        return {
            **super().view(question, layout),
            "choices": [{"key": "true", "text": "True"}, {"key": "false", "text": "False"}],
        }

    def decode(self, question: Question, layout: Layout, submitted: Any) -> bool | None:
        if isinstance(submitted, bool) or submitted is None:
            return submitted
        value = str(submitted).strip().lower()
        if value == "":
            return None
        if value not in ("true", "false"):
            raise ResponseError(f"unknown key {submitted!r}")
        return value == "true"

    def grade(self, question: Question, response: Any) -> Grade:
        general = question.get("general_feedback", "")
        if response is None:
            return Grade(0.0, (), general)
        right = bool(response) == question["answer"]
        feedback = question.get("feedback_right" if right else "feedback_wrong", "")
        return Grade(1.0 if right else 0.0, _texts(feedback), general)

    def right_answer(self, question: Question) -> str:
        return "True" if question["answer"] else "False"


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _wildcard_regex(pattern: str) -> re.Pattern[str]:
    """Moodle's compare_string_with_wildcard(): runs of * match anything, \\* is a literal star."""
    bits = re.split(r"(?<!\\)\*+", _normalize(pattern))
    return re.compile(".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits), re.IGNORECASE)


@register
class ShortAnswer(QuestionType):
    """A typed answer compared with accepted answers: case-insensitive, surrounding space ignored, * wildcard.

    Browser sends: text. Response: the text (or None).
    The matching answer worth the most counts (Moodle takes the first match in order).
    """

    name = "shortanswer"

    def validate_fields(self, question: Question) -> list[str]:
        problems = _check_answers(question, 1, "answer")
        answers = question.get("answers") or []
        if not problems and max(a["fraction"] for a in answers) != 1.0:
            problems.append("an answer must be worth 100%")
        for i, answer in enumerate(answers, start=1):
            if isinstance(answer, Mapping) and not isinstance(answer.get("text"), str):
                problems.append(f"answer {i} needs a text")
        return problems

    def decode(self, question: Question, layout: Layout, submitted: Any) -> str | None:
        return None if submitted is None else str(submitted)

    def grade(self, question: Question, response: Any) -> Grade:
        general = question.get("general_feedback", "")
        given = _normalize(response or "").strip()
        if not given:
            return Grade(0.0, (), general)
        best = None
        for answer in question["answers"]:
            if answer["text"] and _wildcard_regex(answer["text"]).fullmatch(given):
                if best is None or answer["fraction"] > best["fraction"]:
                    best = answer
        if best is None:
            return Grade(0.0, (), general)
        return Grade(_clamp(best["fraction"]), _texts(best.get("feedback", "")), general)

    def right_answer(self, question: Question) -> str:
        best = max(question["answers"], key=lambda a: a["fraction"])
        return best["text"]


def _to_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = value.strip().replace(" ", "")
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")  # a decimal comma, as many learners type it
    if not _NUMBER_RE.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


@register
class Numerical(QuestionType):
    """A number within an answer's tolerance (ranges are stored as midpoint and half-width).

    Browser sends: text (or a number). Response: the text or number (or None);
    text that is not a number scores nothing. The matching answer worth the
    most counts; an answer whose value is "*" matches any number.
    """

    name = "numerical"

    def validate_fields(self, question: Question) -> list[str]:
        problems = _check_answers(question, 1, "answer")
        for i, answer in enumerate(question.get("answers") or [], start=1):
            if not isinstance(answer, Mapping):
                continue
            value, tolerance = answer.get("value"), answer.get("tolerance", 0.0)
            if value != WILDCARD and _to_number(value) is None:
                problems.append(f"answer {i}: value must be a number or \"*\"")
            if _to_number(tolerance) is None:
                problems.append(f"answer {i}: tolerance must be a number")
        return problems

    def decode(self, question: Question, layout: Layout, submitted: Any) -> Any:
        return None if _is_blank(submitted) else submitted

    def grade(self, question: Question, response: Any) -> Grade:
        general = question.get("general_feedback", "")
        number = _to_number(response)
        if number is None:
            return Grade(0.0, (), general)
        best = None
        for answer in question["answers"]:
            if self._matches(answer, number) and (best is None or answer["fraction"] > best["fraction"]):
                best = answer
        if best is None:
            return Grade(0.0, (), general)
        return Grade(_clamp(best["fraction"]), _texts(best.get("feedback", "")), general)

    @staticmethod
    def _matches(answer: Mapping[str, Any], number: float) -> bool:
        if answer["value"] == WILDCARD:
            return True
        tolerance = abs(float(answer.get("tolerance") or 0.0)) + _TOLERANCE_EPSILON
        value = float(answer["value"])
        return value - tolerance <= number <= value + tolerance

    def right_answer(self, question: Question) -> str:
        best = max(
            (a for a in question["answers"] if a["value"] != WILDCARD),
            key=lambda a: a["fraction"],
            default=None,
        )
        if best is None:
            return ""
        value, tolerance = float(best["value"]), abs(float(best.get("tolerance") or 0.0))
        return f"{value:g}" if tolerance == 0 else f"{value:g} ± {tolerance:g}"


@register
class Matching(QuestionType):
    """Match each stem with one of the shuffled answers; a pair without a question is a distractor.

    Browser sends: {stem key: choice key}. Response: {pair index: choice index},
    where choices are the distinct answer texts in pair order (see `choices`).
    Layout: {"stems": [[key, pair_index], ...], "choices": [[key, choice_index], ...]}.
    Fraction: right stems / stems.
    """

    name = "matching"

    @staticmethod
    def choices(question: Question) -> list[str]:
        """Distinct answer texts in order of first appearance (Moodle merges equal answers)."""
        seen: list[str] = []
        for pair in question["pairs"]:
            if pair["answer"] not in seen:
                seen.append(pair["answer"])
        return seen

    @staticmethod
    def stems(question: Question) -> list[int]:
        """Indices of the pairs that ask something."""
        return [i for i, pair in enumerate(question["pairs"]) if pair["question"]]

    def validate_fields(self, question: Question) -> list[str]:
        pairs = question.get("pairs")
        if not isinstance(pairs, list) or not pairs:
            return ["needs pairs"]
        problems = []
        for i, pair in enumerate(pairs, start=1):
            if not (isinstance(pair, Mapping) and isinstance(pair.get("question"), str)
                    and isinstance(pair.get("answer"), str)):
                problems.append(f"pair {i} needs a question and an answer text")
            elif not pair["answer"]:
                problems.append(f"pair {i} needs an answer")
        if not problems and not self.stems(question):
            problems.append("needs at least one pair with a question")
        return problems

    def layout(self, question: Question, rng: random.Random) -> Layout:
        stems = self.stems(question)
        order = _shuffled(rng, len(stems))
        return {
            "stems": [[key, stems[i]] for key, i in zip(_new_keys(rng, len(stems)), order, strict=True)],
            "choices": _keyed(rng, len(self.choices(question))),
        }

    def view(self, question: Question, layout: Layout) -> dict[str, Any]:
        pairs, choices = question["pairs"], self.choices(question)
        return {
            **super().view(question, layout),
            "stems": [{"key": key, "text": pairs[index]["question"]} for key, index in layout["stems"]],
            "choices": [{"key": key, "text": choices[index]} for key, index in layout["choices"]],
        }

    def decode(self, question: Question, layout: Layout, submitted: Any) -> dict[int, int]:
        if _is_blank(submitted):
            return {}
        if not isinstance(submitted, Mapping):
            raise ResponseError("a matching response maps stem keys to choice keys")
        response = {}
        for stem_key, choice_key in submitted.items():
            stem = _lookup(layout["stems"], stem_key)
            if not _is_blank(choice_key):
                response[stem] = _lookup(layout["choices"], choice_key)
        return response

    def grade(self, question: Question, response: Any) -> Grade:
        pairs, choices, stems = question["pairs"], self.choices(question), self.stems(question)
        response = response or {}
        right = 0
        for stem in stems:
            chosen = response.get(stem)
            if isinstance(chosen, int) and 0 <= chosen < len(choices) and choices[chosen] == pairs[stem]["answer"]:
                right += 1
        return Grade(_clamp(right / len(stems)) if stems else 0.0, (), question.get("general_feedback", ""))

    def right_answer(self, question: Question) -> str:
        return "; ".join(f"{p['question']} → {p['answer']}" for p in question["pairs"] if p["question"])


@register
class Essay(QuestionType):
    """A written answer marked later by a trainer.

    Browser sends: text. Response: the text. A non-blank answer grades as
    needs_marking with fraction 0 until a trainer marks it; a blank one is simply wrong.
    """

    name = "essay"

    def decode(self, question: Question, layout: Layout, submitted: Any) -> str:
        return "" if submitted is None else str(submitted)

    def grade(self, question: Question, response: Any) -> Grade:
        general = question.get("general_feedback", "")
        return Grade(0.0, (), general, needs_marking=not _is_blank(response))


@register
class Description(QuestionType):
    """Text only: nothing to answer and no marks."""

    name = "description"
    has_marks = False

    def grade(self, question: Question, response: Any) -> Grade:
        return Grade(0.0, (), question.get("general_feedback", ""))

