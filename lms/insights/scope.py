"""Whose figures a page shows: the whole organization or a manager's line, narrowed to a site, department or team."""
from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import exists, select

from lms.extensions import db
from lms.org.models import Department, Employee
from lms.org.queries import reports_subquery

NO_MANAGER = 0  # the team key of people who report to no one


@dataclass(frozen=True)
class Scope:
    """A set of employees: everyone, or one manager's reporting line, optionally narrowed."""

    line_of: int | None = None  # a manager's id: only the people below them; None: the whole organization
    site_id: int | None = None
    department_id: int | None = None
    team_of: int | None = None  # direct reports of this manager (NO_MANAGER: people without a manager)

    def narrowed(self, **fields) -> Scope:
        """The same scope with more filters."""
        return replace(self, **fields)

    @property
    def is_organization(self) -> bool:
        return self.line_of is None and self.site_id is None and self.department_id is None and self.team_of is None


def people_conditions(scope: Scope, active_only: bool = True) -> list:
    """WHERE conditions on Employee selecting the scope's people (self-contained: no join needed)."""
    conditions = [Employee.active] if active_only else []
    if scope.line_of is not None:
        line = reports_subquery(scope.line_of)
        conditions.append(Employee.id.in_(select(line.c.id)))
    if scope.site_id is not None:
        conditions.append(Employee.department_id.in_(select(Department.id).where(Department.site_id == scope.site_id)))
    if scope.department_id is not None:
        conditions.append(Employee.department_id == scope.department_id)
    if scope.team_of is not None:
        conditions.append(Employee.manager_id.is_(None) if scope.team_of == NO_MANAGER
                          else Employee.manager_id == scope.team_of)
    return conditions


def reaches(scope: Scope, employee_id: int | None = None) -> bool:
    """Whether the scope holds anyone active (or the given employee), in one query."""
    conditions = people_conditions(scope)
    if employee_id is not None:
        conditions.append(Employee.id == employee_id)
    return bool(db.session.execute(select(exists().where(*conditions))).scalar())
