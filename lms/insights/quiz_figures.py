"""Quiz pass rates and the hardest questions among a scope's people, aggregated in SQL."""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import case, func, select

from lms.extensions import db
from lms.insights import counted
from lms.insights.scope import Scope, people_conditions
from lms.learning.models import Course
from lms.org.models import Employee
from lms.quizzes.models import Quiz, QuizAttempt, QuizQuestion, QuizSlot

HARDEST = 10
MIN_ANSWERS = 5  # a question needs this many graded answers before it can rank among the hardest


@dataclass(frozen=True)
class QuizPassRate:
    course: str
    quiz: str
    pass_mark: float
    learners: int  # with at least one graded attempt
    passed: int  # learners who passed in any attempt
    attempts: int  # graded attempts
    average: float | None  # mean graded score, percent

    @property
    def pass_rate(self) -> float | None:
        return 100.0 * self.passed / self.learners if self.learners else None


@dataclass(frozen=True)
class HardQuestion:
    course: str
    name: str
    text: str
    answers: int
    facility: float  # mean score on the question in percent, as on the quiz statistics page


def quiz_pass_rates(scope: Scope, counters: bool = True) -> list[QuizPassRate]:
    """Per active quiz: learners graded, learners passed, graded attempts and average score (one query).

    For the whole organization the figures are summed from the maintained counters unless `counters` is False.
    """
    graded = QuizAttempt.state == "graded"
    rows = db.session.execute(counted.quiz_pass_rates() if counters and scope.is_organization else
        select(Course.title, Quiz.title, Quiz.pass_mark,
               func.count(func.distinct(case((graded, QuizAttempt.employee_id)))),
               func.count(func.distinct(case((QuizAttempt.passed.is_(True), QuizAttempt.employee_id)))),
               func.count(QuizAttempt.id).filter(graded),
               func.avg(QuizAttempt.percent).filter(graded))
        .select_from(Quiz).join(Course, Quiz.course_id == Course.id)
        .join(QuizAttempt, QuizAttempt.quiz_id == Quiz.id)
        .join(Employee, QuizAttempt.employee_id == Employee.id)
        .where(Quiz.active.is_(True), Course.archived.is_(False), *people_conditions(scope))
        .group_by(Quiz.id, Course.id, Course.title, Quiz.title, Quiz.pass_mark).order_by(Course.title)
    ).all()
    return [QuizPassRate(course, quiz, float(mark), learners, passed, attempts,
                         float(average) if average is not None else None)
            for course, quiz, mark, learners, passed, attempts, average in rows]


def hardest_questions(scope: Scope, limit: int = HARDEST, min_answers: int = MIN_ANSWERS,
                      counters: bool = True) -> list[HardQuestion]:
    """The questions with the lowest facility in graded attempts by the scope's people (one query).

    For the whole organization the answers are summed from the maintained counters unless `counters` is False.
    """
    if counters and scope.is_organization:
        return [HardQuestion(course, name, _plain(data), int(answers), float(facility or 0))
                for course, name, data, answers, facility in
                db.session.execute(counted.hardest_questions(limit, min_answers)).all()]
    per_question = (
        select(QuizSlot.question_id.label("question_id"), func.count().label("answers"),
               (100.0 * func.sum(QuizSlot.fraction) / func.count()).label("facility"))
        .join(QuizAttempt, QuizSlot.attempt_id == QuizAttempt.id)
        .join(Employee, QuizAttempt.employee_id == Employee.id)
        .where(QuizAttempt.state == "graded", QuizSlot.marks > 0, *people_conditions(scope))
        .group_by(QuizSlot.question_id).having(func.count() >= min_answers).subquery("per_question")
    )
    rows = db.session.execute(
        select(Course.title, QuizQuestion.name, QuizQuestion.data, per_question.c.answers, per_question.c.facility)
        .join(QuizQuestion, QuizQuestion.id == per_question.c.question_id)
        .join(Course, QuizQuestion.course_id == Course.id)
        .order_by(per_question.c.facility, QuizQuestion.id).limit(limit)
    ).all()
    return [HardQuestion(course, name, _plain(data), answers, float(facility or 0))
            for course, name, data, answers, facility in rows]


def _plain(data: dict) -> str:
    """The question's text without markup, shortened for a table cell."""
    text = Markup(str(data.get("text", ""))).striptags()
    return text if len(text) <= 160 else text[:157].rstrip() + "…"
