"""The admin outbox pages: admins only, escaped content, pagination, filters and the empty state."""
from __future__ import annotations

import pytest

from lms.core.roles import Role
from lms.notify.outbox import queue_email

OTHER_ROLES = [r for r in Role if r is not Role.ADMIN]


@pytest.fixture
def admin(make_employee, login):
    person = make_employee(email="admin@example.test", roles=("admin",))
    login(person)
    return person


@pytest.mark.parametrize("path", ["/admin/outbox", "/admin/outbox/1"])
def test_anonymous_is_sent_to_the_login_page(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", OTHER_ROLES, ids=str)
@pytest.mark.parametrize("path", ["/admin/outbox", "/admin/outbox/1"])
def test_other_roles_are_refused(client, db, make_employee, login, role, path):
    queue_email("ann@example.test", "Private", "Not for you.")
    db.session.commit()
    login(make_employee(roles=(role.value,)))
    response = client.get(path)
    assert response.status_code == 403
    assert b"Not for you" not in response.data
    home = client.get("/", follow_redirects=True)
    assert home.status_code == 200
    assert b'href="/admin/outbox"' not in home.data


def test_empty_state(client, db, admin):
    response = client.get("/admin/outbox")
    assert response.status_code == 200
    assert b"No messages yet" in response.data


def test_list_and_detail_escape_what_the_message_holds(client, db, admin):
    message = queue_email("ann@example.test", "Hi <script>alert(1)</script>", "Text with <b>tags</b>",
                          html='<p onclick="evil()">Hello</p>',
                          attachments=[("invite.ics", "text/calendar; method=REQUEST", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")])
    db.session.commit()
    listing = client.get("/admin/outbox")
    assert listing.status_code == 200
    page = listing.get_data(as_text=True)
    assert "ann@example.test" in page
    assert "Hi &lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "Sent" in page
    assert f"/admin/outbox/{message.id}" in page

    detail = client.get(f"/admin/outbox/{message.id}")
    assert detail.status_code == 200
    page = detail.get_data(as_text=True)
    assert "Text with &lt;b&gt;tags&lt;/b&gt;" in page
    assert "&lt;p onclick=&#34;evil()&#34;&gt;Hello&lt;/p&gt;" in page
    assert '<p onclick="evil()">' not in page
    assert "invite.ics" in page and "text/calendar; method=REQUEST" in page
    assert "through outbox" in page


def test_failed_message_shows_its_error(client, db, admin, mail):
    from tests.notify.conftest import free_port

    mail(LMS_MAIL_BACKEND="smtp", LMS_SMTP_HOST="127.0.0.1", LMS_SMTP_PORT=free_port(), LMS_MAIL_MAX_ATTEMPTS=1)
    message = queue_email("ann@example.test", "Unlucky", "The server is down.")
    db.session.commit()
    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "Failed" in page and "ConnectionRefusedError" in page
    listing = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "Unlucky" in listing
    assert "No sent messages" in client.get("/admin/outbox?status=sent").get_data(as_text=True)


def test_pagination(client, db, admin):
    for n in range(55):
        queue_email("ann@example.test", f"Notice number {n:02d}", "text")
    db.session.commit()
    first = client.get("/admin/outbox").get_data(as_text=True)
    assert first.count("Notice number") == 50
    assert "Notice number 54" in first and "Notice number 04" not in first
    assert "Page 1 of 2" in first
    second = client.get("/admin/outbox?page=2").get_data(as_text=True)
    assert second.count("Notice number") == 5
    assert "Notice number 00" in second


def test_unknown_message_or_status_is_404(client, db, admin):
    assert client.get("/admin/outbox/999999").status_code == 404
    assert client.get("/admin/outbox?status=lost").status_code == 404


def test_admin_navigation_links_to_the_outbox(client, db, admin):
    home = client.get("/", follow_redirects=True)
    assert home.status_code == 200
    assert b'href="/admin/outbox">Outbox</a>' in home.data
