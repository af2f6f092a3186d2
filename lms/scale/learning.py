"""Enrolments from the live rules, progress through modules, quiz attempts and certificates over past months.

A course counts as completed only as the platform completes it: every learner module marked complete,
a passed quiz attempt and, for the workshop, both days attended. Workshop attendees complete it on
day 2; certified trainers finished the trainer course before their certification.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from lms.learning.certificates import CODE_ALPHABET
from lms.scale.catalogue import Catalogue, CourseInfo
from lms.scale.context import Build, Person
from lms.scale.quiz_templates import Template

SLOT_COLUMNS = ("id", "attempt_id", "position", "question_id", "marks", "layout", "response", "answered", "saved_at",
                "fraction", "feedback", "needs_marking", "mark_points", "mark_comment", "marked_by_id", "marked_at")


@dataclass
class _Rows:
    enrolments: list[tuple] = field(default_factory=list)
    progress: list[tuple] = field(default_factory=list)
    certificates: list[tuple] = field(default_factory=list)
    attempts: list[tuple] = field(default_factory=list)
    # (attempt id, first slot id, template, saved_at text): slots and choices are written from these lazily.
    attempt_slots: list[tuple[int, int, Template, str]] = field(default_factory=list)
    codes: set[str] = field(default_factory=set)


def build_learning(build: Build, catalogue: Catalogue) -> None:
    """Every generated person's enrolments and what they did in them."""
    rng = build.rng("learning")
    rows = _Rows()
    workshop, trainer_course = catalogue.by_kind("workshop"), catalogue.by_kind("trainer")
    for person in build.people:
        assigned_at = build.at(person.launch, rng)
        for course_id, (rule_id, due) in sorted(catalogue.assigned(person, assigned_at.date()).items()):
            if catalogue.courses[course_id].kind == "workshop":
                continue  # the workshop is booked, never assigned here
            _enrolment(build, rows, rng, person, catalogue.courses[course_id], rule_id, assigned_at, due)
        if workshop is not None and person.id in build.attended:
            _workshop(build, rows, rng, person, workshop, build.attended[person.id])
        elif workshop is not None and person.id in build.booked:
            _booked(build, rows, rng, person, workshop)
        if trainer_course is not None and "trainer" in person.roles and person.id in build.certified_until:
            _trainer_course(build, rows, rng, person, trainer_course)
    _write(build, rows)


def _moment(day: date, rng: random.Random, hour: int | None = None) -> datetime:
    return datetime.combine(day, time(hour if hour is not None else rng.randint(7, 18), rng.randrange(60),
                                      rng.randrange(60)), tzinfo=timezone.utc)


def _new_enrolment(build: Build, rows: _Rows, person: Person, course: CourseInfo, rule_id, assigned_at, due):
    enrolment_id = build.writer.ids("enrolment", 1)
    row = [enrolment_id, person.id, course.id, rule_id, build.stamp(assigned_at), due.isoformat() if due else None,
           None, None, None, None]
    rows.enrolments.append(row)
    return row


def _enrolment(build: Build, rows: _Rows, rng, person: Person, course: CourseInfo, rule_id, assigned_at: datetime,
               due: date | None) -> None:
    """Someone assigned a course: perhaps never started, perhaps part way, perhaps completed with a passed quiz."""
    row = _new_enrolment(build, rows, person, course, rule_id, assigned_at, due)
    if rng.random() > 0.15 + 0.6 * person.skill:
        return
    pace = (12 + 70 * (1 - person.skill)) * rng.uniform(0.6, 1.6)  # days per module
    start = assigned_at.date() + timedelta(days=rng.randint(0, 10))
    steps = (build.today - start).days / pace
    if steps <= 0:
        return
    done = min(len(course.modules), int(steps))
    days = [start + timedelta(days=int(pace * (n + 0.5))) for n in range(done)]
    _modules(build, rows, rng, person, course, row, days, viewing=done < len(course.modules) and rng.random() < 0.7)
    if done == len(course.modules) and steps >= done + 1 and course.quiz is not None:
        first = start + timedelta(days=int(pace * (done + 0.5)))
        passed = _quiz(build, rows, rng, person, course, first, 0.5 + 0.45 * person.skill)
        if passed is not None:
            _complete(build, rows, rng, person, course, row, passed)


def _modules(build: Build, rows: _Rows, rng, person: Person, course: CourseInfo, row: list, days: list[date],
             viewing: bool) -> None:
    """Progress rows: the modules completed on `days`, and the next one opened if `viewing`."""
    last = None
    for module_id, day in zip(course.modules, days):
        finished = min(_moment(day, rng), build.now - timedelta(minutes=5))
        opened = build.stamp(finished - timedelta(minutes=rng.randint(5, 40)))
        rows.progress.append((build.writer.ids("module_progress", 1), person.id, module_id, opened,
                              build.stamp(finished), build.stamp(finished)))
        last = module_id
        row[6] = row[6] or opened
    if viewing and len(days) < len(course.modules):
        day = min(build.today, (days[-1] if days else build.today) + timedelta(days=rng.randint(1, 10)))
        opened = build.stamp(min(_moment(day, rng), build.now - timedelta(minutes=1)))
        rows.progress.append((build.writer.ids("module_progress", 1), person.id, course.modules[len(days)], opened,
                              opened, None))
        last = course.modules[len(days)]
        row[6] = row[6] or opened
    row[9] = last


def _quiz(build: Build, rows: _Rows, rng, person: Person, course: CourseInfo, first: date, chance: float) -> datetime | None:
    """Attempts from `first` until one passes or none are left; the passing attempt's time, or None."""
    quiz = course.quiz
    day = first
    for number in range(1, quiz.attempts_allowed + 1):
        started = _moment(day, rng)
        limit = quiz.time_limit or 30
        submitted = started + timedelta(minutes=rng.randint(4, max(5, limit - 2)))
        if submitted >= build.now:
            return None
        passed = rng.random() < chance
        template = quiz.pick(passed, rng)
        attempt_id = build.writer.ids("quiz_attempt", 1)
        stamp = build.stamp(submitted)
        rows.attempts.append((attempt_id, quiz.quiz_id, person.id, number, "graded", build.stamp(started),
                              build.stamp(started + timedelta(minutes=limit)), stamp, stamp, stamp, 0,
                              template.max_score, template.score, template.percent, 1 if template.passed else 0))
        rows.attempt_slots.append((attempt_id, build.writer.ids("quiz_slot", len(template.slots)), template, stamp))
        if template.passed:
            return submitted
        chance = min(0.95, chance + 0.2)
        day = day + timedelta(days=rng.randint(1, 6))
    return None


def _complete(build: Build, rows: _Rows, rng, person: Person, course: CourseInfo, row: list, when: datetime) -> None:
    row[7] = build.stamp(when)
    code = _code(rows, rng)
    rows.certificates.append((build.writer.ids("certificate", 1), code, row[0], person.name, course.title,
                              when.date().isoformat(), build.stamp(when), None))


def _code(rows: _Rows, rng) -> str:
    while True:
        raw = "".join(rng.choices(CODE_ALPHABET, k=12))
        code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        if code not in rows.codes:
            rows.codes.add(code)
            return code


def _workshop(build: Build, rows: _Rows, rng, person: Person, course: CourseInfo, days: tuple[date, date]) -> None:
    """An attendee of a past session: modules around the two days, the day-2 assessment, then completion."""
    day1, day2 = days
    booked = _moment(day1 - timedelta(days=rng.randint(5, 30)), rng)
    row = _new_enrolment(build, rows, person, course, None, booked, None)
    module_days = [day1 - timedelta(days=rng.randint(1, 4))] + [day2] * (len(course.modules) - 1)
    _modules(build, rows, rng, person, course, row, module_days, viewing=False)
    if course.quiz is None:
        return
    passed = _quiz(build, rows, rng, person, course, day2, 0.9)
    if passed is not None:
        _complete(build, rows, rng, person, course, row, passed)


def _booked(build: Build, rows: _Rows, rng, person: Person, course: CourseInfo) -> None:
    """Someone holding an upcoming seat: enrolled when they booked, perhaps reading the first module."""
    booked = datetime.fromisoformat(build.booked[person.id].replace(" ", "T").removesuffix("+00")).replace(
        tzinfo=timezone.utc)
    row = _new_enrolment(build, rows, person, course, None, booked, None)
    if rng.random() < 0.5 and course.modules:
        _modules(build, rows, rng, person, course, row, [], viewing=True)


def _trainer_course(build: Build, rows: _Rows, rng, person: Person, course: CourseInfo) -> None:
    """A certified trainer finished the trainer course weeks before the teach-back."""
    finish = build.certified_on[person.id] - timedelta(days=10)
    start = min(finish - timedelta(days=40), build.today - timedelta(days=60))
    row = _new_enrolment(build, rows, person, course, None, _moment(start, rng), None)
    days = [start + timedelta(days=3 * (n + 1)) for n in range(len(course.modules))]
    _modules(build, rows, rng, person, course, row, days, viewing=False)
    if course.quiz is not None:
        passed = _quiz(build, rows, rng, person, course, days[-1] + timedelta(days=1) if days else start, 1.0)
        if passed is not None:
            _complete(build, rows, rng, person, course, row, passed)


def _write(build: Build, rows: _Rows) -> None:
    w = build.writer
    w.insert("enrolment", ("id", "employee_id", "course_id", "rule_id", "assigned_at", "due_date", "started_at",
                           "completed_at", "unassigned_at", "last_module_id"), (tuple(r) for r in rows.enrolments))
    w.insert("module_progress", ("id", "employee_id", "module_id", "first_viewed_at", "last_viewed_at", "completed_at"),
             rows.progress)
    w.insert("certificate", ("id", "code", "enrolment_id", "employee_name", "course_title", "completed_on", "issued_at",
                             "revoked_at"), rows.certificates)
    w.insert("quiz_attempt", ("id", "quiz_id", "employee_id", "number", "state", "started_at", "deadline",
                              "last_saved_at", "submitted_at", "graded_at", "timed_out", "max_score", "score", "percent",
                              "passed"), rows.attempts)
    marker = build.lead_trainer
    w.insert("quiz_slot", SLOT_COLUMNS, (
        (first + position - 1, attempt_id, position, question, marks, layout, response, 1 if answered else 0, saved,
         fraction, feedback, 0, points, "", marker if points is not None else None,
         saved if points is not None else None)
        for attempt_id, first, template, saved in rows.attempt_slots
        for position, question, marks, layout, response, answered, fraction, feedback, points in template.slots))
    choices = sum(len(t.choices) for _, _, t, _ in rows.attempt_slots)
    first_choice = w.ids("quiz_response_choice", choices)
    w.insert("quiz_response_choice", ("id", "slot_id", "question_id", "choice"), (
        (first_choice + n, slot, question, choice) for n, (slot, question, choice) in enumerate(
            (first + position - 1, question, choice)
            for _, first, template, _ in rows.attempt_slots for position, question, choice in template.choices)))
