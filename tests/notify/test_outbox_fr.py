"""A French-speaking administrator sees the outbox, its states and counts in French."""
from __future__ import annotations

from lms.core.roles import Role
from lms.notify.outbox import queue_email


def test_a_french_admin_sees_the_outbox_in_french(client, db, make_employee, login):
    admin = make_employee(roles=(Role.ADMIN,), language="fr")
    queue_email(["someone@example.test"], "Hello", "Body")
    db.session.commit()
    login(admin)
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Chaque e-mail mis en file par la plateforme" in page
    assert "En attente" in page  # the pending state, translated
    assert "Outbox messages" not in page
