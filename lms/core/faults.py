"""Database faults (a dropped connection, SQLite locked past its timeout) become a clean 503 page."""
from __future__ import annotations

import logging

from flask import Flask, g, request
from sqlalchemy import exc as sa_exc

from lms.extensions import db, login_manager

log = logging.getLogger("lms.faults")
RETRY_AFTER_SECONDS = 5
# SQLite's words for "another writer holds the database"; other OperationalErrors there are bugs (500).
_SQLITE_BUSY = ("database is locked", "database is busy", "database table is locked")


def is_unavailable(error: BaseException) -> bool:
    """True when `error` means the database is unreachable or busy for now, not that our SQL is wrong."""
    if isinstance(error, (sa_exc.DisconnectionError, sa_exc.TimeoutError)):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError)):
            text = str(error.orig).lower()
            module = type(error.orig).__module__
            return not module.startswith("sqlite3") or any(word in text for word in _SQLITE_BUSY)
    return False


def discard_transaction() -> None:
    """Roll back what the request did and forget the loaded user; the connection may be gone."""
    g._login_user = login_manager.anonymous_user()  # the error page must not query for the user again
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 (a dead connection can fail in many ways; the session is removed anyway)
        log.debug("rollback after a database fault failed", exc_info=True)
    db.session.remove()


def init_faults(app: Flask) -> None:
    """Answer database outages with 503 and Retry-After; anything else goes on to the 500 handler."""
    from lms.core.web import incident_page, render_error

    def _database_error(error):
        if not is_unavailable(error):
            raise error
        discard_transaction()
        response = incident_page(503, error, f"database unavailable on {request.method} {request.path}")
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    # DBAPIError covers every driver error (a dropped connection can surface as any of them); the handler
    # re-raises what is not an outage, which then gets the 500 page. DataError has its own handler below.
    for error_class in (sa_exc.DBAPIError, sa_exc.DisconnectionError, sa_exc.TimeoutError):
        app.register_error_handler(error_class, _database_error)

    def _unstorable_input(error):
        # A number too large for any column (an id of 30 digits) or a value the database refuses to convert:
        # no such record can exist, so this is the client's mistake, not a fault.
        discard_transaction()
        log.info("refused input the database cannot hold on %s %s: %s", request.method, request.path, type(error).__name__)
        return render_error(400, "A value in the request is out of range.")

    app.register_error_handler(OverflowError, _unstorable_input)
    app.register_error_handler(sa_exc.DataError, _unstorable_input)
