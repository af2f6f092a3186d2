"""GIFT parsing: every syntax feature, with Moodle's meaning (cases from Moodle's own tests included)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lms.quizzes.gift import FORMAT_ID, GRADE_OPTIONS, parse_gift, to_document

DATA = Path(__file__).parent / "data"


def one(text: str) -> dict:
    questions = parse_gift(text)
    assert len(questions) == 1, questions
    return questions[0]


# -- a whole bank -------------------------------------------------------------


def test_moodle_style_bank_matches_the_reviewed_json():
    questions = parse_gift((DATA / "moodle_bank.gift").read_text(encoding="utf-8"))
    expected = json.loads((DATA / "moodle_bank.json").read_text(encoding="utf-8"))
    assert to_document(questions) == expected
    assert [q["type"] for q in questions] == [
        "multichoice",
        "multichoice",
        "multichoice",
        "truefalse",
        "truefalse",
        "shortanswer",
        "numerical",
        "numerical",
        "matching",
        "essay",
        "description",
        "truefalse",
    ]


def test_document_wraps_questions_in_the_format_id():
    assert to_document([]) == {"format": FORMAT_ID, "questions": []}
    assert FORMAT_ID == "lms.gift-questions/1"


def test_crlf_and_bom_give_the_same_questions():
    text = (DATA / "moodle_bank.gift").read_text(encoding="utf-8")
    assert parse_gift("\ufeff" + text.replace("\n", "\r\n")) == parse_gift(text)


def test_old_mac_line_endings_are_lines_too():
    assert parse_gift("::a::One?{T}\r\r::b::Two?{F}") == parse_gift("::a::One?{T}\n\n::b::Two?{F}")


# -- names, categories, comments, formats ----------------------------------------


def test_name_is_taken_from_double_colons_and_text_is_trimmed():
    q = one("::  Q1 :: \t Is it? {T}")
    assert (q["name"], q["text"]) == ("Q1", "Is it?")


def test_unnamed_question_is_named_after_its_text():
    assert one("Grant is buried in Grant's tomb.{FALSE}")["name"] == "Grant is buried in Grant's tomb."


def test_long_unnamed_question_name_is_shortened_like_moodle():
    text = "A guest complains that the room is not ready although the booking said two o'clock sharp, what now?"
    q = one(text + "{}")
    assert q["name"] == "A guest complains that the room is not ready although the booking said two ..."
    assert q["text"] == text


def test_html_question_is_named_without_tags():
    q = one("[html]<p>What is <b>ownership</b>?</p>{}")
    assert q["name"] == "What is ownership?"
    assert q["text"] == "<p>What is <b>ownership</b>?</p>"


def test_unclosed_name_leaves_the_text_without_its_colons():
    q = one("::No end name {T}")
    assert q["text"] == "No end name"
    assert q["name"] == "No end name"


def test_category_applies_to_following_questions_and_is_null_before():
    questions = parse_gift(
        "::a::A?{T}\n\n$CATEGORY: Service recovery/LAST\n\n::b::B?{T}\n\n"
        "// comment\n$CATEGORY:   Service recovery/Ownership  \n\n::c::C?{F}"
    )
    assert [q["category"] for q in questions] == [None, "Service recovery/LAST", "Service recovery/Ownership"]


@pytest.mark.parametrize(
    "line, category",
    [
        ("$CATEGORY: $course$/top/Default for SR/LAST", "Default for SR/LAST"),
        ("$CATEGORY: $module$/Service recovery", "Service recovery"),
        ("$CATEGORY: top/A", "A"),
        ("$CATEGORY: A / B", "A/B"),
        ("$CATEGORY: A//B/C", "A//B/C"),
    ],
)
def test_category_paths_resolve_like_moodle(line, category):
    assert one(f"{line}\n\n::q::Q?{{T}}")["category"] == category


def test_comment_lines_are_ignored_even_inside_a_question():
    q = one("// about\n::q:: Which?{\n// not an answer ~x\n=a\n~b\n}")
    assert [a["text"] for a in q["answers"]] == ["a", "b"]


def test_comment_only_blocks_are_skipped():
    assert [q["name"] for q in parse_gift("// one\n// two\n\n::q::Q?{T}\n\n// tail")] == ["q"]


@pytest.mark.parametrize("fmt", ["html", "markdown", "plain", "moodle"])
def test_format_tags(fmt):
    q = one(f"::q::[{fmt}]Some *text*{{T}}")
    assert (q["text_format"], q["text"]) == (fmt, "Some *text*")


def test_unknown_format_tag_stays_in_the_text():
    q = one("::q::[HTML]Shouting{T}")
    assert (q["text_format"], q["text"]) == ("moodle", "[HTML]Shouting")


def test_answer_and_feedback_format_tags_are_removed_like_moodle():
    # From Moodle's test_import_multichoice.
    q = one(
        "// multiple choice with specified feedback for right and wrong answers\n"
        "::Q2:: What's between orange and green in the spectrum?\n{\n"
        "    =yellow # right; good!\n    ~red # [html]wrong, it's yellow\n    ~[plain]blue # wrong, it's yellow\n}"
    )
    assert q["single"] is True
    assert q["answers"] == [
        {"text": "yellow", "fraction": 1.0, "feedback": "right; good!"},
        {"text": "red", "fraction": 0.0, "feedback": "wrong, it's yellow"},
        {"text": "blue", "fraction": 0.0, "feedback": "wrong, it's yellow"},
    ]


# -- escapes and layout ---------------------------------------------------------------


def test_escapes_give_the_literal_characters():
    q = one(r"::a\:b::Braces \{x\}, \~, \=, \#, a\: colon\nnew line{=x\=y#fb\#1 ~z}")
    assert q["name"] == "a:b"
    assert q["text"] == "Braces {x}, ~, =, #, a: colon\nnew line"
    assert q["answers"][0] == {"text": "x=y", "fraction": 1.0, "feedback": "fb#1"}


def test_double_backslash_is_one_backslash():
    # From Moodle's test_import_backslash (MDL-34171).
    q = one("// essay\n::double backslash:: A \\\\ B \\\\\\\\ C{}")
    assert q["text"] == "A \\ B \\\\ C"


def test_escaped_braces_in_a_multiline_html_text():
    # From Moodle's test_import_pre_content; file lines are trimmed as Moodle trims them.
    q = one("::Q001::[html]<p>Print?</p>\n<pre>\n    test() \\{\n        method1();\n    \\}\n</pre>\n{}")
    assert q["type"] == "essay"
    assert q["text"] == "<p>Print?</p>\n<pre>\ntest() {\nmethod1();\n}\n</pre>"


def test_blank_lines_separate_questions_and_questions_span_lines():
    questions = parse_gift("\n\n::a::\nFirst\nquestion\n{\nT\n}\n\n\n\n::b::Second{F}\n")
    assert [(q["name"], q["text"]) for q in questions] == [("a", "First\nquestion"), ("b", "Second")]


def test_a_line_holding_only_0_separates_questions_like_moodle():
    # PHP's empty("0") is true, so Moodle treats such a line as blank.
    assert [q["name"] for q in parse_gift("::a::A?{T}\n0\n::b::B?{T}")] == ["a", "b"]


# -- question types ------------------------------------------------------------------


def test_missing_word_question_gets_a_blank():
    q = one("::q::Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert q["text"] == "Grant is _____ in Grant's tomb."
    assert [a["fraction"] for a in q["answers"]] == [0.0, 1.0, 0.0]


def test_block_at_the_end_adds_no_blank():
    assert one("::q::Who is buried in Grant's tomb?{~Grant =no one}")["text"] == "Who is buried in Grant's tomb?"


def test_multiple_response_has_no_equals_and_keeps_negative_weights():
    # From Moodle's test_import_multichoice_multi.
    q = one(
        "::colours:: What's between orange and green?\n{\n    ~%50%yellow # right; good!\n"
        "    ~%-100%red # [html]wrong\n    ~%50%off-beige # right; good!\n    ~%-100%[plain]blue # wrong\n}"
    )
    assert q["single"] is False
    assert [(a["text"], a["fraction"]) for a in q["answers"]] == [
        ("yellow", 0.5),
        ("red", -1.0),
        ("off-beige", 0.5),
        ("blue", -1.0),
    ]


@pytest.mark.parametrize(
    "weight, fraction",
    [
        ("100", 1.0),
        ("50", 0.5),
        ("-50", -0.5),
        ("33.33333", 0.3333333),
        ("-33.33333", -0.3333333),
        ("33.333", 0.3333333),
        ("12.5", 0.125),
        ("14.28571", 0.1428571),
        ("5", 0.05),
        ("0", 0.0),
    ],
)
def test_weights_become_moodle_grade_fractions(weight, fraction):
    q = one(f"::q::Which?{{~%{weight}%a ~b}}")
    assert q["answers"][0]["fraction"] == fraction
    assert fraction in GRADE_OPTIONS


def test_equals_inside_a_choice_answer_starts_a_new_answer_like_moodle():
    q = one("::q::Sum?{~one=two ~three}")
    assert [(a["text"], a["fraction"]) for a in q["answers"]] == [("one", 0.0), ("two", 1.0), ("three", 0.0)]


def test_blank_choices_are_dropped_like_moodle():
    q = one("::q::Which?{~a ~ ~#only feedback ~b}")
    assert [a["text"] for a in q["answers"]] == ["a", "b"]


def test_truefalse_with_both_feedbacks():
    # From Moodle's test_import_truefalse: the first # is for a wrong answer, the second for a right one.
    q = one(
        "// true/false\n::Q1:: 42 is the Absolute Answer to everything.{\n"
        "FALSE#42 is the Ultimate Answer.#You gave the right answer.}"
    )
    assert q["answer"] is False
    assert q["feedback_wrong"] == "42 is the Ultimate Answer."
    assert q["feedback_right"] == "You gave the right answer."


@pytest.mark.parametrize("block, answer", [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)])
def test_truefalse_spellings(block, answer):
    q = one(f"::2-08 TSL::TSL is blablabla.{{{block}}}")
    assert (q["type"], q["answer"]) == ("truefalse", answer)


def test_lowercase_true_is_a_short_answer_like_moodle():
    q = one("::q::Is it?{true}")
    assert q["type"] == "shortanswer"
    assert q["answers"] == [{"text": "true", "fraction": 1.0, "feedback": ""}]


def test_short_answer_with_partial_credit_wildcard_and_general_feedback():
    # From Moodle's test_import_shortanswer_with_general_feedback.
    q = one(
        "::Shortanswer::Which is the best animal?{\n    =Frog#Good!\n    =%50%Cat#What is it with Moodlers and cats?\n"
        "    =%0%*#Completely wrong\n    ####[html]Here is some general feedback!\n}"
    )
    assert q["type"] == "shortanswer"
    assert q["answers"] == [
        {"text": "Frog", "fraction": 1.0, "feedback": "Good!"},
        {"text": "Cat", "fraction": 0.5, "feedback": "What is it with Moodlers and cats?"},
        {"text": "*", "fraction": 0.0, "feedback": "Completely wrong"},
    ]
    assert q["general_feedback"] == "Here is some general feedback!"


def test_numerical_with_tolerance_and_wrong_answer_feedback():
    # From Moodle's test_import_numerical.
    q = one("// math range question\n::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}")
    assert q["answers"] == [
        {"value": 3.0, "tolerance": 2.0, "fraction": 1.0, "feedback": ""},
        {"value": "*", "tolerance": 0.0, "fraction": 0.0, "feedback": "Completely wrong"},
    ]


def test_numerical_range_gives_midpoint_and_half_width():
    q = one("::q::Between one and two?{#1..2}")
    assert q["answers"] == [{"value": 1.5, "tolerance": 0.5, "fraction": 1.0, "feedback": ""}]


def test_numerical_with_several_weighted_answers():
    q = one("::q::When was Grant born? {#\n=1822:0 #Correct\n=%50%1822:2 #Close\n=%-50%-1..1#Really?\n}")
    assert [(a["value"], a["tolerance"], a["fraction"], a["feedback"]) for a in q["answers"]] == [
        (1822.0, 0.0, 1.0, "Correct"),
        (1822.0, 2.0, 0.5, "Close"),
        (0.0, 1.0, -0.5, "Really?"),
    ]


def test_numerical_accepts_php_number_forms():
    q = one("::q::N?{#=1e3 =%50%.5 =%50%-2.:0.25}")
    assert [(a["value"], a["tolerance"]) for a in q["answers"]] == [(1000.0, 0.0), (0.5, 0.0), (-2.0, 0.25)]


def test_matching_with_formats_and_a_distractor():
    # From Moodle's test_import_match.
    q = one(
        "// question: 2  name: Moodle activities\n"
        "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
        "    =[html]An activity supporting asynchronous discussions. -> Forum\n"
        "    =[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice\n"
        "    =[plain]A bank of record entries which participants can add to. -> Database\n"
        "    =[markdown]A collection of web pages that anyone can add to or edit. -> Wiki\n"
        "    = -> Chat\n}"
    )
    assert (q["type"], q["text_format"]) == ("matching", "html")
    assert q["text"] == "Match the <b>activity</b> to the description."
    assert q["pairs"] == [
        {"question": "An activity supporting asynchronous discussions.", "answer": "Forum"},
        {"question": "A teacher asks a question and specifies a choice of multiple responses.", "answer": "Choice"},
        {"question": "A bank of record entries which participants can add to.", "answer": "Database"},
        {"question": "A collection of web pages that anyone can add to or edit.", "answer": "Wiki"},
        {"question": "", "answer": "Chat"},
    ]


def test_essay_and_essay_with_general_feedback():
    # From Moodle's test_import_essay; tags and idnumbers in comments are ignored.
    q = one("// [tag:tag] [id:myid]\n::Q8:: How are you? {}")
    assert (q["type"], q["text"], q["general_feedback"]) == ("essay", "How are you?", "")
    assert set(q) == {"category", "name", "type", "text", "text_format", "general_feedback"}
    assert one("::e::Why?{####Because.}")["general_feedback"] == "Because."


def test_description_has_no_block():
    q = one("::intro::[html]<p>Read this first.</p>")
    assert (q["type"], q["text"], q["text_format"]) == ("description", "<p>Read this first.</p>", "html")
    assert set(q) == {"category", "name", "type", "text", "text_format", "general_feedback"}


def test_key_order_follows_the_format_document():
    q = one("::q::Which?{=a ~b}")
    assert list(q) == ["category", "name", "type", "single", "text", "text_format", "general_feedback", "answers"]


def test_nearest_grades_option_rounds_like_moodle():
    q = parse_gift("::q::Which?{~%33%a ~%67%b ~c}", match_grades="nearest")[0]
    assert [a["fraction"] for a in q["answers"]] == [0.3333333, 0.6666667, 0.0]


def test_file_with_only_categories_has_no_questions():
    assert parse_gift("$CATEGORY: A\n\n// nothing else\n") == []


# -- details where PHP's behaviour shows through (checked against Moodle's code) ----------


def test_unnamed_question_whose_name_would_be_0_gets_moodles_default_name():
    assert one("<b>0</b>{}")["name"] == "Question name"  # "0" is falsy in PHP
    assert one("<p></p>{}")["name"] == "Question name"
    assert one("0<b>1</b>{}")["name"] == "01"


def test_names_keep_multilang_spans_and_lose_other_tags():
    multilang = (
        '<span lang="en" class="multilang">Ownership</span><span lang="fr" class="multilang">Prise en charge</span>'
    )
    assert one(f"::{multilang}::Q?{{T}}")["name"] == multilang
    assert one("::<b>bold</b> name::Q?{T}")["name"] == "bold name"
    assert one("::a < b::Q?{T}")["name"] == "a < b"
    assert one("::a<b::Q?{T}")["name"] == "a"


def test_format_tag_without_closing_bracket_follows_php_substr():
    # substr($text, 1, false - 1) drops the last byte: "[htmlX" reads as [html], "[htmlé" does not.
    assert (one("[htmlX{}")["text_format"], one("[htmlX{}")["text"]) == ("html", "htmlX")
    assert (one("[htmlé{}")["text_format"], one("[htmlé{}")["text"]) == ("moodle", "[htmlé")


def test_escaped_newline_keeps_a_format_tag_from_being_read():
    # Moodle's placeholder for \n is five characters long; "[markdown\n" is not a format tag.
    q = one("[markdown\\n")
    assert (q["text_format"], q["text"]) == ("moodle", "[markdown")


def test_long_default_name_counts_characters_and_entities_like_moodle():
    text = "日本語 " * 10 + "word &amp; " * 10
    # Moodle compares byte offsets of entities with character counts, so this stops early.
    assert one(text + "{}")["name"] == "日本語 " * 10 + "word &amp; " * 3 + "word..."
