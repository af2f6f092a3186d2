"""Course content as files: parse, render and validate the `courses/` folder.

Pure: no Flask, no database. The format is `courses/README.md`.

Entry points
------------
- `check_courses(root)` returns every problem (an empty list means valid).
- `load_courses(root)` returns the courses, or raises `ContentError` (whose
  `.problems` lists every problem) if anything is wrong.
- `read_courses(root)` returns both: the courses that parsed cleanly and the
  list of problems; `read_course(folder)` / `load_course(folder)` do the same
  for one folder (without the coverage rules, which span all courses).

Each `Problem` prints as `path:line: reason`, where `path` starts with the
name of the root folder (`courses/service-recovery-last/02-listen.md`) and
`line` is the 1-based line in that file. Line 0 means the problem belongs to
the file or folder as a whole (the coverage rules about all of `courses/`).

Module links
------------
A Markdown link to another module of the same course is written with its
file name, `[the apology](03-apologize.md#why)`, and is rewritten at render
time to the bare module stem, `href="03-apologize#why"`: a relative URL that
nh3 keeps. The web layer serves a module at `/courses/<slug>/modules/<stem>`
(no trailing slash), so from one module page that href resolves to the
sibling module. A link to a French file (`03-apologize.fr.md`) is rewritten
the same way: the web layer picks the language. Links to `.md` files that are
not modules of the course are reported as problems.

Hashes
------
`Module.content_hash` is the SHA-256 (hex) of the module file's text with
line endings normalized to `\\n` (a leading BOM dropped), followed by its
translations' texts in language order. `Course.content_hash` is the SHA-256
of `course.yml`, every module hash in course order, `quiz.gift` and
`rubric.yml`, each framed with its name and length. Both depend only on file
contents (not paths, times or the machine), so they change when, and only
when, the content changes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import nh3
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

PRINCIPLE_IDS: tuple[str, ...] = tuple(f"P{n:02d}" for n in range(1, 17))
KINDS = ("online", "workshop", "trainer", "leadership")
DEPARTMENT_KINDS = ("front_line", "internal_provider", "leadership")
ROLES = ("manager", "leader", "trainer", "lead_trainer")
MODULE_ROLES = ("learner", "facilitator")
REVIEW_MODES = ("after_each",)
LANGUAGES = ("fr",)
MIN_ONLINE_BANK = 10
MIN_QUESTIONS_PER_PRINCIPLE = 2
MODULE_WORDS = (300, 1200)
RUBRIC_LEVELS = (1, 2, 3, 4)

COURSE_FILE = "course.yml"
QUIZ_FILE = "quiz.gift"
RUBRIC_FILE = "rubric.yml"

_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MODULE_RE = re.compile(r"^([0-9]{2}-[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
_TRANSLATION_RE = re.compile(r"^([0-9]{2}-[a-z0-9]+(?:-[a-z0-9]+)*)\.([a-z]{2})\.md$")
_PRINCIPLE_TOKEN_RE = re.compile(r"^P[0-9]+$")
_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

_COURSE_REQUIRED = ("slug", "title", "summary", "kind", "audience", "estimated_minutes",
                    "objectives", "principles", "modules")
_COURSE_OPTIONAL = ("default_assignment", "completion", "quiz", "translations")
_COURSE_TRANSLATION_KEYS = ("title", "summary", "objectives")
_MODULE_REQUIRED = ("title", "minutes", "principles")
_MODULE_OPTIONAL = ("for", "toolkit")
_QUIZ_KEYS = ("title", "pass_mark", "attempts", "time_limit_minutes", "draw", "review")
_COMPLETION_KEYS = ("modules", "quiz")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, order=True)
class Problem:
    """One validation problem, printed as `path:line: reason`."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


class ContentError(Exception):
    """Raised by the `load_*` functions when the content has problems."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Translation:
    """A translated version of a module (`NN-name.fr.md`)."""

    language: str
    path: Path
    title: str
    minutes: int
    principles: tuple[str, ...]
    body_markdown: str
    body_html: str
    word_count: int
    content_hash: str


@dataclass(frozen=True)
class Module:
    """One module of a course, in course order (`position` starts at 1)."""

    stem: str
    filename: str
    path: Path
    position: int
    title: str
    minutes: int
    principles: tuple[str, ...]
    for_role: str
    toolkit: bool
    body_markdown: str
    body_html: str
    word_count: int
    content_hash: str
    translations: tuple[Translation, ...] = ()

    @property
    def for_learner(self) -> bool:
        """True unless the module is a facilitator-only page."""
        return self.for_role == "learner"


@dataclass(frozen=True)
class DrawRule:
    """Draw `count` random questions from one bank category."""

    category: str
    count: int


@dataclass(frozen=True)
class QuizSettings:
    """The `quiz` block of course.yml, with the README's defaults."""

    title: str | None = None
    pass_mark: float = 70
    attempts: int = 3
    time_limit_minutes: int | None = None
    draw: tuple[DrawRule, ...] = ()
    review: str = "after_each"


@dataclass(frozen=True)
class Completion:
    """The completion rule: every learner module (facilitator pages never count), and the quiz if required."""

    modules: str = "all"
    quiz: str = "none"


@dataclass(frozen=True)
class RubricCriterion:
    """One teach-back criterion with a description per level 1..4."""

    id: str
    title: str
    levels: Mapping[int, str]


@dataclass(frozen=True)
class Rubric:
    """A teach-back rubric and its pass rule."""

    criteria: tuple[RubricCriterion, ...]
    min_each: int = 2
    min_average: float = 3

    def passes(self, scores: Mapping[str, int]) -> bool:
        """True if every criterion is scored, each >= min_each and the mean >= min_average."""
        values = [scores.get(c.id) for c in self.criteria]
        if not values or any(v is None for v in values):
            return False
        return min(values) >= self.min_each and sum(values) / len(values) >= self.min_average


@dataclass(frozen=True)
class Course:
    """One course folder, parsed and rendered."""

    slug: str
    path: Path
    title: str
    summary: str
    kind: str
    audience: tuple[str, ...]
    default_assignment: bool
    estimated_minutes: int
    objectives: tuple[str, ...]
    principles: tuple[str, ...]
    modules: tuple[Module, ...]
    completion: Completion
    quiz: QuizSettings | None
    quiz_bank: str | None
    questions: tuple[dict[str, Any], ...]
    rubric: Rubric | None
    content_hash: str
    # language -> {"title", "summary", "objectives"} from course.yml's `translations`
    translations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def learner_modules(self) -> tuple[Module, ...]:
        """The modules learners see (facilitator pages excluded)."""
        return tuple(m for m in self.modules if m.for_learner)

    def module(self, stem: str) -> Module | None:
        """The module with this stem, or None."""
        return next((m for m in self.modules if m.stem == stem), None)


# --------------------------------------------------------------------------- YAML with lines


@dataclass
class _Doc:
    """A parsed YAML document that remembers the line of every key and item."""

    rel: str
    problems: list[Problem]
    data: Any = None
    lines: dict[tuple, int] = field(default_factory=dict)
    first_line: int = 1

    def line(self, *path: Any) -> int:
        """Line of the deepest known prefix of `path` (mapping keys as str)."""
        key = tuple(k if isinstance(k, int) else str(k) for k in path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), self.first_line)

    def add(self, path: tuple, reason: str) -> None:
        """Record a problem at the line of `path`."""
        self.problems.append(Problem(self.rel, self.line(*path), reason))


def _parse_yaml(text: str, rel: str, problems: list[Problem], first_line: int = 1) -> _Doc | None:
    """Parse YAML, indexing lines; report YAML errors at the line YAML gives."""
    doc = _Doc(rel, problems, first_line=first_line)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        doc.data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        reason = " ".join(x for x in (exc.context, exc.problem) if x)
        problems.append(Problem(rel, line, f"bad YAML: {reason}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(rel, first_line, f"bad YAML: {exc}"))
        return None
    finally:
        loader.dispose()
    if node is not None:
        _index_node(node, (), doc, set())
    return doc


def _index_node(node: yaml.Node, path: tuple, doc: _Doc, visited: set[int]) -> None:
    """Record the line of every mapping key and sequence item under `node`."""
    line = doc.first_line + node.start_mark.line
    doc.lines.setdefault(path, line)
    # Aliases share nodes; visiting each once keeps "billion laughs" documents cheap.
    if id(node) in visited:
        return
    visited.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            key_path = path + (key,)
            key_line = doc.first_line + key_node.start_mark.line
            if key in seen:
                # PyYAML silently keeps the last value; an author almost never means that.
                doc.problems.append(Problem(doc.rel, key_line, f"duplicate key {key!r}"))
            seen.add(key)
            doc.lines[key_path] = key_line
            _index_node(value_node, key_path, doc, visited)
            doc.lines[key_path] = key_line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_node(item, path + (index,), doc, visited)


# --------------------------------------------------------------------------- small checks


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_keys(doc: _Doc, path: tuple, data: Any, required: Iterable[str],
                optional: Iterable[str], what: str) -> bool:
    """Report unknown and missing keys of a mapping; False if it is no mapping."""
    if not isinstance(data, dict):
        doc.add(path, f"{what} must be a mapping of keys to values")
        return False
    required = tuple(required)
    allowed = set(required) | set(optional)
    for key in data:
        if str(key) not in allowed:
            doc.add(path + (str(key),), f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})")
    for key in required:
        if key not in data:
            doc.add(path, f"missing required key {key!r} in {what}")
    return True


def _text(doc: _Doc, data: dict, key: str) -> str:
    """A required non-empty string value, or '' after reporting."""
    value = data.get(key)
    if key in data and not (isinstance(value, str) and value.strip()):
        doc.add((key,), f"{key!r} must be a non-empty string")
        return ""
    return value.strip() if isinstance(value, str) else ""


def _positive_int(doc: _Doc, path: tuple, value: Any, name: str) -> int | None:
    if not _is_int(value) or value <= 0:
        doc.add(path, f"{name!r} must be a whole number above 0, not {value!r}")
        return None
    return value


def _principle_list(doc: _Doc, path: tuple, value: Any, allow_empty: bool) -> tuple[str, ...]:
    """Validate a list of principle ids, reporting unknown ids at their line."""
    if not isinstance(value, list) or (not value and not allow_empty):
        doc.add(path, "'principles' must be a list of principle ids such as [P02, P03]")
        return ()
    found: list[str] = []
    for index, item in enumerate(value):
        if item not in PRINCIPLE_IDS:
            doc.add(path + (index,), f"unknown principle id {item!r} (expected P01..P16)")
        elif item in found:
            doc.add(path + (index,), f"principle {item} is listed twice")
        else:
            found.append(item)
    return tuple(found)


def _string_list(doc: _Doc, path: tuple, value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        doc.add(path, f"{name!r} must be a non-empty list")
        return ()
    out = []
    for index, item in enumerate(value):
        if not (isinstance(item, str) and item.strip()):
            doc.add(path + (index,), f"each item of {name!r} must be a non-empty string")
        else:
            out.append(item.strip())
    return tuple(out)


# --------------------------------------------------------------------------- text and hashes


def _read_text(path: Path, rel: str, problems: list[Problem]) -> str | None:
    """Read a UTF-8 file with normalized newlines, or report why not."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(rel, 0, f"cannot read file: {exc.strerror}"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(rel, line, "file is not valid UTF-8"))
        return None
    return normalize_text(text)


def normalize_text(text: str) -> str:
    """Drop a BOM and turn CRLF/CR line endings into LF."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _sha256(parts: Iterable[tuple[str, str]]) -> str:
    """SHA-256 over (name, text) pairs, each framed with its length."""
    digest = hashlib.sha256()
    for name, text in parts:
        data = text.encode("utf-8")
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def count_words(markdown: str) -> int:
    """Words in a Markdown text (markup characters are not words)."""
    return len(_WORD_RE.findall(markdown))


# --------------------------------------------------------------------------- Markdown


_MD = MarkdownIt("js-default")  # CommonMark + tables + strikethrough, raw HTML off
_ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "s", "del",
    "code", "pre", "blockquote", "ul", "ol", "li", "a", "table", "caption", "thead", "tbody",
    "tr", "th", "td",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}
_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str) -> str:
    """Keep text, lists, tables and safe links; strip every other tag and attribute."""
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
        filter_style_properties={"text-align"},
    )


@dataclass(frozen=True)
class _Link:
    href: str
    line: int  # 0-based within the Markdown text


def _module_link_target(href: str) -> tuple[str, str] | None:
    """(file name, '#fragment' or '') if href points at a .md file, else None."""
    if _SCHEME_RE.match(href) or href.startswith(("/", "#", "?")):
        return None
    path, _, fragment = href.partition("#")
    path = path.partition("?")[0]
    if not path.lower().endswith(".md"):
        return None
    path = path.removeprefix("./")
    return path, f"#{fragment}" if fragment else ""


def _link_tokens(tokens: list[Token]) -> Iterable[tuple[Token, Token]]:
    """(link_open token, enclosing block inline token) for every link."""
    for block in tokens:
        for child in block.children or ():
            if child.type == "link_open":
                yield child, block


def _link_line(markdown_lines: list[str], block: Token, href: str) -> int:
    """0-based line of a link: the block line that contains the href."""
    start, end = block.map or (0, 1)
    for index in range(start, min(end, len(markdown_lines))):
        if href in markdown_lines[index]:
            return index
    return start


def render_markdown(markdown: str, module_files: Mapping[str, str] | None = None
                    ) -> tuple[str, list[_Link]]:
    """Render Markdown safely; rewrite module links; return (html, links to unknown .md files).

    `module_files` maps each linkable file name (`02-listen.md`, `02-listen.fr.md`)
    to its module stem (`02-listen`).
    """
    module_files = module_files or {}
    tokens = _MD.parse(markdown)
    lines = markdown.split("\n")
    missing: list[_Link] = []
    for link, block in _link_tokens(tokens):
        href = str(link.attrGet("href") or "")
        target = _module_link_target(href)
        if target is None:
            continue
        filename, fragment = target
        stem = module_files.get(filename)
        if stem is None:
            missing.append(_Link(href, _link_line(lines, block, href)))
            link.attrSet("href", "#")
        else:
            link.attrSet("href", stem + fragment)
    html = _MD.renderer.render(tokens, _MD.options, {})
    return sanitize_html(html), missing


# --------------------------------------------------------------------------- modules


@dataclass
class _ModuleFile:
    """What a module file holds before it becomes a Module or Translation."""

    title: str
    minutes: int
    principles: tuple[str, ...]
    for_role: str
    toolkit: bool
    body: str
    body_html: str
    text: str


def _split_front_matter(text: str, rel: str, problems: list[Problem]
                        ) -> tuple[str, int, str, int] | None:
    """(front matter, its first line, body, body's first line) or None after reporting."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        problems.append(Problem(rel, 1, "bad front matter: a module must start with a '---' line"))
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            front = "\n".join(lines[1:index]) + "\n"
            body = "\n".join(lines[index + 1:])
            return front, 2, body, index + 2
    problems.append(Problem(rel, 1, "bad front matter: no closing '---' line"))
    return None


def _read_module_file(path: Path, rel: str, module_files: Mapping[str, str],
                      problems: list[Problem]) -> _ModuleFile | None:
    """Parse and render one module file, reporting problems at file lines."""
    text = _read_text(path, rel, problems)
    if text is None:
        return None
    split = _split_front_matter(text, rel, problems)
    if split is None:
        return None
    front, front_line, body, body_line = split
    before = len(problems)
    doc = _parse_yaml(front, rel, problems, first_line=front_line)
    if doc is None:
        return None
    data = doc.data
    if data is None:
        data = {}
    if not _check_keys(doc, (), data, _MODULE_REQUIRED, _MODULE_OPTIONAL, "front matter"):
        return None
    title = _text(doc, data, "title")
    minutes = _positive_int(doc, ("minutes",), data.get("minutes"), "minutes") if "minutes" in data else None
    principles = _principle_list(doc, ("principles",), data.get("principles"), allow_empty=True) \
        if "principles" in data else ()
    for_role = data.get("for", "learner")
    if for_role not in MODULE_ROLES:
        doc.add(("for",), f"'for' must be one of {', '.join(MODULE_ROLES)}, not {for_role!r}")
    toolkit = data.get("toolkit", False)
    if not isinstance(toolkit, bool):
        doc.add(("toolkit",), f"'toolkit' must be true or false, not {toolkit!r}")
    if len(problems) > before:
        return None
    html, missing = render_markdown(body, module_files)
    for link in missing:
        problems.append(Problem(rel, body_line + link.line, f"link to missing module {link.href!r}"))
    return _ModuleFile(title, minutes or 0, principles, for_role, toolkit, body, html, text)


# --------------------------------------------------------------------------- course.yml


@dataclass
class _CourseYml:
    doc: _Doc
    slug: str = ""
    title: str = ""
    summary: str = ""
    kind: str = ""
    audience: tuple[str, ...] = ()
    default_assignment: bool = False
    estimated_minutes: int = 0
    objectives: tuple[str, ...] = ()
    principles: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    completion_quiz: str | None = None
    quiz: QuizSettings | None = None
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)


def _parse_course_yml(doc: _Doc, folder_name: str) -> _CourseYml:
    """Validate course.yml's keys and values."""
    out = _CourseYml(doc)
    data = doc.data
    if not _check_keys(doc, (), data, _COURSE_REQUIRED, _COURSE_OPTIONAL, "course.yml"):
        return out
    out.slug = _text(doc, data, "slug")
    if out.slug and not _SLUG_RE.match(out.slug):
        doc.add(("slug",), "'slug' may hold only lowercase letters, digits and single '-'")
    elif out.slug and out.slug != folder_name:
        doc.add(("slug",), f"slug {out.slug!r} does not match the folder name {folder_name!r}")
    out.title = _text(doc, data, "title")
    out.summary = _text(doc, data, "summary")
    out.kind = data.get("kind", "")
    if "kind" in data and out.kind not in KINDS:
        doc.add(("kind",), f"'kind' must be one of {', '.join(KINDS)}, not {out.kind!r}")
    if "audience" in data:
        out.audience = _parse_audience(doc, data["audience"])
    default = data.get("default_assignment", False)
    if not isinstance(default, bool):
        doc.add(("default_assignment",), f"'default_assignment' must be true or false, not {default!r}")
    out.default_assignment = default is True
    if "estimated_minutes" in data:
        out.estimated_minutes = _positive_int(doc, ("estimated_minutes",), data["estimated_minutes"],
                                              "estimated_minutes") or 0
    if "objectives" in data:
        out.objectives = _string_list(doc, ("objectives",), data["objectives"], "objectives")
    if "principles" in data:
        out.principles = _principle_list(doc, ("principles",), data["principles"], allow_empty=False)
    if "modules" in data:
        out.modules = _parse_module_list(doc, data["modules"])
    if "completion" in data:
        out.completion_quiz = _parse_completion(doc, data["completion"])
    if "quiz" in data:
        out.quiz = _parse_quiz(doc, data["quiz"])
    if "translations" in data:
        out.translations = _parse_course_translations(doc, data["translations"], len(out.objectives))
    return out


def _parse_course_translations(doc: _Doc, value: Any, objective_count: int) -> dict[str, dict[str, Any]]:
    """`translations: {fr: {title, summary, objectives}}`: the course's own texts in another language."""
    if not isinstance(value, dict):
        doc.add(("translations",), f"'translations' must map a language ({', '.join(LANGUAGES)}) to texts")
        return {}
    out: dict[str, dict[str, Any]] = {}
    for language, texts in value.items():
        path = ("translations", str(language))
        if language not in LANGUAGES:
            doc.add(path, f"unknown language {language!r} in translations (allowed: {', '.join(LANGUAGES)})")
            continue
        if not _check_keys(doc, path, texts, ("title",), _COURSE_TRANSLATION_KEYS[1:], f"translations.{language}"):
            continue
        entry: dict[str, Any] = {}
        for key in ("title", "summary"):
            if key in texts:
                text = texts[key]
                if not (isinstance(text, str) and text.strip()):
                    doc.add(path + (key,), f"'translations.{language}.{key}' must be a non-empty string")
                else:
                    entry[key] = text.strip()
        if "objectives" in texts:
            objectives = _string_list(doc, path + ("objectives",), texts["objectives"],
                                      f"translations.{language}.objectives")
            if objectives and len(objectives) != objective_count:
                doc.add(path + ("objectives",), f"'translations.{language}.objectives' has {len(objectives)} "
                                                f"objectives but the course has {objective_count}")
            else:
                entry["objectives"] = list(objectives)
        out[language] = entry
    return out


def _parse_audience(doc: _Doc, value: Any) -> tuple[str, ...]:
    if value == "all":
        return ("all",)
    allowed = DEPARTMENT_KINDS + ROLES
    if not isinstance(value, list) or not value:
        doc.add(("audience",), "'audience' must be 'all' or a list of department kinds and roles")
        return ()
    out: list[str] = []
    for index, item in enumerate(value):
        if item not in allowed:
            doc.add(("audience", index), f"unknown audience {item!r} (allowed: 'all' alone, or {', '.join(allowed)})")
        elif item in out:
            doc.add(("audience", index), f"audience {item!r} is listed twice")
        else:
            out.append(item)
    return tuple(out)


def _parse_module_list(doc: _Doc, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        doc.add(("modules",), "'modules' must be a non-empty list of module file names")
        return ()
    out: list[str] = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not _MODULE_RE.match(item):
            doc.add(("modules", index),
                    f"module {item!r} must be a file name like '02-listen.md' (NN-lowercase-words.md)")
        elif item in out:
            doc.add(("modules", index), f"module {item!r} is listed twice")
        else:
            out.append(item)
    return tuple(out)


def _parse_completion(doc: _Doc, value: Any) -> str | None:
    if not _check_keys(doc, ("completion",), value, (), _COMPLETION_KEYS, "completion"):
        return None
    if value.get("modules", "all") != "all":
        doc.add(("completion", "modules"), f"'completion.modules' must be 'all', not {value['modules']!r}")
    quiz = value.get("quiz")
    if quiz is not None and quiz not in ("required", "none"):
        doc.add(("completion", "quiz"), f"'completion.quiz' must be 'required' or 'none', not {quiz!r}")
        return None
    return quiz


def _parse_quiz(doc: _Doc, value: Any) -> QuizSettings | None:
    if not _check_keys(doc, ("quiz",), value, (), _QUIZ_KEYS, "quiz"):
        return None
    settings: dict[str, Any] = {}
    if "title" in value:
        title = value["title"]
        if not (isinstance(title, str) and title.strip()):
            doc.add(("quiz", "title"), "'quiz.title' must be a non-empty string")
        else:
            settings["title"] = title.strip()
    if "pass_mark" in value:
        mark = value["pass_mark"]
        if not _is_number(mark) or not 0 < mark <= 100:
            doc.add(("quiz", "pass_mark"), f"'quiz.pass_mark' must be a percentage above 0 and at most 100, not {mark!r}")
        else:
            settings["pass_mark"] = mark
    if "attempts" in value:
        attempts = value["attempts"]
        if not _is_int(attempts) or attempts < 0:
            doc.add(("quiz", "attempts"), f"'quiz.attempts' must be a whole number, 0 for unlimited, not {attempts!r}")
        else:
            settings["attempts"] = attempts
    if "time_limit_minutes" in value:
        limit = _positive_int(doc, ("quiz", "time_limit_minutes"), value["time_limit_minutes"],
                              "quiz.time_limit_minutes")
        if limit:
            settings["time_limit_minutes"] = limit
    if "review" in value:
        review = value["review"]
        if review not in REVIEW_MODES:
            doc.add(("quiz", "review"), f"'quiz.review' must be one of {', '.join(REVIEW_MODES)}, not {review!r}")
        else:
            settings["review"] = review
    if "draw" in value:
        settings["draw"] = _parse_draw(doc, value["draw"])
    return QuizSettings(**settings)


def _parse_draw(doc: _Doc, value: Any) -> tuple[DrawRule, ...]:
    path = ("quiz", "draw")
    if not isinstance(value, list) or not value:
        doc.add(path, "'quiz.draw' must be a non-empty list of {category, count}")
        return ()
    rules: list[DrawRule] = []
    for index, item in enumerate(value):
        if not _check_keys(doc, path + (index,), item, ("category", "count"), (), "quiz.draw item") \
                or not {"category", "count"} <= item.keys():
            continue
        category, count = item.get("category"), item.get("count")
        if not (isinstance(category, str) and category.strip()):
            doc.add(path + (index, "category"), "'category' must be a bank category name")
            continue
        if not _is_int(count) or count <= 0:
            doc.add(path + (index, "count"), f"'count' must be a whole number above 0, not {count!r}")
            continue
        if any(r.category == category.strip() for r in rules):
            doc.add(path + (index, "category"), f"category {category!r} is drawn from twice")
            continue
        rules.append(DrawRule(category.strip(), count))
    return tuple(rules)


# --------------------------------------------------------------------------- quiz bank


def _gift():
    """The GIFT parser (imported late so this module loads even while it is being written)."""
    from lms.quizzes import gift

    return gift


def principle_ids_of(name: str) -> tuple[list[str], list[str]]:
    """(known ids, unknown P-tokens) at the start of a question name such as 'P02 P03 listen'."""
    known: list[str] = []
    unknown: list[str] = []
    for token in re.split(r"[\s,;]+", name.strip()):
        if not _PRINCIPLE_TOKEN_RE.match(token):
            break
        if token in PRINCIPLE_IDS:
            if token not in known:
                known.append(token)
        else:
            unknown.append(token)
    return known, unknown


def _gift_escape(text: str) -> str:
    return re.sub(r"([~=#{}:])", r"\\\1", text)


def _question_lines(text: str, questions: list[dict]) -> list[int]:
    """1-based line of each question: the parser's if it gives one, else where its name is."""
    lines: list[int] = []
    position = 0
    for question in questions:
        line = question.get("line")
        if _is_int(line):
            lines.append(line)
            continue
        name = str(question.get("name") or "")
        found = -1
        for needle in (f"::{_gift_escape(name)}::", f"::{name}::", name[:40]):
            if needle:
                found = text.find(needle, position)
                if found >= 0:
                    break
        if found < 0:
            lines.append(text.count("\n", 0, position) + 1)
            continue
        position = found + 1
        lines.append(text.count("\n", 0, found) + 1)
    return lines


@dataclass(frozen=True)
class _BankEntry:
    """One question of a bank with where it is and what it assesses."""

    rel: str
    line: int
    question: dict[str, Any]
    principles: tuple[str, ...]


def _read_bank(text: str, rel: str, principles: tuple[str, ...], problems: list[Problem]
               ) -> list[_BankEntry] | None:
    """Parse a GIFT bank and check that every question names its principles."""
    try:
        gift = _gift()
    except ImportError as exc:
        problems.append(Problem(rel, 0, f"cannot parse GIFT: lms.quizzes.gift is unavailable ({exc})"))
        return None
    try:
        questions = list(gift.parse_gift(text))
    except gift.GiftError as exc:
        for line, reason in exc.problems:
            problems.append(Problem(rel, int(line), reason))
        return None
    entries: list[_BankEntry] = []
    for question, line in zip(questions, _question_lines(text, questions)):
        if question.get("type") == "description":
            continue
        name = str(question.get("name") or "")
        known, unknown = principle_ids_of(name)
        for token in unknown:
            problems.append(Problem(rel, line, f"unknown principle id {token!r} in question name {name!r}"))
        if not known and not unknown:
            problems.append(Problem(rel, line, f"question name {name!r} must start with the principle ids "
                                               "it assesses, e.g. ::P02 listen first::"))
        for pid in known:
            if principles and pid not in principles:
                problems.append(Problem(rel, line, f"question assesses {pid}, which is not among the "
                                                   "course's principles in course.yml"))
        entries.append(_BankEntry(rel, line, question, tuple(known)))
    return entries


def _check_draw(yml: _CourseYml, entries: list[_BankEntry]) -> None:
    """Every draw names a bank category with at least `count` questions."""
    if yml.quiz is None:
        return
    sizes: dict[str, int] = {}
    for entry in entries:
        category = entry.question.get("category")
        if category is not None:
            sizes[str(category)] = sizes.get(str(category), 0) + 1
    draw_data = yml.doc.data.get("quiz", {}).get("draw", [])
    for rule in yml.quiz.draw:
        index = next((i for i, item in enumerate(draw_data)
                      if isinstance(item, dict) and str(item.get("category", "")).strip() == rule.category), 0)
        if rule.category not in sizes:
            known = ", ".join(repr(c) for c in sorted(sizes)) or "none"
            yml.doc.add(("quiz", "draw", index, "category"),
                        f"draw category {rule.category!r} is not in quiz.gift (categories: {known})")
        elif rule.count > sizes[rule.category]:
            yml.doc.add(("quiz", "draw", index, "count"),
                        f"draw asks for {rule.count} questions from {rule.category!r}, "
                        f"which has only {sizes[rule.category]}")


# --------------------------------------------------------------------------- rubric


def _parse_rubric(doc: _Doc) -> Rubric | None:
    """Validate rubric.yml: criteria with levels 1..4 and an optional pass rule."""
    before = len(doc.problems)
    data = doc.data
    if not _check_keys(doc, (), data, ("criteria",), ("pass_rule",), "rubric.yml"):
        return None
    criteria = _parse_criteria(doc, data.get("criteria"))
    min_each, min_average = 2, 3
    if "pass_rule" in data:
        rule = data["pass_rule"]
        if _check_keys(doc, ("pass_rule",), rule, (), ("min_each", "min_average"), "pass_rule"):
            min_each = rule.get("min_each", min_each)
            min_average = rule.get("min_average", min_average)
            if not _is_int(min_each) or min_each not in RUBRIC_LEVELS:
                doc.add(("pass_rule", "min_each"), f"'min_each' must be a level from 1 to 4, not {min_each!r}")
            if not _is_number(min_average) or not 1 <= min_average <= 4:
                doc.add(("pass_rule", "min_average"),
                        f"'min_average' must be a number from 1 to 4, not {min_average!r}")
    if len(doc.problems) > before:
        return None
    return Rubric(tuple(criteria), min_each, min_average)


def _parse_criteria(doc: _Doc, value: Any) -> list[RubricCriterion]:
    if "criteria" in doc.data and (not isinstance(value, list) or not value):
        doc.add(("criteria",), "'criteria' must be a non-empty list")
        return []
    criteria: list[RubricCriterion] = []
    for index, item in enumerate(value or []):
        path = ("criteria", index)
        if not _check_keys(doc, path, item, ("id", "title", "levels"), (), "criterion"):
            continue
        cid, title, levels = item.get("id"), item.get("title"), item.get("levels")
        if not (isinstance(cid, str) and _SLUG_RE.match(cid)):
            doc.add(path + ("id",), f"criterion id {cid!r} must be lowercase letters, digits and '-'")
        elif any(c.id == cid for c in criteria):
            doc.add(path + ("id",), f"criterion id {cid!r} is used twice")
        if "title" in item and not (isinstance(title, str) and title.strip()):
            doc.add(path + ("title",), "criterion 'title' must be a non-empty string")
        parsed = _parse_levels(doc, path + ("levels",), levels)
        if isinstance(cid, str) and isinstance(title, str) and parsed:
            criteria.append(RubricCriterion(cid, title.strip(), parsed))
    return criteria


def _parse_levels(doc: _Doc, path: tuple, levels: Any) -> dict[int, str] | None:
    if not isinstance(levels, dict):
        doc.add(path, "'levels' must map each level 1, 2, 3, 4 to a description")
        return None
    ok = True
    for key, text in levels.items():
        if key not in RUBRIC_LEVELS or not _is_int(key):
            doc.add(path + (str(key),), f"unknown level {key!r} (levels are 1, 2, 3 and 4)")
            ok = False
        elif not (isinstance(text, str) and text.strip()):
            doc.add(path + (str(key),), f"level {key} needs a description")
            ok = False
    for level in RUBRIC_LEVELS:
        if level not in levels:
            doc.add(path, f"missing level {level} (every criterion has levels 1, 2, 3 and 4)")
            ok = False
    return {level: levels[level].strip() for level in RUBRIC_LEVELS} if ok else None


# --------------------------------------------------------------------------- one course


@dataclass
class _CourseRead:
    """A course folder as read, with what the coverage rules need."""

    course: Course | None
    yml: _CourseYml | None
    rel_dir: str
    modules: list[tuple[str, _ModuleFile]]  # (file name, parsed) for listed, readable modules
    bank: list[_BankEntry] | None
    has_bank: bool
    all_modules_read: bool = False


def read_course(folder: Path, display_root: Path | None = None) -> tuple[Course | None, list[Problem]]:
    """Parse one course folder: (the course, or None if it has problems; its problems)."""
    problems: list[Problem] = []
    read = _read_course(folder, display_root or folder.parent, problems)
    return read.course, sorted(problems)


def load_course(folder: Path) -> Course:
    """Parse one course folder or raise ContentError (coverage rules not applied)."""
    course, problems = read_course(folder)
    if problems or course is None:
        raise ContentError(problems)
    return course


def _rel(display_root: Path, *parts: str) -> str:
    return "/".join((display_root.name or str(display_root),) + parts)


def _read_course(folder: Path, display_root: Path, problems: list[Problem]) -> _CourseRead:
    start = len(problems)
    name = folder.name
    rel_dir = _rel(display_root, name)
    result = _CourseRead(None, None, rel_dir, [], None, False)
    yml_path = folder / COURSE_FILE
    if not yml_path.is_file():
        problems.append(Problem(rel_dir, 0, f"course folder has no {COURSE_FILE}"))
        return result
    yml_rel = f"{rel_dir}/{COURSE_FILE}"
    yml_text = _read_text(yml_path, yml_rel, problems)
    doc = _parse_yaml(yml_text, yml_rel, problems) if yml_text is not None else None
    if doc is None:
        return result
    yml = _parse_course_yml(doc, name)
    result.yml = yml

    module_files = _linkable_files(folder, yml.modules)
    modules = _read_modules(folder, rel_dir, yml, module_files, problems)
    result.modules = [(m.filename, m.parsed) for m in modules if m.parsed is not None]
    result.all_modules_read = len(result.modules) == len(modules)
    _check_unlisted(folder, rel_dir, yml.modules, problems)

    bank_text = _read_optional(folder / QUIZ_FILE, f"{rel_dir}/{QUIZ_FILE}", problems)
    result.has_bank = (folder / QUIZ_FILE).is_file()
    if bank_text is not None:
        result.bank = _read_bank(bank_text, f"{rel_dir}/{QUIZ_FILE}", yml.principles, problems)
        if result.bank is not None:
            _check_draw(yml, result.bank)
    _check_quiz_presence(yml, result.has_bank)

    rubric_text = _read_optional(folder / RUBRIC_FILE, f"{rel_dir}/{RUBRIC_FILE}", problems)
    rubric = None
    if rubric_text is not None:
        if yml.kind and yml.kind != "trainer":
            problems.append(Problem(f"{rel_dir}/{RUBRIC_FILE}", 1,
                                    "rubric.yml belongs only in a course of kind 'trainer'"))
        rubric_doc = _parse_yaml(rubric_text, f"{rel_dir}/{RUBRIC_FILE}", problems)
        rubric = _parse_rubric(rubric_doc) if rubric_doc is not None else None

    if len(problems) == start:
        result.course = _build_course(folder, yml, modules, yml_text, bank_text,
                                      result.bank, rubric_text, rubric)
    return result


def _linkable_files(folder: Path, listed: tuple[str, ...]) -> dict[str, str]:
    """File names a module may link to, mapped to the stem of the module they belong to."""
    files = {}
    for filename in listed:
        stem = filename[:-3]
        files[filename] = stem
        for language in LANGUAGES:
            if (folder / f"{stem}.{language}.md").is_file():
                files[f"{stem}.{language}.md"] = stem
    return files


@dataclass
class _ReadModule:
    """A listed module file as read: None parts when it has problems."""

    filename: str
    parsed: _ModuleFile | None
    translations: list[tuple[Translation, str]]  # (translation, its normalized text)


def _read_modules(folder: Path, rel_dir: str, yml: _CourseYml, module_files: dict[str, str],
                  problems: list[Problem]) -> list[_ReadModule]:
    out: list[_ReadModule] = []
    for index, filename in enumerate(yml.modules):
        path = folder / filename
        if not path.is_file():
            yml.doc.add(("modules", index), f"module {filename!r} is listed but {filename} does not exist")
            out.append(_ReadModule(filename, None, []))
            continue
        rel = f"{rel_dir}/{filename}"
        module = _read_module_file(path, rel, module_files, problems)
        if module is not None:
            _check_module_against_course(rel, module, yml, problems)
        translations = _read_translations(folder, filename[:-3], rel_dir, problems, module_files)
        out.append(_ReadModule(filename, module, translations))
    return out


def _check_module_against_course(rel: str, module: _ModuleFile, yml: _CourseYml,
                                 problems: list[Problem]) -> None:
    """Principles must be the course's; learner modules carry real teaching text."""
    for pid in module.principles:
        if yml.principles and pid not in yml.principles:
            line = _front_matter_line(module.text, "principles")
            problems.append(Problem(rel, line, f"principle {pid} is not among the course's principles in course.yml"))
    if module.for_role == "learner":
        words = count_words(module.body)
        low, high = MODULE_WORDS
        if not low <= words <= high:
            problems.append(Problem(rel, 1, f"a learner module needs {low} to {high:,} words of teaching "
                                            f"text; this one has {words:,}"))


def _front_matter_line(text: str, key: str) -> int:
    for index, line in enumerate(text.split("\n")):
        if line.startswith(f"{key}:"):
            return index + 1
    return 1


def _check_unlisted(folder: Path, rel_dir: str, listed: tuple[str, ...], problems: list[Problem]) -> None:
    """Module files not in course.yml, French files without a twin, stray files."""
    known = {COURSE_FILE, QUIZ_FILE, RUBRIC_FILE}
    for path in sorted(folder.iterdir()):
        name = path.name
        if name.startswith(".") or name in known or name in listed:
            continue
        rel = f"{rel_dir}/{name}"
        translation = _TRANSLATION_RE.match(name)
        if path.is_dir():
            problems.append(Problem(rel, 0, "unexpected folder inside a course folder"))
        elif translation and translation.group(2) in LANGUAGES:
            if f"{translation.group(1)}.md" not in listed:
                problems.append(Problem(rel, 1, f"translation has no listed English module "
                                                f"{translation.group(1)}.md in course.yml"))
        elif name.endswith(".md"):
            problems.append(Problem(rel, 1, "module file is not listed in course.yml 'modules'"))
        else:
            problems.append(Problem(rel, 0, "unexpected file (a course folder holds course.yml, "
                                            "NN-name.md modules, quiz.gift and rubric.yml)"))


def _read_optional(path: Path, rel: str, problems: list[Problem]) -> str | None:
    return _read_text(path, rel, problems) if path.is_file() else None


def _check_quiz_presence(yml: _CourseYml, has_bank: bool) -> None:
    """Quiz settings and a required quiz both need a quiz.gift."""
    if has_bank:
        return
    if yml.quiz is not None:
        yml.doc.add(("quiz",), "quiz settings are given but the course has no quiz.gift")
    if yml.completion_quiz == "required":
        yml.doc.add(("completion", "quiz"), "completion requires a quiz but the course has no quiz.gift")


def _read_translations(folder: Path, stem: str, rel_dir: str, problems: list[Problem],
                       module_files: dict[str, str]) -> list[tuple[Translation, str]]:
    out = []
    for language in LANGUAGES:
        path = folder / f"{stem}.{language}.md"
        if not path.is_file():
            continue
        parsed = _read_module_file(path, f"{rel_dir}/{path.name}", module_files, problems)
        if parsed is None:
            continue
        translation = Translation(language, path, parsed.title, parsed.minutes, parsed.principles,
                                  parsed.body, parsed.body_html, count_words(parsed.body),
                                  _sha256([(path.name, parsed.text)]))
        out.append((translation, parsed.text))
    return out


def _build_course(folder: Path, yml: _CourseYml, modules: list[_ReadModule], yml_text: str,
                  bank_text: str | None, bank: list[_BankEntry] | None,
                  rubric_text: str | None, rubric: Rubric | None) -> Course:
    """Assemble a Course from parts already known to be valid."""
    built: list[Module] = []
    for position, read in enumerate(modules, start=1):
        parsed = read.parsed
        assert parsed is not None
        parts = [(read.filename, parsed.text)] + [(t.path.name, text) for t, text in read.translations]
        built.append(Module(read.filename[:-3], read.filename, folder / read.filename, position,
                            parsed.title, parsed.minutes, parsed.principles, parsed.for_role,
                            parsed.toolkit, parsed.body, parsed.body_html, count_words(parsed.body),
                            _sha256(parts), tuple(t for t, _ in read.translations)))
    completion = Completion(quiz=yml.completion_quiz or ("required" if bank_text is not None else "none"))
    quiz = yml.quiz if yml.quiz is not None else (QuizSettings() if bank_text is not None else None)
    hash_parts = [(COURSE_FILE, yml_text)] + [(m.filename, m.content_hash) for m in built]
    hash_parts += [(QUIZ_FILE, bank_text or ""), (RUBRIC_FILE, rubric_text or "")]
    return Course(
        slug=yml.slug, path=folder, title=yml.title, summary=yml.summary, kind=yml.kind,
        audience=yml.audience, default_assignment=yml.default_assignment,
        estimated_minutes=yml.estimated_minutes, objectives=yml.objectives, principles=yml.principles,
        modules=tuple(built), completion=completion, quiz=quiz, quiz_bank=bank_text,
        questions=tuple(e.question for e in bank or ()), rubric=rubric,
        content_hash=_sha256(hash_parts), translations=dict(yml.translations),
    )


# --------------------------------------------------------------------------- all courses


def _course_folders(root: Path) -> list[Path]:
    """Course folders under root: every non-hidden directory."""
    return sorted(p for p in root.iterdir()
                  if p.is_dir() and not p.name.startswith((".", "_")))


def read_courses(root: Path) -> tuple[list[Course], list[Problem]]:
    """Parse every course under root: (courses without problems of their own, all problems)."""
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        return [], [Problem(str(root), 0, "courses folder does not exist")]
    reads = [_read_course(folder, root, problems) for folder in _course_folders(root)]
    if not reads:
        problems.append(Problem(_rel(root), 0, "no course folders"))
    _check_coverage(root, reads, problems)
    courses = [r.course for r in reads if r.course is not None]
    return courses, sorted(set(problems))


def check_courses(root: Path) -> list[Problem]:
    """Validate every course under root, coverage rules included; [] when all is well."""
    return read_courses(root)[1]


def load_courses(root: Path) -> list[Course]:
    """Parse every course under root, or raise ContentError listing every problem."""
    courses, problems = read_courses(root)
    if problems:
        raise ContentError(problems)
    return courses


def _check_coverage(root: Path, reads: list[_CourseRead], problems: list[Problem]) -> None:
    """The README's coverage rules across all courses."""
    # Coverage is judged only on what could be read; parse errors are reported already.
    taught: set[str] = set()
    assessed: dict[str, int] = {pid: 0 for pid in PRINCIPLE_IDS}
    for read in reads:
        for _, module in read.modules:
            if module.for_role == "learner":
                taught.update(module.principles)
        for entry in read.bank or ():
            for pid in entry.principles:
                assessed[pid] += 1
        if read.yml is not None:
            _check_online_bank(read, problems)
            _check_workshop(read)
    modules_read = all(r.yml is not None and r.all_modules_read for r in reads)
    banks_read = all(r.yml is not None and (r.bank is not None or not r.has_bank) for r in reads)
    for pid in PRINCIPLE_IDS:
        if modules_read and pid not in taught:
            problems.append(Problem(_rel(root), 0, f"principle {pid} is not taught by any learner module"))
        if banks_read and assessed[pid] < MIN_QUESTIONS_PER_PRINCIPLE:
            problems.append(Problem(_rel(root), 0, f"principle {pid} is assessed by {assessed[pid]} "
                                                   f"question(s) across all banks; at least "
                                                   f"{MIN_QUESTIONS_PER_PRINCIPLE} are needed"))


def _check_online_bank(read: _CourseRead, problems: list[Problem]) -> None:
    yml = read.yml
    assert yml is not None
    if yml.kind != "online":
        return
    if not read.has_bank:
        yml.doc.add(("kind",), f"an online course needs a quiz.gift with at least {MIN_ONLINE_BANK} questions")
    elif read.bank is not None and len(read.bank) < MIN_ONLINE_BANK:
        problems.append(Problem(f"{read.rel_dir}/{QUIZ_FILE}", 0,
                                f"an online course's bank needs at least {MIN_ONLINE_BANK} questions; "
                                f"this one has {len(read.bank)}"))


def _check_workshop(read: _CourseRead) -> None:
    """A workshop lists every principle and some module of it touches each one."""
    yml = read.yml
    assert yml is not None
    if yml.kind != "workshop":
        return
    touched = {pid for _, module in read.modules for pid in module.principles}
    for pid in PRINCIPLE_IDS:
        if yml.principles and pid not in yml.principles:
            yml.doc.add(("principles",), f"the workshop must touch every principle; {pid} is not in its principles")
        elif read.all_modules_read and pid not in touched:
            yml.doc.add(("modules",), f"the workshop must touch every principle; no module's front matter lists {pid}")
