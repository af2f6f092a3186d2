"""GIFT files Moodle refuses are refused whole, every problem with its line number."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.quizzes.gift import GiftError, parse_gift

DATA = Path(__file__).parent / "data"


def problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(GiftError) as caught:
        parse_gift(text)
    return caught.value.problems


def test_broken_file_lists_every_problem_with_its_line():
    found = problems((DATA / "broken.gift").read_text(encoding="utf-8"))
    assert [line for line, _ in found] == [3, 7, 11, 15, 17, 17, 19, 21, 23]
    reasons = dict(found)
    assert "unclosed brace" in reasons[3]
    assert "at least two answers" in reasons[7]
    assert "without '->'" in reasons[11] and "Apologize" in reasons[11]
    assert "numerical question needs an answer" in reasons[15]
    assert [r for n, r in found if n == 17][0].startswith("weight %33% is not one of Moodle's grades")
    assert [r for n, r in found if n == 17][1].startswith("weight %67% is not one of Moodle's grades")
    assert "'twelve'" in reasons[19] and "not a number" in reasons[19]
    assert "'}' has no matching '{'" in reasons[21]
    assert "worth 100%" in reasons[23]


def test_error_message_is_one_line_per_problem():
    with pytest.raises(GiftError) as caught:
        parse_gift("::a::A?{T\n\n::b::B?{~x}")
    assert str(caught.value).splitlines() == [
        "line 1: unclosed brace: '{' has no matching '}'",
        "line 3: a multiple choice question needs at least two answers",
    ]


def test_good_questions_are_not_returned_when_one_is_bad():
    with pytest.raises(GiftError):
        parse_gift("::good::Fine?{T}\n\n::bad::Broken {=a")


@pytest.mark.parametrize(
    "text, line, reason",
    [
        ("::q::Which?\n{\n=a\n~b", 2, "'{' has no matching '}'"),
        ("::q::Which?\n=a\n}", 3, "'}' has no matching '{'"),
        ("::q::Odd } order {T", 1, "'}' comes before"),
        ("::q::Pick\n{~only}", 2, "at least two answers"),
        ("::q::Pick{~only ~}", 1, "at least two answers with text"),
        ("::q::Match\n{\n=a -> b\n}", 2, "at least two pairs"),
        ("::q::Match {\n=a -> b\n=c\n}", 3, "without '->'"),
        ("::q::Match {\n=a -> b\n=c ->\n}", 3, "has no answer"),
        ("::q::Match {=-> b =-> c}", 1, "at least one pair with a question"),
        ("::q::How many?\n{#\n}", 2, "numerical question needs an answer"),
        ("::q::How many? {# ~#wrong}", 1, "numerical question needs an answer"),
        ("::q::How many? {#\n=5\n=%50%x:1\n}", 3, "not a number"),
        ("::q::How many? {#5:wide}", 1, "tolerance"),
        ("::q::How many? {#a..5}", 1, "a number on each side"),
        ("::q::How many? {#1e999}", 1, "out of range"),
        ("::q::Name?{0}", 1, "at least one answer"),
        ("::q::Name?\n{\n=%50%half\n}", 2, "worth 100%"),
        ("::q::Which?\n{\n=a\n~%--50%b\n}", 4, "invalid weight"),
        ("::q::Which?\n{\n=a\n~%50.5%b\n}", 4, "not one of Moodle's grades"),
        ("::q::Name?\n{\n=%150%a\n}", 3, "not one of Moodle's grades"),
        ("// only a comment\n", 1, "no questions"),
        ("", 1, "no questions"),
        ("\n$CATEGORY: A\n::q::Q?{T}", 2, "followed by a blank line"),
    ],
)
def test_each_refusal(text, line, reason):
    found = problems(text)
    assert len(found) == 1, found
    assert found[0][0] == line
    assert reason in found[0][1]


def test_problems_on_crlf_files_keep_their_line_numbers():
    found = problems("\ufeff// c\r\n\r\n::q::Which?\r\n{\r\n=a\r\n~%33%b\r\n}\r\n")
    assert found[0][0] == 6
