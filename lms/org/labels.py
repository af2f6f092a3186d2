"""The names people see for department kinds, roles and roster upload states, in their own language."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

DEPARTMENT_KIND = {
    "front_line": _l("front line"),
    "internal_provider": _l("internal provider"),
    "leadership": _l("leadership"),
}

ROLE_LABELS = {
    "learner": _l("learner"),
    "manager": _l("manager"),
    "trainer": _l("trainer"),
    "lead_trainer": _l("lead trainer"),
    "leader": _l("leader"),
    "admin": _l("admin"),
}
UPLOAD_STATUS = {"pending": _l("pending"), "applied": _l("applied"), "discarded": _l("discarded")}


def department_kind(code: str) -> str:
    """A department kind as shown to people."""
    return str(DEPARTMENT_KIND.get(code, str(code).replace("_", " ")))


def upload_status(code: str) -> str:
    """A roster upload's state as shown to people."""
    return str(UPLOAD_STATUS.get(code, code))


def install(bp: Blueprint) -> None:
    """Make the labels available to every template as filters."""
    bp.add_app_template_filter(department_kind, "department_kind")
    bp.add_app_template_filter(upload_status, "upload_status")
