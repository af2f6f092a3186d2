"""A French-speaking leader sees the audit log in French."""
from __future__ import annotations

from lms.core.roles import Role


def test_a_french_leader_sees_the_audit_log_in_french(client, db, make_employee, login):
    leader = make_employee(roles=(Role.LEADER,), language="fr")
    login(leader)
    page = client.get("/audit").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Filtrer le journal d’audit" in page and "Filter the audit log" not in page
    assert "Qui (le nom ou l’adresse e-mail contient)" in page  # a form label through lazy_gettext
    assert "Toutes les actions" in page and "modification" in page  # the action filter's choices, named in French
