"""Essay marking by trainers of the learner's site, and quiz statistics on a hand-built set of attempts."""
from __future__ import annotations

import statistics as pystats

import pytest
from sqlalchemy import select

from lms.core.signals import quiz_passed
from lms.learning.models import Course
from lms.learning.progress import enrol
from lms.quizzes import queries
from lms.quizzes.attempts import save_answers, start_attempt, submit_attempt
from lms.quizzes.bank import import_gift
from lms.quizzes.models import Quiz, QuizAttempt
from tests.helpers import counting

ESSAY_BANK = """
::P01 pick::Pick A. {=A ~B}

::P01 explain::Explain what you would do. {}
"""

STATS_BANK = """
::Q1 single::Pick A. {=A ~B ~C}

::Q2 truefalse::The sky is blue. {T}

::Q3 multiple::Pick the good ones. {~%50%G1 ~%50%G2 ~%-100%Bad}
"""


def make_quiz(db, slug: str, gift: str, pass_mark: float) -> Quiz:
    course = Course(slug=slug, title=slug.title(), kind="online", completion_quiz=True)
    db.session.add(course)
    db.session.flush()
    import_gift(course, gift)
    quiz = Quiz(course_id=course.id, title=f"{slug} quiz", pass_mark=pass_mark, attempts_allowed=0)
    db.session.add(quiz)
    db.session.commit()
    return quiz


def answer(attempt, choices: dict[str, object]) -> None:
    """Answer by question name with choice texts (or typed text), through the attempt's own layout."""
    raw = {}
    for slot in attempt.slots:
        question = slot.question.data
        wanted = choices.get(question["name"])
        if wanted is None:
            continue
        if question["type"] == "multichoice":
            key_of = {question["answers"][i]["text"]: key for key, i in slot.layout["choices"]}
            raw[slot.position] = [key_of[t] for t in wanted] if isinstance(wanted, list) else key_of[wanted]
        else:
            raw[slot.position] = wanted
    assert save_answers(attempt, raw).saved


def taken(db, quiz, employee, choices, submit=True) -> QuizAttempt:
    enrol(employee, quiz.course)
    attempt = start_attempt(employee, quiz)
    answer(attempt, choices)
    if submit:
        submit_attempt(attempt)
    db.session.commit()
    return attempt


# --------------------------------------------------------------------------- essay marking


@pytest.fixture
def sites(make_site, make_department):
    north, south = make_site("NORTH"), make_site("SOUTH")
    return {"north": make_department(site=north), "south": make_department(site=south)}


@pytest.fixture
def essay_quiz(db):
    return make_quiz(db, "essays", ESSAY_BANK, pass_mark=75)


@pytest.fixture
def passes():
    seen = []

    def receiver(sender, employee_id, course_id):
        seen.append(employee_id)

    quiz_passed.connect(receiver)
    yield seen
    quiz_passed.disconnect(receiver)


def test_an_essay_waits_then_its_mark_completes_the_score_and_passes(client, db, essay_quiz, sites, make_employee,
                                                                     login, passes):
    learner = make_employee(department=sites["north"], full_name="Nia North")
    attempt = taken(db, essay_quiz, learner, {"P01 pick": "A", "P01 explain": "I would listen first."})
    assert (attempt.state, attempt.score, attempt.percent, attempt.passed) == ("needs_marking", 1.0, None, None)
    assert passes == []

    trainer = make_employee(roles=("trainer",), department=sites["north"])
    login(trainer)
    queue = client.get("/quiz/marking").get_data(as_text=True)
    assert "Nia North" in queue
    slot = next(s for s in attempt.slots if s.question.qtype == "essay")
    page = client.get(f"/quiz/marking/{slot.id}").get_data(as_text=True)
    assert "I would listen first." in page and "Applies the idea fully" in page
    response = client.post(f"/quiz/marking/{slot.id}", data={"points": "4", "comment": "Clear and practical."},
                           follow_redirects=True)
    assert "attempt is complete" in response.get_data(as_text=True)
    db.session.expire_all()
    attempt = db.session.get(QuizAttempt, attempt.id)
    assert (attempt.state, attempt.score, attempt.percent, attempt.passed) == ("graded", 2.0, 100.0, True)
    assert passes == [learner.id]
    assert "Nia North" not in client.get("/quiz/marking").get_data(as_text=True)
    again = client.post(f"/quiz/marking/{slot.id}", data={"points": "0"}, follow_redirects=True)
    assert "already marked" in again.get_data(as_text=True)

    client.post("/logout")
    login(learner)
    review = client.get(f"/quiz/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "Trainer's mark:</strong> 4 of 4. Clear and practical." in review


def test_a_low_mark_completes_the_score_without_a_pass(client, db, essay_quiz, sites, make_employee, login, passes):
    learner = make_employee(department=sites["north"])
    attempt = taken(db, essay_quiz, learner, {"P01 pick": "A", "P01 explain": "Not sure."})
    login(make_employee(roles=("lead_trainer",), department=sites["south"]))
    slot = next(s for s in attempt.slots if s.question.qtype == "essay")
    client.post(f"/quiz/marking/{slot.id}", data={"points": "1", "comment": ""})
    db.session.expire_all()
    attempt = db.session.get(QuizAttempt, attempt.id)
    assert (attempt.state, attempt.score, attempt.percent, attempt.passed) == ("graded", 1.25, 62.5, False)
    assert passes == []


def test_trainers_see_only_their_own_sites_learners(client, db, essay_quiz, sites, make_employee, login):
    north_learner = make_employee(department=sites["north"], full_name="Nia North")
    south_learner = make_employee(department=sites["south"], full_name="Sam South")
    north = taken(db, essay_quiz, north_learner, {"P01 explain": "North answer."})
    south = taken(db, essay_quiz, south_learner, {"P01 explain": "South answer."})
    south_slot = next(s for s in south.slots if s.question.qtype == "essay")

    login(make_employee(roles=("trainer",), department=sites["north"]))
    queue = client.get("/quiz/marking").get_data(as_text=True)
    assert "Nia North" in queue and "Sam South" not in queue
    assert client.get(f"/quiz/marking/{south_slot.id}").status_code == 404
    assert client.post(f"/quiz/marking/{south_slot.id}", data={"points": "4"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(QuizAttempt, south.id).state == "needs_marking"

    for roles in (("lead_trainer",), ("admin",)):
        client.post("/logout")
        login(make_employee(roles=roles, department=sites["north"]))
        queue = client.get("/quiz/marking").get_data(as_text=True)
        assert "Nia North" in queue and "Sam South" in queue
    assert north.state == "needs_marking"


def test_nobody_marks_their_own_essay(client, db, essay_quiz, sites, make_employee, login):
    trainer = make_employee(roles=("trainer",), department=sites["north"], full_name="Tess Trainer")
    attempt = taken(db, essay_quiz, trainer, {"P01 explain": "My own answer."})
    login(trainer)
    assert "My own answer" not in client.get("/quiz/marking").get_data(as_text=True)
    assert "Nothing to mark" in client.get("/quiz/marking").get_data(as_text=True)
    slot = next(s for s in attempt.slots if s.question.qtype == "essay")
    assert client.get(f"/quiz/marking/{slot.id}").status_code == 404


def test_a_mark_must_come_from_the_rubric(client, db, essay_quiz, sites, make_employee, login):
    attempt = taken(db, essay_quiz, make_employee(department=sites["north"]), {"P01 explain": "An answer."})
    login(make_employee(roles=("admin",)))
    slot = next(s for s in attempt.slots if s.question.qtype == "essay")
    response = client.post(f"/quiz/marking/{slot.id}", data={"points": "9"})
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt.id).state == "needs_marking"


@pytest.mark.parametrize("roles, status", [((), 403), (("manager",), 403), (("leader",), 403), (("trainer",), 200),
                                           (("lead_trainer",), 200), (("admin",), 200)])
def test_marking_and_statistics_pages_by_role(client, db, essay_quiz, make_employee, login, roles, status):
    login(make_employee(roles=roles))
    assert client.get("/quiz/marking").status_code == status
    assert client.get("/quiz/statistics").status_code == status
    assert client.get("/quiz/statistics/essays").status_code == status


# --------------------------------------------------------------------------- statistics


@pytest.fixture
def stats_quiz(db, make_employee):
    quiz = make_quiz(db, "stats", STATS_BANK, pass_mark=50)
    taken(db, quiz, make_employee(), {"Q1 single": "A", "Q2 truefalse": "true", "Q3 multiple": ["G1", "G2"]})
    taken(db, quiz, make_employee(), {"Q1 single": "A", "Q2 truefalse": "false", "Q3 multiple": ["G1"]})
    taken(db, quiz, make_employee(), {"Q1 single": "B", "Q2 truefalse": "true", "Q3 multiple": ["G1", "Bad"]})
    taken(db, quiz, make_employee(), {"Q1 single": "C", "Q2 truefalse": "false"})
    taken(db, quiz, make_employee(), {"Q1 single": "A"}, submit=False)  # in progress: not counted
    return quiz


def by_name(stats):
    return {q.question.name: q for q in stats.questions}


def test_statistics_of_a_hand_built_set_of_attempts(db, stats_quiz):
    stats = queries.quiz_statistics(stats_quiz)
    s = stats.summary
    assert (s.attempts, s.learners, s.in_progress, s.needs_marking, s.graded, s.passed) == (5, 5, 1, 0, 4, 2)
    assert s.average == pytest.approx((100 + 50 + 100 / 3 + 0) / 4)
    assert dict(stats.distribution) == {"0-9%": 1, "10-19%": 0, "20-29%": 0, "30-39%": 1, "40-49%": 0,
                                        "50-59%": 1, "60-69%": 0, "70-79%": 0, "80-89%": 0, "90-100%": 1}

    questions = by_name(stats)
    q1, q2, q3 = questions["Q1 single"], questions["Q2 truefalse"], questions["Q3 multiple"]
    assert (q1.attempts, q1.answered, q1.facility) == (4, 4, 50.0)
    assert (q2.facility, q3.facility, q3.answered) == (50.0, 37.5, 3)
    totals = [3.0, 1.5, 1.0, 0.0]
    for q, scores in ((q1, [1, 1, 0, 0]), (q2, [1, 0, 1, 0]), (q3, [1, 0.5, 0, 0])):
        rest = [t - f for t, f in zip(totals, scores, strict=True)]
        assert q.discrimination == pytest.approx(100 * pystats.correlation(scores, rest))
    assert [(c.label, c.count, c.credit) for c in q1.choices] == [("A", 2, 1.0), ("B", 1, 0.0), ("C", 1, 0.0)]
    assert [(c.label, c.count) for c in q2.choices] == [("True", 2), ("False", 2)]
    assert [(c.label, c.count, c.credit) for c in q3.choices] == [("G1", 3, 0.5), ("G2", 1, 0.5), ("Bad", 1, -1.0)]


def test_statistics_take_the_same_number_of_queries_whatever_the_attempts(db, stats_quiz, make_employee):
    def count_queries() -> int:
        db.session.expire_all()
        with counting(db.engine) as statements:
            queries.quiz_statistics(db.session.get(Quiz, stats_quiz.id))
        return len(statements)

    before = count_queries()
    for _ in range(6):
        taken(db, stats_quiz, make_employee(), {"Q1 single": "B", "Q2 truefalse": "true", "Q3 multiple": ["G2"]})
    assert count_queries() == before


def test_statistics_page_shows_the_figures(client, db, stats_quiz, make_employee, login):
    login(make_employee(roles=("trainer",)))
    index = client.get("/quiz/statistics").get_data(as_text=True)
    assert "stats quiz" in index
    html = client.get("/quiz/statistics/stats").get_data(as_text=True)
    assert '<span class="stat">4</span> graded' in html and '<span class="stat">2</span> passed' in html
    assert '<span class="stat">46%</span> average score' in html
    assert "Q3 multiple" in html and "38%" in html  # facility 37.5%
    assert "<td>Bad</td><td class=\"text-end\">-100%</td><td class=\"text-end\">1</td>" in html
    assert '<th scope="row">90-100%</th><td class="text-end">1</td>' in html


def test_statistics_of_a_quiz_without_attempts(client, db, make_employee, login):
    make_quiz(db, "empty", STATS_BANK, pass_mark=50)
    login(make_employee(roles=("admin",)))
    html = client.get("/quiz/statistics/empty").get_data(as_text=True)
    assert "No graded attempts yet." in html and '<span class="stat">0</span> attempts' in html
    assert client.get("/quiz/statistics/no-such-course").status_code == 404


def test_no_essay_shows_in_the_queue_of_an_unrelated_site(db, essay_quiz, sites, make_employee):
    taken(db, essay_quiz, make_employee(department=sites["south"]), {"P01 explain": "x"})
    trainer = make_employee(roles=("trainer",), department=sites["north"])
    assert queries.essay_queue(trainer) == []
    assert len(queries.essay_queue(make_employee(roles=("lead_trainer",)))) == 1


# --------------------------------------------------------------------------- demo data


def test_demo_gives_statistics_and_the_demo_trainer_a_marking_queue(db, demo_org):
    from lms.org.models import Employee

    def person(email):
        return db.session.execute(select(Employee).where(Employee.email == email)).scalar_one()

    trainer = person("trainer@demo.example")
    queue = queries.essay_queue(trainer)
    assert queue and all(learner.department.site_id == trainer.department.site_id for _, _, learner, _ in queue)
    quizzes = queries.quizzes_with_counts()
    assert sum(graded for *_, graded, _ in quizzes) >= 20
    assert any(a.passed for a in db.session.execute(select(QuizAttempt)).scalars())
    for email in ("learner@demo.example", "backoffice@demo.example", "trainer@demo.example"):
        assert not db.session.execute(select(QuizAttempt).where(QuizAttempt.employee_id == person(email).id)).first()
