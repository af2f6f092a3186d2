"""The OpenAPI 3.1 document of JSON API v1: every endpoint, parameter, response, the error shape and the token scheme.

Kept by hand beside the views; tests check that it is a valid document, that it names every route
of the blueprint, and that every response the tests receive matches its schema.
"""
from __future__ import annotations

from lms.api.errors import CODES
from lms.api.params import (DEFAULT_LIMIT, GROUPS_LIMIT, GROUPS_MAX, IDEA_MONTHS, IDEA_MONTHS_MAX, LARGEST_ID,
                            MAX_LIMIT)
from lms.api.queries import ENROLMENT_STATES
from lms.insights.models import BENEFICIARIES, IDEA_STATUSES
from lms.org.models import DEPARTMENT_KINDS
from lms.learning.models import COURSE_KINDS
from lms.workshops.models import BOOKING_STATUSES, SESSION_STATUSES

VERSION = "1.0.0"
PARTICIPATION_DIMENSIONS = ("organization", "kind", "site", "department")


def ref(name: str) -> dict:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    """The schema, or null."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def obj(properties: dict, description: str | None = None) -> dict:
    """A closed object whose every property is always present."""
    schema = {"type": "object", "required": list(properties), "additionalProperties": False, "properties": properties}
    if description:
        schema["description"] = description
    return schema


INTEGER = {"type": "integer"}
COUNT = {"type": "integer", "minimum": 0}
STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
DATE_TIME = {"type": "string", "format": "date-time", "description": "UTC, e.g. 2027-03-10T09:30:00Z"}
URL = {"type": "string", "format": "uri"}


def _schemas() -> dict:
    return {
        "Error": obj({"error": obj({
            "code": {"type": "string", "enum": sorted(set(CODES.values()))},
            "message": {"type": "string", "description": "What went wrong, for people."},
            "details": {"type": "array", "items": ref("ErrorDetail"),
                        "description": "One entry per problem (e.g. per parameter); may be empty."},
        })}, "Every error: 400, 401, 403, 404, 405, 422, 429 and 500."),
        "ErrorDetail": obj({"field": {"type": "string", "description": "The parameter concerned, or empty."},
                            "message": STRING}),
        "CursorLinks": obj({"self": URL, "next": nullable(URL)},
                           "Follow next until it is null."),
        "PageLinks": obj({"self": URL, "first": URL, "prev": nullable(URL), "next": nullable(URL), "last": URL}),
        "CursorMeta": {**obj({"limit": COUNT, "count": COUNT}), "properties": {
            "limit": COUNT, "count": COUNT,
            "as_of": {**DATE, "description": "The day states such as overdue are judged on."}}},
        "PageMeta": obj({"limit": COUNT, "count": COUNT, "page": {"type": "integer", "minimum": 1},
                         "pages": {"type": "integer", "minimum": 1}, "total": COUNT, "as_of": DATE}),
        "Person": obj({"id": INTEGER, "employee_id": {"type": "string", "description": "The HR employee id."},
                       "name": STRING, "active": BOOLEAN}),
        "Department": obj({"id": INTEGER, "code": STRING, "name": STRING,
                           "kind": {"type": "string", "enum": list(DEPARTMENT_KINDS)}}),
        "Site": obj({"id": INTEGER, "code": STRING, "name": STRING}),
        "Course": obj({"id": INTEGER, "slug": STRING, "title": STRING,
                       "kind": {"type": "string", "enum": list(COURSE_KINDS)}}),
        "CourseFigures": obj({
            "course": ref("Course"),
            "assigned": {**COUNT, "description": "Active people assigned (for the workshop: every active person)."},
            "started": {**COUNT, "description": "Started or completed (workshop: also a seat held or a day attended)."},
            "completed": COUNT,
            "overdue": {**COUNT, "description": "Not completed and past the due date."},
            "percent": nullable({"type": "number", "minimum": 0, "maximum": 100,
                                 "description": "Completed of assigned, in percent; null when none is assigned."}),
        }),
        "ParticipationGroup": obj({
            "group": obj({
                "dimension": {"type": "string", "enum": list(PARTICIPATION_DIMENSIONS)},
                "id": nullable({"type": "integer", "description": "The site or department id; null otherwise."}),
                "name": STRING,
                "kind": nullable({"type": "string", "enum": list(DEPARTMENT_KINDS) + [None],
                                  "description": "The department kind (kind and department dimensions)."}),
                "site": nullable({"type": "string", "description": "The department's site (department dimension)."}),
                "headcount": {**COUNT, "description": "Active people in the group."},
            }),
            "courses": {"type": "array", "items": ref("CourseFigures"),
                        "description": "Every live course assigned to anyone on the page, and the workshop."},
        }),
        "Enrolment": obj({
            "id": INTEGER,
            "state": {"type": "string", "enum": list(ENROLMENT_STATES)},
            "employee": ref("Person"),
            "course": obj({"id": INTEGER, "slug": STRING, "title": STRING,
                           "kind": {"type": "string", "enum": list(COURSE_KINDS)}, "archived": BOOLEAN}),
            "department": ref("Department"),
            "site": ref("Site"),
            "assigned_at": DATE_TIME,
            "due_date": nullable(DATE),
            "started_at": nullable(DATE_TIME),
            "completed_at": nullable(DATE_TIME),
            "unassigned_at": nullable(DATE_TIME),
            "updated_at": {**DATE_TIME, "description": "The latest of assigned, started, completed and unassigned."},
        }),
        "WorkshopSession": obj({
            "id": INTEGER,
            "status": {"type": "string", "enum": list(SESSION_STATUSES)},
            "course": obj({"id": INTEGER, "slug": STRING, "title": STRING}),
            "site": obj({"id": INTEGER, "code": STRING, "name": STRING,
                         "timezone": {"type": "string", "description": "IANA time zone of the times below."}}),
            "room": obj({"id": INTEGER, "name": STRING}),
            "day1": DATE,
            "day2": DATE,
            "start_time": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
            "end_time": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
            "capacity": COUNT,
            "seats_taken": COUNT,
            "seats_left": COUNT,
            "bookings": obj({"booked": COUNT, "waitlisted": COUNT, "cancelled": COUNT, "no_show": COUNT,
                             "attended_both_days": COUNT}),
            "trainers": {"type": "array", "items": obj({"id": INTEGER, "employee_id": STRING, "name": STRING})},
        }),
        "Booking": obj({
            "id": INTEGER,
            "session_id": INTEGER,
            "course_id": INTEGER,
            "site_id": INTEGER,
            "status": {"type": "string", "enum": list(BOOKING_STATUSES)},
            "employee": ref("Person"),
            "department": ref("Department"),
            "requested_at": DATE_TIME,
            "cancelled_at": nullable(DATE_TIME),
            "day1_present": nullable(BOOLEAN),
            "day2_present": nullable(BOOLEAN),
            "attended_both_days": BOOLEAN,
            "attendance_marked_at": nullable(DATE_TIME),
        }),
        "Idea": obj({
            "id": INTEGER,
            "title": STRING,
            "description": STRING,
            "status": {"type": "string", "enum": list(IDEA_STATUSES)},
            "author": ref("Person"),
            "department": {**ref("Department"), "description": "The author's department when the idea was submitted."},
            "beneficiary": {"type": "string", "enum": list(BENEFICIARIES)},
            "beneficiary_department": nullable(ref("Department")),
            "submitted_at": DATE_TIME,
            "accepted_at": nullable(DATE_TIME),
            "implemented_on": nullable(DATE),
            "outcome": nullable(STRING),
            "declined_at": nullable(DATE_TIME),
            "declined_reason": nullable(STRING),
        }),
        "MonthCount": obj({"month": {**DATE, "description": "The first day of the month."}, "implemented": COUNT}),
        "IdeasSummary": obj({
            "by_status": obj({status: COUNT for status in IDEA_STATUSES}),
            "months": {"type": "array", "items": DATE},
            "implemented_per_month": {"type": "array", "items": ref("MonthCount")},
            "implemented_by_department": {"type": "array", "items": obj({
                "department": obj({"id": INTEGER, "name": STRING, "site": STRING}),
                "total": COUNT,
                "months": {"type": "array", "items": ref("MonthCount")},
            })},
            "workshop_comparison": {"type": "array", "items": obj({
                "group": {"type": "string", "enum": ["completed", "not_completed"]},
                "label": STRING, "people": COUNT, "submitted": COUNT, "implemented": COUNT,
            })},
        }),
        "ParticipationPage": obj({"data": {"type": "array", "items": ref("ParticipationGroup")},
                                  "links": ref("PageLinks"), "meta": ref("PageMeta")}),
        "EnrolmentList": obj({"data": {"type": "array", "items": ref("Enrolment")},
                              "links": ref("CursorLinks"), "meta": ref("CursorMeta")}),
        "WorkshopSessionList": obj({"data": {"type": "array", "items": ref("WorkshopSession")},
                                    "links": ref("CursorLinks"), "meta": ref("CursorMeta")}),
        "BookingList": obj({"data": {"type": "array", "items": ref("Booking")},
                            "links": ref("CursorLinks"), "meta": ref("CursorMeta")}),
        "IdeaList": obj({"data": {"type": "array", "items": ref("Idea")},
                         "links": ref("CursorLinks"), "meta": ref("CursorMeta")}),
        "IdeasSummaryResponse": obj({"data": ref("IdeasSummary"), "meta": obj({"as_of": DATE})}),
    }


ERROR_RESPONSES = {
    "400": ("BadRequest", "A parameter could not be read, or the endpoint has no such parameter."),
    "401": ("Unauthorized", "No token, an unknown or revoked token, or its owner is no longer active."),
    "403": ("Forbidden", "The token's owner is no longer a leader or an administrator."),
    "404": ("NotFound", "No such resource."),
    "405": ("MethodNotAllowed", "The API is read-only."),
    "422": ("UnprocessableEntity", "A parameter is outside what is allowed (e.g. a limit over the maximum)."),
    "429": ("TooManyRequests", "Too many calls with this token; see Retry-After."),
    "500": ("ServerError", "An unexpected problem."),
}


def _responses() -> dict:
    responses = {}
    for status, (name, description) in ERROR_RESPONSES.items():
        response = {"description": description, "content": {"application/json": {"schema": ref("Error")}}}
        if status == "401":
            response["headers"] = {"WWW-Authenticate": {"schema": STRING, "description": "Bearer realm=\"lms-api\""}}
        if status == "429":
            response["headers"] = {"Retry-After": {"schema": INTEGER, "description": "Seconds to wait."}}
        responses[name] = response
    return responses


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


ID = {"type": "integer", "minimum": 1, "maximum": LARGEST_ID}


def _parameters() -> dict:
    return {
        "cursor": _query("cursor", STRING, "Where to continue: copy it from links.next, never build it."),
        "limit": _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
                        f"Items per page (at most {MAX_LIMIT})."),
        "site": _query("site", ID, "Only this site (its id)."),
        "department": _query("department", ID, "Only this department (its id)."),
    }


def _param(name: str) -> dict:
    return {"$ref": f"#/components/parameters/{name}"}


def _operation(operation_id: str, summary: str, description: str, tag: str, parameters: list, schema: str,
               errors: tuple[str, ...] = ("400", "401", "403", "405", "422", "429", "500")) -> dict:
    responses = {"200": {"description": "OK", "content": {"application/json": {"schema": ref(schema)}}}}
    for status in errors:
        responses[status] = {"$ref": f"#/components/responses/{ERROR_RESPONSES[status][0]}"}
    return {"get": {"operationId": operation_id, "summary": summary, "description": description, "tags": [tag],
                    "parameters": parameters, "responses": responses}}


def _paths() -> dict:
    cursor_list = [_param("cursor"), _param("limit")]
    return {
        "/api/v1/openapi.json": {"get": {
            "operationId": "getOpenApiDocument", "summary": "This document", "tags": ["meta"], "security": [],
            "responses": {"200": {"description": "The OpenAPI 3.1 document.",
                                  "content": {"application/json": {"schema": {"type": "object"}}}},
                          "429": {"$ref": "#/components/responses/TooManyRequests"}},
        }},
        "/api/v1/participation/{dimension}": _operation(
            "getParticipation", "Participation per course by organization, department kind, site or department",
            "For each group (paged by number, in the dashboard's order) and each live course assigned to anyone "
            "in the page's groups, and the workshop: assigned, started, completed, overdue and percent complete. "
            "Only active people count; overdue is judged on meta.as_of.", "participation",
            [{"name": "dimension", "in": "path", "required": True,
              "schema": {"type": "string", "enum": list(PARTICIPATION_DIMENSIONS)}},
             _query("page", {"type": "integer", "minimum": 1, "maximum": LARGEST_ID, "default": 1}, "Page number."),
             _query("limit", {"type": "integer", "minimum": 1, "maximum": GROUPS_MAX, "default": GROUPS_LIMIT},
                    "Groups per page."),
             _param("site"), _param("department")],
            "ParticipationPage", ("400", "401", "403", "404", "405", "422", "429", "500")),
        "/api/v1/enrolments": _operation(
            "listEnrolments", "Enrolments",
            "Every enrolment (inactive people and unassigned enrolments included: filter with active and state), "
            "oldest first, paged by cursor.", "learning",
            [*cursor_list,
             _query("course", {"type": "string", "maxLength": 100}, "Only this course (its slug)."), _param("department"), _param("site"),
             _query("state", {"type": "string", "enum": list(ENROLMENT_STATES)}, "Only enrolments in this state."),
             _query("updated_since", {"type": "string", "format": "date-time"},
                    "Only enrolments assigned, started, completed or unassigned at or after this instant "
                    "(ISO 8601; without a zone, UTC)."),
             _query("active", BOOLEAN, "Only active (true) or inactive (false) people.")],
            "EnrolmentList"),
        "/api/v1/workshop/sessions": _operation(
            "listWorkshopSessions", "Workshop sessions",
            "Every two-day session with seats, booking counts and trainers, paged by cursor.", "workshop",
            [*cursor_list, _param("site"),
             _query("status", {"type": "string", "enum": list(SESSION_STATUSES)}, "Only sessions in this status."),
             _query("from", DATE, "Only sessions whose first day is on or after this date."),
             _query("to", DATE, "Only sessions whose first day is on or before this date.")],
            "WorkshopSessionList"),
        "/api/v1/workshop/bookings": _operation(
            "listWorkshopBookings", "Workshop bookings",
            "Every booking with its person and attendance, paged by cursor.", "workshop",
            [*cursor_list, _query("session", ID, "Only this session (its id)."),
             _query("status", {"type": "string", "enum": list(BOOKING_STATUSES)}, "Only bookings in this status."),
             _param("department"), _param("site")],
            "BookingList"),
        "/api/v1/ideas": _operation(
            "listIdeas", "Service ideas", "Every service idea, paged by cursor.", "ideas",
            [*cursor_list,
             _query("status", {"type": "string", "enum": list(IDEA_STATUSES)}, "Only ideas in this status."),
             _param("department"),
             _query("submitted_since", {"type": "string", "format": "date-time"},
                    "Only ideas submitted at or after this instant.")],
            "IdeaList"),
        "/api/v1/ideas/summary": _operation(
            "getIdeasSummary", "Service idea figures",
            "Ideas by status, ideas implemented per department per month, and ideas per person among those who "
            "completed the workshop and those who have not.", "ideas",
            [_query("months", {"type": "integer", "minimum": 1, "maximum": IDEA_MONTHS_MAX, "default": IDEA_MONTHS},
                    "How many months back, this month included.")],
            "IdeasSummaryResponse"),
    }


def document(server_url: str) -> dict:
    """The whole OpenAPI document, with the server the caller reached."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Service Excellence: JSON API",
            "version": VERSION,
            "description": (
                "Read-only figures of the learning programme for BI tools. Send a personal API token "
                "(created by a leader or an administrator on the API tokens page) as `Authorization: Bearer "
                "lms_pat_...`. Lists are paged: follow `links.next` until it is null. Dates are YYYY-MM-DD, "
                "instants are UTC (ending in Z). Every error has the shape of the Error schema."
            ),
        },
        "servers": [{"url": server_url or "/"}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": name} for name in ("participation", "learning", "workshop", "ideas", "meta")],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearerAuth": {
                "type": "http", "scheme": "bearer", "bearerFormat": "lms_pat_ followed by 43 characters",
                "description": "A personal API token; revoked tokens and tokens of people no longer active get 401.",
            }},
            "schemas": _schemas(),
            "responses": _responses(),
            "parameters": _parameters(),
        },
    }
