"""Database look-ups for the rollout pages: names of the people in a plan, sites, published sessions."""
from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db
from lms.org.models import Department, Employee, Site
from lms.rollout.models import RolloutPlan
from lms.workshops.models import WorkshopSession

CHUNK = 500


def all_sites() -> list[Site]:
    """Every site, by name."""
    return list(db.session.execute(select(Site).order_by(Site.name)).scalars())


def sites_by_id(ids: list[int]) -> list[Site]:
    """The sites with these ids."""
    return list(db.session.execute(select(Site).where(Site.id.in_(ids)).order_by(Site.code)).scalars()) if ids else []


def people_named(numbers: list[str]) -> dict[str, tuple[str, str]]:
    """Employee ids to (full name, department name), one query per chunk of ids."""
    out: dict[str, tuple[str, str]] = {}
    wanted = sorted(set(numbers))
    for i in range(0, len(wanted), CHUNK):
        rows = db.session.execute(
            select(Employee.employee_no, Employee.full_name, Department.name)
            .join(Department, Employee.department_id == Department.id)
            .where(Employee.employee_no.in_(wanted[i:i + CHUNK]))
        )
        out.update({number: (name, department) for number, name, department in rows})
    return out


def excluded_people(plan: RolloutPlan) -> list[Employee]:
    """The people the plan leaves out, by name."""
    if not plan.excluded_ids:
        return []
    return list(db.session.execute(
        select(Employee).where(Employee.id.in_(plan.excluded_ids)).order_by(Employee.full_name)).scalars())


def published_sessions(plan: RolloutPlan, limit: int = 50) -> list[WorkshopSession]:
    """The first `limit` workshop sessions this plan has published, by first day."""
    if not plan.published_session_ids:
        return []
    return list(db.session.execute(
        select(WorkshopSession).where(WorkshopSession.id.in_(plan.published_session_ids))
        .order_by(WorkshopSession.day1, WorkshopSession.id).limit(limit)).scalars())
