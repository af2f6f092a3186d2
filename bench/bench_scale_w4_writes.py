"""W4: progress writes sustained per second: module completions and quiz submissions, through the services.

Run: `.venv/bin/python -m bench.bench_scale_w4_writes` (sizes and databases: see bench.bench_scale).
One process per core shares the work (as W3's server runs one worker per core), each with its own app and
connection, started together: more processes than cores only preempt the writer that holds SQLite's lock
(BENCH_W4_PROCESSES sets another number). A module completion
is one transaction as the view runs it: the session's user (as Flask-Login loads it), the course, enrolment and
module by slug and stem, `complete_module` (progress row, the course's completion check, the counters' triggers),
commit. A quiz submission is one transaction: the session's user, the attempt started and answered beforehand (not
timed), `submit_attempt` (grading, response choices, counters, completion when it passes), commit. Baseline: the
same number of transactions writing the same rows with plain SQL through the driver (an upsert of the progress row
and an update of the enrolment), same processes, same run.
Targets at 100,000 employees: at least 500 a second on SQLite (WAL) and 1,000 on PostgreSQL.
"""
from __future__ import annotations

import multiprocessing
import os
import random
import time

from sqlalchemy import String, bindparam, select, text

from bench.bench_scale import LABELS, databases, load_note, organizations, section, verdict
from bench.record import record
from lms.core.models import UTCDateTime, utcnow

PROCESSES = int(os.environ.get("BENCH_W4_PROCESSES", os.cpu_count() or 2))
COMPLETIONS, SUBMISSIONS = 4000, 1600
TARGET = {"sqlite": 500, "postgresql": 1000}


def _completion_items(count: int) -> list[tuple]:
    """(employee, enrolment, module, session user id, course slug, module stem) for modules generated learners have
    not completed, in live online courses."""
    from lms.extensions import db
    from lms.learning.models import Course, CourseModule, Enrolment, ModuleProgress
    from lms.org.models import Employee

    rows = db.session.execute(
        select(Enrolment.employee_id, Enrolment.id, CourseModule.id,
               Employee.id.cast(String) + ":" + Employee.session_token, Course.slug, CourseModule.stem)
        .join(Employee, Enrolment.employee_id == Employee.id)
        .join(Course, Enrolment.course_id == Course.id).join(CourseModule, CourseModule.course_id == Course.id)
        .outerjoin(ModuleProgress, (ModuleProgress.employee_id == Enrolment.employee_id)
                   & (ModuleProgress.module_id == CourseModule.id))
        .where(Course.kind == "online", Enrolment.completed_at.is_(None), Enrolment.unassigned_at.is_(None),
               CourseModule.counts_for_completion, ModuleProgress.completed_at.is_(None), Enrolment.employee_id > 200)
        .order_by(Enrolment.id, CourseModule.position).limit(count * 3)
    ).all()
    random.Random(4).shuffle(rows)
    return rows[:count]


def _submission_items(count: int) -> list[tuple[int, int, str]]:
    """Attempts started and answered now (untimed), by learners with no attempt at those quizzes yet."""
    from lms.extensions import db
    from lms.learning.models import Course, Enrolment
    from lms.org.models import Employee
    from lms.quizzes.assembly import get_quiz
    from lms.quizzes.attempts import save_answers, start_attempt
    from lms.quizzes.demo import simulated_answer
    from lms.quizzes.models import QuizAttempt

    rng = random.Random(5)
    candidates = db.session.execute(
        select(Enrolment.employee_id, Enrolment.course_id).join(Course, Enrolment.course_id == Course.id)
        .where(Course.kind == "online", Enrolment.completed_at.is_(None), Enrolment.employee_id > 200,
               ~select(QuizAttempt.id).where(QuizAttempt.employee_id == Enrolment.employee_id).exists())
        .order_by(Enrolment.id.desc()).limit(count)
    ).all()
    quizzes, ids = {}, []
    for employee_id, course_id in candidates:
        course = db.session.get(Course, course_id)
        quiz = quizzes.setdefault(course_id, get_quiz(course))
        employee = db.session.get(Employee, employee_id)
        user_id = f"{employee.id}:{employee.session_token}"  # as Flask-Login's session holds it
        attempt = start_attempt(employee, quiz)
        answers = {slot.position: simulated_answer(slot.question.data, slot.layout, rng, 0.7)
                   for slot in attempt.slots if slot.question.has_marks}
        save_answers(attempt, answers)
        db.session.commit()
        ids.append((employee_id, attempt.id, user_id))
    return ids


def _complete(items) -> None:
    from lms.auth.services import load_session_user
    from lms.extensions import db
    from lms.learning.progress import complete_module, find_enrolment, get_course, require_module

    for *_, user_id, slug, stem in items:
        # As the complete view: the session's user, then the course, enrolment and module it names.
        employee = load_session_user(user_id)
        course = get_course(slug)
        complete_module(employee, find_enrolment(employee, course), require_module(course, stem, employee))
        db.session.commit()


def _submit(items) -> None:
    from lms.auth.services import load_session_user
    from lms.extensions import db
    from lms.quizzes.attempts import get_attempt, submit_attempt

    for _, attempt_id, user_id in items:
        # As the submit view: the session's user (held for the whole request, as Flask-Login's current_user holds
        # it), then their attempt.
        employee = load_session_user(user_id)
        submit_attempt(get_attempt(attempt_id, employee, with_slots=False))
        db.session.commit()


def _plain(items) -> None:
    """The baseline: the progress row and the enrolment written with two plain statements a transaction."""
    from lms.extensions import db

    upsert = text("INSERT INTO module_progress (employee_id, module_id, first_viewed_at, last_viewed_at, completed_at) "
                  "VALUES (:e, :m, :now, :now, :now) "
                  "ON CONFLICT (employee_id, module_id) DO UPDATE SET completed_at = :now").bindparams(
        bindparam("now", type_=UTCDateTime()))
    touch = text("UPDATE enrolment SET last_module_id = :m WHERE id = :n")
    with db.engine.connect() as connection:
        for employee_id, enrolment_id, module_id, *_ in items:
            connection.execute(upsert, {"e": employee_id, "m": module_id, "now": utcnow()})
            connection.execute(touch, {"m": module_id, "n": enrolment_id})
            connection.commit()


WORK = {"complete": _complete, "submit": _submit, "plain": _plain}


def _worker(org, kind: str, items, barrier, results) -> None:
    app = org.app()
    with app.app_context():
        from lms.extensions import db

        db.session.execute(text("SELECT 1")).all()  # connect before the start
        db.session.rollback()
        barrier.wait()
        started = time.perf_counter()
        errors = 0
        try:
            WORK[kind](items)
        except Exception as exc:  # noqa: BLE001 (reported as a failed run, not hidden)
            errors = 1
            print(f"W4 worker failed: {exc!r}", flush=True)
        results.put((started, time.perf_counter(), len(items), errors))


def _run(org, kind: str, items: list) -> tuple[float, int]:
    """Per second across PROCESSES processes started together, and the failed processes."""
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    # One person's items stay in one process, so that no two transactions race over the same enrolment.
    shares = [[item for item in items if item[0] % PROCESSES == n] for n in range(PROCESSES)]
    workers = [context.Process(target=_worker, args=(org, kind, share, barrier, results)) for share in shares]
    for worker in workers:
        worker.start()
    done = [results.get(timeout=1800) for _ in workers]
    for worker in workers:
        worker.join()
    began, ended = min(d[0] for d in done), max(d[1] for d in done)
    return sum(d[2] for d in done) / (ended - began), sum(d[3] for d in done)


def measure(org) -> dict:
    app = org.app()
    with app.app_context():
        from lms.extensions import db

        completions = _completion_items(COMPLETIONS * 2)
        submissions = _submission_items(SUBMISSIONS)
        db.session.remove()
        db.engine.dispose()  # the workers are forked: no connection may cross
    half = len(completions) // 2
    out = {}
    out["module completions"] = _run(org, "complete", completions[:half])
    out["baseline: the same rows by plain SQL"] = _run(org, "plain", completions[half:])
    out["quiz submissions"] = _run(org, "submit", submissions)
    for name, (rate, failed) in out.items():
        print(f"W4 {org.database} {org.employees:,} {name}: {rate:,.0f}/s, {failed} failed processes", flush=True)
    return out


def main() -> None:
    for database in databases():
        results = [(org, measure(org)) for org in organizations(database)]
        names = list(results[0][1])
        lines = ["| writes | " + " | ".join(f"{o.employees:,} employees, per second" for o, _ in results) + " | target |",
                 "|---|" + "---:|" * len(results) + "---|"]
        for name in names:
            cells = " | ".join(f"{r[name][0]:,.0f}" + (" (a process failed)" if r[name][1] else "") for _, r in results)
            largest = results[-1][1][name][0]
            target = ("" if name.startswith("baseline") else
                      f">= {TARGET[database]:,}: {verdict(largest >= TARGET[database] and not results[-1][1][name][1])}")
            lines.append(f"| {name} | {cells} | {target} |")
        record(section("W4: progress writes", database), f"""
{PROCESSES} processes (one per core) started together, each with its own app and connection, on {LABELS[database]}
{results[0][0].version}{' (WAL)' if database == 'sqlite' else ''}; {COMPLETIONS:,} module completions and up to
{SUBMISSIONS:,} quiz submissions (attempts started and answered beforehand, untimed), one transaction each through the
services (loads, `complete_module` or `submit_attempt`, counter triggers, commit). Baseline: as many transactions
writing the progress row and the enrolment with two plain SQL statements. Target (at the largest size): the services'
rate. {load_note()}.

{chr(10).join(lines)}
""")


if __name__ == "__main__":
    main()
