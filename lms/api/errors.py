"""The one error shape of the API: {"error": {"code", "message", "details"}}, for every status it returns."""
from __future__ import annotations

import logging

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import HTTPException

from lms.core.errors import DomainError, ValidationFailed
from lms.extensions import db

log = logging.getLogger(__name__)

# The machine-readable code of each status; the OpenAPI document lists the same.
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid_parameter",
    429: "rate_limited",
    500: "server_error",
}
MESSAGES = {
    400: "The request could not be understood.",
    404: "There is no such resource.",
    405: "The API is read-only: use GET.",
    429: "Too many calls with this token; wait a little and try again.",
    500: "The platform hit an unexpected problem; try again.",
}
READ_METHODS = "GET, HEAD"


class ApiError(Exception):
    """An API refusal: HTTP status, a message for people and details naming each problem."""

    def __init__(self, status: int, message: str, details: list[dict] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or []


def problem(field: str, message: str) -> dict:
    """One entry of an error's details: which parameter, and what is wrong with it."""
    return {"field": field, "message": message}


def error_response(status: int, message: str | None = None, details: list[dict] | None = None):
    """The JSON error body and status, with the headers that go with 401 and 405."""
    response = jsonify({"error": {"code": CODES.get(status, "error"), "message": message or MESSAGES.get(status, ""),
                                  "details": details or []}})
    response.status_code = status
    if status == 401:
        presented = bool(request.headers.get("Authorization"))
        response.headers["WWW-Authenticate"] = 'Bearer realm="lms-api"' + (', error="invalid_token"' if presented else "")
    if status == 405:
        response.headers["Allow"] = READ_METHODS
    response.headers["Cache-Control"] = "no-store"
    return response


def register_error_handlers(bp: Blueprint) -> None:
    """Answer every error raised inside the API in the one shape, never as an HTML page."""

    @bp.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return error_response(exc.status, exc.message, exc.details)

    @bp.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        db.session.rollback()
        details = [problem("", p) for p in exc.problems] if isinstance(exc, ValidationFailed) else []
        return error_response(exc.status_code, exc.message, details)

    def _http_error(exc: HTTPException):
        status = exc.code or 500
        message = MESSAGES.get(status) or exc.description
        return error_response(status, message)

    # By code as well as by class: the app's handlers by code (its HTML error pages) would come first.
    bp.register_error_handler(HTTPException, _http_error)
    for status in (400, 401, 403, 404, 405, 413, 429):
        bp.register_error_handler(status, _http_error)

    @bp.errorhandler(500)
    def _server_error(exc):
        db.session.rollback()
        log.exception("unhandled API error on %s %s", request.method, request.path)
        return error_response(500)
