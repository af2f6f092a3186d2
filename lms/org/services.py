"""Organization services: the roster import and export, sites and departments."""
from __future__ import annotations

import csv
import io

from sqlalchemy import insert, select, update

from lms.core.csvsafe import neutralize
from lms.core.errors import Conflict, NotFound, ValidationFailed
from lms.core.markers import N_
from lms.core.models import utcnow
from lms.core.signals import employees_changed
from lms.extensions import db
from lms.core.roles import ALL_ROLES
from lms.org.models import Department, Employee, EmployeeRole, RosterUpload, Site, new_session_token
from lms.org.roster import (
    COLUMNS,
    ROLE_SEPARATOR,
    ExistingDepartment,
    ExistingEmployee,
    RosterPlan,
    RosterRefused,
    Snapshot,
    parse_roster,
    plan_import,
)


class RosterRejected(ValidationFailed):
    """The roster file was refused whole; `problems` lists each `line N: column: reason`."""


def load_snapshot() -> Snapshot:
    """Read the organization in a few queries, reduced to roster fields."""
    sites = {code: code for code, in db.session.execute(select(Site.code))}
    departments = {
        code: ExistingDepartment(code, name, kind, site)
        for code, name, kind, site in db.session.execute(
            select(Department.code, Department.name, Department.kind, Site.code).join(Site)
        )
    }
    roles: dict[int, set[str]] = {}
    for employee_id, role in db.session.execute(select(EmployeeRole.employee_id, EmployeeRole.role)):
        roles.setdefault(employee_id, set()).add(role)
    manager = db.aliased(Employee)
    rows = db.session.execute(
        select(
            Employee.id, Employee.employee_no, Employee.email, Employee.full_name,
            Employee.job_title, Department.code, manager.employee_no, Employee.hire_date, Employee.active,
        )
        .join(Department, Employee.department_id == Department.id)
        .outerjoin(manager, Employee.manager_id == manager.id)
    )
    employees = {
        no: ExistingEmployee(pk, no, email, name, title, dept, mgr, frozenset(roles.get(pk, ())), hired, active)
        for pk, no, email, name, title, dept, mgr, hired, active in rows
    }
    return Snapshot(employees=employees, departments=departments, sites=set(sites))


def preview_roster(data: bytes, deactivate_missing: bool = False, actor: Employee | None = None) -> RosterPlan:
    """What importing `data` would do, changing nothing; refusal problems are in the plan."""
    try:
        parsed = parse_roster(data)
    except RosterRefused as exc:
        return RosterPlan(problems=exc.problems)
    return plan_import(parsed, load_snapshot(), deactivate_missing,
                       protected_employee_no=actor.employee_no if actor else None)


def import_roster(data: bytes, deactivate_missing: bool = False, actor: Employee | None = None) -> RosterPlan:
    """Apply a roster file whole, or raise RosterRejected and change nothing."""
    plan = preview_roster(data, deactivate_missing, actor)
    if not plan.ok:
        raise RosterRejected(f"The roster was refused: {len(plan.problems)} problem(s).", [str(p) for p in plan.problems])
    _apply(plan)
    return plan


def _apply(plan: RosterPlan) -> None:
    site_ids = _apply_sites(plan)
    department_ids = _apply_departments(plan, site_ids)
    now = utcnow()

    if plan.created:
        db.session.execute(insert(Employee), [
            {
                "employee_no": c.row.employee_no, "email": c.row.email, "full_name": c.row.full_name,
                "job_title": c.row.job_title or "", "department_id": department_ids[c.row.department_code],
                "hire_date": c.row.hire_date, "active": True, "session_token": new_session_token(),
                "created_at": now, "updated_at": now,
            }
            for c in plan.created
        ])
    id_by_no = dict(db.session.execute(select(Employee.employee_no, Employee.id)).all())

    updates = []
    for change in plan.updated:
        row, fields = change.row, set(change.changed_fields)
        values = {"id": change.existing.id, "updated_at": now}
        if "email" in fields:
            values["email"] = row.email
        if "full_name" in fields:
            values["full_name"] = row.full_name
        if "department_code" in fields:
            values["department_id"] = department_ids[row.department_code]
        if "job_title" in fields:
            values["job_title"] = row.job_title or ""
        if "hire_date" in fields:
            values["hire_date"] = row.hire_date
        if "active" in fields:
            values["active"] = True
        updates.append(values)
    if plan.deactivated:
        # Deactivate first so that a leaver's e-mail can pass to a newcomer in the same import.
        db.session.execute(update(Employee), [
            {"id": e.id, "active": False, "session_token": new_session_token(), "updated_at": now}
            for e in plan.deactivated
        ])
    renamed = [{"id": u["id"], "email": f"~{u['id']}@renaming.invalid"} for u in updates if "email" in u]
    if renamed:
        # Two employees may swap addresses; park the old ones so the unique index holds at every step.
        db.session.execute(update(Employee), renamed)
    if updates:
        db.session.execute(update(Employee), updates)

    manager_links = [
        {"id": id_by_no[c.row.employee_no], "manager_id": id_by_no[c.row.manager_no] if c.row.manager_no else None}
        for c in plan.created + plan.updated
        if (c.existing is None and c.row.manager_no) or "manager_no" in c.changed_fields
    ]
    if manager_links:
        db.session.execute(update(Employee), manager_links)

    role_changes = [c for c in plan.created + plan.updated
                    if c.row.roles is not None and (c.existing is None or "roles" in c.changed_fields)]
    if role_changes:
        ids = [id_by_no[c.row.employee_no] for c in role_changes]
        for chunk in _chunks(ids, 900):
            db.session.execute(EmployeeRole.__table__.delete().where(EmployeeRole.employee_id.in_(chunk)))
        role_rows = [
            {"employee_id": id_by_no[c.row.employee_no], "role": role}
            for c in role_changes for role in sorted(c.row.roles - {"learner"})
        ]
        if role_rows:
            db.session.execute(insert(EmployeeRole), role_rows)

    db.session.flush()
    db.session.expire_all()
    touched = [id_by_no[c.row.employee_no] for c in plan.created + plan.updated]
    employees_changed.send(None, employee_ids=touched)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _apply_sites(plan: RosterPlan) -> dict[str, int]:
    for code in plan.new_sites:
        db.session.add(Site(code=code, name=code))
    db.session.flush()
    return dict(db.session.execute(select(Site.code, Site.id)).all())


def _apply_departments(plan: RosterPlan, site_ids: dict[str, int]) -> dict[str, int]:
    for row in plan.new_departments:
        db.session.add(Department(code=row.department_code, name=row.department_name,
                                  kind=row.department_kind, site_id=site_ids[row.site]))
    for row in plan.changed_departments:
        db.session.execute(
            update(Department).where(Department.code == row.department_code)
            .values(name=row.department_name, kind=row.department_kind, site_id=site_ids[row.site])
        )
    db.session.flush()
    return dict(db.session.execute(select(Department.code, Department.id)).all())


def export_roster() -> str:
    """The active roster as CSV in the import's columns, so that re-importing it changes nothing."""
    snapshot = load_snapshot()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for employee in sorted(snapshot.employees.values(), key=lambda e: e.employee_no):
        if not employee.active:
            continue
        department = snapshot.departments[employee.department_code]
        writer.writerow([neutralize(cell) for cell in (
            employee.employee_no, employee.email, employee.full_name, department.code, department.name,
            department.kind, department.site, employee.manager_no or "", employee.job_title,
            ROLE_SEPARATOR.join(sorted(employee.roles - {"learner"})),
            employee.hire_date.isoformat() if employee.hire_date else "",
        )])
    return out.getvalue()


def get_department(department_id: int) -> Department:
    """The department with this id, or NotFound."""
    department = db.session.get(Department, department_id)
    if department is None:
        raise NotFound(N_("No such department."))
    return department


def update_department(department: Department, *, name: str, kind: str, max_away_fraction: float) -> Department:
    """Change a department's name, kind and staffing floor."""
    if not 0 < max_away_fraction <= 1:
        raise ValidationFailed(N_("The share of staff who may be away must be above 0 and at most 1."))
    department.name = name.strip()
    department.kind = kind
    department.max_away_fraction = max_away_fraction
    db.session.flush()
    return department


# --------------------------------------------------------------------------- roster uploads (web)


def stage_roster_upload(actor: Employee, filename: str, content: bytes, deactivate_missing: bool) -> RosterUpload:
    """Keep an uploaded roster until an admin confirms it after the preview."""
    upload = RosterUpload(uploaded_by=actor, filename=filename[:255] or "roster.csv",
                          content=content, deactivate_missing=deactivate_missing)
    db.session.add(upload)
    db.session.flush()
    return upload


def get_roster_upload(upload_id: int) -> RosterUpload:
    """The staged upload with this id, or NotFound."""
    upload = db.session.get(RosterUpload, upload_id)
    if upload is None:
        raise NotFound(N_("No such roster upload."))
    return upload


def apply_roster_upload(actor: Employee, upload: RosterUpload) -> RosterPlan:
    """Apply a staged upload exactly once, even when the confirmation is sent twice."""
    claimed = db.session.execute(
        update(RosterUpload)
        .where(RosterUpload.id == upload.id, RosterUpload.status == "pending")
        .values(status="applied", applied_at=utcnow())
    ).rowcount
    if not claimed:
        raise Conflict(N_("This roster upload was already applied or discarded."))
    plan = import_roster(upload.content, upload.deactivate_missing, actor)
    upload.summary = ", ".join(f"{n} {label}" for label, n in plan.counts().items() if label != "rejected")
    db.session.flush()
    return plan


def discard_roster_upload(upload: RosterUpload) -> None:
    """Drop a staged upload without applying it."""
    if upload.status != "pending":
        raise Conflict(N_("This roster upload was already applied or discarded."))
    upload.status = "discarded"
    upload.content = b""
    db.session.flush()


# --------------------------------------------------------------------------- employees


def get_employee(employee_id: int) -> Employee:
    """The employee with this id, or NotFound."""
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        raise NotFound(N_("No such employee."))
    return employee


def set_employee_roles(actor: Employee, employee: Employee, roles: set[str]) -> None:
    """Replace an employee's roles; admins cannot remove their own admin role."""
    if employee.id == actor.id and "admin" in employee.roles and "admin" not in roles:
        raise Conflict(N_("You cannot remove your own admin role; ask another admin."))
    unknown = set(roles) - set(ALL_ROLES)
    if unknown:
        raise ValidationFailed(f"Unknown role(s): {', '.join(sorted(unknown))}.")
    employee.set_roles(roles)
    db.session.flush()


def set_employee_active(actor: Employee, employee: Employee, active: bool) -> None:
    """Activate or deactivate an employee; deactivation ends all their sessions."""
    if employee.id == actor.id and not active:
        raise Conflict(N_("You cannot deactivate your own account."))
    if active and not employee.active:
        clash = db.session.execute(
            select(Employee.employee_no).where(Employee.email == employee.email, Employee.active, Employee.id != employee.id)
        ).scalar_one_or_none()
        if clash:
            raise Conflict(f"Another active employee ({clash}) now uses {employee.email}.")
    employee.active = active
    if not active:
        employee.session_token = new_session_token()
    db.session.flush()
