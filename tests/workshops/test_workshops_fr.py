"""A French-speaking learner sees the workshop pages, states, dates and messages in French."""
from __future__ import annotations

from babel.dates import format_date, format_datetime

from lms.workshops.booking import cutoff


def test_a_french_learner_books_a_session_in_french(client, db, make_session, staff, login):
    session = make_session(capacity=12)
    person = staff(session.site, 1, language="fr")[0]
    login(person)

    listing = client.get("/workshops", query_string={"site": session.site_id, "start": session.day1.isoformat()})
    page = listing.get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Ateliers Service Problem Solving" in page
    assert "12 places libres sur 12" in page
    assert format_date(session.day1, "EEE dd MMM", locale="fr") in page  # e.g. "lun. 07 déc."

    detail = client.get(f"/workshops/sessions/{session.id}").get_data(as_text=True)
    assert "Réserver une place" in detail and "Book a seat" not in detail
    assert format_date(session.day1, "EEEE dd MMMM y", locale="fr") in detail
    assert "0 inscrit sur 12" in detail
    # The booking cutoff is said in the site's own time, as the session's times are.
    closes = format_datetime(cutoff(session), "dd MMMM HH:mm", locale="fr")
    assert f"Les inscriptions ferment le {closes}." in detail and closes.endswith(session.start_time.strftime("%H:%M"))

    booked = client.post(f"/workshops/sessions/{session.id}/book", follow_redirects=True).get_data(as_text=True)
    assert "Vous êtes inscrit(e) le " + format_date(session.day1, "EEEE dd MMMM", locale="fr") in booked

    mine = client.get("/workshops/my").get_data(as_text=True)
    assert "Mes inscriptions aux ateliers" in mine and "Inscrit" in mine


def test_the_same_pages_stay_english_for_an_english_account(client, db, make_session, staff, login):
    session = make_session(capacity=12)
    person = staff(session.site, 1, language="en")[0]
    login(person)
    page = client.get(f"/workshops/sessions/{session.id}", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Book a seat" in page and "Réserver" not in page
