"""Two languages: the locale each request is served in, the language switch, the catalog and localized formats."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from lms.org.models import Employee
from tests.helpers import TEST_PASSWORD

TRANSLATIONS = Path(__file__).resolve().parents[2] / "lms" / "translations"
PO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.mo"


def _catalog():
    with PO.open("rb") as fh:
        return read_po(fh, locale="fr")


def test_the_committed_mo_is_compiled_from_the_po(tmp_path):
    compiled = tmp_path / "messages.mo"
    with compiled.open("wb") as fh:
        write_mo(fh, _catalog(), use_fuzzy=False)
    assert compiled.read_bytes() == MO.read_bytes(), "run `make translations` (or pybabel compile) and commit the .mo"


def test_the_french_catalog_has_no_untranslated_or_fuzzy_entry():
    catalog = _catalog()
    untranslated = [m.id for m in catalog if m.id and not (all(m.string) if m.pluralizable else m.string)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert len(catalog) > 50
    assert untranslated == []
    assert fuzzy == []


def test_every_french_entry_keeps_the_placeholders_of_its_english():
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]")
    wrong = []
    for m in _catalog():
        if not m.id:
            continue
        ids = m.id if m.pluralizable else (m.id,)
        strings = m.string if m.pluralizable else (m.string,)
        wanted = set(placeholder.findall(ids[-1])) | set(placeholder.findall(ids[0]))
        for s in strings:
            if not s:
                continue  # untranslated: the test above reports it
            if set(placeholder.findall(s)) - wanted:
                wrong.append((m.id, s))
            if not m.pluralizable and set(placeholder.findall(s)) != wanted:
                wrong.append((m.id, s))
    assert wrong == []


def test_anonymous_pages_follow_the_browser_language(client):
    english = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in english and "Log in" in english
    french = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="fr">' in french and "Se connecter" in french
    other = client.get("/login", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    assert '<html lang="en">' in other


def test_the_login_page_switch_sets_a_cookie_that_wins_over_the_browser(client):
    response = client.post("/language", data={"language": "fr", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr">' in page and "Se connecter" in page


def test_the_switch_refuses_an_unknown_language_and_an_outside_target(client, make_employee, login, db):
    person = make_employee()
    login(person)
    refused = client.post("/language", data={"language": "de", "next": "/my"})
    assert refused.status_code == 400
    assert "English and French only" in refused.get_data(as_text=True)
    assert db.session.execute(select(Employee.language).where(Employee.id == person.id)).scalar_one() is None
    outside = client.post("/language", data={"language": "fr", "next": "https://evil.example/"})
    assert outside.status_code == 302 and "evil" not in outside.headers["Location"]


def test_a_french_user_sees_french_and_an_english_user_english(app, make_employee, db):
    french = make_employee(language="fr")
    english = make_employee()
    pages = {}
    for person in (french, english):
        client = app.test_client()
        client.post("/login", data={"email": person.email, "password": TEST_PASSWORD})
        pages[person.id] = client.get("/my", headers={"Accept-Language": "fr"} if person is english else {})
    french_page = pages[french.id].get_data(as_text=True)
    assert '<html lang="fr">' in french_page and "Se déconnecter" in french_page and "Ma formation" in french_page
    # The account's choice (none: the browser's) decides; the English user's browser asks for French here,
    # so set the account to English and look again.
    db.session.get(Employee, english.id).language = "en"
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": english.email, "password": TEST_PASSWORD})
    english_page = client.get("/my", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="en">' in english_page and "Log out" in english_page and "Se déconnecter" not in english_page


def test_the_account_page_saves_the_choice(client, make_employee, login, db):
    person = make_employee()
    login(person)
    page = client.get("/account/password").get_data(as_text=True)
    assert 'name="language"' in page
    response = client.post("/language", data={"language": "fr", "next": "/account/password"})
    assert response.status_code == 302
    assert db.session.execute(select(Employee.language).where(Employee.id == person.id)).scalar_one() == "fr"
    assert "Changer votre mot de passe" in client.get("/account/password").get_data(as_text=True)


def test_error_pages_in_french(client):
    page = client.get("/no-such-page", headers={"Accept-Language": "fr"})
    assert page.status_code == 404
    assert "Page introuvable" in page.get_data(as_text=True)


def test_dates_and_numbers_follow_the_language(app):
    from flask import render_template_string

    template = "{{ day|dateformat('long') }} · {{ 1234.5|number(1) }} · {{ 42|percent }}"
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        french = render_template_string(template, day=date(2027, 3, 1))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = render_template_string(template, day=date(2027, 3, 1))
    assert english == "1 March 2027 · 1,234.5 · 42%"
    assert french.replace("\u202f", " ").replace("\xa0", " ") == "1 mars 2027 · 1 234,5 · 42 %"


def test_date_times_read_naturally_in_each_language(app):
    from datetime import datetime

    from flask import render_template_string

    moment = datetime(2027, 3, 1, 14, 5)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string("{{ t|when }}", t=moment) == "1 Mar 2027, 14:05"
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert render_template_string("{{ t|when }} {{ 72.5|percent(1) }}", t=moment).replace("\xa0", " ").replace(
            "\u202f", " ") == "1 mars 2027, 14:05 72,5 %"


def test_logging_out_keeps_the_chosen_language_for_the_login_page(app, make_employee):
    person = make_employee(language="fr")
    client = app.test_client()
    client.post("/login", data={"email": person.email, "password": TEST_PASSWORD})
    page = client.post("/logout", follow_redirects=True, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Vous êtes déconnecté." in page and '<html lang="fr">' in page and "Se connecter" in page


def test_wtforms_messages_follow_the_language(client, make_employee, login):
    person = make_employee(language="fr")
    login(person)
    page = client.post("/account/password", data={"current_password": "", "new_password": "x", "confirm": "y"})
    html = page.get_data(as_text=True)
    assert "Mot de passe actuel" in html and "Les mots de passe ne correspondent pas." in html


def test_the_browser_language_is_matched_by_weight_and_primary_tag(client):
    creole_then_french = client.get("/login", headers={"Accept-Language": "mfe-MU,fr-FR;q=0.8,en;q=0.5"})
    assert '<html lang="fr">' in creole_then_french.get_data(as_text=True)
    refused_french = client.get("/login", headers={"Accept-Language": "fr;q=0,en;q=0.5"})
    assert '<html lang="en">' in refused_french.get_data(as_text=True)
