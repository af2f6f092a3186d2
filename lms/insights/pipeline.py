"""The trainer pipeline per site: nominated, in training, certified, expiring and expired trainers."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, func, select

from lms.extensions import db
from lms.insights.scope import Scope, people_conditions
from lms.learning.models import Course
from lms.org.models import Department, Employee, Site
from lms.trainers.models import Certification, Cohort, CohortMember
from lms.trainers.path import NOMINATED
from lms.trainers.queries import IN_TRAINING_STATES, SitePipeline, pipeline_by_site
from lms.trainers.validity import REMINDER_DAYS


def workshop_course_or_none() -> Course | None:
    """The workshop course trainers are certified for, or None before courses are synced."""
    return db.session.execute(
        select(Course).where(Course.kind == "workshop", Course.archived.is_(False)).order_by(Course.id)
    ).scalars().first()


def trainer_pipeline(scope: Scope, today: date) -> list[SitePipeline]:
    """Per site, the pipeline of workshop trainers among the scope's people (the trainers' own figures for everyone)."""
    course = workshop_course_or_none()
    if course is None:
        return []
    if scope.is_organization:
        return pipeline_by_site(course, today)
    return _scoped_pipeline(scope, course, today)


def _scoped_pipeline(scope: Scope, course: Course, today: date) -> list[SitePipeline]:
    """pipeline_by_site's figures restricted to a scope's people (three queries), for the sites the scope touches."""
    conditions = people_conditions(scope)
    site = Department.site_id
    headcount = dict(db.session.execute(
        select(site, func.count(Employee.id)).join(Employee, Employee.department_id == Department.id)
        .where(*conditions).group_by(site)
    ).all())
    paths = {site_id: (nominated, training) for site_id, nominated, training in db.session.execute(
        select(site, func.count().filter(CohortMember.state == NOMINATED),
               func.count().filter(CohortMember.state.in_(IN_TRAINING_STATES)))
        .select_from(CohortMember).join(Cohort, CohortMember.cohort_id == Cohort.id)
        .join(Employee, CohortMember.employee_id == Employee.id).join(Department, Employee.department_id == Department.id)
        .where(Cohort.course_id == course.id, CohortMember.track == "certification", *conditions)
        .group_by(site)
    )}
    until = (select(Certification.employee_id, func.max(Certification.expires_on).label("until"))
             .where(Certification.course_id == course.id, Certification.revoked_at.is_(None),
                    Certification.issued_on <= today)
             .group_by(Certification.employee_id).subquery("until"))
    soon = today + timedelta(days=REMINDER_DAYS)
    certs = {site_id: (certified, expiring, expired) for site_id, certified, expiring, expired in db.session.execute(
        select(site, func.count().filter(until.c.until >= today),
               func.count().filter(and_(until.c.until >= today, until.c.until <= soon)),
               func.count().filter(until.c.until < today))
        .select_from(until).join(Employee, until.c.employee_id == Employee.id)
        .join(Department, Employee.department_id == Department.id).where(*conditions)
        .group_by(site)
    )}
    sites = db.session.execute(select(Site).where(Site.id.in_(list(headcount))).order_by(Site.code)).scalars()
    return [SitePipeline(s, headcount.get(s.id, 0), *paths.get(s.id, (0, 0)), *certs.get(s.id, (0, 0, 0)))
            for s in sites]
