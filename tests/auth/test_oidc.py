"""Single sign-on against a local OpenID provider: discovery, code flow with PKCE, matching by issuer and subject."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from tests.auth.oidc_provider import Provider


@pytest.fixture
def provider():
    with Provider() as running:
        yield running


@pytest.fixture
def sso_app(tmp_path_factory, provider, db):
    from lms import create_app
    from tests.conftest import IsolatedClient, test_config

    app = create_app(test_config(
        tmp_path_factory, SQLALCHEMY_DATABASE_URI=db.engine.url.render_as_string(hide_password=False),
        LMS_OIDC_ISSUER=provider.issuer, LMS_OIDC_CLIENT_ID=provider.client_id,
        LMS_OIDC_CLIENT_SECRET=provider.client_secret))
    app.test_client_class = IsolatedClient
    return app


def sign_in(app, provider, user: dict, tamper=None):
    """Run the whole browser dance; returns the app's answer to the provider's redirect."""
    provider.next_user = user
    client = app.test_client()
    assert "single sign-on" in client.get("/login").get_data(as_text=True)
    started = client.post("/login/sso")
    assert started.status_code == 302 and started.headers["Location"].startswith(provider.issuer + "/authorize")
    at_provider = requests.get(started.headers["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    query = tamper(back.query) if tamper else back.query
    return client, client.get(f"{back.path}?{query}")


def test_first_login_links_by_verified_email_then_by_subject(sso_app, provider, make_employee, db):
    from lms.auth.models import ExternalIdentity

    employee = make_employee(email="ana@example.test")
    client, response = sign_in(sso_app, provider, {"sub": "idp-001", "email": "Ana@Example.test", "email_verified": True})
    assert response.status_code == 302 and response.headers["Location"].endswith("/my")
    assert client.get("/my").status_code == 200
    link = db.session.execute(select(ExternalIdentity)).scalar_one()
    assert (link.employee_id, link.issuer, link.subject) == (employee.id, provider.issuer, "idp-001")
    request = provider.requests[-1]
    assert request["code_challenge_method"] == "S256" and request["nonce"] and request["state"]

    # Later the provider's e-mail changes: the subject still finds the same person.
    _, again = sign_in(sso_app, provider, {"sub": "idp-001", "email": "ana.new@example.test", "email_verified": True})
    assert again.status_code == 302


@pytest.mark.parametrize("claims", [
    {"sub": "idp-002", "email": "bo@example.test", "email_verified": False},
    {"sub": "idp-003", "email": "nobody@example.test", "email_verified": True},
    {"sub": "idp-004"},
])
def test_no_link_without_a_verified_email_of_an_active_employee(sso_app, provider, make_employee, db, claims):
    from lms.auth.models import ExternalIdentity

    make_employee(email="bo@example.test")
    client, response = sign_in(sso_app, provider, claims)
    assert response.status_code == 401
    assert "no active account" in response.get_data(as_text=True)
    assert client.get("/my").status_code == 302
    assert db.session.execute(select(ExternalIdentity)).first() is None


def test_an_email_match_cannot_take_over_an_account_linked_to_another_subject(sso_app, provider, make_employee, db):
    make_employee(email="cy@example.test")
    assert sign_in(sso_app, provider, {"sub": "idp-010", "email": "cy@example.test", "email_verified": True})[1].status_code == 302
    _, response = sign_in(sso_app, provider, {"sub": "idp-666", "email": "cy@example.test", "email_verified": True})
    assert response.status_code == 401


def test_deactivated_employee_cannot_sign_in(sso_app, provider, make_employee, db):
    employee = make_employee(email="di@example.test")
    sign_in(sso_app, provider, {"sub": "idp-020", "email": "di@example.test", "email_verified": True})
    employee.active = False
    db.session.commit()
    _, response = sign_in(sso_app, provider, {"sub": "idp-020", "email": "di@example.test", "email_verified": True})
    assert response.status_code == 401


def test_a_forged_state_or_code_is_refused(sso_app, provider, make_employee, db):
    make_employee(email="ed@example.test")
    user = {"sub": "idp-030", "email": "ed@example.test", "email_verified": True}

    def wrong_state(query):
        params = parse_qs(query)
        return f"code={params['code'][0]}&state=forged"

    client, response = sign_in(sso_app, provider, user, tamper=wrong_state)
    assert response.status_code == 401 and client.get("/my").status_code == 302
    _, response = sign_in(sso_app, provider, user, tamper=lambda q: q.replace("code=", "code=x"))
    assert response.status_code == 401


def test_sso_routes_are_absent_when_not_configured(client, db):
    assert client.post("/login/sso").status_code == 404
    assert client.get("/login/sso/callback?code=x&state=y").status_code == 404
    assert "single sign-on" not in client.get("/login").get_data(as_text=True)
