"""The names people see for the states of a rollout plan, in their own language."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

PLAN_STATUS = {
    "draft": _l("draft"),
    "solving": _l("solving"),
    "solved": _l("solved"),
    "failed": _l("failed"),
    "published": _l("published"),
}


def plan_status(code: str) -> str:
    """A plan's state as shown to people."""
    return str(PLAN_STATUS.get(code, code))


def install(bp: Blueprint) -> None:
    """Make the labels available to every template as filters."""
    bp.add_app_template_filter(plan_status, "plan_status")
