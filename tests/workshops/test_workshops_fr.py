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


def test_a_booking_refusal_reads_in_french_with_its_names_and_date(client, db, make_session, make_room, staff, login):
    from lms.workshops.booking import book_seat

    here = make_session(capacity=12)
    elsewhere = make_session(room=make_room(), capacity=12)  # another site
    person = staff(here.site, 1, language="fr")[0]
    book_seat(person, person, here)
    db.session.commit()
    login(person)
    # Booking a second session of the same workshop: refused, with the first one's date in French.
    other = make_session(room=make_room(site=here.site), capacity=12)
    page = client.post(f"/workshops/sessions/{other.id}/book", follow_redirects=True).get_data(as_text=True)
    day = format_date(here.day1, "dd MMMM", locale="fr")
    assert f"a déjà une inscription à cet atelier le {day} à {here.site.name} ; annulez-la d’abord." in page
    # A session at another site: the refusal names both sites, in French.
    page = client.post(f"/workshops/sessions/{elsewhere.id}/book", follow_redirects=True).get_data(as_text=True)
    assert f"travaille à {here.site.name} ; cette séance a lieu à {elsewhere.site.name}." in page


def test_a_french_admin_reads_scheduling_refusals_in_french(client, db, make_employee, make_room, certified, login):
    from tests.workshops.conftest import working_day_after

    admin = make_employee(roles=("admin",), language="fr")
    room = make_room(capacity=16)
    trainer = certified(room.site)
    login(admin)
    day1 = working_day_after(21)
    form = {"room_id": room.id, "day1": day1.isoformat(), "start_time": "09:00", "end_time": "17:00", "capacity": 16,
            "trainer_ids": [trainer.id], "publish": "y"}
    assert client.post("/admin/workshops/sessions/new", data=form).status_code == 302
    refused = client.post("/admin/workshops/sessions/new", data={**form, "capacity": 40}).get_data(as_text=True)
    assert f"{room.name} accueille 16 personnes ; la séance ne peut pas avoir 40 places." in refused
    day = format_date(day1, "dd MMMM y", locale="fr")
    assert f"{room.name} est déjà prise le {day}" in refused and "is already taken" not in refused
