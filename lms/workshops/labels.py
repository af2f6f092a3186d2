"""The names people see for session, booking and attendance states, in their own language."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

# Keys are the stored (or display_status) codes; lower case, templates capitalize where a label starts a line.
SESSION_STATUS = {
    "draft": _l("draft"),
    "open": _l("open"),
    "full": _l("full"),
    "in progress": _l("in progress"),
    "completed": _l("completed"),
    "cancelled": _l("cancelled"),
}
BOOKING_STATUS = {
    "booked": _l("booked"),
    "waitlisted": _l("waitlisted"),
    "cancelled": _l("cancelled"),
    "no_show": _l("no show"),
    "refused": _l("refused"),
}
PRESENCE = {True: _l("present"), False: _l("absent")}


def session_status(code: str) -> str:
    """A session's state as shown to people."""
    return str(SESSION_STATUS.get(code, code))


def booking_status(code: str) -> str:
    """A booking's state as shown to people."""
    return str(BOOKING_STATUS.get(code, str(code).replace("_", " ")))


def presence(value: bool | None) -> str:
    """Present, absent, or a dash when the day is not marked."""
    return str(PRESENCE[value]) if value is not None else "—"


def install(bp: Blueprint) -> None:
    """Make the labels available to every template as filters."""
    bp.add_app_template_filter(session_status, "session_status")
    bp.add_app_template_filter(booking_status, "booking_status")
    bp.add_app_template_filter(presence, "presence")
