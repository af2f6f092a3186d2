"""The names people see for session, booking and attendance states, in their own language."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext

BOOKING_STATUS = {
    "booked": _l("booked"),
    "waitlisted": _l("waitlisted"),
    "cancelled": _l("cancelled"),
    "no_show": _l("no show"),
    "refused": _l("refused"),
}
PRESENCE = {True: _l("present"), False: _l("absent")}


def session_status(code: str) -> str:
    """A session's state as shown to people (lower case; templates capitalize where a label starts a line)."""
    # Context "session": French agrees these with "séance" (feminine), unlike the same English words elsewhere.
    labels = {
        "draft": pgettext("session", "draft"),
        "open": pgettext("session", "open"),
        "full": pgettext("session", "full"),
        "in progress": pgettext("session", "in progress"),
        "completed": pgettext("session", "completed"),
        "cancelled": pgettext("session", "cancelled"),
    }
    return labels.get(code, code)


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
