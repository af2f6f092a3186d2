"""Idle and absolute session timeouts, kept in the signed session cookie."""
from __future__ import annotations

import time

from flask import current_app, flash, request, session
from flask_babel import gettext
from flask_login import logout_user

LOGIN_AT = "_auth_at"
SEEN_AT = "_seen_at"
# Refresh the "last seen" stamp at most this often, so that not every response rewrites the cookie.
SEEN_RESOLUTION_SECONDS = 60


def start_session() -> None:
    """Stamp a fresh login session with its start time."""
    now = int(time.time())
    session[LOGIN_AT] = now
    session[SEEN_AT] = now
    session.permanent = True


def expired(now: float | None = None) -> bool:
    """True when this session has been idle too long or has lived too long."""
    if LOGIN_AT not in session:
        return "_user_id" in session  # a login session without stamps predates them: end it
    now = now if now is not None else time.time()
    cfg = current_app.config
    idle = now - session.get(SEEN_AT, 0) > cfg["LMS_SESSION_IDLE_MINUTES"] * 60
    too_old = now - session[LOGIN_AT] > current_app.permanent_session_lifetime.total_seconds()
    return idle or too_old


def enforce_timeouts() -> None:
    """Before each request: end an expired login session, or note that it was used now."""
    if request.endpoint == "static" or "_user_id" not in session:
        return
    if expired():
        logout_user()
        session.clear()
        flash(gettext("Your session ended after a time without activity. Please log in again."), "info")
        return
    now = int(time.time())
    if now - session.get(SEEN_AT, 0) >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT] = now
