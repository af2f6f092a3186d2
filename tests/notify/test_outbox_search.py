"""Searching the admin outbox by recipient or subject, with the pager keeping the search."""
from __future__ import annotations

import pytest

from lms.notify.outbox import queue_email
from lms.notify.queries import PER_PAGE


@pytest.fixture
def admin(make_employee, login):
    person = make_employee(email="admin@example.test", roles=("admin",))
    login(person)
    return person


def test_search_finds_messages_by_recipient_or_subject(client, db, admin):
    queue_email("ann@example.test", "Your workshop booking", "Booked.")
    queue_email("bob@example.test", "Quiz reminder", "Take the quiz.")
    db.session.commit()

    by_recipient = client.get("/admin/outbox?q=ANN@").get_data(as_text=True)
    assert "Your workshop booking" in by_recipient and "Quiz reminder" not in by_recipient

    by_subject = client.get("/admin/outbox?q=reminder").get_data(as_text=True)
    assert "Quiz reminder" in by_subject and "Your workshop booking" not in by_subject
    assert 'value="reminder"' in by_subject  # the box shows what was searched


def test_search_without_a_match_says_what_to_do(client, db, admin):
    queue_email("ann@example.test", "Your workshop booking", "Booked.")
    db.session.commit()
    page = client.get("/admin/outbox?q=nobody-here").get_data(as_text=True)
    assert "No message matches “nobody-here”" in page
    assert "clear the search" in page


def test_pager_keeps_the_search(client, db, admin):
    for n in range(PER_PAGE + 1):
        queue_email(f"p{n}@example.test", f"Reminder {n}", "Text")
    queue_email("other@example.test", "Something else", "Text")
    db.session.commit()
    first = client.get("/admin/outbox?q=reminder").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert "q=reminder" in first and "page=2" in first
    second = client.get("/admin/outbox?q=reminder&page=2").get_data(as_text=True)
    assert "Something else" not in second and "Reminder 0" in second
