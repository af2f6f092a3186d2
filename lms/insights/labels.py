"""The names people see for idea states, course states, beneficiaries and group labels, in their own language."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext, pgettext
from flask_babel import lazy_gettext as _l

# A person's state in one course; a started workshop is a booked one.
COURSE_STATE = {
    "completed": _l("completed"),
    "overdue": _l("overdue"),
    "started": _l("started"),
    "booked": _l("booked"),
    "assigned": _l("not started"),
    None: _l("not assigned"),
}
# Labels made in Python (participation by kind, the workshop comparison), translated when shown.
GROUP_LABELS = {
    "Front line": _l("Front line"),
    "Internal providers": _l("Internal providers"),
    "Leadership": _l("Leadership"),
    "Completed the workshop": _l("Completed the workshop"),
    "Not completed yet": _l("Not completed yet"),
}


def idea_status(code: str) -> str:
    """An idea's state as shown to people."""
    # Context "idea": French agrees these with "idée" (feminine).
    labels = {
        "submitted": pgettext("idea", "submitted"),
        "accepted": pgettext("idea", "accepted"),
        "implemented": pgettext("idea", "implemented"),
        "declined": pgettext("idea", "declined"),
    }
    return labels.get(code, code)


def course_state(state: str | None, workshop: bool = False) -> str:
    """A person's state in a course as shown to people."""
    if state == "started" and workshop:
        state = "booked"
    return str(COURSE_STATE.get(state, state))


def group_label(label: str) -> str:
    """A group label made in Python, translated if it is one of the fixed ones (names of places stay as they are)."""
    return str(GROUP_LABELS.get(label, label))


def beneficiary(idea) -> str:
    """Who an idea is for: external customers, or the internal department it serves."""
    if idea.beneficiary == "external":
        return gettext("External customers")
    return idea.beneficiary_department.name if idea.beneficiary_department else gettext("An internal department")


def install(bp: Blueprint) -> None:
    """Make the labels available to every template as filters."""
    for fn in (idea_status, course_state, group_label, beneficiary):
        bp.add_app_template_filter(fn, fn.__name__)
