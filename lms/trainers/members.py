"""Moving a member along their path: every step checked by the state machine and stamped with time and actor."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from lms.core.errors import Conflict, NotFound
from lms.core.markers import N_
from lms.core.models import utcnow
from lms.extensions import db
from lms.org.models import Employee
from lms.trainers.models import Cohort, CohortMember, PathStep
from lms.trainers.path import next_state


def get_member(member_id: int) -> CohortMember:
    """The cohort member with this id, or NotFound."""
    member = db.session.get(CohortMember, member_id)
    if member is None:
        raise NotFound(N_("No such cohort member."))
    return member


def start_path(cohort: Cohort, employee: Employee, actor: Employee, track: str, reason: str) -> CohortMember:
    """A new member in the nominated state, with its first step."""
    state = next_state(track, None, "nominate")
    now = utcnow()
    member = CohortMember(cohort=cohort, employee=employee, track=track, state=state, state_since=now,
                          nominated_by=actor, reason=reason)
    member.steps.append(PathStep(event="nominate", from_state=None, to_state=state, actor=actor, at=now, note=reason))
    db.session.add(member)
    db.session.flush()
    return member


def advance(member: CohortMember, event: str, actor: Employee, note: str = "") -> PathStep:
    """Take one step (refused with the reason when the state does not allow it) and record who and when."""
    source = member.state
    target = next_state(member.track, source, event)
    now = utcnow()
    # Conditional on the state we read, so that two people acting at once cannot both move the path.
    moved = db.session.execute(
        update(CohortMember).where(CohortMember.id == member.id, CohortMember.state == source)
        .values(state=target, state_since=now).execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise Conflict(N_("This member's path changed meanwhile; reload the page and try again."))
    set_committed_value(member, "state", target)
    set_committed_value(member, "state_since", now)
    step = PathStep(member=member, event=event, from_state=source, to_state=target, actor=actor, at=now, note=note)
    db.session.add(step)
    db.session.flush()
    return step
