"""Read-only queries for organization pages: aggregated in SQL, paginated lists."""
from __future__ import annotations

from sqlalchemy import Select, func, or_, select

from lms.extensions import db
from lms.org.models import Department, Employee, Site

PER_PAGE = 25


def employee_search(q: str = "", department_id: int | None = None, manager: Employee | None = None,
                    active_only: bool = False) -> Select:
    """Employees matching a free-text query, optionally within a department or a manager's team."""
    stmt = select(Employee).join(Department).order_by(Employee.full_name, Employee.id)
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(or_(
            func.lower(Employee.full_name).like(like), Employee.email.like(like),
            func.lower(Employee.employee_no).like(like), func.lower(Employee.job_title).like(like),
        ))
    if department_id:
        stmt = stmt.where(Employee.department_id == department_id)
    if manager is not None:
        stmt = stmt.where(Employee.manager_id == manager.id)
    if active_only:
        stmt = stmt.where(Employee.active)
    return stmt


def paginate(stmt: Select, page: int, per_page: int = PER_PAGE):
    """One page of a select, with counts for the pager."""
    return db.paginate(stmt, page=max(page, 1), per_page=per_page, error_out=False)


def headcount_by_kind() -> list[tuple[str, int, int]]:
    """(department kind, departments, active employees) for the whole organization."""
    return db.session.execute(
        select(Department.kind, func.count(func.distinct(Department.id)), func.count(Employee.id))
        .outerjoin(Employee, (Employee.department_id == Department.id) & Employee.active)
        .group_by(Department.kind).order_by(Department.kind)
    ).all()


def headcount_by_site() -> list[tuple[Site, int, int]]:
    """(site, departments, active employees) per site."""
    return db.session.execute(
        select(Site, func.count(func.distinct(Department.id)), func.count(Employee.id))
        .outerjoin(Department, Department.site_id == Site.id)
        .outerjoin(Employee, (Employee.department_id == Department.id) & Employee.active)
        .group_by(Site.id).order_by(Site.code)
    ).all()


def departments_with_headcount() -> list[tuple[Department, int]]:
    """Every department with its active headcount, by site then name."""
    return db.session.execute(
        select(Department, func.count(Employee.id))
        .join(Site)
        .outerjoin(Employee, (Employee.department_id == Department.id) & Employee.active)
        .group_by(Department.id, Site.code).order_by(Site.code, Department.name)
    ).all()


def department_page(page: int, q: str = "", per_page: int = PER_PAGE):
    """One page of departments with their active headcount, by site then name; `q` in the code, name or site."""
    from lms.trainers.queries import Page  # here: trainers' queries import this module

    stmt = (select(Department, func.count(Employee.id))
            .join(Site)
            .outerjoin(Employee, (Employee.department_id == Department.id) & Employee.active)
            .group_by(Department.id, Site.code).order_by(Site.code, Department.name, Department.id))
    if q.strip():
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(Department.code).like(like), func.lower(Department.name).like(like),
                              func.lower(Site.name).like(like)))
    total = db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    return Page(db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all(), page, pages, total)


def manager_name(employee: Employee) -> str | None:
    """The full name of the employee's manager, without loading the manager's record and roles."""
    if employee.manager_id is None:
        return None
    return db.session.execute(select(Employee.full_name).where(Employee.id == employee.manager_id)).scalar_one_or_none()


def direct_report_count(manager: Employee) -> int:
    """How many active people report to `manager`."""
    return db.session.execute(
        select(func.count()).where(Employee.manager_id == manager.id, Employee.active)
    ).scalar_one()


def reports_subquery(manager_id: int):
    """A recursive CTE of everyone below `manager_id` in the reporting line (direct and indirect)."""
    below = select(Employee.id).where(Employee.manager_id == manager_id).cte("reporting_line", recursive=True)
    return below.union_all(select(Employee.id).where(Employee.manager_id == below.c.id))


def is_in_reporting_line(manager: Employee, employee_id: int) -> bool:
    """True when the employee reports to `manager`, directly or through others."""
    line = reports_subquery(manager.id)
    return db.session.execute(select(line.c.id).where(line.c.id == employee_id).limit(1)).first() is not None
