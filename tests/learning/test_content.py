"""The pure course-content loader and validator (lms.learning.content)."""
from __future__ import annotations

import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lms.learning.content import (
    PRINCIPLE_IDS,
    ContentError,
    Problem,
    check_courses,
    load_course,
    load_courses,
    read_course,
    render_markdown,
)

REPO_COURSES = Path(__file__).resolve().parents[2] / "courses"

TEACHING_TEXT = " ".join(["Listen to the whole story before you act."] * 45)  # 360 words

COURSE_YML = """\
slug: demo
title: Demo course
summary: A course used by the tests.
kind: online
audience: all
estimated_minutes: 30
objectives:
  - Do the thing
principles: [P01, P02, P03, P04, P05, P06, P07, P08, P09, P10, P11, P12, P13, P14, P15, P16]
modules:
  - 01-intro.md
  - 02-listen.md
quiz:
  pass_mark: 70
  draw:
    - category: Demo/All
      count: 5
"""

MODULE_1 = f"""\
---
title: Introduction
minutes: 10
principles: [P01, P02, P03, P04, P05, P06, P07, P08]
---
# Welcome

Next comes [listening](02-listen.md#why).

{TEACHING_TEXT}
"""

MODULE_2 = f"""\
---
title: Listen
minutes: 10
principles: [P09, P10, P11, P12, P13, P14, P15, P16]
---
## Why

{TEACHING_TEXT}
"""


def _bank() -> str:
    """16 questions: question i assesses P(i) and P(i+1), so each principle has two."""
    lines = ["$CATEGORY: Demo/All", ""]
    for i in range(16):
        a, b = PRINCIPLE_IDS[i], PRINCIPLE_IDS[(i + 1) % 16]
        lines.append(f"::{a} {b} statement {i}::Statement number {i} is true. {{T}}")
        lines.append("")
    return "\n".join(lines)


RUBRIC = """\
criteria:
  - id: models-last
    title: Models the LAST conversation
    levels:
      1: Skips steps
      2: Some steps
      3: All steps
      4: All steps, naturally
  - id: keeps-time
    title: Keeps time
    levels:
      1: Very late
      2: Late
      3: On time
      4: On time, calmly
pass_rule:
  min_each: 2
  min_average: 3
"""


def write_course(root: Path, slug: str = "demo", files: dict[str, str | None] | None = None) -> Path:
    """A valid online course covering every principle; `files` overrides (None deletes)."""
    folder = root / slug
    folder.mkdir(parents=True, exist_ok=True)
    contents: dict[str, str | None] = {
        "course.yml": COURSE_YML.replace("slug: demo", f"slug: {slug}"),
        "01-intro.md": MODULE_1,
        "02-listen.md": MODULE_2,
        "quiz.gift": _bank(),
    }
    contents.update(files or {})
    for name, text in contents.items():
        path = folder / name
        if text is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def root(tmp_path: Path) -> Path:
    courses = tmp_path / "courses"
    courses.mkdir()
    (courses / "README.md").write_text("not a course\n")
    write_course(courses)
    return courses


def problems_in(root: Path, path: str) -> list[tuple[int, str]]:
    """(line, reason) of the problems reported against one path under courses/."""
    full = f"courses/{path}" if path else "courses"
    return [(p.line, p.reason) for p in check_courses(root) if p.path == full]


def assert_problem(root: Path, path: str, line: int, *words: str) -> None:
    found = problems_in(root, path)
    matches = [r for n, r in found if n == line and all(w.lower() in r.lower() for w in words)]
    assert matches, f"no problem at {path}:{line} mentioning {words}; got {found}"


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), start=1) if needle in line)


# --------------------------------------------------------------------------- a valid folder


def test_valid_folder_has_no_problems_and_loads(root: Path) -> None:
    assert check_courses(root) == []
    [course] = load_courses(root)
    assert course.slug == "demo" and course.kind == "online" and course.audience == ("all",)
    assert [m.stem for m in course.modules] == ["01-intro", "02-listen"]
    assert [m.position for m in course.modules] == [1, 2]
    first = course.modules[0]
    assert first.title == "Introduction" and first.minutes == 10 and first.for_role == "learner"
    assert first.principles[:2] == ("P01", "P02") and first.word_count > 300
    assert "<h1>Welcome</h1>" in first.body_html
    assert course.completion.quiz == "required" and course.quiz.pass_mark == 70
    assert course.quiz.attempts == 3 and course.quiz.draw[0].category == "Demo/All"
    assert course.quiz_bank.startswith("$CATEGORY") and len(course.questions) == 16
    assert course.questions[0]["name"].startswith("P01 P02")
    assert course.rubric is None
    assert len(course.content_hash) == 64


def test_problem_prints_as_path_line_reason() -> None:
    assert str(Problem("courses/x/course.yml", 3, "bad")) == "courses/x/course.yml:3: bad"


def test_load_courses_raises_with_every_problem(root: Path) -> None:
    write_course(root, files={"course.yml": COURSE_YML + "colour: red\n"})
    with pytest.raises(ContentError) as info:
        load_courses(root)
    assert "courses/demo/course.yml:18: unknown key 'colour'" in str(info.value)
    assert info.value.problems == check_courses(root)


# --------------------------------------------------------------------------- course.yml


def test_unknown_key_in_course_yml(root: Path) -> None:
    write_course(root, files={"course.yml": COURSE_YML.replace("audience: all", "audience: all\ncolour: red")})
    assert_problem(root, "demo/course.yml", 6, "unknown key", "colour")


def test_missing_required_key(root: Path) -> None:
    write_course(root, files={"course.yml": COURSE_YML.replace("summary: A course used by the tests.\n", "")})
    assert_problem(root, "demo/course.yml", 1, "missing required key", "summary")


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("estimated_minutes: 30", "estimated_minutes: thirty", 6, ("estimated_minutes", "whole number")),
        ("kind: online", "kind: webinar", 4, ("kind", "webinar")),
        ("audience: all", "audience: [front_line, everyone]", 5, ("unknown audience", "everyone")),
        ("title: Demo course", "title: [a, b]", 2, ("title", "string")),
        ("  pass_mark: 70", "  pass_mark: 170", 14, ("pass_mark",)),
        ("quiz:", "default_assignment: yes please\nquiz:", 13, ("default_assignment",)),
    ],
)
def test_wrong_types_are_reported_at_their_line(root: Path, old: str, new: str, line: int, words) -> None:
    write_course(root, files={"course.yml": COURSE_YML.replace(old, new)})
    assert_problem(root, "demo/course.yml", line, *words)


def test_slug_must_match_folder(root: Path) -> None:
    write_course(root, files={"course.yml": COURSE_YML.replace("slug: demo", "slug: other")})
    assert_problem(root, "demo/course.yml", 1, "does not match the folder", "other")


def test_bad_yaml_is_reported_at_the_line_yaml_gives(root: Path) -> None:
    bad = COURSE_YML.replace("objectives:\n  - Do the thing", "objectives:\n  - Do the thing\n   bad: [unclosed")
    write_course(root, files={"course.yml": bad})
    [(line, reason)] = problems_in(root, "demo/course.yml")
    assert reason.startswith("bad YAML") and line in (9, 10)


def test_duplicate_key_is_reported(root: Path) -> None:
    write_course(root, files={"course.yml": COURSE_YML + "title: Again\n"})
    assert_problem(root, "demo/course.yml", 18, "duplicate key", "title")


def test_unknown_principle_in_course_yml(root: Path) -> None:
    write_course(root, files={"course.yml": COURSE_YML.replace("P16]", "P16, P17]")})
    assert_problem(root, "demo/course.yml", 9, "unknown principle id", "P17")


# --------------------------------------------------------------------------- modules


def test_module_listed_but_missing(root: Path) -> None:
    write_course(root, files={"02-listen.md": None})
    assert_problem(root, "demo/course.yml", 12, "listed but", "02-listen.md")


def test_module_file_present_but_not_listed(root: Path) -> None:
    write_course(root, files={"03-extra.md": MODULE_2})
    assert_problem(root, "demo/03-extra.md", 1, "not listed")


def test_french_twin_is_accepted_and_loaded(root: Path) -> None:
    french = MODULE_2.replace("title: Listen", "title: Écouter")
    write_course(root, files={"02-listen.fr.md": french})
    assert check_courses(root) == []
    [course] = load_courses(root)
    [translation] = course.module("02-listen").translations
    assert translation.language == "fr" and translation.title == "Écouter"


def test_french_file_without_listed_twin(root: Path) -> None:
    write_course(root, files={"05-orphan.fr.md": MODULE_2})
    assert_problem(root, "demo/05-orphan.fr.md", 1, "no listed English module", "05-orphan.md")


def test_french_file_is_validated_like_a_module(root: Path) -> None:
    write_course(root, files={"02-listen.fr.md": MODULE_2.replace("minutes: 10", "minutes: dix")})
    assert_problem(root, "demo/02-listen.fr.md", 3, "minutes")


def test_unknown_key_in_front_matter(root: Path) -> None:
    write_course(root, files={"02-listen.md": MODULE_2.replace("minutes: 10", "minutes: 10\nauthor: Sam")})
    assert_problem(root, "demo/02-listen.md", 4, "unknown key", "author")


def test_missing_front_matter_key(root: Path) -> None:
    write_course(root, files={"02-listen.md": MODULE_2.replace("title: Listen\n", "")})
    assert_problem(root, "demo/02-listen.md", 2, "missing required key", "title")


def test_wrong_front_matter_values(root: Path) -> None:
    text = MODULE_2.replace("minutes: 10", "minutes: 10\nfor: everyone\ntoolkit: maybe")
    write_course(root, files={"02-listen.md": text})
    assert_problem(root, "demo/02-listen.md", 4, "'for'", "everyone")
    assert_problem(root, "demo/02-listen.md", 5, "toolkit")


def test_unknown_principle_in_front_matter(root: Path) -> None:
    write_course(root, files={"02-listen.md": MODULE_2.replace("P16]", "P16, P99]")})
    assert_problem(root, "demo/02-listen.md", 4, "unknown principle id", "P99")


def test_module_principle_must_be_in_course(root: Path) -> None:
    yml = COURSE_YML.replace("P15, P16]", "P15]")
    module_1 = MODULE_1.replace("P08]", "P08, P16]")
    write_course(root, files={"course.yml": yml, "01-intro.md": module_1, "02-listen.md": MODULE_2.replace(", P16]", "]")})
    assert_problem(root, "demo/01-intro.md", 4, "P16", "not among the course's principles")


def test_bad_yaml_in_front_matter_uses_file_line(root: Path) -> None:
    text = MODULE_2.replace("minutes: 10", "minutes: 10\nprinciples: [P09, P10")
    text = text.replace("principles: [P09, P10, P11, P12, P13, P14, P15, P16]\n", "")
    write_course(root, files={"02-listen.md": text})
    [(line, reason)] = problems_in(root, "demo/02-listen.md")
    assert reason.startswith("bad YAML") and line in (4, 5)


@pytest.mark.parametrize(
    "text",
    [TEACHING_TEXT, "---\ntitle: Open\nminutes: 3\nprinciples: []\n" + TEACHING_TEXT],
    ids=["no front matter", "unclosed front matter"],
)
def test_bad_front_matter(root: Path, text: str) -> None:
    write_course(root, files={"02-listen.md": text})
    assert_problem(root, "demo/02-listen.md", 1, "bad front matter")


def test_link_to_missing_module(root: Path) -> None:
    text = MODULE_2.replace("## Why\n", "## Why\n\nSee also [the apology](03-apologize.md).\n")
    write_course(root, files={"02-listen.md": text})
    assert_problem(root, "demo/02-listen.md", line_of(text, "03-apologize"), "link to missing module")


def test_learner_module_needs_real_teaching_text(root: Path) -> None:
    write_course(root, files={"02-listen.md": MODULE_2.replace(TEACHING_TEXT, "Too short.")})
    assert_problem(root, "demo/02-listen.md", 1, "300 to 1,200 words", "has 3")  # "Why" counts too


def test_facilitator_page_has_no_word_minimum(root: Path) -> None:
    text = MODULE_2.replace(TEACHING_TEXT, "Agenda.").replace("minutes: 10", "minutes: 10\nfor: facilitator")
    module_1 = MODULE_1.replace("P08]", "P08, P09, P10, P11, P12, P13, P14, P15, P16]")
    write_course(root, files={"02-listen.md": text, "01-intro.md": module_1})
    assert check_courses(root) == []
    [course] = load_courses(root)
    assert [m.stem for m in course.learner_modules] == ["01-intro"]


def test_stray_file_is_reported(root: Path) -> None:
    write_course(root, files={"notes.txt": "todo"})
    assert_problem(root, "demo/notes.txt", 0, "unexpected file")


def test_folder_without_course_yml(root: Path) -> None:
    (root / "empty").mkdir()
    assert_problem(root, "empty", 0, "no course.yml")


# --------------------------------------------------------------------------- rendering


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


PAYLOADS = """\
# Title

<script>alert('x')</script>

<img src=x onerror="alert(1)">

<a href="javascript:alert(2)" onclick="alert(3)">raw link</a>

[click](javascript:alert(4)) and [data](data:text/html;base64,PHNjcmlwdD4=)
and <javascript:alert(5)> and ![img](x.png" onerror="alert(6))

<iframe src="https://evil.example"></iframe><style>body{display:none}</style>

[ok](https://example.org) [mail](mailto:help@example.org) [next](02-listen.md)
"""


def test_script_payloads_come_out_inert() -> None:
    html, missing = render_markdown(PAYLOADS, {"02-listen.md": "02-listen"})
    assert missing == []
    parser = _Elements()
    parser.feed(html)
    tags = {tag for tag, _ in parser.elements}
    assert tags.isdisjoint({"script", "img", "iframe", "style", "object", "embed"})
    for tag, attrs in parser.elements:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        href = (attrs.get("href") or "").strip().lower()
        assert not href.startswith(("javascript:", "data:", "vbscript:")), href
    hrefs = [a.get("href") for tag, a in parser.elements if tag == "a"]
    assert hrefs == ["https://example.org", "mailto:help@example.org", "02-listen"]


def test_module_links_are_rewritten_to_stems() -> None:
    html, missing = render_markdown(
        "[a](02-listen.md#why) [b](./03-apologize.md) [c](02-listen.fr.md) [d](09-gone.md)",
        {"02-listen.md": "02-listen", "02-listen.fr.md": "02-listen", "03-apologize.md": "03-apologize"},
    )
    assert 'href="02-listen#why"' in html and 'href="03-apologize"' in html
    assert html.count('href="02-listen"') == 1
    assert [link.href for link in missing] == ["09-gone.md"]


def test_tables_and_text_survive_sanitizing() -> None:
    html, _ = render_markdown("| a | b |\n|---|--:|\n| 1 | 2 |\n\n**bold** *em* `code`\n\n- item")
    for fragment in ("<table>", "<th>a</th>", "<td>1</td>", "<strong>bold</strong>", "<em>em</em>",
                     "<code>code</code>", "<li>item</li>", 'style="text-align:right"'):
        assert fragment in html


# --------------------------------------------------------------------------- hashes


def _hashes(folder: Path) -> tuple[str, dict[str, str]]:
    course = load_course(folder)
    return course.content_hash, {m.stem: m.content_hash for m in course.modules}


def test_hashes_are_stable_and_independent_of_place_and_time(root: Path, tmp_path: Path) -> None:
    before = _hashes(root / "demo")
    assert _hashes(root / "demo") == before
    os.utime(root / "demo" / "01-intro.md", (1, 1))
    copy = tmp_path / "elsewhere" / "demo"
    shutil.copytree(root / "demo", copy)
    assert _hashes(copy) == before
    crlf = (copy / "02-listen.md").read_text().replace("\n", "\r\n")
    (copy / "02-listen.md").write_bytes(crlf.encode())
    assert _hashes(copy) == before


def test_hashes_change_with_content_and_only_where_it_changed(root: Path) -> None:
    course_hash, modules = _hashes(root / "demo")

    write_course(root, files={"02-listen.md": MODULE_2.replace("## Why", "## Why we listen")})
    edited_hash, edited = _hashes(root / "demo")
    assert edited["01-intro"] == modules["01-intro"]
    assert edited["02-listen"] != modules["02-listen"] and edited_hash != course_hash

    write_course(root, files={"02-listen.md": MODULE_2})
    assert _hashes(root / "demo") == (course_hash, modules)

    write_course(root, files={"quiz.gift": _bank() + "\n::P01 extra::One more. {F}\n"})
    quiz_hash, quiz_modules = _hashes(root / "demo")
    assert quiz_modules == modules and quiz_hash != course_hash

    write_course(root, files={"quiz.gift": _bank(), "course.yml": COURSE_YML.replace("Demo course", "Demo")})
    assert _hashes(root / "demo")[0] != course_hash

    write_course(root, files={"course.yml": COURSE_YML, "02-listen.fr.md": MODULE_2})
    french_hash, french = _hashes(root / "demo")
    assert french["02-listen"] != modules["02-listen"] and french_hash != course_hash


# --------------------------------------------------------------------------- quiz banks


def test_draw_category_must_exist(root: Path) -> None:
    write_course(root, files={"course.yml": COURSE_YML.replace("category: Demo/All", "category: Demo/None")})
    assert_problem(root, "demo/course.yml", 16, "Demo/None", "not in quiz.gift")


def test_draw_cannot_ask_more_than_the_category_holds(root: Path) -> None:
    write_course(root, files={"course.yml": COURSE_YML.replace("count: 5", "count: 17")})
    assert_problem(root, "demo/course.yml", 17, "17", "only 16")


def test_gift_errors_are_reported_at_their_line(root: Path) -> None:
    bank = _bank() + "\n::P01 broken::This question never closes {=yes ~no\n"
    write_course(root, files={"quiz.gift": bank})
    found = problems_in(root, "demo/quiz.gift")
    assert found and all(line >= bank.count("\n") - 1 for line, _ in found), found


def test_question_name_must_start_with_principle_ids(root: Path) -> None:
    bank = _bank() + "\n::listen first::Listening comes first. {T}\n"
    write_course(root, files={"quiz.gift": bank})
    assert_problem(root, "demo/quiz.gift", line_of(bank, "::listen first::"), "must start with the principle ids")


def test_question_name_with_unknown_principle(root: Path) -> None:
    bank = _bank() + "\n::P02 P42 listen::Listening comes first. {T}\n"
    write_course(root, files={"quiz.gift": bank})
    assert_problem(root, "demo/quiz.gift", line_of(bank, "P42"), "unknown principle id", "P42")


def test_quiz_settings_without_bank(root: Path) -> None:
    write_course(root, files={"quiz.gift": None})
    assert_problem(root, "demo/course.yml", 13, "quiz settings", "no quiz.gift")
    assert_problem(root, "demo/course.yml", 4, "online course needs a quiz.gift")


# --------------------------------------------------------------------------- rubrics


def _trainer_yml() -> str:
    return COURSE_YML.replace("kind: online", "kind: trainer").replace(
        "audience: all", "audience: [trainer, lead_trainer]")


def test_rubric_is_loaded_with_its_pass_rule(root: Path) -> None:
    write_course(root, files={"course.yml": _trainer_yml(), "rubric.yml": RUBRIC})
    assert check_courses(root) == []
    [course] = load_courses(root)
    rubric = course.rubric
    assert [c.id for c in rubric.criteria] == ["models-last", "keeps-time"]
    assert rubric.criteria[0].levels[1] == "Skips steps"
    assert (rubric.min_each, rubric.min_average) == (2, 3)
    assert rubric.passes({"models-last": 3, "keeps-time": 3})
    assert not rubric.passes({"models-last": 4, "keeps-time": 1})
    assert not rubric.passes({"models-last": 3, "keeps-time": 2})
    assert not rubric.passes({"models-last": 4})


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("      4: On time, calmly\n", "", 11, ("missing level 4",)),
        ("      4: On time, calmly", "      4: On time, calmly\n      5: Early", 16, ("unknown level 5",)),
        ("      3: All steps\n", "      3: ''\n", 7, ("level 3 needs a description",)),
        ("  - id: keeps-time", "  - id: models-last", 9, ("used twice",)),
        ("  min_average: 3", "  min_average: 5", 18, ("min_average",)),
        ("  min_each: 2", "  min_each: 2\n  min_total: 9", 18, ("unknown key", "min_total")),
        ("    title: Keeps time\n", "", 9, ("missing required key", "title")),
    ],
)
def test_rubric_errors(root: Path, old: str, new: str, line: int, words) -> None:
    assert old in RUBRIC
    write_course(root, files={"course.yml": _trainer_yml(), "rubric.yml": RUBRIC.replace(old, new)})
    assert_problem(root, "demo/rubric.yml", line, *words)


def test_rubric_only_in_trainer_courses(root: Path) -> None:
    write_course(root, files={"rubric.yml": RUBRIC})
    assert_problem(root, "demo/rubric.yml", 1, "kind 'trainer'")


# --------------------------------------------------------------------------- coverage


def test_principle_not_taught_by_a_learner_module(root: Path) -> None:
    write_course(root, files={"02-listen.md": MODULE_2.replace("P09, ", "")})
    assert Problem("courses", 0, "principle P09 is not taught by any learner module") in check_courses(root)


def test_principle_assessed_only_once(root: Path) -> None:
    bank = _bank().replace("::P03 P04 statement 2::", "::P04 statement 2::")
    write_course(root, files={"quiz.gift": bank})
    assert_problem(root, "", 0, "P03", "assessed by 1 question")


def test_online_bank_needs_ten_questions(root: Path) -> None:
    blocks = _bank().split("\n\n")
    write_course(root, files={"quiz.gift": "\n\n".join(blocks[:10])})  # the category and 9 questions
    assert_problem(root, "demo/quiz.gift", 0, "at least 10 questions", "has 9")


def test_workshop_must_touch_every_principle(root: Path) -> None:
    workshop = COURSE_YML.replace("kind: online", "kind: workshop").replace("P15, P16]", "P15]")
    write_course(root, files={"course.yml": workshop, "02-listen.md": MODULE_2.replace(", P16]", "]")})
    assert_problem(root, "demo/course.yml", 9, "workshop must touch every principle", "P16")


def test_coverage_counts_every_course(root: Path) -> None:
    # Two courses that each cover half the principles are complete together.
    half_1 = COURSE_YML.replace(", P09, P10, P11, P12, P13, P14, P15, P16]", "]").replace("  - 02-listen.md\n", "")
    write_course(root, files={"course.yml": half_1, "02-listen.md": None,
                              "01-intro.md": MODULE_1.replace("(02-listen.md#why)", "(01-intro.md)"),
                              "quiz.gift": _half_bank(PRINCIPLE_IDS[:8])})
    half_2 = COURSE_YML.replace("[P01, P02, P03, P04, P05, P06, P07, P08, ", "[").replace(
        "  - 01-intro.md\n", "").replace("slug: demo", "slug: other")
    write_course(root, "other", files={"course.yml": half_2, "01-intro.md": None,
                                       "quiz.gift": _half_bank(PRINCIPLE_IDS[8:])})
    assert check_courses(root) == []


def _half_bank(principles: tuple[str, ...]) -> str:
    lines = ["$CATEGORY: Demo/All\n"]
    for n in range(2 * len(principles)):
        pid = principles[n % len(principles)]
        lines.append(f"::{pid} q{n}::Statement {n}. {{T}}\n")
    return "\n".join(lines)


# --------------------------------------------------------------------------- the real folder


def test_read_course_reports_without_coverage(root: Path) -> None:
    course, problems = read_course(root / "demo")
    assert problems == [] and course is not None and course.slug == "demo"


def test_the_real_courses_folder_is_valid() -> None:
    """Fails with the list of remaining problems until courses/ is complete."""
    problems = check_courses(REPO_COURSES)
    if problems:
        pytest.fail(f"{len(problems)} problem(s) remain in courses/:\n" + "\n".join(map(str, problems)),
                    pytrace=False)
    courses = load_courses(REPO_COURSES)
    kinds = {c.slug: c.kind for c in courses}
    assert kinds.get("service-problem-solving") == "workshop"
    assert kinds.get("train-the-trainer") == "trainer"
