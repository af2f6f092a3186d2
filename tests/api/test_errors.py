"""One error shape for every refusal: 400 unreadable, 422 out of bounds, 404, 429 and 500 (401/403/405 in test_tokens)."""
from __future__ import annotations

import pytest

from lms.core.roles import Role


@pytest.fixture
def client(db, make_employee, token_for, api):
    return api(token_for(make_employee(roles=(Role.LEADER,))))


@pytest.mark.parametrize("path, params, details", [
    ("/api/v1/enrolments", {"limit": "ten"}, [{"field": "limit", "message": "Must be a whole number."}]),
    ("/api/v1/enrolments", {"cursor": "not-ours"},
     [{"field": "cursor", "message": "Not a cursor of this list; follow links.next as given."}]),
    ("/api/v1/enrolments", {"updated_since": "last week"},
     [{"field": "updated_since", "message": "Must be an ISO 8601 date-time, e.g. 2027-03-01T00:00:00Z."}]),
    ("/api/v1/enrolments", {"active": "yes"}, [{"field": "active", "message": "Must be true or false."}]),
    ("/api/v1/workshop/sessions", {"from": "10/03/2027"}, [{"field": "from", "message": "Must be a date as YYYY-MM-DD."}]),
    ("/api/v1/enrolments", {"course": "c1\x00; drop"},
     [{"field": "course", "message": "Must be printable text of at most 100 characters."}]),
    ("/api/v1/enrolments", {"updated_since": "0001-01-01T00:00:00+14:00"},
     [{"field": "updated_since", "message": "Must be an ISO 8601 date-time, e.g. 2027-03-01T00:00:00Z."}]),
    ("/api/v1/enrolments", {"cursor": "eyJhZnRlciI6IDk5OTk5OTk5OTk5OTk5OTk5OTk5OTl9"},
     [{"field": "cursor", "message": "Not a cursor of this list; follow links.next as given."}]),
    ("/api/v1/ideas", {"sort": "title", "limit": "x"},
     [{"field": "sort", "message": "This endpoint has no such parameter."},
      {"field": "limit", "message": "Must be a whole number."}]),
])
def test_unreadable_parameters_are_400_with_every_problem(client, path, params, details):
    response, body = client.get(path, **params)
    assert response.status_code == 400
    assert body == {"error": {"code": "bad_request", "message": "Some parameters could not be read.", "details": details}}


@pytest.mark.parametrize("path, params, details", [
    ("/api/v1/enrolments", {"limit": "5000"}, [{"field": "limit", "message": "Must be at most 1000."}]),
    ("/api/v1/enrolments", {"limit": "0", "state": "lost"},
     [{"field": "limit", "message": "Must be at least 1."},
      {"field": "state", "message": "Must be one of: assigned, started, overdue, completed, unassigned."}]),
    ("/api/v1/participation/site", {"limit": "201"}, [{"field": "limit", "message": "Must be at most 200."}]),
    ("/api/v1/workshop/bookings", {"status": "lost", "session": "-1"},
     [{"field": "session", "message": "Must be at least 1."},
      {"field": "status", "message": "Must be one of: booked, waitlisted, cancelled, no_show."}]),
    ("/api/v1/ideas/summary", {"months": "37"}, [{"field": "months", "message": "Must be at most 36."}]),
    ("/api/v1/enrolments", {"site": "9" * 30}, [{"field": "site", "message": "Must be at most 2147483647."}]),
])
def test_parameters_out_of_bounds_are_422(client, path, params, details):
    response, body = client.get(path, **params)
    assert response.status_code == 422
    assert body["error"]["code"] == "invalid_parameter"
    assert sorted(body["error"]["details"], key=str) == sorted(details, key=str)


def test_a_page_past_the_end_is_422(client):
    response, body = client.get("/api/v1/participation/department", page=2)
    assert response.status_code == 422
    assert body["error"]["details"] == [{"field": "page", "message": "Must be at most 1."}]
    assert client.get("/api/v1/participation/organization", page=2)[0].status_code == 422


@pytest.mark.parametrize("path", ["/api/v1/participation/team", "/api/v1/nothing", "/api/v1/", "/api/v1/ideas/7"])
def test_unknown_resources_are_404_in_the_same_shape(client, path):
    response, body = client.get(path)
    assert response.status_code == 404 and body["error"]["code"] == "not_found" and body["error"]["message"]


def test_too_many_calls_are_429_with_retry_after(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_API_RATE_LIMIT", "3 per minute")
    statuses = [client.get("/api/v1/ideas")[0].status_code for _ in range(3)]
    response, body = client.get("/api/v1/ideas")
    assert statuses == [200, 200, 200] and response.status_code == 429
    assert body["error"]["code"] == "rate_limited" and int(response.headers["Retry-After"]) > 0
    # Another token has its own allowance.
    assert client.get("/api/v1/ideas", token="lms_pat_other")[0].status_code == 401


def test_an_unexpected_failure_is_500_in_the_same_shape(app, client, monkeypatch):
    import lms.api.queries

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(lms.api.queries, "idea_rows", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response, body = client.get("/api/v1/ideas")
    assert response.status_code == 500
    assert body["error"] == {"code": "server_error", "message": "The platform hit an unexpected problem; try again.",
                             "details": []}
    assert "fire" not in response.get_data(as_text=True)
