"""Creating accounts outside the roster (the first admin, service accounts)."""
from __future__ import annotations

from sqlalchemy import func, select

from lms.auth.services import find_active_by_email, set_password
from lms.core.emails import InvalidEmail, normalize_email
from lms.core.errors import Conflict, NotFound, ValidationFailed
from lms.core.roles import ALL_ROLES
from lms.extensions import db
from lms.org.models import Department, Employee, Site

FALLBACK_SITE = "MAIN"
FALLBACK_DEPARTMENT = "ADMIN"


def _default_department() -> Department:
    department = db.session.execute(select(Department).order_by(Department.id).limit(1)).scalar_one_or_none()
    if department:
        return department
    site = Site(code=FALLBACK_SITE, name="Main site")
    department = Department(code=FALLBACK_DEPARTMENT, name="Administration", kind="internal_provider", site=site)
    db.session.add_all([site, department])
    db.session.flush()
    return department


def _next_account_number() -> str:
    count = db.session.execute(select(func.count()).select_from(Employee)).scalar_one()
    n = count + 1
    while db.session.execute(select(Employee.id).where(Employee.employee_no == f"U{n:06d}")).first():
        n += 1
    return f"U{n:06d}"


def create_account(*, email: str, full_name: str, roles: set[str], password: str,
                   department_code: str | None = None, employee_no: str | None = None) -> Employee:
    """Create an active employee who can log in with `password`."""
    try:
        email = normalize_email(email)
    except InvalidEmail as exc:
        raise ValidationFailed(f"'{email}' is not a valid e-mail address ({exc}).") from None
    if not full_name.strip():
        raise ValidationFailed("A full name is required.")
    unknown = set(roles) - set(ALL_ROLES)
    if unknown:
        raise ValidationFailed(f"Unknown role(s): {', '.join(sorted(unknown))}; roles are {', '.join(ALL_ROLES)}.")
    if find_active_by_email(email):
        raise Conflict(f"An active account with the e-mail {email} already exists.")
    if employee_no and db.session.execute(select(Employee.id).where(Employee.employee_no == employee_no)).first():
        raise Conflict(f"The employee id {employee_no} is already taken.")
    if department_code:
        department = db.session.execute(select(Department).where(Department.code == department_code)).scalar_one_or_none()
        if department is None:
            raise NotFound(f"No department with the code {department_code}.")
    else:
        department = _default_department()
    employee = Employee(employee_no=employee_no or _next_account_number(), email=email,
                        full_name=full_name.strip(), department=department)
    employee.set_roles(roles)
    db.session.add(employee)
    db.session.flush()
    set_password(employee, password)
    return employee
