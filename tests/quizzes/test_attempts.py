"""Taking a quiz through the web: start and resume, save as you go, submit, time limits, review rules, completion."""
from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.core.models import utcnow
from lms.core.signals import quiz_passed
from lms.learning.assignments import apply_assignment_rules
from lms.learning.models import Certificate, Course, Enrolment
from lms.quizzes import qtypes
from lms.quizzes.attempts import GRACE, PAGE_SIZE
from lms.quizzes.demo import simulated_answer
from lms.quizzes.models import QuizAttempt
from tests.conftest import ROOT

LAST = "service-recovery-last"


@pytest.fixture
def synced(db):
    from lms.learning.commands import sync_courses_now

    sync_courses_now(ROOT / "courses")


@pytest.fixture
def last(db, synced) -> Course:
    return db.session.execute(select(Course).where(Course.slug == LAST)).scalar_one()


@pytest.fixture
def learner(db, synced, make_employee, login):
    person = make_employee()
    apply_assignment_rules(employee_ids=[person.id])
    db.session.commit()
    login(person)
    return person


# --------------------------------------------------------------------------- helpers


def start(client, slug: str = LAST) -> int:
    response = client.post(f"/courses/{slug}/quiz/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/quiz/attempts/(\d+)$", response.headers["Location"]).group(1))


def attempt_of(db, attempt_id: int) -> QuizAttempt:
    db.session.expire_all()
    return db.session.get(QuizAttempt, attempt_id)


def fields_for(slot, raw) -> dict:
    """The form fields a browser sends for `raw` (what simulated_answer gives) in this slot."""
    name = f"q{slot.position}"
    if raw is None:
        return {}
    if isinstance(raw, dict):
        return {f"{name}-{stem}": choice for stem, choice in raw.items()}
    return {name: raw}


def page_answers(db, attempt_id: int, page: int, skill: float, seed: int = 1) -> dict:
    """Form data for one page: skill 1.0 answers everything right, 0.0 leaves everything blank."""
    rng = random.Random(seed)
    attempt = attempt_of(db, attempt_id)
    data = {"page": str(page)}
    for slot in attempt.slots[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]:
        if skill > 0:
            data.update(fields_for(slot, simulated_answer(slot.question.data, slot.layout, rng, skill)))
    return data


def take(client, db, attempt_id: int, skill: float = 1.0, submit: bool = True):
    pages = -(-len(attempt_of(db, attempt_id).slots) // PAGE_SIZE)
    for page in range(1, pages + 1):
        data = page_answers(db, attempt_id, page, skill)
        data["go"] = "next" if page < pages else "finish"
        response = client.post(f"/quiz/attempts/{attempt_id}", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
    if submit:
        return client.post(f"/quiz/attempts/{attempt_id}/submit", follow_redirects=True)
    return None


@pytest.fixture
def passes():
    seen = []

    def receiver(sender, employee_id, course_id):
        seen.append((employee_id, course_id))

    quiz_passed.connect(receiver)
    yield seen
    quiz_passed.disconnect(receiver)


# --------------------------------------------------------------------------- the quiz page


def test_quiz_page_shows_pass_mark_attempts_and_time_limit(client, learner):
    html = client.get(f"/courses/{LAST}/quiz").get_data(as_text=True)
    assert "Service Recovery with LAST, check your understanding" in html
    assert "70%" in html and "20 minutes" in html and "Start the quiz" in html
    assert re.search(r"Attempts left</dt><dd[^>]*>3<", html)


def test_learner_not_enrolled_cannot_see_or_start_the_quiz(client, db, synced, make_employee, login):
    login(make_employee())
    assert client.get(f"/courses/{LAST}/quiz").status_code == 404
    assert client.post(f"/courses/{LAST}/quiz/start").status_code == 404
    assert db.session.execute(select(QuizAttempt)).first() is None


def test_course_without_a_quiz_has_no_quiz_page(client, db, learner):
    from lms.learning.progress import enrol

    course = Course(slug="no-quiz", title="No quiz", kind="online")
    db.session.add(course)
    db.session.flush()
    enrol(learner, course)
    db.session.commit()
    assert client.get("/courses/no-quiz/quiz").status_code == 404


# --------------------------------------------------------------------------- starting, saving, resuming


def test_start_twice_resumes_the_same_attempt_with_shuffled_questions(client, db, learner, last):
    first = start(client)
    assert start(client) == first
    attempt = attempt_of(db, first)
    assert attempt.number == 1 and attempt.state == "in_progress" and len(attempt.slots) == 16
    assert attempt.deadline - attempt.started_at == timedelta(minutes=20)
    other = start_for_someone_else(db, last)
    order = [s.question_id for s in attempt.slots]
    assert sorted(order) == sorted(s.question_id for s in other.slots)
    assert order != [s.question_id for s in other.slots] or attempt.slots[0].layout != other.slots[0].layout


def start_for_someone_else(db, course):
    from lms.quizzes.assembly import get_quiz
    from lms.quizzes.attempts import start_attempt
    from lms.org.models import Employee

    someone = db.session.execute(select(Employee)).scalars().first()
    other = Employee(employee_no="OTHER1", email="other1@example.test", full_name="Other", department=someone.department)
    db.session.add(other)
    db.session.flush()
    attempt = start_attempt(other, get_quiz(course))
    db.session.commit()
    return attempt


def test_answers_are_saved_per_page_and_survive_a_closed_browser(app, client, db, learner):
    from tests.helpers import TEST_PASSWORD

    attempt_id = start(client)
    data = page_answers(db, attempt_id, 1, skill=1.0)
    response = client.post(f"/quiz/attempts/{attempt_id}", data={**data, "go": "next"})
    assert response.headers["Location"].endswith(f"/quiz/attempts/{attempt_id}?page=2")
    saved = {s.position: s.response for s in attempt_of(db, attempt_id).slots if s.answered}
    assert set(saved) == {1, 2, 3, 4, 5}

    browser = app.test_client()  # a new browser: log in again
    browser.post("/login", data={"email": learner.email, "password": TEST_PASSWORD})
    quiz_page = browser.get(f"/courses/{LAST}/quiz").get_data(as_text=True)
    assert "Resume attempt 1" in quiz_page
    html = browser.get(f"/quiz/attempts/{attempt_id}?page=1").get_data(as_text=True)
    for name, value in data.items():
        if name == "page":
            continue
        values = value if isinstance(value, list) else [value]
        for v in values:
            if name.count("-"):  # a matching select keeps its choice
                assert re.search(rf'<option value="{v}" selected>', html)
            elif re.search(rf'name="{name}" id="{name}-{v}"', html):
                assert re.search(rf'id="{name}-{v}" value="{v}" checked', html)
            else:
                assert f'value="{v}"' in html


def test_an_answer_that_is_not_one_of_the_choices_is_refused(client, db, learner):
    attempt_id = start(client)
    attempt = attempt_of(db, attempt_id)
    slot = next(s for s in attempt.slots if s.question.qtype == "multichoice")
    page = (slot.position - 1) // PAGE_SIZE + 1
    response = client.post(f"/quiz/attempts/{attempt_id}", data={"page": str(page), f"q{slot.position}": "not-a-key"})
    assert response.status_code == 422
    assert not any(s.answered for s in attempt_of(db, attempt_id).slots)


# --------------------------------------------------------------------------- submitting, passing, completing


def test_full_marks_pass_send_quiz_passed_and_complete_the_course(client, db, learner, last, passes):
    for module in last.learner_modules:
        client.post(f"/courses/{LAST}/modules/{module.stem}/complete")
    enrolment = db.session.execute(select(Enrolment).where(Enrolment.employee_id == learner.id,
                                                           Enrolment.course_id == last.id)).scalar_one()
    assert enrolment.completed_at is None
    assert "Pass the quiz (70% needed)." in client.get(f"/courses/{LAST}").get_data(as_text=True)

    attempt_id = start(client)
    html = take(client, db, attempt_id, skill=1.0).get_data(as_text=True)
    assert "Passed:" in html and "you scored 100%" in html
    attempt = attempt_of(db, attempt_id)
    assert (attempt.state, attempt.score, attempt.max_score, attempt.percent, attempt.passed) == (
        "graded", 16.0, 16.0, 100.0, True)
    assert passes == [(learner.id, last.id)]
    db.session.refresh(enrolment)
    assert enrolment.completed_at is not None
    assert db.session.execute(select(Certificate).where(Certificate.enrolment_id == enrolment.id)).scalar_one()


def test_submitting_twice_grades_once(client, db, learner, passes):
    attempt_id = start(client)
    take(client, db, attempt_id, skill=1.0, submit=False)
    first = client.post(f"/quiz/attempts/{attempt_id}/submit")
    second = client.post(f"/quiz/attempts/{attempt_id}/submit", follow_redirects=True)
    assert first.status_code == 302
    assert "This attempt was already submitted." in second.get_data(as_text=True)
    assert len(passes) == 1


def test_a_failed_attempt_shows_feedback_but_not_the_right_answers(client, db, learner):
    attempt_id = start(client)
    attempt = attempt_of(db, attempt_id)
    wrong = {}
    chosen_feedback = []
    for slot in attempt.slots:
        question = slot.question.data
        if question["type"] == "multichoice" and question["single"]:
            index = min(range(len(question["answers"])), key=lambda i: question["answers"][i]["fraction"])
            wrong[slot.position] = next(k for k, i in slot.layout["choices"] if i == index)
            chosen_feedback.append(question["answers"][index]["feedback"])
    for page in range(1, 5):
        data = {"page": str(page), "go": "next"}
        data.update({f"q{p}": key for p, key in wrong.items() if (p - 1) // PAGE_SIZE + 1 == page})
        client.post(f"/quiz/attempts/{attempt_id}", data=data)
    html = client.post(f"/quiz/attempts/{attempt_id}/submit", follow_redirects=True).get_data(as_text=True)
    assert "Not passed:" in html and "you scored 0%" in html and "Incorrect" in html
    for text in chosen_feedback:
        assert text.replace("'", "&#39;") in html or text in html
    assert "Right answer:" not in html
    assert "The right answers are shown once you pass or have used every attempt." in html
    assert "Try again (2 attempts left)" in html


def test_right_answers_appear_after_the_last_attempt_or_once_passed(client, db, learner):
    first = start(client)
    take(client, db, first, skill=0.0)
    second = start(client)
    assert "Right answer:" not in client.get(f"/quiz/attempts/{first}/review").get_data(as_text=True)
    take(client, db, second, skill=1.0)
    html = client.get(f"/quiz/attempts/{first}/review").get_data(as_text=True)
    assert "Right answer:" in html  # passed: every review may now show them


def test_right_answers_after_the_last_attempt_and_no_more_attempts(client, db, learner):
    ids = []
    for n in range(3):
        ids.append(start(client))
        html = take(client, db, ids[-1], skill=0.0).get_data(as_text=True)
        assert ("Right answer:" in html) == (n == 2)
    html = client.get(f"/courses/{LAST}/quiz").get_data(as_text=True)
    assert "You have used every attempt this quiz allows." in html
    response = client.post(f"/courses/{LAST}/quiz/start", follow_redirects=True)
    assert "You have used every attempt this quiz allows." in response.get_data(as_text=True)
    assert len(db.session.execute(select(QuizAttempt)).scalars().all()) == 3


def test_the_right_answers_wait_while_the_last_attempt_is_open(client, db, learner):
    for _ in range(2):
        take(client, db, start(client), skill=0.0)
    last_one = start(client)
    first = attempt_of(db, last_one).number
    assert first == 3
    earlier = db.session.execute(select(QuizAttempt).where(QuizAttempt.number == 1)).scalar_one()
    assert "Right answer:" not in client.get(f"/quiz/attempts/{earlier.id}/review").get_data(as_text=True)


# --------------------------------------------------------------------------- time limit


def move_deadline(db, attempt_id: int, delta: timedelta) -> None:
    attempt = attempt_of(db, attempt_id)
    attempt.deadline = utcnow() + delta
    db.session.commit()


def test_answers_in_the_grace_period_count(client, db, learner):
    attempt_id = start(client)
    move_deadline(db, attempt_id, -GRACE / 3)
    response = client.post(f"/quiz/attempts/{attempt_id}", data={**page_answers(db, attempt_id, 1, 1.0), "go": "save"})
    assert response.headers["Location"].endswith("page=1")
    assert sum(s.answered for s in attempt_of(db, attempt_id).slots) == 5


def test_answers_after_the_deadline_and_grace_are_not_counted(client, db, learner):
    attempt_id = start(client)
    client.post(f"/quiz/attempts/{attempt_id}", data={**page_answers(db, attempt_id, 1, 1.0), "go": "next"})
    move_deadline(db, attempt_id, -(GRACE + timedelta(seconds=5)))
    late = client.post(f"/quiz/attempts/{attempt_id}", data={**page_answers(db, attempt_id, 2, 1.0), "go": "next"})
    assert late.headers["Location"].endswith(f"/quiz/attempts/{attempt_id}/review")
    attempt = attempt_of(db, attempt_id)
    assert attempt.state == "graded" and attempt.timed_out
    assert [s.position for s in attempt.slots if s.answered] == [1, 2, 3, 4, 5]
    assert attempt.score == 5.0 and not attempt.passed
    html = client.get(late.headers["Location"]).get_data(as_text=True)
    assert "Time ran out" in html


def test_an_expired_attempt_is_closed_when_the_learner_comes_back(client, db, learner):
    attempt_id = start(client)
    client.post(f"/quiz/attempts/{attempt_id}", data={**page_answers(db, attempt_id, 1, 1.0), "go": "next"})
    move_deadline(db, attempt_id, -timedelta(hours=1))
    response = client.get(f"/quiz/attempts/{attempt_id}?page=2")
    assert response.headers["Location"].endswith(f"/quiz/attempts/{attempt_id}/review")
    attempt = attempt_of(db, attempt_id)
    assert attempt.state == "graded" and attempt.timed_out and attempt.score == 5.0
    assert "Start attempt 2" in client.get(f"/courses/{LAST}/quiz").get_data(as_text=True)


def test_submit_after_the_deadline_grades_what_was_saved_in_time(client, db, learner):
    attempt_id = start(client)
    take(client, db, attempt_id, skill=1.0, submit=False)
    move_deadline(db, attempt_id, -timedelta(minutes=5))
    html = client.post(f"/quiz/attempts/{attempt_id}/submit", follow_redirects=True).get_data(as_text=True)
    assert "Time ran out" in html
    attempt = attempt_of(db, attempt_id)
    assert attempt.state == "graded" and attempt.timed_out and attempt.percent == 100.0


def test_an_expired_attempt_no_longer_blocks_a_new_one(client, db, learner):
    first = start(client)
    move_deadline(db, first, -timedelta(hours=2))
    second = start(client)
    assert second != first
    assert attempt_of(db, first).state == "graded" and attempt_of(db, second).number == 2


# --------------------------------------------------------------------------- one learner never sees another's attempts


def test_every_attempt_url_is_404_for_another_learner(app, client, db, learner, make_employee):
    from tests.helpers import TEST_PASSWORD

    attempt_id = start(client)
    take(client, db, attempt_id, skill=0.5, submit=False)
    other = make_employee()
    apply_assignment_rules(employee_ids=[other.id])
    db.session.commit()
    intruder = app.test_client()
    intruder.post("/login", data={"email": other.email, "password": TEST_PASSWORD})
    assert intruder.get(f"/quiz/attempts/{attempt_id}").status_code == 404
    assert intruder.post(f"/quiz/attempts/{attempt_id}", data={"page": "1", "go": "save"}).status_code == 404
    assert intruder.get(f"/quiz/attempts/{attempt_id}/summary").status_code == 404
    assert intruder.post(f"/quiz/attempts/{attempt_id}/submit").status_code == 404
    assert intruder.get(f"/quiz/attempts/{attempt_id}/review").status_code == 404
    assert attempt_of(db, attempt_id).state == "in_progress"
    client.post(f"/quiz/attempts/{attempt_id}/submit")
    assert intruder.get(f"/quiz/attempts/{attempt_id}/review").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(app, db, synced):
    anonymous = app.test_client()
    for url in (f"/courses/{LAST}/quiz", "/quiz/attempts/1", "/quiz/attempts/1/review", "/quiz/marking",
                "/quiz/statistics", "/admin/quiz-banks"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_state_changing_routes_refuse_a_request_without_csrf_token(app, client, db, learner, monkeypatch):
    attempt_id = start(client)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post(f"/courses/{LAST}/quiz/start").status_code == 400
    assert client.post(f"/quiz/attempts/{attempt_id}", data={"page": "1", "go": "save"}).status_code == 400
    assert client.post(f"/quiz/attempts/{attempt_id}/submit").status_code == 400
    assert client.post("/quiz/marking/1", data={"points": "2"}).status_code in (400, 403)
    assert client.post("/admin/quiz-banks").status_code in (400, 403)
    assert attempt_of(db, attempt_id).state == "in_progress"


# --------------------------------------------------------------------------- nothing leaks before submission


def visible_texts(attempt) -> list[str]:
    texts = []
    for slot in attempt.slots:
        view = qtypes.view(slot.question.data, slot.layout)
        texts.append(view["text"])
        texts += [c["text"] for c in view.get("choices", [])] + [s["text"] for s in view.get("stems", [])]
    return texts


def secrets_of(question: dict) -> list[str]:
    """Feedback, general feedback, accepted typed answers, weights: what the browser must not get early."""
    found = [question.get("general_feedback", ""), question.get("feedback_right", ""), question.get("feedback_wrong", "")]
    for answer in question.get("answers", []):
        found.append(answer.get("feedback", ""))
        if question["type"] == "shortanswer" and answer["fraction"] > 0:
            found.append(answer["text"].replace("*", ""))
        fraction = answer.get("fraction")
        if fraction not in (None, 0, 1, 0.0, 1.0):
            found += [repr(fraction), f"{fraction * 100:g}%"]
    if question["type"] == "numerical":
        found.append(qtypes.right_answer(question))
        found += [f"{float(a['value']):g}" for a in question["answers"]
                  if a["value"] != "*" and len(f"{float(a['value']):g}") >= 3]
    return [s.strip() for s in found if s and len(s.strip()) >= 2]


def assert_no_leak(html: str, attempt) -> int:
    from html import escape as html_escape

    from markupsafe import escape

    shown = " ".join(visible_texts(attempt))
    checked = 0
    for slot in attempt.slots:
        for secret in secrets_of(slot.question.data):
            if secret in shown:
                continue  # also on screen as a question or a choice: not a secret
            checked += 1
            if re.fullmatch(r"-?[\d.]+%?", secret):  # a number: only as a number of its own
                assert not re.search(rf"(?<![\w.]){re.escape(secret)}(?![\w.])", html), f"{secret!r} leaked"
                continue
            for form in {secret, str(escape(secret)), html_escape(secret)}:
                assert form not in html, f"{secret!r} leaked"
    assert "fraction" not in html.lower()
    return checked


def rendered_pages(client, attempt_id: int, pages: int) -> str:
    html = [client.get(f"/quiz/attempts/{attempt_id}?page={p}").get_data(as_text=True) for p in range(1, pages + 1)]
    html.append(client.get(f"/quiz/attempts/{attempt_id}/summary").get_data(as_text=True))
    return "\n".join(html)


def test_attempt_pages_of_every_real_bank_leak_nothing(client, db, learner):
    from lms.learning.progress import enrol

    courses = db.session.execute(select(Course).where(Course.quiz_bank.is_not(None))).scalars().all()
    assert len(courses) == 7
    types_seen, checked = set(), 0
    for course in courses:
        enrol(learner, course)
        db.session.commit()
        attempt_id = start(client, course.slug)
        attempt = attempt_of(db, attempt_id)
        html = rendered_pages(client, attempt_id, -(-len(attempt.slots) // PAGE_SIZE))
        checked += assert_no_leak(html, attempt)
        types_seen |= {s.question.qtype for s in attempt.slots}
        for slot in attempt.slots:  # and each question is really on its page
            view = qtypes.view(slot.question.data, slot.layout)
            if view["type"] in ("multichoice", "truefalse"):
                for choice in view["choices"]:
                    assert f'value="{choice["key"]}"' in html
    assert types_seen == {"multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay"}
    assert checked > 100


def test_attempt_pages_of_a_moodle_bank_with_every_type_leak_nothing(client, db, learner):
    from lms.learning.progress import enrol
    from lms.quizzes.bank import import_gift
    from lms.quizzes.models import Quiz

    course = Course(slug="moodle-bank", title="Moodle bank", kind="online")
    db.session.add(course)
    db.session.flush()
    import_gift(course, (ROOT / "tests" / "quizzes" / "data" / "moodle_bank.gift").read_text(encoding="utf-8"))
    db.session.add(Quiz(course_id=course.id, title="Every type", pass_mark=50, attempts_allowed=0))
    enrol(learner, course)
    db.session.commit()
    attempt_id = start(client, course.slug)
    attempt = attempt_of(db, attempt_id)
    assert {s.question.qtype for s in attempt.slots} == {"multichoice", "truefalse", "shortanswer", "numerical",
                                                        "matching", "essay", "description"}
    html = rendered_pages(client, attempt_id, 3)
    assert assert_no_leak(html, attempt) >= 15
    for secret in ("Listen, Apologize, Solve, Thank.", "Close enough.", "1979", "Hand-offs make it worse.",
                   "No, think of gratitude.", "Right, it never helps.", "Far too few or too many."):
        assert secret not in html
    # after submitting, the review shows the feedback it was hiding
    client.post(f"/quiz/attempts/{attempt_id}/submit")
    review = client.get(f"/quiz/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "Listen, Apologize, Solve, Thank." in review and "Right answer:" not in review


def test_an_essay_makes_the_attempt_wait_for_marking(client, db, learner):
    course = db.session.execute(select(Course).where(Course.slug == "service-excellence-for-everyone")).scalar_one()
    attempt_id = start(client, course.slug)
    take(client, db, attempt_id, skill=1.0)
    attempt = attempt_of(db, attempt_id)
    assert attempt.state == "needs_marking" and attempt.passed is None and attempt.percent is None
    assert attempt.score == attempt.max_score - 1
    html = client.get(f"/quiz/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "Waiting for marking." in html


def test_a_quiz_with_draws_takes_count_questions_from_each_category(db, learner, last):
    from collections import Counter

    from lms.quizzes.assembly import get_quiz
    from lms.quizzes.attempts import start_attempt

    quiz = get_quiz(last)
    quiz.draw = [{"category": "Service recovery/LAST", "count": 3},
                 {"category": "Service recovery/Compensation", "count": 4}]
    db.session.commit()
    attempt = start_attempt(learner, quiz)
    drawn = Counter(s.question.category for s in attempt.slots)
    assert drawn == {"Service recovery/LAST": 3, "Service recovery/Compensation": 4}
    assert len({s.question_id for s in attempt.slots}) == 7
    assert [s.position for s in attempt.slots] == list(range(1, 8))
