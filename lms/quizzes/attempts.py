"""A learner's attempts: start or resume, save answers as they go, submit, time out, grade, review rules."""
from __future__ import annotations

import math
import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import defaultload, lazyload, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.exc import IntegrityError

from lms.core.database import begin_write
from lms.core.errors import Conflict, NotFound, ValidationFailed
from lms.core.models import utcnow
from lms.core.signals import attempt_graded, quiz_passed
from lms.extensions import db
from lms.learning.models import Course
from lms.org.models import Employee
from lms.quizzes import qtypes
from lms.quizzes.assembly import draw_questions
from lms.quizzes.models import Quiz, QuizAttempt, QuizResponseChoice, QuizSlot
from lms.quizzes.question_cache import attach_questions, question_versions

# Answers that arrive this long after the deadline still count (a slow network, a click at the last second).
GRACE = timedelta(seconds=30)
PAGE_SIZE = 5
MAX_TEXT = 20_000


class NoAttemptsLeft(Conflict):
    """Every attempt the quiz allows has been used."""


class AttemptClosed(Conflict):
    """The attempt was already submitted or timed out."""


@dataclass(frozen=True)
class SaveOutcome:
    """What became of answers sent to an attempt."""

    saved: bool
    closed: bool  # the attempt is (now) closed: submitted elsewhere, or out of time


@dataclass(frozen=True)
class ReviewRules:
    """What the review of a closed attempt may show."""

    show_feedback: bool
    show_right_answers: bool


# --------------------------------------------------------------------------- lookups


def get_attempt(attempt_id: int, employee: Employee, with_slots: bool = True) -> QuizAttempt:
    """The employee's own attempt with this id (and its slots, unless a submit needs none); anyone else's is NotFound."""
    # The slots' questions come from the process's copies; the course's modules only if a page asks for them.
    attempt = db.session.get(QuizAttempt, attempt_id, options=_ATTEMPT_LOADS if with_slots else _ATTEMPT_ALONE)
    if attempt is None or attempt.employee_id != employee.id:
        raise NotFound("No such attempt.")
    if with_slots:
        attach_questions(attempt.slots)
    return attempt


_ATTEMPT_LOADS = (defaultload(QuizAttempt.quiz).defaultload(Quiz.course).lazyload(Course.modules),
                  selectinload(QuizAttempt.slots).lazyload(QuizSlot.question))
_ATTEMPT_ALONE = (defaultload(QuizAttempt.quiz).defaultload(Quiz.course).lazyload(Course.modules),
                  lazyload(QuizAttempt.slots))


def attempts_of(employee: Employee, quiz: Quiz) -> list[QuizAttempt]:
    """The employee's attempts at the quiz, first to last."""
    return list(db.session.execute(
        select(QuizAttempt).where(QuizAttempt.employee_id == employee.id, QuizAttempt.quiz_id == quiz.id)
        .order_by(QuizAttempt.number).options(lazyload(QuizAttempt.slots))
    ).scalars())


def open_attempt(employee: Employee, quiz: Quiz) -> QuizAttempt | None:
    """The employee's attempt in progress, if any."""
    return db.session.execute(
        select(QuizAttempt).where(QuizAttempt.employee_id == employee.id, QuizAttempt.quiz_id == quiz.id,
                                  QuizAttempt.state == "in_progress")
    ).scalar_one_or_none()


def attempts_left(quiz: Quiz, used: int) -> int | None:
    """How many more attempts may start after `used`; None when unlimited."""
    return None if quiz.unlimited else max(0, quiz.attempts_allowed - used)


def page_count(attempt: QuizAttempt) -> int:
    """How many pages the attempt's questions fill."""
    return max(1, math.ceil(len(attempt.slots) / PAGE_SIZE))


def page_slots(attempt: QuizAttempt, page: int) -> list[QuizSlot]:
    """The slots shown on page `page` (1-based), or NotFound."""
    if not 1 <= page <= page_count(attempt):
        raise NotFound("No such page.")
    return attempt.slots[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]


def is_past_grace(attempt: QuizAttempt, now: datetime) -> bool:
    """True when answers for the attempt may no longer be counted."""
    return attempt.deadline is not None and now > attempt.deadline + GRACE


# --------------------------------------------------------------------------- starting


def start_attempt(employee: Employee, quiz: Quiz, now: datetime | None = None) -> QuizAttempt:
    """Resume the open attempt, or start the next one if the quiz allows it."""
    now = now or utcnow()
    begin_write(db.session)  # SQLite: decide under the write lock, and keep the savepoint below from committing
    close_expired(now, employee=employee, quiz=quiz)
    existing = open_attempt(employee, quiz)
    if existing is not None:
        return existing
    used = db.session.execute(
        select(func.max(QuizAttempt.number)).where(QuizAttempt.employee_id == employee.id, QuizAttempt.quiz_id == quiz.id)
    ).scalar() or 0
    if attempts_left(quiz, used) == 0:
        raise NoAttemptsLeft("You have used every attempt this quiz allows.")
    rng = random.Random(secrets.randbits(64))
    questions = draw_questions(quiz, rng)
    if not questions:
        raise Conflict("This quiz has no questions yet.")
    slots = [
        QuizSlot(position=i, question_id=q.id, marks=1.0 if q.has_marks else 0.0, layout=qtypes.layout(q.data, rng))
        for i, q in enumerate(questions, start=1)
    ]
    deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    attempt = QuizAttempt(quiz_id=quiz.id, employee_id=employee.id, number=used + 1, state="in_progress",
                          started_at=now, deadline=deadline, max_score=sum(s.marks for s in slots), slots=slots)
    try:
        # A concurrent start (PostgreSQL) loses on the unique constraints and resumes the winner's attempt.
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        existing = open_attempt(employee, quiz)
        if existing is not None:
            return existing
        raise Conflict("Another attempt was started at the same moment. Open the quiz page again.") from None
    return attempt


# --------------------------------------------------------------------------- saving


def _is_blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip() == ""
    if isinstance(raw, dict):
        return all(_is_blank(v) for v in raw.values())
    if isinstance(raw, (list, tuple)):
        return all(_is_blank(v) for v in raw)
    return False


def _lock_open(attempt: QuizAttempt, now: datetime) -> bool:
    """Take the attempt's row while it is open (saves and submits queue here); False once it is closed."""
    return bool(db.session.execute(_CLAIM_OPEN, {"attempt_id": attempt.id, "now": now}).rowcount)


# Built once, on the table: the statements of saving and submitting cost more to build than to run.
_ATTEMPTS = QuizAttempt.__table__
_CLAIM_OPEN = (update(_ATTEMPTS).where(_ATTEMPTS.c.id == bindparam("attempt_id"), _ATTEMPTS.c.state == "in_progress")
               .values(last_saved_at=bindparam("now"), saves=_ATTEMPTS.c.saves + 1))
_CLOSE_OPEN = (update(_ATTEMPTS).where(_ATTEMPTS.c.id == bindparam("attempt_id"), _ATTEMPTS.c.state == "in_progress")
               .values(state="submitted", submitted_at=bindparam("now"), timed_out=bindparam("timed_out")))
_CLOSE_UNSAVED_SINCE = _CLOSE_OPEN.where(_ATTEMPTS.c.saves == bindparam("seen_saves"))


def save_answers(attempt: QuizAttempt, answers: dict[int, Any], now: datetime | None = None) -> SaveOutcome:
    """Store what the browser sent for some slots (by position); late answers close the attempt instead."""
    now = now or utcnow()
    if not attempt.is_open:
        return SaveOutcome(saved=False, closed=True)
    if is_past_grace(attempt, now):
        close_attempt(attempt, now, timed_out=True)
        return SaveOutcome(saved=False, closed=True)
    by_position = {slot.position: slot for slot in attempt.slots}
    checked: list[tuple[QuizSlot, Any]] = []
    for position, raw in answers.items():
        slot = by_position.get(position)
        if slot is None:
            raise ValidationFailed("An answer was sent for a question that is not in this attempt.")
        if isinstance(raw, str) and len(raw) > MAX_TEXT:
            raise ValidationFailed(f"An answer is longer than {MAX_TEXT} characters.")
        try:
            qtypes.decode(slot.question.data, slot.layout, raw)
        except qtypes.ResponseError:
            raise ValidationFailed("An answer does not belong to its question.") from None
        checked.append((slot, raw))
    if not _lock_open(attempt, now):
        return SaveOutcome(saved=False, closed=True)
    for slot, raw in checked:
        slot.response = raw
        slot.answered = not _is_blank(raw)
        slot.saved_at = now
    db.session.flush()
    return SaveOutcome(saved=True, closed=False)


# --------------------------------------------------------------------------- submitting and grading


def submit_attempt(attempt: QuizAttempt, now: datetime | None = None) -> QuizAttempt:
    """Close and grade the attempt on its saved answers; AttemptClosed when it already was."""
    now = now or utcnow()
    if not close_attempt(attempt, now, timed_out=is_past_grace(attempt, now)):
        raise AttemptClosed("This attempt was already submitted.")
    return attempt


def close_attempt(attempt: QuizAttempt, now: datetime, timed_out: bool = False) -> bool:
    """Move an open attempt to submitted and grade it; False if another request closed it first."""
    # Graded before the attempt's row is taken, so that other writers (on SQLite: every other writer) wait only for
    # the writes. The claim holds only while no answer was saved since the save count was read; else the answers
    # are read and graded again under the claim.
    params = {"attempt_id": attempt.id, "now": now, "timed_out": timed_out}
    seen_saves = attempt.saves
    grading = _grade_saved(attempt)
    if not db.session.execute(_CLOSE_UNSAVED_SINCE, {**params, "seen_saves": seen_saves}).rowcount:
        if not db.session.execute(_CLOSE_OPEN, params).rowcount:
            db.session.refresh(attempt)
            return False
        grading = _grade_saved(attempt)
    # What the update wrote, without reading it back (the rest of the row did not change).
    for name, value in (("state", "submitted"), ("submitted_at", now), ("timed_out", timed_out)):
        set_committed_value(attempt, name, value)
    finish_if_marked(attempt, now, _write_grading(attempt, grading))
    return True


def close_expired(now: datetime | None = None, employee: Employee | None = None, quiz: Quiz | None = None) -> int:
    """Close and grade every open attempt past its deadline and grace (optionally one person's or one quiz's)."""
    now = now or utcnow()
    stmt = select(QuizAttempt).where(QuizAttempt.state == "in_progress", QuizAttempt.deadline.is_not(None),
                                     QuizAttempt.deadline < now - GRACE)
    if employee is not None:
        stmt = stmt.where(QuizAttempt.employee_id == employee.id)
    if quiz is not None:
        stmt = stmt.where(QuizAttempt.quiz_id == quiz.id)
    closed = 0
    for attempt in db.session.execute(stmt).scalars().all():
        closed += close_attempt(attempt, now, timed_out=True)
    return closed


def current_slots(attempt: QuizAttempt) -> list[QuizSlot]:
    """The attempt's slots as committed now (another request may have changed them)."""
    return list(db.session.execute(
        select(QuizSlot).where(QuizSlot.attempt_id == attempt.id).order_by(QuizSlot.position)
        .execution_options(populate_existing=True)
    ).scalars())


# What grading needs of each slot, as plain rows: building twenty slot objects cost more than grading them.
# On the table's columns: the entity's attributes would send it through the ORM's (slower) execution path.
_SLOTS = QuizSlot.__table__
_SLOTS_TO_GRADE = (select(_SLOTS.c.id, _SLOTS.c.question_id, _SLOTS.c.marks, _SLOTS.c.layout, _SLOTS.c.response)
                   .where(_SLOTS.c.attempt_id == bindparam("attempt_id")).order_by(_SLOTS.c.position))
_INSERT_CHOICES = insert(QuizResponseChoice.__table__)
_SLOT_GRADES = (update(_SLOTS).where(_SLOTS.c.id == bindparam("slot_id"))
                .values(fraction=bindparam("fraction"), feedback=bindparam("feedback"),
                        needs_marking=bindparam("needs_marking")))


@dataclass(frozen=True)
class SlotMark:
    """What scoring needs of one slot."""

    marks: float
    fraction: float | None
    needs_marking: bool


@dataclass
class _Grading:
    """Every slot graded on its saved answer, not yet written."""

    grades: list[dict] = field(default_factory=list)  # per slot: fraction, feedback, waiting for a trainer
    choices: list[dict] = field(default_factory=list)  # response choices, for the statistics
    marks: list[SlotMark] = field(default_factory=list)  # what scoring needs
    responses: dict[int, Any] = field(default_factory=dict)  # slot id -> the saved answer graded


def _grade_saved(attempt: QuizAttempt) -> _Grading:
    """Grade every slot on the answer saved now, writing nothing."""
    rows = db.session.execute(_SLOTS_TO_GRADE, {"attempt_id": attempt.id}).all()
    questions = question_versions(row.question_id for row in rows)
    grading = _Grading()
    for slot_id, question_id, slot_marks, layout, saved in rows:
        question = questions[question_id].data
        response = qtypes.decode(question, layout, saved)
        grade = qtypes.grade(question, response)
        grading.grades.append({"slot_id": slot_id, "fraction": grade.fraction, "feedback": list(grade.feedback),
                               "needs_marking": grade.needs_marking})
        grading.responses[slot_id] = saved
        grading.choices += [{"slot_id": slot_id, "question_id": question_id, "choice": choice}
                            for choice in sorted(set(response_choices(question, response)))]
        grading.marks.append(SlotMark(slot_marks, grade.fraction, grade.needs_marking))
    return grading


def _write_grading(attempt: QuizAttempt, grading: _Grading) -> list[SlotMark]:
    """Store the slots' grades and response choices; returns what scoring needs."""
    # Two statements (grades by primary key, choices as one insert) rather than one per slot and choice.
    if grading.grades:
        db.session.execute(_SLOT_GRADES, grading.grades)
    if grading.choices:
        db.session.execute(_INSERT_CHOICES, grading.choices)
    if "slots" in attempt.__dict__:  # slots the caller holds show what was just written, without reading it back
        by_id = {grade["slot_id"]: grade for grade in grading.grades}
        for slot in attempt.slots:
            set_committed_value(slot, "response", grading.responses[slot.id])
            for name in ("fraction", "feedback", "needs_marking"):
                set_committed_value(slot, name, by_id[slot.id][name])
    return grading.marks


def response_choices(question: dict[str, Any], response: Any) -> list[str]:
    """What a response chose, as short strings counted by the statistics (answer indexes, pairs, typed text)."""
    qtype = question["type"]
    if response is None or qtype in ("essay", "description"):
        return []
    if qtype == "multichoice":
        return [str(i) for i in (response if isinstance(response, list) else [response])]
    if qtype == "truefalse":
        return ["true" if response else "false"]
    if qtype == "matching":
        return [f"{stem}:{choice}" for stem, choice in response.items()]
    text = str(response).strip().lower()
    return [text[:255]] if text else []


def finish_if_marked(attempt: QuizAttempt, now: datetime, slots: list | None = None) -> None:
    """Score the attempt (from `slots` just graded, else as stored now); once nothing waits for a trainer it is
    graded, and a pass is announced."""
    slots = current_slots(attempt) if slots is None else slots
    pending = any(s.needs_marking for s in slots)
    score = min(round(sum(s.marks * (s.fraction or 0.0) for s in slots if not s.needs_marking), 6), attempt.max_score)
    if pending:
        _write_result(attempt, score=score, percent=None, passed=None, state="needs_marking",
                      graded_at=attempt.graded_at)
        return
    percent = round(100.0 * score / attempt.max_score, 6) if attempt.max_score else 100.0
    _write_result(attempt, score=score, percent=percent, passed=percent >= attempt.quiz.pass_mark, state="graded",
                  graded_at=now)
    attempt_graded.send(None, attempt=attempt)
    if attempt.passed:
        quiz_passed.send(None, employee_id=attempt.employee_id, course_id=attempt.quiz.course_id)


_RESULT = (update(_ATTEMPTS).where(_ATTEMPTS.c.id == bindparam("attempt_id"))
           .values(**{name: bindparam(name) for name in ("score", "percent", "passed", "state", "graded_at")}))


def _write_result(attempt: QuizAttempt, **result) -> None:
    """Store the attempt's result with one prebuilt UPDATE (a unit-of-work flush of one row cost more than grading)."""
    db.session.execute(_RESULT, {"attempt_id": attempt.id, **result})
    for name, value in result.items():
        set_committed_value(attempt, name, value)


# --------------------------------------------------------------------------- review


def review_rules(attempt: QuizAttempt) -> ReviewRules:
    """Feedback once an attempt is closed; right answers only when no attempt is left, or once passed."""
    if attempt.is_open or attempt.state == "submitted":
        return ReviewRules(False, False)
    others = db.session.execute(
        select(QuizAttempt.state, QuizAttempt.passed)
        .where(QuizAttempt.employee_id == attempt.employee_id, QuizAttempt.quiz_id == attempt.quiz_id)
    ).all()
    quiz = attempt.quiz
    still_open = any(state == "in_progress" for state, _ in others)
    passed = any(p for _, p in others)
    out_of_attempts = not quiz.unlimited and len(others) >= quiz.attempts_allowed
    return ReviewRules(show_feedback=quiz.review == "after_each",
                       show_right_answers=not still_open and (passed or out_of_attempts))
