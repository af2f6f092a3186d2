"""Read-only train-the-trainer queries, aggregated in SQL; delivery and reach hooks other domains fill in."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, and_, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased, selectinload

from lms.extensions import db
from lms.insights.counters import DepartmentCount
from lms.learning.models import Course
from lms.org.models import Department, Employee, EmployeeRole, Site
from lms.trainers.cascade import CascadeRow
from lms.trainers.models import CoDelivery, Cohort, CohortMember, MeetingAttendance, TeachBack, cohort_lead
from lms.trainers.models import Certification
from lms.trainers.path import ACCEPTED, CO_DELIVERED, IN_TRAINING, NOMINATED, NOT_YET_COMPETENT, TEACH_BACK_OBSERVED
from lms.trainers.validity import REMINDER_DAYS

PER_PAGE = 50

# --------------------------------------------------------------------------- delivery record and reach hooks

# A delivery source returns a select of (employee_id, delivered_on, role, description, session_id) for everyone:
# role "trainer" when the employee delivered as a certified trainer, "co-facilitator" when they co-delivered
# as a trainee. Workshop sessions register theirs here once sessions exist.
DeliverySource = Callable[[], Select]
_DELIVERY_SOURCES: dict[str, DeliverySource] = {}

# A reach source returns a select of (trainer_id, employee_id): people who completed a workshop the trainer delivered.
ReachSource = Callable[[], Select]
_REACH_SOURCES: dict[str, ReachSource] = {}


def delivery_source(name: str):
    """Register a function returning deliveries for the trainers' delivery record and session counts."""

    def decorator(fn: DeliverySource) -> DeliverySource:
        _DELIVERY_SOURCES[name] = fn
        return fn

    return decorator


def reach_source(name: str):
    """Register a function returning (trainer_id, employee_id) pairs for each trainer's reach."""

    def decorator(fn: ReachSource) -> ReachSource:
        _REACH_SOURCES[name] = fn
        return fn

    return decorator


@delivery_source("co_delivery")
def co_deliveries() -> Select:
    """Co-deliveries, once for the certified trainer and once for the trainee beside them."""
    trainee, trainer = aliased(Employee), aliased(Employee)
    as_trainer = (
        select(CoDelivery.trainer_id.label("employee_id"), CoDelivery.delivered_on.label("delivered_on"),
               literal("trainer").label("role"),
               literal("With ").concat(trainee.full_name).concat(" co-delivering. ").concat(CoDelivery.note)
               .label("description"), CoDelivery.session_id.label("session_id"))
        .join(trainee, trainee.id == CoDelivery.trainee_id)
    )
    as_trainee = (
        select(CoDelivery.trainee_id, CoDelivery.delivered_on, literal("co-facilitator"),
               literal("Co-delivered beside ").concat(trainer.full_name).concat(". ").concat(CoDelivery.note),
               CoDelivery.session_id)
        .join(trainer, trainer.id == CoDelivery.trainer_id)
    )
    return union_all(as_trainer, as_trainee)


def _flat_union(sources) -> list:
    """Every SELECT of the sources, unnested: SQLite refuses a UNION inside parentheses."""
    selects = []
    for statement in sources:
        selects.extend(getattr(statement, "selects", None) or [statement])
    return selects


def _deliveries():
    return union_all(*_flat_union(fn() for fn in _DELIVERY_SOURCES.values())).subquery("deliveries")


@dataclass(frozen=True)
class Delivery:
    delivered_on: date
    role: str
    description: str
    session_id: int | None


def delivery_record(employee: Employee) -> list[Delivery]:
    """Everything the employee delivered or co-delivered, newest first."""
    rows = _deliveries()
    return [Delivery(*row) for row in db.session.execute(
        select(rows.c.delivered_on, rows.c.role, rows.c.description, rows.c.session_id)
        .where(rows.c.employee_id == employee.id).order_by(rows.c.delivered_on.desc())
    )]


def _session_count(rows):
    # A session recorded by several sources counts once; records without a session id count one each.
    return func.count(func.distinct(rows.c.session_id)) + func.count().filter(rows.c.session_id.is_(None))


def delivered_sessions(employee: Employee) -> int:
    """Sessions the employee delivered as a certified trainer."""
    rows = _deliveries()
    return db.session.execute(
        select(_session_count(rows)).where(rows.c.employee_id == employee.id, rows.c.role == "trainer")
    ).scalar_one()


def delivered_sessions_by_trainer():
    """A subquery of (employee_id, sessions) delivered as a certified trainer."""
    rows = _deliveries()
    return (select(rows.c.employee_id, _session_count(rows).label("sessions"))
            .where(rows.c.role == "trainer").group_by(rows.c.employee_id).subquery("sessions"))


def trainer_reach() -> dict[int, int] | None:
    """People reached per trainer; None while no domain reports reach (no workshop sessions yet)."""
    if not _REACH_SOURCES:
        return None
    pairs = union_all(*_flat_union(fn() for fn in _REACH_SOURCES.values())).subquery("reach")
    return dict(db.session.execute(
        select(pairs.c.trainer_id, func.count(func.distinct(pairs.c.employee_id))).group_by(pairs.c.trainer_id)
    ).all())


# --------------------------------------------------------------------------- pages


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _page(stmt: Select, page: int, per_page: int = PER_PAGE) -> Page:
    total = db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    items = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items, page, pages, total)


def _valid_until(course: Course, day: date):
    """(employee_id, until): how long each person's valid certification for `course` runs from `day`."""
    return (select(Certification.employee_id, func.max(Certification.expires_on).label("until"))
            .where(Certification.course_id == course.id, Certification.revoked_at.is_(None),
                   Certification.issued_on <= day, Certification.expires_on >= day)
            .group_by(Certification.employee_id).subquery("valid"))


def _is_lead():
    return exists().where(EmployeeRole.employee_id == Employee.id, EmployeeRole.role == "lead_trainer")


def _named(stmt: Select, q: str) -> Select:
    """Only people whose name or site holds `q` (all when it is blank)."""
    if not q.strip():
        return stmt
    like = f"%{q.strip().lower()}%"
    return stmt.where(or_(func.lower(Employee.full_name).like(like), func.lower(Site.name).like(like)))


def trainer_pool(course: Course | None, today: date, page: int = 1, q: str = "") -> Page:
    """Active certified trainers and lead trainers: (employee, certified until, is lead), by site and name."""
    if course is None:
        stmt = (select(Employee, literal(None).label("until"), literal(True).label("lead"))
                .join(Department, Employee.department_id == Department.id).join(Site)
                .where(Employee.active, _is_lead()).order_by(Site.code, Employee.full_name, Employee.id))
        return _page(_named(stmt, q), page)
    valid = _valid_until(course, today)
    lead = _is_lead()
    stmt = (select(Employee, valid.c.until, lead.label("lead"))
            .join(Department, Employee.department_id == Department.id).join(Site)
            .outerjoin(valid, valid.c.employee_id == Employee.id)
            .where(Employee.active, or_(valid.c.until.is_not(None), lead))
            .order_by(Site.code, Employee.full_name, Employee.id))
    return _page(_named(stmt, q), page)


def certified_with_sessions(course: Course, today: date, page: int = 1) -> Page:
    """Active certified trainers with their valid-until date, sessions delivered and lead status."""
    valid = _valid_until(course, today)
    sessions = delivered_sessions_by_trainer()
    stmt = (select(Employee, valid.c.until, func.coalesce(sessions.c.sessions, 0), _is_lead().label("lead"))
            .join(valid, valid.c.employee_id == Employee.id)
            .outerjoin(sessions, sessions.c.employee_id == Employee.id)
            .join(Department, Employee.department_id == Department.id).join(Site)
            .where(Employee.active).order_by(Site.code, Employee.full_name, Employee.id))
    return _page(stmt, page)


IN_TRAINING_STATES = (ACCEPTED, IN_TRAINING, CO_DELIVERED, TEACH_BACK_OBSERVED, NOT_YET_COMPETENT)


@dataclass(frozen=True)
class SitePipeline:
    site: Site
    headcount: int
    nominated: int
    in_training: int
    certified: int
    expiring: int
    expired: int

    @property
    def per_thousand(self) -> float:
        return 1000 * self.certified / self.headcount if self.headcount else 0.0


def _active_site(employee_id):
    """The site of the employee `employee_id` refers to, NULL when they have left (a lookup by primary key)."""
    return (select(Department.site_id).join(Employee, Employee.department_id == Department.id)
            .where(Employee.id == employee_id, Employee.active).scalar_subquery())


def pipeline_by_site(course: Course, today: date) -> list[SitePipeline]:
    """Per site: headcount, nominated, in training, certified, expiring within 60 days, expired (three queries)."""
    # Active headcount per site from the maintained per-department counter (lms.insights.counters), not the roster.
    headcount = dict(db.session.execute(
        select(Department.site_id, func.sum(DepartmentCount.headcount))
        .join(DepartmentCount, DepartmentCount.department_id == Department.id)
        .where(DepartmentCount.headcount > 0).group_by(Department.site_id)
    ).all())
    # Members and trainers are a few per hundred people: each one's site is looked up by primary key, so that
    # no plan scans the whole workforce to join it.
    members = (select(_active_site(CohortMember.employee_id).label("site_id"), CohortMember.state)
               .join(Cohort, CohortMember.cohort_id == Cohort.id)
               .where(Cohort.course_id == course.id, CohortMember.track == "certification",
                      CohortMember.state.in_((NOMINATED, *IN_TRAINING_STATES))).subquery("members"))
    # People who have left fall in the group of no site, which no site asks for: filtering them out in SQL would
    # look each site up twice (PostgreSQL evaluates the subquery again for the filter).
    paths = {site_id: (nominated, training) for site_id, nominated, training in db.session.execute(
        select(members.c.site_id, func.count().filter(members.c.state == NOMINATED),
               func.count().filter(members.c.state.in_(IN_TRAINING_STATES)))
        .group_by(members.c.site_id)
    )}
    # Each person's furthest unrevoked expiry says whether they are certified, expiring or expired today.
    until = (select(_active_site(Certification.employee_id).label("site_id"),
                    func.max(Certification.expires_on).label("until"))
             .where(Certification.course_id == course.id, Certification.revoked_at.is_(None),
                    Certification.issued_on <= today)
             .group_by(Certification.employee_id).subquery("until"))
    soon = today + timedelta(days=REMINDER_DAYS)
    certs = {site_id: (certified, expiring, expired) for site_id, certified, expiring, expired in db.session.execute(
        select(until.c.site_id, func.count().filter(until.c.until >= today),
               func.count().filter(and_(until.c.until >= today, until.c.until <= soon)),
               func.count().filter(until.c.until < today))
        .group_by(until.c.site_id)
    )}
    sites = db.session.execute(select(Site).order_by(Site.code)).scalars()
    return [SitePipeline(site, headcount.get(site.id, 0), *paths.get(site.id, (0, 0)), *certs.get(site.id, (0, 0, 0)))
            for site in sites]


def cascade_rows(course: Course, today: date) -> list[CascadeRow]:
    """Everyone in the cascade: each certified person with who first certified them, plus certifiers (two queries)."""
    ranked = (select(Certification.employee_id, Certification.certified_by_id, Certification.issued_on,
                     func.row_number().over(partition_by=Certification.employee_id,
                                            order_by=(Certification.issued_on.desc(), Certification.id.desc()))
                     .label("rank"))
              .where(Certification.course_id == course.id, Certification.renews_id.is_(None)).subquery("origin"))
    status = (select(Certification.employee_id,
                     func.max(Certification.expires_on).filter(Certification.revoked_at.is_(None)).label("until"),
                     func.count().filter(Certification.revoked_at.is_not(None)).label("revoked"))
              .where(Certification.course_id == course.id).group_by(Certification.employee_id).subquery("status"))
    rows = [
        CascadeRow(employee_id=e_id, name=name, site=site, certified_by_id=by, since=since, until=until,
                   revoked=bool(revoked) and until is None, lead=bool(lead))
        for e_id, name, site, by, since, until, revoked, lead in db.session.execute(
            select(Employee.id, Employee.full_name, Site.code, ranked.c.certified_by_id, ranked.c.issued_on,
                   status.c.until, status.c.revoked, _is_lead())
            .join(ranked, and_(ranked.c.employee_id == Employee.id, ranked.c.rank == 1))
            .join(status, status.c.employee_id == Employee.id)
            .join(Department, Employee.department_id == Department.id).join(Site)
        )
    ]
    known = {r.employee_id for r in rows}
    certifiers = {r.certified_by_id for r in rows if r.certified_by_id is not None} - known
    if certifiers:
        rows += [CascadeRow(employee_id=e_id, name=name, site=site, certified_by_id=None, since=None, until=None,
                            revoked=False, lead=bool(lead))
                 for e_id, name, site, lead in db.session.execute(
                     select(Employee.id, Employee.full_name, Site.code, _is_lead())
                     .join(Department, Employee.department_id == Department.id).join(Site)
                     .where(Employee.id.in_(certifiers)))]
    return rows


def lead_cohorts(lead: Employee) -> list[tuple[Cohort, dict[str, int]]]:
    """The cohorts `lead` leads, open ones first, each with its member count per state (two queries)."""
    cohorts = list(db.session.execute(
        select(Cohort).join(cohort_lead, cohort_lead.c.cohort_id == Cohort.id)
        .where(cohort_lead.c.employee_id == lead.id)
        .order_by((Cohort.status == "closed"), Cohort.created_at.desc(), Cohort.id.desc())
    ).scalars())
    counts: dict[int, dict[str, int]] = {c.id: {} for c in cohorts}
    if cohorts:
        for cohort_id, state, n in db.session.execute(
            select(CohortMember.cohort_id, CohortMember.state, func.count())
            .where(CohortMember.cohort_id.in_(counts)).group_by(CohortMember.cohort_id, CohortMember.state)
        ):
            counts[cohort_id][state] = n
    return [(c, counts[c.id]) for c in cohorts]


@dataclass(frozen=True)
class MemberRow:
    member: CohortMember
    attended: int
    co_deliveries: int
    teach_backs: int


def cohort_member_rows(cohort: Cohort) -> list[MemberRow]:
    """The cohort's members with meetings attended, co-deliveries and teach-backs (four queries)."""
    # The employees load with the members (a query that only warmed the identity map lost them to the
    # garbage collector, so each row's name cost a query of its own).
    members = list(db.session.execute(
        select(CohortMember).where(CohortMember.cohort_id == cohort.id).order_by(CohortMember.id)
        .options(selectinload(CohortMember.employee))
    ).scalars())
    ids = [m.id for m in members]
    if not ids:
        return []

    def grouped(column, *where):
        return dict(db.session.execute(select(column, func.count()).where(column.in_(ids), *where).group_by(column)).all())

    attended = grouped(MeetingAttendance.member_id, MeetingAttendance.present)
    co = grouped(CoDelivery.member_id)
    observed = grouped(TeachBack.member_id)
    return [MemberRow(m, attended.get(m.id, 0), co.get(m.id, 0), observed.get(m.id, 0)) for m in members]


def manager_nominees(manager: Employee) -> list[CohortMember]:
    """The nominations `manager` made, most recently changed first."""
    return list(db.session.execute(
        select(CohortMember).where(CohortMember.nominated_by_id == manager.id, CohortMember.track == "certification")
        .order_by(CohortMember.state_since.desc(), CohortMember.id.desc())
    ).scalars())


def paths_of(employee: Employee) -> list[CohortMember]:
    """The employee's own paths in cohorts, newest first."""
    return list(db.session.execute(
        select(CohortMember).where(CohortMember.employee_id == employee.id).order_by(CohortMember.id.desc())
    ).scalars())


def teach_backs_of(member: CohortMember) -> list[TeachBack]:
    """The member's observed teach-backs, newest first."""
    return list(db.session.execute(
        select(TeachBack).where(TeachBack.member_id == member.id).order_by(TeachBack.id.desc())
    ).scalars())


def co_deliveries_of(member: CohortMember) -> list[CoDelivery]:
    """The member's recorded co-deliveries, newest first."""
    return list(db.session.execute(
        select(CoDelivery).where(CoDelivery.member_id == member.id).order_by(CoDelivery.delivered_on.desc())
    ).scalars())


def lead_trainers(exclude: Employee | None = None) -> list[Employee]:
    """Active lead trainers by name."""
    stmt = (select(Employee).join(EmployeeRole, EmployeeRole.employee_id == Employee.id)
            .where(EmployeeRole.role == "lead_trainer", Employee.active).order_by(Employee.full_name))
    if exclude is not None:
        stmt = stmt.where(Employee.id != exclude.id)
    return list(db.session.execute(stmt).scalars())


def observers_for(course: Course, day: date, exclude: list[int]) -> list[Employee]:
    """Lead trainers and trainers certified on `day`: who may be a second observer."""
    valid = _valid_until(course, day)
    return list(db.session.execute(
        select(Employee).outerjoin(valid, valid.c.employee_id == Employee.id)
        .where(Employee.active, or_(valid.c.until.is_not(None), _is_lead()), Employee.id.not_in(exclude))
        .order_by(Employee.full_name)
    ).scalars())
