"""The quiz domain's reactions to course sync (and the registration of its bank commands)."""
from __future__ import annotations

from lms.core.signals import course_synced
from lms.quizzes import bank_commands  # noqa: F401  (adds import-gift and export-gift to the quiz group)
from lms.quizzes.assembly import sync_quiz
from lms.quizzes.bank import sync_bank


@course_synced.connect
def update_bank_and_quiz(sender, course, questions: list[dict]) -> None:
    """A synced course's quiz.gift becomes its bank, and its quiz settings its quiz."""
    sync_bank(course, questions)
    sync_quiz(course)
