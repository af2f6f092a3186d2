"""A French-speaking leader sees the rollout pages in French."""
from __future__ import annotations

from lms.core.roles import Role


def test_a_french_leader_sees_the_rollout_pages_in_french(client, db, make_employee, login):
    leader = make_employee(roles=(Role.LEADER,), language="fr")
    login(leader)
    plans = client.get("/rollout").get_data(as_text=True)
    assert '<html lang="fr">' in plans
    assert "Nouveau plan" in plans and "New plan" not in plans
    assert "Aucun plan de déploiement pour l’instant" in plans
    new = client.get("/rollout/new").get_data(as_text=True)
    assert "Créer le plan et voir la borne" in new
    assert "Plus petite séance" in new  # a form label through lazy_gettext
