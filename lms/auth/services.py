"""Login, logout and password changes; sessions end by rotating the account's token."""
from __future__ import annotations

from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from lms.auth.passwords import PasswordTooWeak, check_policy, make_hasher, verify
from lms.core.errors import PermissionDenied, ValidationFailed
from lms.core.i18n import is_language
from lms.core.models import utcnow
from lms.extensions import db
from lms.org.models import Department, Employee, new_session_token

LOGIN_FAILED = _l("The e-mail or password is wrong.")
CURRENT_PASSWORD_WRONG = _l("The current password is wrong.")
UNKNOWN_LANGUAGE = _l("The platform is available in English and French only.")


def _hasher():
    cfg = current_app.config
    return make_hasher(cfg["LMS_ARGON2_TIME_COST"], cfg["LMS_ARGON2_MEMORY_KIB"])


def find_active_by_email(email: str) -> Employee | None:
    """The active employee with this e-mail, compared case-insensitively."""
    return db.session.execute(
        select(Employee).where(Employee.email == email.strip().lower(), Employee.active)
    ).scalar_one_or_none()


def authenticate(email: str, password: str) -> Employee:
    """Return the employee whose credentials these are, or refuse without saying which part failed."""
    employee = find_active_by_email(email)
    hasher = _hasher()
    if not verify(hasher, employee.password_hash if employee else None, password):
        raise PermissionDenied(LOGIN_FAILED)
    if hasher.check_needs_rehash(employee.password_hash):
        employee.password_hash = hasher.hash(password)
    employee.last_login_at = utcnow()
    return employee


def set_password(employee: Employee, password: str) -> None:
    """Set a new password and end every session the account had."""
    try:
        check_policy(password)
    except PasswordTooWeak as exc:
        raise ValidationFailed(str(exc), [str(exc)]) from exc
    employee.password_hash = _hasher().hash(password)
    end_all_sessions(employee)


def change_password(employee: Employee, current_password: str, new_password: str) -> None:
    """Change one's own password after proving the current one."""
    if not verify(_hasher(), employee.password_hash, current_password):
        raise ValidationFailed(CURRENT_PASSWORD_WRONG, [CURRENT_PASSWORD_WRONG])
    set_password(employee, new_password)


def set_language(employee: Employee, language: str | None) -> None:
    """Record the language `employee` reads the platform in (None: follow the browser)."""
    if language is not None and not is_language(language):
        raise ValidationFailed(UNKNOWN_LANGUAGE, [UNKNOWN_LANGUAGE])
    employee.language = language
    db.session.flush()


def end_all_sessions(employee: Employee) -> None:
    """Rotate the session token so that every existing session cookie stops working."""
    employee.session_token = new_session_token()
    db.session.flush()


@cache
def _session_user_statement():
    """One statement, built once: every page shows the user's roles, department and site."""
    return (select(Employee).where(Employee.id == bindparam("pk"))
            .options(joinedload(Employee.role_rows), joinedload(Employee.department).joinedload(Department.site)))


def load_session_user(user_id: str) -> Employee | None:
    """Flask-Login's user loader: the id carries the token, which must still match."""
    pk, _, token = user_id.partition(":")
    if not pk.isdigit() or not token:
        return None
    employee = db.session.execute(_session_user_statement(), {"pk": int(pk)}).unique().scalar_one_or_none()
    if employee is None or not employee.active or employee.session_token != token:
        return None
    return employee
