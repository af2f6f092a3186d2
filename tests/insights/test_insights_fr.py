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


def test_the_weekly_digest_reaches_each_leader_in_their_language(db, small_org, make_employee):
    from datetime import date

    from sqlalchemy import select

    from lms.core.roles import Role
    from lms.insights.digest import send_weekly_digest
    from lms.notify.models import OutboxMessage

    make_employee("chef@org.test", roles=(Role.LEADER,), full_name="Chef Francophone", language="fr")
    assert send_weekly_digest(date(2027, 3, 8)) == 2
    sent = {m.recipients[0]: m for m in db.session.execute(select(OutboxMessage)).scalars()}
    french, english = sent["chef@org.test"], sent["boss@org.test"]
    assert french.subject == "Service Excellence : la semaine jusqu’au 08 mars 2027"
    assert "Course one : 2 sur 6 terminés (33" in french.text_body and "Première ligne (6 personnes)" in french.text_body
    assert '<html lang="fr">' in french.html_body
    assert english.subject == "Service Excellence: the week to 08 March 2027"
    assert "Course one: 2 of 6 completed (33%), 2 overdue" in english.text_body
