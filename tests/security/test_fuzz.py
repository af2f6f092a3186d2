"""Arbitrary text (NUL, lone surrogates, 10,000 characters) in every form field and query parameter: never a 500."""
from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote_from_bytes

import pytest
from flask import url_for
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.helpers import TEST_PASSWORD
from tests.security.routes import TABLE

# Routes that end the fuzzing account's own access are fuzzed by their own tests instead.
SKIP = {"auth.logout", "auth.login", "auth.sso_start", "auth.sso_callback", "org.employee_active",
        "org.employee_password", "rollout.solve", "static", "workshops.calendar_feed"}
GUESSED_FIELDS = ("title", "description", "reason", "text", "comment", "note", "name", "employee_nos", "page", "go",
                  "points", "capacity", "employee_id", "cohort_id", "member_id", "accept", "active", "back", "next")
API_QUERY_FIELDS = ("limit", "cursor", "course", "state", "session", "status", "updated_since", "from", "to", "completed")
QUERY_FIELDS = ("q", "page", "status", "site", "start", "period", "lang", "next", "department", "team", "provider",
                "from", "who", "table", "action", "row", "since", "until", "code", "plan")

texts = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=60),
    # 10,000 arbitrary characters: Hypothesis will not draw a text that long directly, so a short one repeated.
    st.text(st.characters(codec=None, exclude_categories=()), min_size=1, max_size=40)
    .map(lambda seed: (seed * (10_000 // len(seed) + 1))[:10_000]),
    st.sampled_from(["\x00", "\ud800", "\udfff x", "0", "-1", "99999999999999999999", "1e309", "NaN", "../../etc/passwd",
                     "' OR 1=1 --", "\r\nX-Injected: 1", "%00", "٣", "\u202e", "a" * 10_000]),
)


class _Fields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        name = dict(attrs).get("name")
        if tag in ("input", "textarea", "select", "button") and name and name != "csrf_token":
            self.names.add(name)


def _encode(pairs) -> bytes:
    """application/x-www-form-urlencoded, keeping lone surrogates as the raw bytes an attacker could send."""
    return b"&".join(quote_from_bytes(k.encode()).encode() + b"=" + quote_from_bytes(v.encode("utf-8", "surrogatepass")).encode()
                     for k, v in pairs)


_CLIENTS: dict = {}


def _client(app, world, account):
    if (id(world), account) in _CLIENTS:
        return _CLIENTS[(id(world), account)]
    client = _CLIENTS[(id(world), account)] = app.test_client()
    if account:
        assert client.post("/login", data={"email": world.emails[account], "password": TEST_PASSWORD}).status_code == 302
    return client


def _targets(app):
    for endpoint, route in sorted(TABLE.items()):
        if endpoint in SKIP:
            continue
        methods = {m for rule in app.url_map.iter_rules(endpoint=endpoint) for m in rule.methods}
        yield endpoint, sorted(methods & {"GET", "POST"})


FUZZ_SETTINGS = settings(max_examples=3, deadline=None, derandomize=True,
                         suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def targets(app, world):
    """(endpoint, url, methods, form field names) for every fuzzed route, fields read from its own page."""
    found = []
    clients = {}
    for endpoint, methods in _targets(app):
        route = TABLE[endpoint]
        with app.test_request_context():
            url = url_for(endpoint, **route.params(world))
        fields = set()
        if "GET" in methods:
            client = clients.setdefault(route.actor, _client(app, world, route.actor))
            parser = _Fields()
            parser.feed(client.get(url).get_data(as_text=True))
            fields = parser.names
        found.append((endpoint, url, methods, sorted(fields | set(GUESSED_FIELDS))))
    return found


@pytest.mark.parametrize("index", range(len(TABLE)))
@FUZZ_SETTINGS
@given(value=texts)
@example(value="\x00")
@example(value="\ud800")
@example(value="x" * 10_000)
def test_no_input_causes_a_server_error(app, world, targets, index, value):
    if index >= len(targets):
        return
    endpoint, url, methods, fields = targets[index]
    client = _client(app, world, TABLE[endpoint].actor)
    headers = {"Authorization": f"Bearer {world.api_token}"} if TABLE[endpoint].token else {}
    if "GET" in methods:
        names = QUERY_FIELDS + API_QUERY_FIELDS if TABLE[endpoint].token else QUERY_FIELDS
        query = _encode((name, value) for name in names).decode()
        response = client.get(f"{url}?{query}", headers=headers)
        assert response.status_code < 500, f"GET {endpoint}: {response.status_code}"
    if "POST" in methods:
        response = client.post(url, data=_encode((name, value) for name in fields),
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, f"POST {endpoint}: {response.status_code}"
        # Browsers drop cookies over 4 KB, which would silently end the session.
        assert all(len(c) < 4093 for c in response.headers.getlist("Set-Cookie")), f"POST {endpoint}: cookie too large"
