"""Question types: server-side grading per type, and views that never give the answers away."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from lms.quizzes import qtypes
from lms.quizzes.gift import parse_gift
from lms.quizzes.qtypes import Grade, ResponseError

DATA = Path(__file__).parent / "data"


def q(gift: str) -> dict:
    [question] = parse_gift(gift)
    assert qtypes.validate(question) == []
    return question


def attempt(question: dict, submitted, seed: int = 7) -> Grade:
    """Lay out, show, decode and grade as an attempt does, submitting by displayed text."""
    stored = json.loads(json.dumps(qtypes.layout(question, random.Random(seed))))  # as stored with the attempt
    shown = qtypes.view(question, stored)
    keys = {c["text"]: c["key"] for c in shown.get("choices", [])}
    if question["type"] == "multichoice":
        submitted = [keys[t] for t in submitted] if isinstance(submitted, list) else keys.get(submitted)
    if question["type"] == "matching":
        stems = {s["text"]: s["key"] for s in shown["stems"]}
        submitted = {stems[stem]: keys[answer] for stem, answer in submitted.items()}
    return qtypes.grade(question, qtypes.decode(question, stored, submitted))


def test_every_type_is_registered():
    assert qtypes.type_names() == sorted(
        ["multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay", "description"]
    )
    assert qtypes.get_type("description").has_marks is False
    assert qtypes.get_type("essay").has_marks is True


# -- multiple choice ------------------------------------------------------------------

SINGLE = "::s::First?{=Listen#Yes. ~Discount#No. ~%50%Ask#Half. ~%-100%Argue#Never.####LAST.}"


@pytest.mark.parametrize(
    "choice, fraction, feedback",
    [
        ("Listen", 1.0, ("Yes.",)),
        ("Ask", 0.5, ("Half.",)),
        ("Discount", 0.0, ("No.",)),
        ("Argue", 0.0, ("Never.",)),
        (None, 0.0, ()),
    ],
)
def test_single_choice(choice, fraction, feedback):
    grade = attempt(q(SINGLE), choice)
    assert (grade.fraction, grade.feedback, grade.general_feedback) == (fraction, feedback, "LAST.")


MULTI = "::m::Which?{~%50%a#A! ~%50%b ~%-50%c#C? ~%-100%d ~e}"


@pytest.mark.parametrize(
    "chosen, fraction",
    [
        (["a", "b"], 1.0),
        (["a"], 0.5),
        (["a", "b", "c"], 0.5),
        (["a", "c"], 0.0),
        (["c"], 0.0),
        (["a", "b", "e"], 1.0),
        (["d", "a", "b"], 0.0),
        ([], 0.0),
    ],
)
def test_multiple_response_sums_and_clamps(chosen, fraction):
    assert attempt(q(MULTI), chosen).fraction == fraction


def test_multiple_response_never_above_full_marks():
    question = q("::m::Which?{~%100%a ~%100%b ~c}")
    assert attempt(question, ["a", "b"]).fraction == 1.0


def test_multiple_response_feedback_for_each_chosen_answer():
    assert attempt(q(MULTI), ["c", "a"]).feedback == ("A!", "C?")


def test_choice_keys_are_opaque_and_per_attempt():
    question = q(SINGLE)
    first = qtypes.layout(question, random.Random(1))
    second = qtypes.layout(question, random.Random(2))
    keys = [key for key, _ in first["choices"]]
    assert len(set(keys)) == 4
    assert not any(a["text"].lower() in key for key in keys for a in question["answers"])
    assert keys != [key for key, _ in second["choices"]]
    assert qtypes.public(question, random.Random(1)) == qtypes.view(question, first)


def test_choices_are_shuffled_across_attempts():
    question = q(SINGLE)
    orders = {tuple(i for _, i in qtypes.layout(question, random.Random(seed))["choices"]) for seed in range(30)}
    assert len(orders) > 5


def test_a_key_from_another_attempt_is_refused():
    question = q(SINGLE)
    mine = qtypes.layout(question, random.Random(1))
    theirs = qtypes.layout(question, random.Random(2))
    with pytest.raises(ResponseError):
        qtypes.decode(question, mine, theirs["choices"][0][0])
    with pytest.raises(ResponseError):
        qtypes.decode(question, mine, "Listen")  # answer text is not a key


def test_single_choice_refuses_two_keys():
    question = q(SINGLE)
    stored = qtypes.layout(question, random.Random(1))
    with pytest.raises(ResponseError):
        qtypes.decode(question, stored, [stored["choices"][0][0], stored["choices"][1][0]])


# -- true/false -------------------------------------------------------------------------


def test_truefalse_right_and_wrong_feedback():
    question = q("::t::Blame helps.{F#Wrong: it never helps.#Right.}")
    assert attempt(question, "false") == Grade(1.0, ("Right.",), "")
    assert attempt(question, "true") == Grade(0.0, ("Wrong: it never helps.",), "")
    assert attempt(question, "") == Grade(0.0, (), "")
    with pytest.raises(ResponseError):
        attempt(question, "maybe")


# -- short answer ---------------------------------------------------------------------

SHORT = "::sa::T stands for?{=Thank#Yes. =%50%Thanks#Close. =%0%*#Think of gratitude.}"


@pytest.mark.parametrize(
    "typed, fraction, feedback",
    [
        ("Thank", 1.0, "Yes."),
        ("  tHANK \n", 1.0, "Yes."),
        ("thanks", 0.5, "Close."),
        ("Sorry", 0.0, "Think of gratitude."),
        ("Thank you", 0.0, "Think of gratitude."),
    ],
)
def test_short_answer(typed, fraction, feedback):
    grade = attempt(q(SHORT), typed)
    assert (grade.fraction, grade.feedback) == (fraction, (feedback,))


def test_short_answer_blank_scores_nothing_without_feedback():
    assert attempt(q(SHORT), "   ") == Grade(0.0, (), "")


def test_short_answer_wildcards_and_escaped_star():
    question = q(r"::sa::Who?{=Ulysses * Grant =%50%*Grant =%100%5\\*3}")
    assert attempt(question, "Ulysses S. Grant").fraction == 1.0
    assert attempt(question, "General Grant").fraction == 0.5
    assert attempt(question, "5*3").fraction == 1.0
    assert attempt(question, "513").fraction == 0.0


def test_short_answer_takes_the_best_matching_answer():
    question = q("::sa::City?{=%50%Par* =Paris}")
    assert attempt(question, "paris").fraction == 1.0


def test_short_answer_characters_are_literal_not_regex():
    question = q("::sa::Pattern?{=a.c}")
    assert attempt(question, "a.c").fraction == 1.0
    assert attempt(question, "abc").fraction == 0.0


# -- numerical -----------------------------------------------------------------------

NUMERICAL = "::n::How many?{#=%100%7:3#In range. =%50%5..15#Roughly. ~#Far off.}"


@pytest.mark.parametrize(
    "typed, fraction, feedback",
    [
        ("7", 1.0, "In range."),
        ("4", 1.0, "In range."),
        ("10", 1.0, "In range."),
        ("10.5", 0.5, "Roughly."),
        ("15", 0.5, "Roughly."),
        (" 4,5 ", 1.0, "In range."),
        (12, 0.5, "Roughly."),
        ("16", 0.0, "Far off."),
        ("-3", 0.0, "Far off."),
    ],
)
def test_numerical(typed, fraction, feedback):
    grade = attempt(q(NUMERICAL), typed)
    assert (grade.fraction, grade.feedback) == (fraction, (feedback,))


def test_numerical_text_that_is_not_a_number_scores_nothing():
    assert attempt(q(NUMERICAL), "seven") == Grade(0.0, (), "")
    assert attempt(q(NUMERICAL), "") == Grade(0.0, (), "")


def test_numerical_best_matching_answer_wins_over_order():
    question = q("::n::Year?{#=%50%1822:5 =1822}")
    assert attempt(question, "1822").fraction == 1.0
    assert attempt(question, "1820").fraction == 0.5


def test_numerical_exact_answer_allows_float_noise():
    question = q("::n::Sum?{#0.3}")
    assert attempt(question, 0.1 + 0.2).fraction == 1.0


# -- matching ---------------------------------------------------------------------------

MATCH = "::m::Match.{=Listen -> hear it all =Apologize -> say sorry =Solve -> fix it =Thank -> say sorry = -> blame}"


@pytest.mark.parametrize(
    "given, fraction",
    [
        ({"Listen": "hear it all", "Apologize": "say sorry", "Solve": "fix it", "Thank": "say sorry"}, 1.0),
        ({"Listen": "hear it all", "Apologize": "say sorry", "Solve": "blame", "Thank": "fix it"}, 0.5),
        ({"Listen": "blame"}, 0.0),
        ({}, 0.0),
    ],
)
def test_matching_counts_right_pairs(given, fraction):
    assert attempt(q(MATCH), given).fraction == fraction


def test_matching_merges_equal_answers_and_shows_distractors():
    question = q(MATCH)
    shown = qtypes.public(question, random.Random(3))
    assert sorted(c["text"] for c in shown["choices"]) == ["blame", "fix it", "hear it all", "say sorry"]
    assert sorted(s["text"] for s in shown["stems"]) == ["Apologize", "Listen", "Solve", "Thank"]


# -- essay and description -----------------------------------------------------------


def test_essay_needs_marking():
    question = q("::e::Describe a recovery.{####Name the first step.}")
    grade = attempt(question, "I listened first.")
    assert (grade.needs_marking, grade.state, grade.fraction) == (True, "needs_marking", 0.0)
    assert grade.general_feedback == "Name the first step."
    assert attempt(question, "  ").needs_marking is False


def test_description_has_no_marks():
    question = q("::d::Read this.")
    assert attempt(question, None) == Grade(0.0, (), "")
    assert qtypes.public(question, random.Random(1)) == {
        "type": "description",
        "text": "Read this.",
        "text_format": "moodle",
    }


def test_grade_states():
    assert Grade(1.0).state == "correct"
    assert Grade(0.5).state == "partial"
    assert Grade(0.0).state == "wrong"


# -- nothing leaks before submission ----------------------------------------------------


def _secrets(question: dict) -> list[str]:
    secrets = [question["general_feedback"], question.get("feedback_right", ""), question.get("feedback_wrong", "")]
    for answer in question.get("answers", []):
        secrets.append(answer.get("feedback", ""))
        if question["type"] in ("shortanswer", "numerical"):
            secrets.append(str(answer.get("text", answer.get("value"))))
    return [s for s in secrets if s]


def test_public_views_of_a_whole_bank_hold_no_answers_fractions_or_feedback():
    bank = parse_gift((DATA / "moodle_bank.gift").read_text(encoding="utf-8"))
    for question in bank:
        shown = qtypes.public(question, random.Random(11))
        serialized = json.dumps(shown, ensure_ascii=False)
        for secret in _secrets(question):
            assert secret not in serialized.replace(question["text"], ""), (question["name"], secret)
        for word in ("fraction", "feedback", "answer", "value", "tolerance", "pairs", "name", "category"):
            assert f'"{word}' not in serialized, (question["name"], word)
        assert set(shown) <= {"type", "text", "text_format", "single", "choices", "stems"}
        if question["type"] == "matching":
            # the stem order does not reveal which choice belongs to which stem
            choices = {c["key"]: c["text"] for c in shown["choices"]}
            assert len(choices) == len({p["answer"] for p in question["pairs"]})


def test_right_answer_summaries_for_review():
    bank = {question["name"]: question for question in parse_gift((DATA / "moodle_bank.gift").read_text("utf-8"))}
    assert qtypes.right_answer(bank["P02 listen first"]) == "Listen to the whole story"
    assert qtypes.right_answer(bank["P03 ownership"]) == "Call the customer back when promised; Chase finance yourself"
    assert qtypes.right_answer(bank["P04 blame"]) == "False"
    assert qtypes.right_answer(bank["P09 list size"]) == "7 ± 3"
    assert qtypes.right_answer(bank["P02 match"]).startswith("Listen → Let the customer")


# -- validation ---------------------------------------------------------------------------


def test_whole_bank_validates():
    for question in parse_gift((DATA / "moodle_bank.gift").read_text(encoding="utf-8")):
        assert qtypes.validate(question) == [], question["name"]


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"type": "poll"}, "unknown question type"),
        ({"text_format": "rtf"}, "text_format"),
        ({"answers": [{"text": "a", "fraction": 1.0, "feedback": ""}]}, "at least 2 answers"),
        (
            {"answers": [{"text": "a", "fraction": 2.0, "feedback": ""}, {"text": "b", "fraction": 0, "feedback": ""}]},
            "fraction must be a number from -1 to 1",
        ),
        (
            {"answers": [{"text": "", "fraction": 1.0, "feedback": ""}, {"text": "b", "fraction": 0, "feedback": ""}]},
            "needs a text",
        ),
        ({"single": "yes"}, "single must be true or false"),
    ],
)
def test_validate_reports_problems(change, problem):
    question = {**q(SINGLE), **change}
    assert any(problem in p for p in qtypes.validate(question)), qtypes.validate(question)


def test_validate_other_types():
    assert qtypes.validate({**q(SHORT), "answers": [{"text": "x", "fraction": 0.5, "feedback": ""}]}) == [
        "an answer must be worth 100%"
    ]
    assert qtypes.validate(
        {**q(NUMERICAL), "answers": [{"value": "many", "tolerance": 0, "fraction": 1.0, "feedback": ""}]}
    ) == ['answer 1: value must be a number or "*"']
    assert qtypes.validate(
        {**q(MATCH), "pairs": [{"question": "", "answer": "a"}, {"question": "", "answer": "b"}]}
    ) == ["needs at least one pair with a question"]
    assert qtypes.validate({**q("::t::T?{T}"), "answer": "yes"}) == ["answer must be true or false"]


def test_everything_the_parser_accepts_validates_and_grades():
    # Moodle imports a matching question left with one pair once an empty pair is skipped.
    for question in parse_gift("::m::Match {=A -> a = -> }\n\n::s::S?{=x =%50%}\n\n::n::N?{#=* ~#no}"):
        assert qtypes.validate(question) == [], question
        stored = qtypes.layout(question, random.Random(0))
        assert qtypes.grade(question, qtypes.decode(question, stored, None)).fraction == 0.0
    wildcard = parse_gift("::n::N?{#=* ~#no}")[0]
    assert attempt(wildcard, "42") == Grade(1.0, (), "")
