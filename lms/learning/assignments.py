"""Live assignment rules: who each rule reaches, and keeping enrolments in step with them."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, false, insert, or_, select, update

from lms.core.errors import NotFound, ValidationFailed
from lms.core.models import utcnow
from lms.extensions import db
from lms.learning.due import due_date_for, earliest
from lms.learning.models import AssignmentRule, AssignmentTarget, Course, Enrolment
from lms.org.models import DEPARTMENT_KINDS, Department, Employee, EmployeeRole

CHUNK = 900  # stays under SQLite's bound-parameter limit


@dataclass
class ApplyReport:
    enrolled: int = 0
    due_changed: int = 0
    unassigned: int = 0
    reassigned: int = 0


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def rule_audience(rule: AssignmentRule) -> Select:
    """Active employees a rule reaches: (employee id, hire date)."""
    stmt = select(Employee.id, Employee.hire_date).join(Department, Employee.department_id == Department.id).where(Employee.active)
    if rule.everyone:
        return stmt
    values: dict[str, list[str]] = defaultdict(list)
    for target in rule.targets:
        values[target.kind].append(target.value)
    conditions = []
    if values["department_kind"]:
        conditions.append(Department.kind.in_(values["department_kind"]))
    if values["site"]:
        conditions.append(Department.site_id.in_([int(v) for v in values["site"]]))
    if values["department"]:
        conditions.append(Employee.department_id.in_([int(v) for v in values["department"]]))
    if values["employee"]:
        conditions.append(Employee.id.in_([int(v) for v in values["employee"]]))
    roles = [r for r in values["role"] if r != "learner"]
    if "learner" in values["role"]:
        conditions.append(Employee.id.is_not(None))
    if roles:
        conditions.append(Employee.id.in_(select(EmployeeRole.employee_id).where(EmployeeRole.role.in_(roles))))
    return stmt.where(or_(*conditions) if conditions else false())


def apply_assignment_rules(employee_ids: list[int] | None = None, course_ids: list[int] | None = None) -> ApplyReport:
    """Enrol whoever live rules match, refresh due dates, and mark enrolments no rule matches any more.

    Limited to `employee_ids` and/or `course_ids` when given (a roster import, a new rule);
    history is never deleted: an employee who leaves an audience keeps their enrolment and progress.
    """
    report = ApplyReport()
    rules_stmt = select(AssignmentRule).join(Course).where(AssignmentRule.active, Course.archived.is_(False))
    if course_ids is not None:
        rules_stmt = rules_stmt.where(AssignmentRule.course_id.in_(course_ids))
    rules = db.session.execute(rules_stmt).scalars().all()
    scope_courses = set(course_ids) if course_ids is not None else {r.course_id for r in rules}
    scope_employees = set(employee_ids) if employee_ids is not None else None

    # (employee, course) -> [(rule, hire_date)]
    matches: dict[tuple[int, int], list[tuple[AssignmentRule, date | None]]] = defaultdict(list)
    for rule in rules:
        stmt = rule_audience(rule)
        batches = [stmt.where(Employee.id.in_(chunk)) for chunk in _chunks(sorted(scope_employees))] if scope_employees is not None else [stmt]
        for batch in batches:
            for employee_id, hire_date in db.session.execute(batch):
                matches[(employee_id, rule.course_id)].append((rule, hire_date))

    existing = _existing_enrolments(scope_courses, scope_employees)
    now = utcnow()
    today = now.date()
    new_rows, due_updates, reassign, unassign = [], [], [], []
    for key, matched in matches.items():
        enrolment = existing.pop(key, None)
        assigned_on = enrolment[2].date() if enrolment else today  # (id, due, assigned_at, completed, unassigned, rule)
        due = earliest(due_date_for(r.due_kind, due_date=r.due_date, due_days=r.due_days, hire_date=hired,
                                    assigned_on=assigned_on) for r, hired in matched)
        if enrolment is None:
            new_rows.append({"employee_id": key[0], "course_id": key[1], "rule_id": matched[0][0].id,
                             "assigned_at": now, "due_date": due})
            continue
        enrolment_id, current_due, _, completed_at, unassigned_at, rule_id = enrolment
        if unassigned_at is not None:
            reassign.append({"id": enrolment_id, "unassigned_at": None, "rule_id": matched[0][0].id})
        if completed_at is None and due != current_due:
            due_updates.append({"id": enrolment_id, "due_date": due})
    for enrolment_id, _, _, completed_at, unassigned_at, rule_id in existing.values():
        if rule_id is not None and completed_at is None and unassigned_at is None:
            unassign.append({"id": enrolment_id, "unassigned_at": now})

    if new_rows:
        for chunk in _chunks(new_rows, 5000):
            db.session.execute(insert(Enrolment), chunk)
    for rows in (due_updates, reassign, unassign):
        if rows:
            db.session.execute(update(Enrolment), rows)
    db.session.flush()
    report.enrolled, report.due_changed = len(new_rows), len(due_updates)
    report.reassigned, report.unassigned = len(reassign), len(unassign)
    return report


def _existing_enrolments(course_ids: set[int], employee_ids: set[int] | None) -> dict:
    if not course_ids:
        return {}
    stmt = select(Enrolment.employee_id, Enrolment.course_id, Enrolment.id, Enrolment.due_date, Enrolment.assigned_at,
                  Enrolment.completed_at, Enrolment.unassigned_at, Enrolment.rule_id).where(Enrolment.course_id.in_(course_ids))
    statements = [stmt.where(Enrolment.employee_id.in_(c)) for c in _chunks(sorted(employee_ids))] if employee_ids is not None else [stmt]
    found = {}
    for statement in statements:
        for employee_id, course_id, *rest in db.session.execute(statement):
            found[(employee_id, course_id)] = tuple(rest)
    return found


# --------------------------------------------------------------------------- managing rules


def create_rule(actor: Employee, course: Course, *, everyone: bool = False, department_kinds=(), site_ids=(),
                department_ids=(), employee_ids=(), roles=(), due_kind: str = "none", due_date: date | None = None,
                due_days: int | None = None) -> tuple[AssignmentRule, ApplyReport]:
    """Create a live rule and enrol everyone it reaches now."""
    if course.archived:
        raise ValidationFailed("This course is archived; it cannot be assigned.")
    targets = (
        [("department_kind", k) for k in department_kinds] + [("site", str(i)) for i in site_ids]
        + [("department", str(i)) for i in department_ids] + [("employee", str(i)) for i in employee_ids]
        + [("role", r) for r in roles]
    )
    problems = []
    if not everyone and not targets:
        problems.append("Choose who the course is for: everyone, or at least one kind, site, department, role or person.")
    if unknown := set(department_kinds) - set(DEPARTMENT_KINDS):
        problems.append(f"Unknown department kind(s): {', '.join(sorted(unknown))}.")
    if due_kind == "fixed" and due_date is None:
        problems.append("A fixed due date needs a date.")
    if due_kind in ("after_hire", "after_assignment") and (due_days is None or due_days < 0):
        problems.append("A relative due date needs a number of days (0 or more).")
    if due_kind not in ("none", "fixed", "after_hire", "after_assignment"):
        problems.append(f"Unknown due-date kind '{due_kind}'.")
    if problems:
        raise ValidationFailed(problems[0], problems)
    rule = AssignmentRule(
        course=course, everyone=everyone, created_by=actor, due_kind=due_kind,
        due_date=due_date if due_kind == "fixed" else None,
        due_days=due_days if due_kind in ("after_hire", "after_assignment") else None,
        targets=[] if everyone else [AssignmentTarget(kind=k, value=v) for k, v in targets],
    )
    db.session.add(rule)
    db.session.flush()
    return rule, apply_assignment_rules(course_ids=[course.id])


def deactivate_rule(rule: AssignmentRule) -> ApplyReport:
    """Stop a rule; people it alone reached keep their history but are no longer assigned."""
    rule.active = False
    db.session.flush()
    return apply_assignment_rules(course_ids=[rule.course_id])


def get_rule(rule_id: int) -> AssignmentRule:
    """The rule with this id, or NotFound."""
    rule = db.session.get(AssignmentRule, rule_id)
    if rule is None:
        raise NotFound("No such assignment rule.")
    return rule


def describe_rule(rule: AssignmentRule, names: dict[tuple[str, str], str]) -> str:
    """Who a rule reaches, in words; `names` maps (kind, value) to display names."""
    if rule.everyone:
        return "Everyone"
    return "; ".join(names.get((t.kind, t.value), t.value.replace("_", " ")) for t in rule.targets)
