"""The names people see for session, booking and attendance states, in their own language."""
from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from flask import Blueprint
from flask_babel import format_date, format_datetime, gettext, pgettext
from flask_babel import lazy_gettext as _l

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


class Said(str):
    """An English sentence (it is a str: the API, logs and tests read it) that a page can say in its reader's language.

    `template` is marked with N_ where it is written; `parts` fill it: dates are written with `patterns`, the names in
    `words` are translated, everything else (people, places, course titles) is shown as it is.
    """

    template: str
    parts: dict
    patterns: dict
    words: frozenset


def said(template: str, patterns: dict | None = None, words: tuple = (), **parts) -> Said:
    """The sentence `template % parts` in English, keeping what `say` needs to write it in another language."""
    patterns = patterns or {}
    english = {name: _english(value, patterns.get(name)) for name, value in parts.items()}
    sentence = Said(template % english)
    sentence.template, sentence.parts, sentence.patterns, sentence.words = template, parts, patterns, frozenset(words)
    return sentence


def _english(value, pattern):
    if pattern and isinstance(value, datetime):
        return babel_format_datetime(value, pattern, locale="en_GB")
    if pattern and isinstance(value, date):
        return babel_format_date(value, pattern, locale="en_GB")
    return value


def say(message) -> str:
    """A refusal or problem in the reader's language: a Said sentence rebuilt, a marked message translated."""
    template = getattr(message, "template", None)
    if template is None:
        return gettext(message)
    values = {}
    for name, value in message.parts.items():
        pattern = message.patterns.get(name)
        if pattern and isinstance(value, datetime):
            values[name] = format_datetime(value, pattern, rebase=False)
        elif pattern and isinstance(value, date):
            values[name] = format_date(value, pattern)
        elif name in message.words:
            values[name] = gettext(value)
        else:
            values[name] = value
    return gettext(template, **values)


def install(bp: Blueprint) -> None:
    """Make the labels available to every template as filters."""
    bp.add_app_template_filter(session_status, "session_status")
    bp.add_app_template_filter(booking_status, "booking_status")
    bp.add_app_template_filter(presence, "presence")
