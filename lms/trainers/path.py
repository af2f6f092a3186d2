"""A cohort member's path as a state machine (pure: no Flask, no database).

nominated -> accepted -> in training -> co-delivered -> teach-back observed -> certified,
with declined and withdrawn as ends and not yet competent as a place to try the teach-back again.
A recertification (for a trainer near expiry) skips training and co-delivery: accepted -> short teach-back.
"""
from __future__ import annotations

from dataclasses import dataclass

from lms.core.errors import Conflict
from lms.core.markers import N_  # pure: lms.trainers.labels translates these where they are shown

NOMINATED = "nominated"
DECLINED = "declined"
ACCEPTED = "accepted"
IN_TRAINING = "in_training"
CO_DELIVERED = "co_delivered"
TEACH_BACK_OBSERVED = "teach_back_observed"
NOT_YET_COMPETENT = "not_yet_competent"
CERTIFIED = "certified"
WITHDRAWN = "withdrawn"

STATES = (NOMINATED, DECLINED, ACCEPTED, IN_TRAINING, CO_DELIVERED, TEACH_BACK_OBSERVED, NOT_YET_COMPETENT,
          CERTIFIED, WITHDRAWN)
ENDED_STATES = (DECLINED, CERTIFIED, WITHDRAWN)
ACTIVE_STATES = tuple(s for s in STATES if s not in ENDED_STATES)
# Members who have been taken into the cohort and count against its capacity.
SEATED_STATES = (ACCEPTED, IN_TRAINING, CO_DELIVERED, TEACH_BACK_OBSERVED, NOT_YET_COMPETENT, CERTIFIED)

CERTIFICATION = "certification"
RECERTIFICATION = "recertification"
TRACKS = (CERTIFICATION, RECERTIFICATION)

COHORT_STATUSES = ("planned", "running", "closed")

STATE_LABELS = {
    NOMINATED: N_("nominated"),
    DECLINED: N_("declined"),
    ACCEPTED: N_("accepted"),
    IN_TRAINING: N_("in training"),
    CO_DELIVERED: N_("co-delivered"),
    TEACH_BACK_OBSERVED: N_("teach-back observed"),
    NOT_YET_COMPETENT: N_("not yet competent"),
    CERTIFIED: N_("certified"),
    WITHDRAWN: N_("withdrawn"),
}


@dataclass(frozen=True)
class Transition:
    event: str
    label: str
    sources: dict[str, tuple[str, ...]]  # track -> states the event may start from
    target: str
    requirement: str  # what the event needs, said when it is refused


def _both(*states: str) -> dict[str, tuple[str, ...]]:
    return {CERTIFICATION: states, RECERTIFICATION: states}


# Labels and requirements are marked with N_: a refusal names them, and pages translate them (see TransitionRefused).
TRANSITIONS = {t.event: t for t in (
    Transition("nominate", N_("nominate"), _both(), NOMINATED, N_("a person is nominated only once per cohort")),
    Transition("accept", N_("accept"), _both(NOMINATED), ACCEPTED, N_("only a nomination awaiting a decision can be accepted")),
    Transition("decline", N_("decline"), _both(NOMINATED), DECLINED, N_("only a nomination awaiting a decision can be declined")),
    Transition("attend", N_("start training"), {CERTIFICATION: (ACCEPTED,), RECERTIFICATION: ()}, IN_TRAINING,
               N_("training starts at the first cohort meeting attended after being accepted")),
    Transition("co_deliver", N_("record a co-delivery"),
               {CERTIFICATION: (IN_TRAINING, CO_DELIVERED, NOT_YET_COMPETENT), RECERTIFICATION: ()}, CO_DELIVERED,
               N_("co-delivery counts once the member is in training (has attended a cohort meeting); "
                  "a recertification needs only the short teach-back")),
    Transition("observe", N_("observe the teach-back"),
               {CERTIFICATION: (CO_DELIVERED, NOT_YET_COMPETENT), RECERTIFICATION: (ACCEPTED, NOT_YET_COMPETENT)},
               TEACH_BACK_OBSERVED,
               N_("the teach-back comes after co-delivering a real workshop session beside a certified trainer "
                  "(for a recertification, after the request is accepted)")),
    Transition("pass", N_("certify"), _both(TEACH_BACK_OBSERVED), CERTIFIED, N_("certification follows a passed teach-back")),
    Transition("fail", N_("mark not yet competent"), _both(TEACH_BACK_OBSERVED), NOT_YET_COMPETENT,
               N_("that result follows an observed teach-back")),
    Transition("withdraw", N_("withdraw"), _both(*ACTIVE_STATES), WITHDRAWN, N_("only a path under way can be withdrawn from")),
)}

EVENTS = tuple(TRANSITIONS)


class TransitionRefused(Conflict):
    """The member's state does not allow this step; the message says why.

    `template` and `parts` keep the English sentence's pieces (each marked with N_) so that a page can say it in
    its reader's language; `message` is the English sentence (the API and logs).
    """

    def __init__(self, message: str, template: str | None = None, parts: dict[str, str] | None = None):
        super().__init__(message)
        self.template, self.parts = template, parts or {}

    @classmethod
    def saying(cls, template: str, **parts: str) -> TransitionRefused:
        """A refusal from a template with named parts, e.g. saying(N_("Cannot %(step)s."), step=N_("accept"))."""
        return cls(template % parts, template, parts)


def next_state(track: str, state: str | None, event: str) -> str:
    """The state after `event`, or TransitionRefused saying why the current state does not allow it."""
    if track not in TRACKS:
        raise TransitionRefused(f"Unknown track '{track}'.")
    transition = TRANSITIONS.get(event)
    if transition is None:
        raise TransitionRefused(f"Unknown step '{event}'.")
    if state is None:
        if event == "nominate":
            return transition.target
        raise TransitionRefused.saying(N_("Cannot %(step)s: there is no nomination yet."), step=transition.label)
    if state not in STATES:
        raise TransitionRefused(f"Unknown state '{state}'.")
    if state in transition.sources[track]:
        return transition.target
    if state in ENDED_STATES:
        raise TransitionRefused.saying(N_("Cannot %(step)s: this path has ended (%(state)s)."), step=transition.label,
                                       state=STATE_LABELS[state])
    raise TransitionRefused.saying(N_("Cannot %(step)s while the member is %(state)s: %(requirement)s."),
                                   step=transition.label, state=STATE_LABELS[state], requirement=transition.requirement)


def allowed_events(track: str, state: str) -> tuple[str, ...]:
    """The events the state allows on this track."""
    return tuple(e for e, t in TRANSITIONS.items() if state in t.sources[track])


NEXT_ACTIONS = {
    (CERTIFICATION, NOMINATED): N_("Accept or decline the nomination"),
    (CERTIFICATION, ACCEPTED): N_("Record attendance at a cohort meeting"),
    (CERTIFICATION, IN_TRAINING): N_("Co-deliver a workshop session beside a certified trainer, who records it"),
    (CERTIFICATION, CO_DELIVERED): N_("Observe the teach-back"),
    (CERTIFICATION, TEACH_BACK_OBSERVED): N_("Record the result"),
    (CERTIFICATION, NOT_YET_COMPETENT): N_("Give feedback, then observe the teach-back again"),
    (RECERTIFICATION, NOMINATED): N_("Accept or decline the recertification request"),
    (RECERTIFICATION, ACCEPTED): N_("Observe the short teach-back"),
    (RECERTIFICATION, TEACH_BACK_OBSERVED): N_("Record the result"),
    (RECERTIFICATION, NOT_YET_COMPETENT): N_("Give feedback, then observe the short teach-back again"),
}


def next_action(track: str, state: str) -> str:
    """What should happen next on this path, in words; empty when the path has ended."""
    return NEXT_ACTIONS.get((track, state), "")
