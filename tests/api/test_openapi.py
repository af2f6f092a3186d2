"""The OpenAPI document: served without a token, a valid OpenAPI 3.1 document, and true to the routes."""
from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from lms.api.params import encode_cursor
from lms.core.roles import Role

EXAMPLES = {"date": "2027-03-10", "date-time": "2027-03-01T00:00:00Z"}


def test_the_document_is_served_without_a_token_and_is_valid(api, db):
    response, document = api().get("/api/v1/openapi.json", token=None)
    assert response.status_code == 200
    validate(document)  # raises when the document breaks the OpenAPI 3.1 schema
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://localhost"}]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        **document["components"]["securitySchemes"]["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert document["security"] == [{"bearerAuth": []}]
    assert document["paths"]["/api/v1/openapi.json"]["get"]["security"] == []


def _documented_rule(rule: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


def test_every_route_is_documented_and_every_documented_path_is_a_route(app, spec_checker):
    rules = {_documented_rule(r.rule) for r in app.url_map.iter_rules()
             if r.endpoint.startswith("api.") and r.endpoint != "api.fallback"}
    assert rules == set(spec_checker.spec["paths"])


def test_every_operation_declares_the_error_shape_and_the_token(spec_checker):
    spec = spec_checker.spec
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for name, response in spec["components"]["responses"].items():
        assert response["content"] == error["content"], name
    for path, item in spec["paths"].items():
        operation = item["get"]
        assert operation["operationId"] and operation["summary"]
        if path == "/api/v1/openapi.json":
            continue
        for status in ("200", "400", "401", "403", "422", "429", "500"):
            assert status in operation["responses"], (path, status)
        assert "security" not in operation  # the document-wide bearer token applies


def _example(parameter: dict) -> str:
    schema = parameter["schema"]
    if parameter["name"] == "cursor":
        return encode_cursor(0)
    if "enum" in schema:
        return schema["enum"][-1]
    if schema.get("format") in EXAMPLES:
        return EXAMPLES[schema["format"]]
    if schema["type"] == "integer":
        return str(schema.get("default", 1))
    if schema["type"] == "boolean":
        return "true"
    return "c1"


def _parameters(spec: dict, operation: dict) -> list[dict]:
    resolved = []
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = spec["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        resolved.append(parameter)
    return resolved


def test_every_documented_parameter_is_accepted_and_no_other(db, make_employee, token_for, api, spec_checker):
    client = api(token_for(make_employee(roles=(Role.LEADER,))))
    spec = spec_checker.spec
    for path, item in spec["paths"].items():
        if path == "/api/v1/openapi.json":
            continue
        parameters = _parameters(spec, item["get"])
        url = path.replace("{dimension}", "department")
        query = {p["name"]: _example(p) for p in parameters if p["in"] == "query"}
        response, body = client.get(url, **query)
        assert response.status_code == 200, (path, body)
        response, body = client.get(url, undocumented="1")
        assert response.status_code == 400, path
        assert body["error"]["details"] == [{"field": "undocumented", "message": "This endpoint has no such parameter."}]


@pytest.mark.parametrize("dimension", ["organization", "kind", "site", "department"])
def test_every_participation_dimension_answers_as_documented(db, make_employee, token_for, api, dimension):
    response, body = api(token_for(make_employee(roles=(Role.LEADER,)))).get(f"/api/v1/participation/{dimension}")
    assert response.status_code == 200 and body["data"]


def test_the_checker_catches_a_body_the_document_does_not_describe(spec_checker, api, db, make_employee, token_for):
    response = api(token_for(make_employee(roles=(Role.LEADER,)))).client.get(
        "/api/v1/ideas", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    body = response.get_json()
    body["error"]["extra"] = True

    class Tampered:
        mimetype, status_code = "application/json", 401

        @staticmethod
        def get_json():
            return body

    with pytest.raises(AssertionError, match="extra"):
        spec_checker.validate("GET", "/api/v1/ideas", Tampered)
