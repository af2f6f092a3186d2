"""The names people see for path states, next actions, cohort and certification states, in their own language."""
from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from lms.trainers.path import STATE_LABELS, next_action as next_action_text

COHORT_STATUS = {"planned": _l("planned"), "running": _l("running"), "closed": _l("closed")}
TRAINER_STATUS = {
    "certified": _l("certified"),
    "expired": _l("expired"),
    "revoked": _l("revoked"),
    "founding": _l("founding"),
    "not certified": _l("not certified"),
}
DELIVERY_ROLE = {"trainer": _l("certified trainer"), "co-facilitator": _l("co-facilitator")}


def state_label(state: str) -> str:
    """A path state (nominated, in training, ...) as shown to people."""
    label = STATE_LABELS.get(state)
    return gettext(label) if label else state


def next_action(track: str, state: str) -> str:
    """What should happen next on a path, in the reader's language; empty when the path has ended."""
    text = next_action_text(track, state)
    return gettext(text) if text else ""


def cohort_status(code: str) -> str:
    """A cohort's state as shown to people."""
    return str(COHORT_STATUS.get(code, code))


def trainer_status(code: str) -> str:
    """A trainer's certification state in the cascade, as shown to people."""
    return str(TRAINER_STATUS.get(code, code))


def delivery_role(code: str) -> str:
    """How someone took part in a session they delivered."""
    return str(DELIVERY_ROLE.get(code, code))


def refusal(exc) -> str:
    """A refused step or rule in the reader's language: its template and named parts, or its marked message."""
    template = getattr(exc, "template", None)
    if template:
        return gettext(template, **{name: gettext(part) for name, part in exc.parts.items()})
    return gettext(exc.message)


def template_helpers() -> dict:
    """The functions the trainer templates call."""
    return {"state_label": state_label, "next_action": next_action, "cohort_status": cohort_status,
            "trainer_status": trainer_status, "delivery_role": delivery_role}
