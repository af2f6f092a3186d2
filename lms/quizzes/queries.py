"""Read-only quiz queries: a learner's standing, the essay queue and quiz statistics, aggregated in SQL."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, case, exists, func, select
from sqlalchemy.orm import lazyload

from lms.extensions import db
from lms.learning.models import Course
from lms.org.models import Department, Employee
from lms.quizzes import qtypes
from lms.quizzes.attempts import attempts_left, attempts_of
from lms.quizzes.marking import marks_everyone
from lms.quizzes.models import Quiz, QuizAttempt, QuizQuestion, QuizResponseChoice, QuizSlot

BANDS = 10  # score distribution in bands of 10 percentage points


# --------------------------------------------------------------------------- a learner's standing


@dataclass(frozen=True)
class Standing:
    """Where an employee stands with a quiz."""

    attempts: list[QuizAttempt]
    open: QuizAttempt | None
    left: int | None  # None: unlimited
    best: float | None
    passed: bool

    @property
    def can_start(self) -> bool:
        return self.open is None and (self.left is None or self.left > 0)


def standing(employee: Employee, quiz: Quiz) -> Standing:
    """The employee's attempts, best score, pass and attempts left."""
    attempts = attempts_of(employee, quiz)
    scores = [a.percent for a in attempts if a.percent is not None]
    return Standing(
        attempts=attempts,
        open=next((a for a in attempts if a.is_open), None),
        left=attempts_left(quiz, len(attempts)),
        best=max(scores) if scores else None,
        passed=any(a.passed for a in attempts),
    )


def passed_and_pass_mark(employee_id: int, course_id: int) -> tuple[bool, float | None]:
    """(whether the employee passed the course's quiz in any attempt, its pass mark); (False, None) without a quiz."""
    row = db.session.execute(_standing_statement(), {"employee_id": employee_id, "course_id": course_id}).first()
    return (bool(row.passed), row.pass_mark) if row is not None else (False, None)


@cache
def _standing_statement():
    # Built once: the course page asks this on every view, and one statement answers both questions.
    passed = exists().where(QuizAttempt.quiz_id == Quiz.id, QuizAttempt.employee_id == bindparam("employee_id"),
                            QuizAttempt.passed.is_(True))
    return select(passed.label("passed"), Quiz.pass_mark).where(Quiz.course_id == bindparam("course_id"))


def bank_sizes() -> list[tuple[Course, int, int]]:
    """Every live course with (live questions, archived question versions) in its bank."""
    return list(db.session.execute(
        select(Course, func.count(QuizQuestion.id).filter(QuizQuestion.archived.is_(False)),
               func.count(QuizQuestion.id).filter(QuizQuestion.archived.is_(True)))
        .outerjoin(QuizQuestion, QuizQuestion.course_id == Course.id)
        .where(Course.archived.is_(False)).group_by(Course.id).order_by(Course.title)
    ).all())


# --------------------------------------------------------------------------- essay queue


MARKING_PER_PAGE = 25


def _essay_queue_statement(marker: Employee, q: str = ""):
    stmt = (
        select(QuizSlot, QuizAttempt, Employee, Course)
        .join(QuizAttempt, QuizSlot.attempt_id == QuizAttempt.id)
        .join(Employee, QuizAttempt.employee_id == Employee.id)
        .join(Quiz, QuizAttempt.quiz_id == Quiz.id)
        .join(Course, Quiz.course_id == Course.id)
        .where(QuizSlot.needs_marking.is_(True), QuizAttempt.state == "needs_marking", Employee.id != marker.id)
        .order_by(QuizAttempt.submitted_at, QuizSlot.position, QuizSlot.id)
        .options(lazyload(QuizAttempt.slots))
    )
    if not marks_everyone(marker):
        stmt = stmt.join(Department, Employee.department_id == Department.id).where(
            Department.site_id == marker.department.site_id)
    if q.strip():
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(func.lower(Employee.full_name).like(like) | func.lower(Course.title).like(like))
    return stmt


def essay_queue(marker: Employee) -> list[tuple[QuizSlot, QuizAttempt, Employee, Course]]:
    """Essays waiting for this marker, oldest first: their own site's learners, or everyone's for leads and admins."""
    return list(db.session.execute(_essay_queue_statement(marker)).all())


def essay_queue_page(marker: Employee, page: int, q: str = "", per_page: int = MARKING_PER_PAGE):
    """One page of the marker's essay queue, optionally only learners or courses whose name holds `q`."""
    from lms.trainers.queries import Page

    stmt = _essay_queue_statement(marker, q)
    total = db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    rows = list(db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all())
    return Page(rows, page, pages, total)


# --------------------------------------------------------------------------- statistics


def quizzes_with_counts() -> list[tuple[str, str, int, int, float | None]]:
    """Every active quiz as (course slug, quiz title, attempts, graded attempts, average graded score)."""
    graded = QuizAttempt.state == "graded"
    return list(db.session.execute(
        select(Course.slug, Quiz.title, func.count(QuizAttempt.id), func.count(QuizAttempt.id).filter(graded),
               func.avg(QuizAttempt.percent).filter(graded))
        .join(Course, Quiz.course_id == Course.id)
        .outerjoin(QuizAttempt, QuizAttempt.quiz_id == Quiz.id)
        .where(Quiz.active.is_(True), Course.archived.is_(False))
        .group_by(Quiz.id, Course.id).order_by(Course.title)
    ).all())


@dataclass(frozen=True)
class QuizSummary:
    """A quiz's attempts counted by state."""

    attempts: int
    learners: int
    in_progress: int
    needs_marking: int
    graded: int
    passed: int
    average: float | None


@dataclass(frozen=True)
class ChoiceCount:
    """How often one response was given, and what it earns."""

    label: str
    count: int
    credit: float | None  # the choice's fraction, when it has one


@dataclass
class QuestionStats:
    """One question version's figures over graded attempts."""

    question: QuizQuestion
    attempts: int
    answered: int
    facility: float | None  # mean score on the question, in percent
    discrimination: float | None  # 100 x correlation of the question's score with the rest of the attempt
    choices: list[ChoiceCount] = field(default_factory=list)


@dataclass(frozen=True)
class QuizStatistics:
    """Everything the statistics page shows."""

    summary: QuizSummary
    distribution: list[tuple[str, int]]
    questions: list[QuestionStats]


def quiz_summary(quiz: Quiz) -> QuizSummary:
    """Counts of the quiz's attempts by state, learners and the average graded score, in one query."""
    state = QuizAttempt.state
    row = db.session.execute(
        select(func.count(QuizAttempt.id), func.count(func.distinct(QuizAttempt.employee_id)),
               func.count(QuizAttempt.id).filter(state == "in_progress"),
               func.count(QuizAttempt.id).filter(state == "needs_marking"),
               func.count(QuizAttempt.id).filter(state == "graded"),
               func.count(QuizAttempt.id).filter(QuizAttempt.passed.is_(True)),
               func.avg(QuizAttempt.percent).filter(state == "graded"))
        .where(QuizAttempt.quiz_id == quiz.id)
    ).one()
    return QuizSummary(*row[:6], average=float(row[6]) if row[6] is not None else None)


def score_distribution(quiz: Quiz) -> list[tuple[str, int]]:
    """Graded attempts per band of 10 percentage points ('0-9%' ... '90-100%'), in one GROUP BY."""
    percent = QuizAttempt.percent
    band = case(*((percent < (i + 1) * 100 / BANDS, i) for i in range(BANDS - 1)), else_=BANDS - 1)
    counts = dict(db.session.execute(
        select(band, func.count()).where(QuizAttempt.quiz_id == quiz.id, QuizAttempt.state == "graded")
        .group_by(band)
    ).all())
    width = 100 // BANDS
    return [(f"{i * width}-{100 if i == BANDS - 1 else (i + 1) * width - 1}%", counts.get(i, 0)) for i in range(BANDS)]


def question_statistics(quiz: Quiz) -> list[QuestionStats]:
    """Facility, discrimination and per-choice counts of every question met in graded attempts."""
    graded = and_(QuizAttempt.quiz_id == quiz.id, QuizAttempt.state == "graded")
    f = QuizSlot.fraction
    rest = QuizAttempt.score - QuizSlot.marks * QuizSlot.fraction
    sums = db.session.execute(
        select(QuizSlot.question_id, func.count(), func.count().filter(QuizSlot.answered.is_(True)),
               func.sum(f), func.sum(f * f), func.sum(rest), func.sum(rest * rest), func.sum(f * rest))
        .join(QuizAttempt, QuizSlot.attempt_id == QuizAttempt.id)
        .where(graded, QuizSlot.marks > 0)
        .group_by(QuizSlot.question_id)
    ).all()
    if not sums:
        return []
    questions = {q.id: q for q in db.session.execute(
        select(QuizQuestion).where(QuizQuestion.id.in_([row[0] for row in sums]))).scalars()}
    counts: dict[int, dict[str, int]] = {}
    for question_id, choice, count in db.session.execute(
        select(QuizResponseChoice.question_id, QuizResponseChoice.choice, func.count())
        .join(QuizSlot, QuizResponseChoice.slot_id == QuizSlot.id)
        .join(QuizAttempt, QuizSlot.attempt_id == QuizAttempt.id)
        .where(graded)
        .group_by(QuizResponseChoice.question_id, QuizResponseChoice.choice)
    ):
        counts.setdefault(question_id, {})[choice] = count
    stats = []
    for question_id, n, answered, sf, sff, sr, srr, sfr in sums:
        question = questions[question_id]
        stats.append(QuestionStats(
            question=question, attempts=n, answered=answered,
            facility=100.0 * sf / n if n else None,
            discrimination=_correlation(n, sf, sff, sr, srr, sfr),
            choices=choice_counts(question.data, counts.get(question_id, {})),
        ))
    return sorted(stats, key=lambda s: (s.question.position, s.question.id))


def _correlation(n, sx, sxx, sy, syy, sxy) -> float | None:
    """100 x Pearson's r from sums; None when either side does not vary (or too few attempts)."""
    if n < 2 or None in (sx, sxx, sy, syy, sxy):
        return None
    var_x, var_y = n * sxx - sx * sx, n * syy - sy * sy
    if var_x <= 1e-12 or var_y <= 1e-12:
        return None
    return 100.0 * (n * sxy - sx * sy) / math.sqrt(var_x * var_y)


def choice_counts(question: dict[str, Any], counts: dict[str, int]) -> list[ChoiceCount]:
    """Counts per possible choice of a question, labelled, with typed answers in order of popularity."""
    qtype = question["type"]
    if qtype == "multichoice":
        return [ChoiceCount(a["text"], counts.get(str(i), 0), a["fraction"]) for i, a in enumerate(question["answers"])]
    if qtype == "truefalse":
        return [ChoiceCount(label, counts.get(key, 0), 1.0 if (key == "true") == question["answer"] else 0.0)
                for key, label in (("true", "True"), ("false", "False"))]
    if qtype == "matching":
        choices = qtypes.get_type("matching").choices(question)
        pairs = question["pairs"]
        out = []
        for stem in qtypes.get_type("matching").stems(question):
            for index, text in enumerate(choices):
                out.append(ChoiceCount(f"{pairs[stem]['question']} → {text}", counts.get(f"{stem}:{index}", 0),
                                       1.0 if pairs[stem]["answer"] == text else 0.0))
        return out
    return [ChoiceCount(text, count, None) for text, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def quiz_statistics(quiz: Quiz) -> QuizStatistics:
    """Everything the statistics page shows, in a fixed number of queries."""
    return QuizStatistics(quiz_summary(quiz), score_distribution(quiz), question_statistics(quiz))
