"""Growing the cascade: certified trainers who have delivered enough sessions become lead trainers."""
from __future__ import annotations

from datetime import date

from flask import current_app

from lms.core.errors import Conflict, PermissionDenied
from lms.core.markers import N_
from lms.core.models import utcnow
from lms.core.roles import Role
from lms.core.signals import employees_changed
from lms.extensions import db
from lms.org.models import Employee
from lms.trainers.certification import can_deliver
from lms.trainers.courses import delivery_course
from lms.trainers.models import LeadTrainerPromotion
from lms.trainers.queries import delivered_sessions

DEFAULT_SESSIONS = 3


def sessions_needed() -> int:
    """Sessions a trainer delivers before becoming a lead trainer (LMS_LEAD_TRAINER_AFTER_SESSIONS, default 3)."""
    return int(current_app.config.get("LMS_LEAD_TRAINER_AFTER_SESSIONS", DEFAULT_SESSIONS))


def promotion_blockers(employee: Employee, today: date, sessions: int | None = None) -> list[str]:
    """Why the employee cannot be made a lead trainer now; empty when they can."""
    if employee.has_role(Role.LEAD_TRAINER):
        return [f"{employee.full_name} is already a lead trainer."]
    if not employee.active:
        return [f"{employee.full_name} is no longer active."]
    course = delivery_course()
    blockers = []
    if course is None or not can_deliver(employee, course, today):
        blockers.append(f"{employee.full_name} holds no valid certification to deliver the workshop.")
    done = delivered_sessions(employee) if sessions is None else sessions
    needed = sessions_needed()
    if done < needed:
        blockers.append(f"{employee.full_name} has delivered {done} of the {needed} sessions needed.")
    return blockers


def promote_to_lead_trainer(actor: Employee, employee: Employee, today: date | None = None) -> LeadTrainerPromotion:
    """An admin or lead trainer makes an eligible certified trainer a lead trainer; refused with the reason otherwise."""
    if not actor.has_any_role(Role.ADMIN, Role.LEAD_TRAINER):
        raise PermissionDenied(N_("Only a lead trainer or an administrator can make someone a lead trainer."))
    today = today or utcnow().date()
    done = delivered_sessions(employee)
    blockers = promotion_blockers(employee, today, sessions=done)
    if blockers:
        raise Conflict(" ".join(blockers))
    employee.set_roles(employee.roles | {Role.LEAD_TRAINER.value})
    promotion = LeadTrainerPromotion(employee=employee, promoted_by=actor, sessions_delivered=done)
    db.session.add(promotion)
    db.session.flush()
    employees_changed.send(None, employee_ids=[employee.id])
    return promotion
