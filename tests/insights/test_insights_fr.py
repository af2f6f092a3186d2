"""A French-speaking leader sees the dashboard, its labels, figures and dates in French."""
from __future__ import annotations

from lms.org.models import Employee


def test_a_french_leader_sees_the_dashboard_in_french(client, db, small_org, login):
    boss = small_org.people["boss"]
    db.session.get(Employee, boss.id).language = "fr"
    db.session.commit()
    login(boss)
    page = client.get("/insights").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Tableau de bord de l’organisation" in page and "Enterprise dashboard" not in page
    assert "Participation par type de service" in page
    assert "Première ligne" in page  # the group label made in Python, translated when shown
    assert "Télécharger Participation par formation au format CSV" in page

    ideas = client.get("/ideas").get_data(as_text=True)
    assert "Soumettre une idée" in ideas
