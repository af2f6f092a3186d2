"""The names people see for audit actions, in their own language (the stored codes stay as they are)."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

# English shows the stored word itself; other languages name it.
ACTION_LABELS = {"insert": _l("insert"), "update": _l("update"), "delete": _l("delete"), "bulk": _l("bulk")}


def audit_action(code: str) -> str:
    """An audit action as shown to people."""
    return str(ACTION_LABELS.get(code, code))


def install(bp: Blueprint) -> None:
    """Make the labels available to every template as filters."""
    bp.add_app_template_filter(audit_action, "audit_action")
