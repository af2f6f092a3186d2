"""The names people see for the states of an outgoing message, in their own language."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

MESSAGE_STATUS = {"pending": _l("pending"), "sending": _l("sending"), "sent": _l("sent"), "failed": _l("failed")}


def message_status(code: str) -> str:
    """A message's state as shown to people."""
    return str(MESSAGE_STATUS.get(code, code))


def install(bp: Blueprint) -> None:
    """Make the labels available to every template as filters."""
    bp.add_app_template_filter(message_status, "message_status")
