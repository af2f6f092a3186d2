"""API fixtures: the insights tests' hand-built organization, tokens, and a client that checks every response.

`api(secret)` returns a client sending `Authorization: Bearer <secret>`; each response it receives
is validated against the schema the OpenAPI document declares for that path and status.
"""
from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from lms.api import openapi, tokens
from tests.insights.conftest import TODAY, at, small_org  # noqa: F401 - the shared hand-built organization

SPEC_URI = "urn:lms-api-v1"
NO_TOKEN = object()


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


class SpecChecker:
    """Validates responses against the OpenAPI document's schemas (JSON Schema 2020-12, formats checked)."""

    def __init__(self):
        self.spec = openapi.document("http://localhost")
        self.registry = Registry().with_resource(
            SPEC_URI, Resource.from_contents(self.spec, default_specification=DRAFT202012))
        self.templates = [(re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", t) + "$"), t) for t in self.spec["paths"]]
        self.checked: set[tuple[str, int]] = set()

    def template(self, path: str) -> str | None:
        """The document's path template matching a request path, if any."""
        return next((t for pattern, t in self.templates if pattern.match(path)), None)

    def schema_pointer(self, method: str, path: str, status: int) -> str:
        """Where the schema of this response is in the document; fails for a response it does not declare."""
        template = self.template(path)
        if method != "GET" or template is None:
            assert status in (401, 403, 404, 405, 429), f"{method} {path} answered {status}"
            return "/components/schemas/Error"
        declared = self.spec["paths"][template]["get"]["responses"].get(str(status))
        assert declared is not None, f"GET {template} answered {status}, which the document does not declare"
        self.checked.add((template, status))
        base = (declared["$ref"][1:] if "$ref" in declared
                else f"/paths/{_escape(template)}/get/responses/{status}")
        return base + "/content/application~1json/schema"

    def validate(self, method: str, path: str, response) -> dict:
        """The JSON body, after checking it against the declared schema."""
        assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
        body = response.get_json()
        pointer = self.schema_pointer(method, path, response.status_code)
        validator = Draft202012Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=self.registry,
                                         format_checker=FormatChecker())
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
        return body


@pytest.fixture(scope="session")
def spec_checker():
    return SpecChecker()


class ApiClient:
    """A test client for the API: sends the token, validates every response against the document."""

    def __init__(self, client, checker: SpecChecker, secret: str | None):
        self.client, self.checker, self.secret = client, checker, secret

    def call(self, method: str, path: str, token=NO_TOKEN, headers: dict | None = None, **params):
        """The response and its validated JSON body."""
        secret = self.secret if token is NO_TOKEN else token
        headers = dict(headers or {})
        if secret is not None and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {secret}"
        response = self.client.open(path, method=method, headers=headers, query_string=params or None)
        return response, self.checker.validate(method, path.split("?")[0], response)

    def get(self, path: str, **kwargs):
        return self.call("GET", path, **kwargs)

    def follow(self, url: str):
        """GET a link from a response body (absolute URL)."""
        return self.get(url.replace("http://localhost", ""))

    def all_pages(self, path: str, **params) -> list[dict]:
        """Every item of a list, following links.next."""
        response, body = self.get(path, **params)
        assert response.status_code == 200, body
        items = list(body["data"])
        while body["links"]["next"]:
            response, body = self.follow(body["links"]["next"])
            assert response.status_code == 200, body
            items.extend(body["data"])
        return items


@pytest.fixture
def token_for(db):
    """`token_for(employee, name=...)`: a committed API token of the employee; returns the secret."""

    def make(employee, name: str = "BI tool") -> str:
        new = tokens.create_token(employee, name, max_live=100)
        db.session.commit()
        return new.secret

    return make


@pytest.fixture
def api(client, spec_checker):
    """`api(secret)`: a checked API client sending that token."""
    return lambda secret=None: ApiClient(client, spec_checker, secret)


@pytest.fixture
def api_today(monkeypatch):
    """The API judges states such as overdue on the hand-built organization's TODAY."""
    import lms.api.views

    monkeypatch.setattr(lms.api.views, "_today", lambda: TODAY)
    return TODAY


@pytest.fixture
def boss_api(small_org, token_for, api, api_today):
    """A checked client with a token of the small organization's leader."""
    return api(token_for(small_org.people["boss"]))


__all__ = ["TODAY", "at", "small_org", "ApiClient", "SpecChecker", "NO_TOKEN"]
