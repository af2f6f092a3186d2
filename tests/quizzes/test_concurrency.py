"""Requests that arrive at once: one open attempt, the attempt limit and a single grading hold in the database."""
from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import select

from lms.core.signals import quiz_passed
from lms.learning.models import Course
from lms.learning.progress import enrol
from lms.quizzes.bank import import_gift
from lms.quizzes.models import Quiz, QuizAttempt, QuizResponseChoice
from tests.helpers import TEST_PASSWORD

THREADS = 8
BANK = """
::one::Pick A. {=A ~B}

::two::True? {T}
"""


@pytest.fixture
def quiz(db):
    course = Course(slug="race", title="Race", kind="online")
    db.session.add(course)
    db.session.flush()
    import_gift(course, BANK)
    row = Quiz(course_id=course.id, title="Race quiz", pass_mark=50, attempts_allowed=2)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def browsers(app, db, quiz, make_employee):
    """THREADS test clients logged in as the same learner (tabs, devices, a double click)."""
    learner = make_employee()
    enrol(learner, quiz.course)
    db.session.commit()
    clients = []
    for _ in range(THREADS):
        client = app.test_client()
        assert client.post("/login", data={"email": learner.email, "password": TEST_PASSWORD}).status_code == 302
        clients.append(client)
    return clients


def all_at_once(browsers, action) -> list:
    """Run action(client) in one thread per client, released together; return results in order."""
    barrier = threading.Barrier(len(browsers))
    results: list = [None] * len(browsers)

    def run(index, client):
        barrier.wait()
        try:
            results[index] = action(client)
        except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(isinstance(r, Exception) for r in results), results
    return results


def attempts(db) -> list[QuizAttempt]:
    db.session.expire_all()
    return db.session.execute(select(QuizAttempt).order_by(QuizAttempt.number)).scalars().all()


def attempt_id(response) -> int | None:
    match = re.search(r"/quiz/attempts/(\d+)$", response.headers.get("Location", ""))
    return int(match.group(1)) if match else None


def test_starts_at_once_open_a_single_attempt(db, browsers):
    responses = all_at_once(browsers, lambda c: c.post("/courses/race/quiz/start"))
    assert [r.status_code for r in responses] == [302] * THREADS
    rows = attempts(db)
    assert len(rows) == 1 and rows[0].state == "in_progress" and rows[0].number == 1
    assert {attempt_id(r) for r in responses} == {rows[0].id}


def test_the_attempt_limit_holds_when_starts_and_submits_race(db, browsers):
    def start_and_submit(client):
        statuses = []
        for _ in range(3):
            started = client.post("/courses/race/quiz/start")
            found = attempt_id(started)
            statuses.append(started.status_code)
            if found is not None:
                statuses.append(client.post(f"/quiz/attempts/{found}/submit").status_code)
        return statuses

    results = all_at_once(browsers, start_and_submit)
    assert all(status == 302 for statuses in results for status in statuses), results
    rows = attempts(db)
    assert [a.number for a in rows] == [1, 2]
    assert all(a.state == "graded" for a in rows)


def test_submits_at_once_grade_once(db, browsers):
    first = browsers[0]
    found = attempt_id(first.post("/courses/race/quiz/start"))
    attempt = db.session.get(QuizAttempt, found)
    answers = {"page": "1", "go": "finish"}
    for slot in attempt.slots:
        question = slot.question.data
        if question["type"] == "multichoice":
            answers[f"q{slot.position}"] = next(k for k, i in slot.layout["choices"] if question["answers"][i]["fraction"] == 1)
        else:
            answers[f"q{slot.position}"] = "true"
    assert first.post(f"/quiz/attempts/{found}", data=answers).status_code == 302

    passes = []
    receiver = lambda sender, employee_id, course_id: passes.append(employee_id)  # noqa: E731
    quiz_passed.connect(receiver)
    try:
        responses = all_at_once(browsers, lambda c: c.post(f"/quiz/attempts/{found}/submit"))
    finally:
        quiz_passed.disconnect(receiver)
    assert [r.status_code for r in responses] == [302] * THREADS
    assert len(passes) == 1
    (row,) = attempts(db)
    assert (row.state, row.score, row.passed) == ("graded", 2.0, True)
    choices = db.session.execute(select(QuizResponseChoice)).scalars().all()
    assert len(choices) == 2  # recorded by the one request that graded


def test_saves_racing_a_submit_never_change_a_graded_attempt(db, browsers):
    first = browsers[0]
    found = attempt_id(first.post("/courses/race/quiz/start"))
    attempt = db.session.get(QuizAttempt, found)
    right = {"page": "1", "go": "save"}
    for slot in attempt.slots:
        question = slot.question.data
        right[f"q{slot.position}"] = ("true" if question["type"] == "truefalse" else
                                      next(k for k, i in slot.layout["choices"] if question["answers"][i]["fraction"] == 1))

    def save_or_submit(client):
        if client is first:
            return client.post(f"/quiz/attempts/{found}/submit")
        return client.post(f"/quiz/attempts/{found}", data=right)

    responses = all_at_once(browsers, save_or_submit)
    assert all(r.status_code == 302 for r in responses)
    (row,) = attempts(db)
    assert row.state == "graded"
    # Saves that got in before the submit are graded; none lands after it (a saved but ungraded answer).
    assert all((s.fraction == 1.0) == s.answered for s in row.slots)
    assert row.score == sum(s.answered for s in row.slots)


def _answers(attempt, right: bool) -> dict[int, str]:
    """Every slot answered right, or wrong, as the attempt page would send it."""
    answers = {}
    for slot in attempt.slots:
        question = slot.question.data
        if question["type"] == "truefalse":
            answers[slot.position] = "true" if right else "false"
        else:
            answers[slot.position] = next(k for k, i in slot.layout["choices"]
                                          if (question["answers"][i]["fraction"] == 1) == right)
    return answers


def test_a_save_landing_after_the_early_grading_is_graded_again_under_the_claim(app, db, quiz, make_employee,
                                                                                  monkeypatch):
    from lms.quizzes import attempts as service

    learner = make_employee()
    enrol(learner, quiz.course)
    attempt = service.start_attempt(learner, quiz)
    service.save_answers(attempt, _answers(attempt, right=False))
    db.session.commit()
    attempt_id, learner_id = attempt.id, learner.id

    def other_tab_saves_right_answers():
        with app.app_context():  # its own session and connection, committed before the submit claims the row
            from lms.extensions import db as other_db
            from lms.org.models import Employee

            other = service.get_attempt(attempt_id, other_db.session.get(Employee, learner_id))
            assert service.save_answers(other, _answers(other, right=True)).saved
            other_db.session.commit()

    gradings = []
    grade_saved = service._grade_saved

    def grade_then_let_the_other_tab_save(attempt):
        gradings.append(grade_saved(attempt))
        if len(gradings) == 1:
            saver = threading.Thread(target=other_tab_saves_right_answers)
            saver.start()
            saver.join(timeout=60)
        return gradings[-1]

    monkeypatch.setattr(service, "_grade_saved", grade_then_let_the_other_tab_save)
    db.session.expire_all()
    submitted = service.submit_attempt(service.get_attempt(attempt_id, learner))
    db.session.commit()
    assert len(gradings) == 2  # the claim saw the save count move, and graded the answers again
    assert gradings[0].marks != gradings[1].marks
    assert (submitted.state, submitted.score, submitted.passed) == ("graded", 2.0, True)
    (row,) = attempts(db)
    assert (row.score, row.saves) == (2.0, 2) and all(slot.fraction == 1.0 for slot in row.slots)


def test_a_submit_with_no_save_since_its_grading_grades_once(db, quiz, make_employee, monkeypatch):
    from lms.quizzes import attempts as service

    learner = make_employee()
    enrol(learner, quiz.course)
    attempt = service.start_attempt(learner, quiz)
    service.save_answers(attempt, _answers(attempt, right=True))
    db.session.commit()
    calls = []
    grade_saved = service._grade_saved
    monkeypatch.setattr(service, "_grade_saved", lambda a: calls.append(a.id) or grade_saved(a))
    db.session.expire_all()
    submitted = service.submit_attempt(service.get_attempt(attempt.id, learner))
    db.session.commit()
    assert calls == [attempt.id] and (submitted.score, submitted.passed) == (2.0, True)
