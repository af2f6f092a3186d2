"""A French learner takes a quiz: every quiz page renders in French, with French numbers and times."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.learning.assignments import apply_assignment_rules
from lms.quizzes.models import QuizAttempt
from tests.conftest import ROOT

LAST = "service-recovery-last"


@pytest.fixture
def french_learner(db, make_employee, login):
    from lms.learning.commands import sync_courses_now

    sync_courses_now(ROOT / "courses")
    person = make_employee(language="fr")
    apply_assignment_rules(employee_ids=[person.id])
    db.session.commit()
    login(person)
    return person


def test_every_quiz_page_speaks_french(client, db, french_learner):
    quiz = client.get(f"/courses/{LAST}/quiz").get_data(as_text=True)
    assert "Note de réussite" in quiz and "Tentatives autorisées" in quiz and "Commencer le quiz" in quiz
    assert "70\xa0%" in quiz  # the pass mark, with French spacing
    assert "Le rattrapage de service avec LAST" in quiz  # the course's French title in the breadcrumb
    started = client.post(f"/courses/{LAST}/quiz/start")
    attempt_id = int(re.search(r"/quiz/attempts/(\d+)$", started.headers["Location"]).group(1))
    page = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert "Tentative 1" in page and "Enregistrer et aller à la page 2" in page and "Temps restant" in page
    assert 'data-say-up="Le temps est écoulé. Envoi de vos réponses."' in page
    saved = client.post(f"/quiz/attempts/{attempt_id}", data={"page": "1", "go": "save"}, follow_redirects=True)
    assert "Vos réponses sont enregistrées." in saved.get_data(as_text=True)
    summary = client.get(f"/quiz/attempts/{attempt_id}/summary").get_data(as_text=True)
    assert "Envoyer toutes les réponses et terminer" in summary and "sans réponse" in summary
    review = client.post(f"/quiz/attempts/{attempt_id}/submit", follow_redirects=True).get_data(as_text=True)
    assert "Non réussi :" in review and "vous avez obtenu 0\xa0%" in review
    assert "Réessayer (2 tentatives restantes)" in review
    db.session.expire_all()
    assert db.session.execute(select(QuizAttempt.state).where(QuizAttempt.id == attempt_id)).scalar_one() == "graded"


def test_what_is_left_to_do_on_the_course_page_is_in_french(client, db, french_learner):
    page = client.get(f"/courses/{LAST}").get_data(as_text=True)
    assert re.search(r"Terminez les \d+ modules restants sur \d+\.", page)
    assert "Réussissez le quiz (70 % requis)." in page
    assert "Complete the remaining" not in page and "Pass the quiz" not in page
