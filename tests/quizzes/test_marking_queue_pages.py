"""The essay marking queue: paginated, searchable by learner or course, with empty states that say what to do."""
from __future__ import annotations

import pytest

from lms.quizzes import queries
from tests.quizzes.test_marking_and_statistics import ESSAY_BANK, make_quiz, taken


@pytest.fixture
def essay_quiz(db):
    return make_quiz(db, "essays", ESSAY_BANK, pass_mark=75)


def test_queue_pages_and_search(client, db, essay_quiz, make_employee, login):
    for n in range(3):
        taken(db, essay_quiz, make_employee(full_name=f"Learner Number{n}"), {"P01 explain": "x"})
    lead = make_employee(roles=("lead_trainer",))

    first = queries.essay_queue_page(lead, 1, per_page=2)
    assert (first.total, first.pages, len(first.items)) == (3, 2, 2)
    assert len(queries.essay_queue_page(lead, 2, per_page=2).items) == 1
    found = queries.essay_queue_page(lead, 1, q="number1")
    assert [learner.full_name for _, _, learner, _ in found.items] == ["Learner Number1"]

    login(lead)
    html = client.get("/quiz/marking?q=Number2").get_data(as_text=True)
    assert "Learner Number2" in html and "Learner Number1" not in html
    assert 'role="search"' in html
    missing = client.get("/quiz/marking?q=zzz").get_data(as_text=True)
    assert "No essay matches “zzz”" in missing and "clear the search" in missing


def test_empty_queue_has_no_search_box(client, db, essay_quiz, make_employee, login):
    login(make_employee(roles=("lead_trainer",)))
    html = client.get("/quiz/marking").get_data(as_text=True)
    assert "Nothing to mark" in html and 'role="search"' not in html
