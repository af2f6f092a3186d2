"""Answering a course quiz in the browser from its GIFT bank (the test knows the answers; the page never shows them)."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from lms.quizzes.gift import parse_gift
from tests.conftest import ROOT


def bank(slug: str) -> list[dict]:
    """The parsed question bank of a course folder."""
    return parse_gift((ROOT / "courses" / slug / "quiz.gift").read_text(encoding="utf-8"))


def _words(text: str) -> str:
    return " ".join(text.split())


def answer_page(page: Page, questions: list[dict], right: bool, chosen_feedback: list[str]) -> None:
    """Answer every question on the page: all right, or each single-choice question with its worst answer."""
    for fieldset in page.locator("fieldset.question").all():
        shown = _words(fieldset.locator(".question-text").inner_text())
        question = next(q for q in questions if _words(q["text"]) == shown)
        qtype = question["type"]
        if qtype == "multichoice" and question["single"]:
            pick = max if right else min
            chosen = pick(question["answers"], key=lambda a: a["fraction"])
            fieldset.get_by_label(chosen["text"], exact=True).check()
            chosen_feedback.append(chosen["feedback"])
        elif not right:
            continue  # left blank: scores nothing
        elif qtype == "multichoice":
            for a in question["answers"]:
                if a["fraction"] > 0:
                    fieldset.get_by_label(a["text"], exact=True).check()
        elif qtype == "truefalse":
            fieldset.get_by_label("True" if question["answer"] else "False", exact=True).check()
        elif qtype == "shortanswer":
            fieldset.get_by_label("Your answer").fill(max(question["answers"], key=lambda a: a["fraction"])["text"])
        elif qtype == "numerical":
            best = max(question["answers"], key=lambda a: a["fraction"])
            fieldset.get_by_label("Your answer").fill(f"{float(best['value']):g}")
        elif qtype == "matching":
            for pair in question["pairs"]:
                if pair["question"]:
                    fieldset.get_by_label(pair["question"], exact=True).select_option(label=pair["answer"])


def take_attempt(page: Page, questions: list[dict], right: bool, on_summary=None) -> list[str]:
    """Answer every page of an open attempt and submit it; returns the feedback of the chosen answers.

    `on_summary(page)` runs on the summary page, before submitting.
    """
    chosen_feedback: list[str] = []
    while True:
        answer_page(page, questions, right, chosen_feedback)
        following = page.get_by_role("button", name=re.compile(r"^Save and go to page \d+$"))
        if following.count():
            following.click()
            expect(page.get_by_role("status").first).to_contain_text("Your answers are saved.")
            continue
        page.get_by_role("button", name="Save and finish").first.click()
        break
    if on_summary:
        on_summary(page)
    page.get_by_role("button", name="Submit all answers and finish").click()
    return chosen_feedback
