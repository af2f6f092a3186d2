"""JSON API v1 for BI tools: read-only, token-authenticated, described by /api/v1/openapi.json.

Every call but the OpenAPI document needs `Authorization: Bearer <token>` (see tokens.py); every
error comes back in the one shape of errors.py. The figures are those of the dashboard, computed
by the same queries (lms.insights.queries) for the whole organization.
"""
from __future__ import annotations

import hashlib
from datetime import date

from flask import Blueprint, current_app, g, jsonify, request
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException

from lms.api import openapi, queries, records, tokens
from lms.api.errors import ApiError, problem, register_error_handlers
from lms.api.openapi import PARTICIPATION_DIMENSIONS
from lms.api.pages import cursor_page, numbered_page
from lms.api.records import count
from lms.api.params import GROUPS_LIMIT, GROUPS_MAX, IDEA_MONTHS, IDEA_MONTHS_MAX, Params
from lms.extensions import csrf, db, limiter
from lms.insights import queries as insights
from lms.insights.models import IDEA_STATUSES
from lms.insights.scope import Scope
from lms.workshops.models import BOOKING_STATUSES, SESSION_STATUSES
from lms.xapi.settings import check_settings as check_xapi_settings

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookies, no writes: a bearer token is the only credential
register_error_handlers(bp)
# The xAPI module has no blueprint of its own; its settings are checked when the app is built, here.
bp.record_once(lambda state: check_xapi_settings(state.app.config))

WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]


def _rate_key() -> str:
    """Calls are counted per token (its hash), or per address for calls without one."""
    header = request.headers.get("Authorization", "")
    if header:
        return "api-token:" + hashlib.sha256(header.encode("utf-8", "replace")).hexdigest()
    return "api-address:" + (get_remote_address() or "")


limiter.limit(lambda: current_app.config["LMS_API_RATE_LIMIT"], key_func=_rate_key)(bp)


def _today() -> date:
    return date.today()


@bp.before_request
def _authenticate():
    """Every call but the OpenAPI document presents a live token of an active leader or admin."""
    if request.endpoint == "api.openapi_document":
        return
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme and scheme.lower() != "bearer":
        raise tokens.TokenRejected("Use the Bearer scheme: Authorization: Bearer lms_pat_...")
    g.api_token = tokens.authenticate(secret.strip() or None)
    db.session.commit()  # the token's last use, written at most once a minute


@bp.after_request
def _no_store(response):
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.route("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 document of this API (no token needed)."""
    response = jsonify(openapi.document(request.url_root.rstrip("/")))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/participation/<dimension>")
def participation(dimension: str):
    """Assigned, started, completed, overdue and percent per course for each group of a dimension."""
    if dimension not in PARTICIPATION_DIMENSIONS:
        raise ApiError(404, f"No participation by {dimension!r}; use one of: {', '.join(PARTICIPATION_DIMENSIONS)}.")
    params = Params(request.args, ("page", "limit", "site", "department"))
    page = params.integer("page", 1, None, 1)
    limit = params.limit(GROUPS_LIMIT, GROUPS_MAX)
    scope = Scope(site_id=params.integer("site", 1), department_id=params.integer("department", 1))
    params.done()
    if dimension == "organization":  # one group: nothing to page
        table = insights.participation(scope, dimension, _today())
        table.total = len(table.groups)
    else:
        table = insights.participation(scope, dimension, _today(), page=page, per_page=limit)
    if page != table.page:  # the query clamps a page past the end to the last one
        raise ApiError(422, "There is no such page.", [problem("page", f"Must be at most {table.pages}.")])
    body = numbered_page([records.participation_group(table, group) for group in table.groups], page, limit,
                         table.total)
    body["meta"]["as_of"] = _today().isoformat()
    return jsonify(body)


@bp.route("/enrolments")
def enrolments():
    """Enrolments with their person, course, department, site and state, by cursor."""
    params = Params(request.args, ("cursor", "limit", "course", "department", "site", "state", "updated_since",
                                   "active"))
    after, limit = params.cursor(), params.limit()
    filters = queries.EnrolmentFilter(
        course=params.text("course"), department_id=params.integer("department", 1),
        site_id=params.integer("site", 1), state=params.choice("state", queries.ENROLMENT_STATES),
        updated_since=params.moment("updated_since"), active=params.boolean("active"),
    )
    params.done()
    body = cursor_page(queries.enrolment_rows(_today(), filters, after, limit), limit, records.enrolment)
    body["meta"]["as_of"] = _today().isoformat()
    return jsonify(body)


@bp.route("/workshop/sessions")
def workshop_sessions():
    """Workshop sessions with their seats, booking counts and trainers, by cursor."""
    params = Params(request.args, ("cursor", "limit", "site", "status", "from", "to"))
    after, limit = params.cursor(), params.limit()
    filters = queries.SessionFilter(site_id=params.integer("site", 1), status=params.choice("status", SESSION_STATUSES),
                                    starts_from=params.day("from"), starts_to=params.day("to"))
    params.done()
    rows = queries.session_rows(filters, after, limit)
    ids = [row.id for row in rows[:limit]]
    counts, trainers = queries.booking_counts(ids), queries.session_trainers(ids)
    return jsonify(cursor_page(rows, limit, lambda row: records.workshop_session(
        row, counts.get(row.id, queries.BookingCounts()), trainers.get(row.id, []))))


@bp.route("/workshop/bookings")
def workshop_bookings():
    """Workshop bookings with their person and attendance, by cursor."""
    params = Params(request.args, ("cursor", "limit", "session", "status", "department", "site"))
    after, limit = params.cursor(), params.limit()
    filters = queries.BookingFilter(session_id=params.integer("session", 1),
                                    status=params.choice("status", BOOKING_STATUSES),
                                    department_id=params.integer("department", 1), site_id=params.integer("site", 1))
    params.done()
    return jsonify(cursor_page(queries.booking_rows(filters, after, limit), limit, records.booking))


@bp.route("/ideas")
def ideas():
    """Service ideas with their author, department, beneficiary and outcome, by cursor."""
    params = Params(request.args, ("cursor", "limit", "status", "department", "submitted_since"))
    after, limit = params.cursor(), params.limit()
    filters = queries.IdeaFilter(status=params.choice("status", IDEA_STATUSES),
                                 department_id=params.integer("department", 1),
                                 submitted_since=params.moment("submitted_since"))
    params.done()
    return jsonify(cursor_page(queries.idea_rows(filters, after, limit), limit, records.idea))


@bp.route("/ideas/summary")
def ideas_summary():
    """Ideas by status, implemented per department per month, and the workshop's effect."""
    params = Params(request.args, ("months",))
    how_many = params.integer("months", 1, IDEA_MONTHS_MAX, IDEA_MONTHS)
    params.done()
    scope, today = Scope(), _today()
    months = insights.months_back(today, how_many)
    implemented = insights.implemented_by_department(scope, months)
    return jsonify({"data": {
        "by_status": {status: count(n) for status, n in insights.ideas_by_status(scope).items()},
        "months": [m.isoformat() for m in months],
        "implemented_per_month": [{"month": m.isoformat(), "implemented": count(n)}
                                  for m, n in insights.implemented_per_month(implemented, months)],
        "implemented_by_department": [
            {"department": {"id": r.department_id, "name": r.department, "site": r.site}, "total": count(r.total),
             "months": [{"month": m.isoformat(), "implemented": count(r.counts.get(m))} for m in months]}
            for r in implemented],
        "workshop_comparison": [
            {"group": key, "label": c.group, "people": count(c.people), "submitted": count(c.submitted),
             "implemented": count(c.implemented)}
            # workshop_comparison lists those who completed the workshop first, then the others
            for key, c in zip(("completed", "not_completed"), insights.workshop_comparison(scope))],
    }, "meta": {"as_of": today.isoformat()}})


@bp.route("/", defaults={"rest": ""}, methods=["GET", *WRITE_METHODS])
@bp.route("/<path:rest>", methods=["GET", *WRITE_METHODS])
def fallback(rest: str):
    """Anything else under /api/v1: 405 for a write to a resource that exists, else 404 (after the token check)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, _ = adapter.match(request.path, method="GET")
    except HTTPException:
        endpoint = "api.fallback"
    if endpoint != "api.fallback" and request.method != "GET":
        raise ApiError(405, "The API is read-only: use GET.")
    raise ApiError(404, "There is no such resource; see /api/v1/openapi.json.")
