"""Banks round-trip: export_gift() writes GIFT that parse_gift() reads back to the same questions."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.quizzes.gift import GRADE_OPTIONS, TEXT_FORMATS, GiftExportError, export_gift, parse_gift

DATA = Path(__file__).parent / "data"
PHP_WHITESPACE = " \t\n\r\0\x0b"

# Characters GIFT gives meaning to, plus a few that tend to break escaping and trimming.
AWKWARD = list("~=#{}:\\%[]->_/*.,'\"\t\n&;0") + ["é", "ß", "€", "日", "\u00a0"]
ALPHABET = st.sampled_from(list("abcXYZ 19") + AWKWARD)
FORMAT_TAGS = ["[html]", "[plain]", "[moodle]", "[markdown]", "[markdownX", "[note]", "%50%", "%-33.3%", "//", "::"]


def _clean(text: str) -> bool:
    # The parser trims like PHP, and Moodle's export drops carriage returns.
    return text == text.strip(PHP_WHITESPACE) and "\r" not in text


plain = st.text(ALPHABET, max_size=16)
tricky = st.builds(lambda tag, rest: tag + rest, st.sampled_from(FORMAT_TAGS), plain)
texts = st.one_of(plain, tricky).filter(_clean)
nonempty = texts.filter(bool)
arrowless = texts.filter(lambda t: "->" not in t)
names = texts.filter(lambda t: "<" not in t)
fractions = st.sampled_from(GRADE_OPTIONS)
numbers = st.floats(allow_nan=False, allow_infinity=False)
segment = st.text(st.sampled_from(list("ab C:#{}\\~=.")), min_size=1, max_size=8).filter(
    lambda s: _clean(s) and s != "top"
)
categories = st.one_of(st.none(), st.lists(segment, min_size=1, max_size=3).map("/".join))


def _answer(text_strategy):
    return st.fixed_dictionaries({"text": text_strategy, "fraction": fractions, "feedback": texts})


def _with_full_marks(answers: list[dict], at: int) -> list[dict]:
    answers[at % len(answers)]["fraction"] = 1.0
    return answers


@st.composite
def questions(draw) -> dict:
    qtype = draw(
        st.sampled_from(["multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay", "description"])
    )
    q = {
        "category": draw(categories),
        "name": draw(names),
        "type": qtype,
        "text": draw(texts),
        "text_format": draw(st.sampled_from(TEXT_FORMATS)),
        "general_feedback": "" if qtype == "description" else draw(texts),
    }
    if qtype == "multichoice":
        q = {**q, "single": draw(st.booleans())}
        q["answers"] = draw(st.lists(_answer(nonempty), min_size=2, max_size=5))
        # keep the format's key order: single comes before text
        q = {
            k: q[k]
            for k in ["category", "name", "type", "single", "text", "text_format", "general_feedback", "answers"]
        }
    elif qtype == "truefalse":
        q.update(answer=draw(st.booleans()), feedback_wrong=draw(texts), feedback_right=draw(texts))
    elif qtype == "shortanswer":
        answers = draw(
            st.lists(
                st.fixed_dictionaries(
                    {"text": nonempty.filter(lambda t: "->" not in t), "fraction": fractions, "feedback": arrowless}
                ),
                min_size=1,
                max_size=4,
            )
        )
        q["answers"] = _with_full_marks(answers, draw(st.integers(0, 3)))
    elif qtype == "numerical":
        q["answers"] = draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "value": st.one_of(numbers, st.just("*")),
                        "tolerance": numbers,
                        "fraction": fractions,
                        "feedback": texts,
                    }
                ),
                min_size=1,
                max_size=3,
            )
        )
    elif qtype == "matching":
        pairs = draw(
            st.lists(st.fixed_dictionaries({"question": arrowless, "answer": nonempty}), min_size=2, max_size=5)
        )
        pairs[0]["question"] = draw(arrowless.filter(bool))
        q["pairs"] = pairs
    return q


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.lists(questions(), min_size=1, max_size=6))
def test_generated_questions_survive_export_then_parse(bank):
    assert parse_gift(export_gift(bank)) == bank


@pytest.mark.parametrize(
    "path",
    [DATA / "moodle_bank.gift", *sorted(Path(p) for p in glob.glob(str(DATA.parents[2] / "courses/*/quiz.gift")))],
    ids=lambda p: p.parent.name if p.name == "quiz.gift" else p.name,
)
def test_real_banks_round_trip(path):
    bank = parse_gift(path.read_text(encoding="utf-8"))
    exported = export_gift(bank)
    assert parse_gift(exported) == bank
    assert export_gift(parse_gift(exported)) == exported


def test_export_writes_moodle_style_gift():
    bank = [
        {
            "category": "Service recovery/LAST",
            "name": "P02 listen",
            "type": "multichoice",
            "single": True,
            "text": "What comes first?",
            "text_format": "moodle",
            "general_feedback": "LAST.",
            "answers": [
                {"text": "Listen", "fraction": 1.0, "feedback": "Yes: always."},
                {"text": "Discount", "fraction": 0.0, "feedback": ""},
                {"text": "Manager", "fraction": -0.5, "feedback": ""},
            ],
        },
        {
            "category": "Service recovery/LAST",
            "name": "P09 size",
            "type": "numerical",
            "text": "How many?",
            "text_format": "html",
            "general_feedback": "",
            "answers": [{"value": 7.5, "tolerance": 2.5, "fraction": 1.0, "feedback": ""}],
        },
    ]
    assert export_gift(bank) == (
        "$CATEGORY: Service recovery/LAST\n\n"
        "::P02 listen::What comes first? {\n"
        "\t=Listen#Yes\\: always.\n\t~Discount\n\t~%-50%Manager\n\t####LAST.\n}\n\n"
        "::P09 size::[html]How many? {#\n\t=%100%7.5:2.5\n}\n\n"
    )


def test_single_choice_with_every_answer_right_stays_a_choice_question():
    q = {
        "category": None,
        "name": "n",
        "type": "multichoice",
        "single": True,
        "text": "t",
        "text_format": "moodle",
        "general_feedback": "",
        "answers": [{"text": "a", "fraction": 1.0, "feedback": ""}, {"text": "b", "fraction": 1.0, "feedback": ""}],
    }
    assert parse_gift(export_gift([q])) == [q]


def test_question_after_a_categorised_one_can_go_back_to_no_category():
    a = {"category": "A", "name": "a", "type": "essay", "text": "x", "text_format": "moodle", "general_feedback": ""}
    b = {**a, "category": None, "name": "b"}
    assert parse_gift(export_gift([a, b])) == [a, b]


def test_what_gift_cannot_express_is_refused_on_export():
    short = {
        "category": None,
        "name": "n",
        "type": "shortanswer",
        "text": "t",
        "text_format": "moodle",
        "general_feedback": "",
        "answers": [{"text": "a->b", "fraction": 1.0, "feedback": ""}, {"text": "c", "fraction": 1.0, "feedback": ""}],
    }
    with pytest.raises(GiftExportError):
        export_gift([short])
    alone = {**short, "answers": short["answers"][:1]}
    assert parse_gift(export_gift([alone])) == [alone]
    description = {
        "category": None,
        "name": "d",
        "type": "description",
        "text": "t",
        "text_format": "moodle",
        "general_feedback": "lost",
    }
    with pytest.raises(GiftExportError):
        export_gift([description])


def test_matching_left_with_one_pair_after_an_empty_pair_still_round_trips():
    [q] = parse_gift("::m::Match {=A -> a = -> }")
    assert q["pairs"] == [{"question": "A", "answer": "a"}]
    assert parse_gift(export_gift([q])) == [q]


def test_escaped_newline_in_a_category_round_trips():
    [q] = parse_gift("$CATEGORY: A\\nB\n\n::q::Q?{T}")
    assert q["category"] == "A\nB"
    assert parse_gift(export_gift([q])) == [q]
