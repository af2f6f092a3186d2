"""Roster CSV: parse the HR export and plan its import against a snapshot of the organization.

Pure: no Flask, no database. `parse_roster` turns bytes into rows and problems;
`plan_import` compares the rows with a snapshot and says what would change,
adding the problems only the whole organization reveals (unknown managers,
manager cycles, e-mails held by other employees).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date


from lms.core.csvsafe import unneutralize
from lms.core.emails import InvalidEmail, normalize_email
from lms.core.roles import ALL_ROLES
from lms.org.models import DEPARTMENT_KINDS

COLUMNS = (
    "employee_id",
    "email",
    "full_name",
    "department_code",
    "department_name",
    "department_kind",
    "site",
    "manager_employee_id",
    "job_title",
    "roles",
    "hire_date",
)
REQUIRED_COLUMNS = COLUMNS[:7]
OPTIONAL_COLUMNS = COLUMNS[7:]
ROLE_SEPARATOR = ";"


@dataclass(frozen=True)
class Problem:
    """One reason a file is refused: where it is and why."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.reason}"


@dataclass(frozen=True)
class RosterRow:
    line: int
    employee_no: str
    email: str
    full_name: str
    department_code: str
    department_name: str
    department_kind: str
    site: str
    manager_no: str | None
    job_title: str | None
    roles: frozenset[str] | None
    hire_date: date | None


@dataclass
class ParsedRoster:
    rows: list[RosterRow] = field(default_factory=list)
    # Optional columns absent from the file leave those attributes untouched.
    present: frozenset[str] = frozenset()
    problems: list[Problem] = field(default_factory=list)


class RosterRefused(Exception):
    """The file cannot be imported; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the roster")
        self.problems = problems


# --------------------------------------------------------------------------- parsing


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise RosterRefused([Problem(1, "file", "this is not a text file (it contains binary data); export the roster as CSV")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RosterRefused(
            [Problem(line, "file", "the file is not UTF-8 text; save or export it as CSV in UTF-8")]
        ) from None


def _normalise_header(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def _sniff_delimiter(first_line: str) -> str:
    """Comma or semicolon: whichever splits the header into more known columns."""
    best, best_hits = ",", -1
    for delimiter in (",", ";"):
        names = next(csv.reader([first_line], delimiter=delimiter), [])
        hits = sum(_normalise_header(n) in COLUMNS for n in names)
        if hits > best_hits:
            best, best_hits = delimiter, hits
    return best


def _normalise_kind(value: str) -> str:
    return re.sub(r"[\s-]+", "_", value.strip().lower())


def parse_roster(data: bytes) -> ParsedRoster:
    """Parse a roster CSV; raise RosterRefused when it is not a roster CSV at all."""
    text = _decode(data)
    if not text.strip():
        raise RosterRefused([Problem(1, "header", "the file is empty; expected a header line with " + ", ".join(REQUIRED_COLUMNS))])
    first_line = text.lstrip("\r\n").splitlines()[0]
    delimiter = _sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    parsed = ParsedRoster()
    try:
        header, header_line = _read_header(reader)
        index = _map_header(header, header_line)
        parsed.present = frozenset(name for name in OPTIONAL_COLUMNS if name in index)
        last_line = reader.line_num
        for fields in reader:
            line = last_line + 1
            last_line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            row = _parse_row(fields, line, index, len(header), parsed.problems)
            if row is not None:
                parsed.rows.append(row)
    except csv.Error as exc:
        raise RosterRefused([Problem(reader.line_num or 1, "file", f"this is not a readable CSV file ({exc})")]) from None
    _check_within_file(parsed)
    return parsed


def _read_header(reader) -> tuple[list[str], int]:
    for fields in reader:
        if any(f.strip() for f in fields):
            return fields, reader.line_num
    raise RosterRefused([Problem(1, "header", "the file has no header line")])


def _map_header(header: list[str], line: int) -> dict[str, int]:
    names = [_normalise_header(h) for h in header]
    known = [n for n in names if n in COLUMNS]
    if not set(known) & set(REQUIRED_COLUMNS):
        raise RosterRefused(
            [Problem(line, "header", "this does not look like a roster CSV: the header must name the columns "
                     + ", ".join(COLUMNS) + f" (found: {', '.join(h.strip() for h in header[:8]) or 'nothing'})")]
        )
    problems = []
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        if name in COLUMNS:
            if name in index:
                problems.append(Problem(line, name, "the column appears twice in the header"))
            index.setdefault(name, position)
    for name in REQUIRED_COLUMNS:
        if name not in index:
            problems.append(Problem(line, name, "required column missing from the header"))
    if problems:
        raise RosterRefused(problems)
    return index


def _parse_row(fields, line, index, width, problems) -> RosterRow | None:
    before = len(problems)
    if len(fields) > width:
        problems.append(Problem(line, "row", f"has {len(fields)} fields but the header has {width}"))
        return None

    def value(name: str) -> str:
        position = index.get(name)
        return unneutralize(fields[position].strip()) if position is not None and position < len(fields) else ""

    for name in REQUIRED_COLUMNS:
        if not value(name):
            problems.append(Problem(line, name, "required value missing"))

    email = value("email")
    if email:
        try:
            email = normalize_email(email)
        except InvalidEmail as exc:
            problems.append(Problem(line, "email", f"'{email}' is not a valid e-mail address ({exc})"))

    kind = _normalise_kind(value("department_kind"))
    if kind and kind not in DEPARTMENT_KINDS:
        problems.append(Problem(line, "department_kind", f"'{value('department_kind')}' is not one of {', '.join(DEPARTMENT_KINDS)}"))

    roles = None
    if "roles" in index:
        roles = frozenset(r.strip().lower() for r in value("roles").split(ROLE_SEPARATOR) if r.strip())
        for role in sorted(roles - set(ALL_ROLES)):
            problems.append(Problem(line, "roles", f"'{role}' is not a role; roles are {', '.join(ALL_ROLES)} separated by '{ROLE_SEPARATOR}'"))

    hire_date = None
    if value("hire_date"):
        try:
            hire_date = date.fromisoformat(value("hire_date"))
        except ValueError:
            problems.append(Problem(line, "hire_date", f"'{value('hire_date')}' is not a date in the form YYYY-MM-DD"))

    if len(problems) > before:
        return None
    return RosterRow(
        line=line,
        employee_no=value("employee_id"),
        email=email,
        full_name=value("full_name"),
        department_code=value("department_code"),
        department_name=value("department_name"),
        department_kind=kind,
        site=value("site"),
        manager_no=value("manager_employee_id") or None,
        job_title=value("job_title") if "job_title" in index else None,
        roles=roles,
        hire_date=hire_date,
    )


def _check_within_file(parsed: ParsedRoster) -> None:
    first_by_no: dict[str, int] = {}
    first_by_email: dict[str, int] = {}
    department: dict[str, RosterRow] = {}
    for row in parsed.rows:
        if row.employee_no in first_by_no:
            parsed.problems.append(Problem(row.line, "employee_id", f"'{row.employee_no}' is also on line {first_by_no[row.employee_no]}"))
        first_by_no.setdefault(row.employee_no, row.line)
        if row.email in first_by_email:
            parsed.problems.append(Problem(row.line, "email", f"'{row.email}' is also on line {first_by_email[row.email]}"))
        first_by_email.setdefault(row.email, row.line)
        first = department.setdefault(row.department_code, row)
        for attr, column in (("department_name", "department_name"), ("department_kind", "department_kind"), ("site", "site")):
            if getattr(row, attr) != getattr(first, attr):
                parsed.problems.append(Problem(
                    row.line, column,
                    f"department {row.department_code} has {column} '{getattr(first, attr)}' on line {first.line}, not '{getattr(row, attr)}'",
                ))


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class ExistingEmployee:
    """An employee as the database holds it, reduced to roster fields."""

    id: int
    employee_no: str
    email: str
    full_name: str
    job_title: str
    department_code: str
    manager_no: str | None
    roles: frozenset[str]
    hire_date: date | None
    active: bool


@dataclass(frozen=True)
class ExistingDepartment:
    code: str
    name: str
    kind: str
    site: str


@dataclass
class Snapshot:
    """What the database holds now, keyed by roster identifiers."""

    employees: dict[str, ExistingEmployee] = field(default_factory=dict)
    departments: dict[str, ExistingDepartment] = field(default_factory=dict)
    sites: set[str] = field(default_factory=set)


@dataclass
class EmployeeChange:
    row: RosterRow
    existing: ExistingEmployee | None
    changed_fields: tuple[str, ...]


@dataclass
class RosterPlan:
    """What an import would do; it applies only when `problems` is empty."""

    created: list[EmployeeChange] = field(default_factory=list)
    updated: list[EmployeeChange] = field(default_factory=list)
    unchanged: list[RosterRow] = field(default_factory=list)
    deactivated: list[ExistingEmployee] = field(default_factory=list)
    new_sites: list[str] = field(default_factory=list)
    new_departments: list[RosterRow] = field(default_factory=list)
    changed_departments: list[RosterRow] = field(default_factory=list)
    present: frozenset[str] = frozenset()
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "deactivated": len(self.deactivated),
            "unchanged": len(self.unchanged),
            "rejected": len({p.line for p in self.problems}),
        }


def _stored_roles(roles: frozenset[str]) -> frozenset[str]:
    return frozenset(roles) - {"learner"}


def _changed_fields(row: RosterRow, old: ExistingEmployee, present: frozenset[str]) -> tuple[str, ...]:
    changes = []
    for attr in ("email", "full_name", "department_code"):
        if getattr(row, attr) != getattr(old, attr):
            changes.append(attr)
    if row.manager_no != old.manager_no and "manager_employee_id" in present:
        changes.append("manager_no")
    if "job_title" in present and row.job_title != old.job_title:
        changes.append("job_title")
    if "roles" in present and _stored_roles(row.roles) != _stored_roles(old.roles):
        changes.append("roles")
    if "hire_date" in present and row.hire_date != old.hire_date:
        changes.append("hire_date")
    if not old.active:
        changes.append("active")
    return tuple(changes)


def plan_import(parsed: ParsedRoster, snapshot: Snapshot, deactivate_missing: bool = False,
                protected_employee_no: str | None = None) -> RosterPlan:
    """Compare parsed rows with the snapshot; `protected_employee_no` may not be deactivated."""
    plan = RosterPlan(present=parsed.present, problems=list(parsed.problems))
    in_file = {row.employee_no: row for row in parsed.rows}

    for row in parsed.rows:
        old = snapshot.employees.get(row.employee_no)
        if old is None:
            plan.created.append(EmployeeChange(row, None, ()))
            continue
        changed = _changed_fields(row, old, parsed.present)
        if changed:
            plan.updated.append(EmployeeChange(row, old, changed))
        else:
            plan.unchanged.append(row)

    if deactivate_missing:
        for old in snapshot.employees.values():
            if old.active and old.employee_no not in in_file:
                plan.deactivated.append(old)
                if old.employee_no == protected_employee_no:
                    plan.problems.append(Problem(1, "file", f"your own account ({old.employee_no}) is not in the file and would be deactivated"))

    _plan_departments(parsed, snapshot, plan)
    final_active = _final_active_employees(parsed, snapshot, plan)
    _check_emails(parsed, final_active, plan)
    _check_managers(parsed, snapshot, final_active, plan)
    plan.problems.sort(key=lambda p: (p.line, COLUMNS.index(p.column) if p.column in COLUMNS else -1))
    return plan


def _plan_departments(parsed: ParsedRoster, snapshot: Snapshot, plan: RosterPlan) -> None:
    seen: set[str] = set()
    for row in parsed.rows:
        if row.department_code in seen:
            continue
        seen.add(row.department_code)
        if row.site not in snapshot.sites and row.site not in plan.new_sites:
            plan.new_sites.append(row.site)
        old = snapshot.departments.get(row.department_code)
        if old is None:
            plan.new_departments.append(row)
        elif (old.name, old.kind, old.site) != (row.department_name, row.department_kind, row.site):
            plan.changed_departments.append(row)


def _final_active_employees(parsed, snapshot, plan) -> dict[str, tuple[str, str | None]]:
    """employee_no -> (email, manager_no) of everyone active once the import applies."""
    deactivated = {e.employee_no for e in plan.deactivated}
    final = {
        no: (e.email, e.manager_no)
        for no, e in snapshot.employees.items()
        if e.active and no not in deactivated
    }
    for row in parsed.rows:
        manager = row.manager_no
        if "manager_employee_id" not in parsed.present and row.employee_no in snapshot.employees:
            manager = snapshot.employees[row.employee_no].manager_no
        final[row.employee_no] = (row.email, manager)
    return final


def _check_emails(parsed, final_active, plan) -> None:
    in_file = {row.employee_no for row in parsed.rows}
    held_elsewhere = {email: no for no, (email, _) in final_active.items() if no not in in_file}
    for row in parsed.rows:
        owner = held_elsewhere.get(row.email)
        if owner is not None:
            plan.problems.append(Problem(row.line, "email", f"'{row.email}' belongs to another active employee ({owner})"))


def _check_managers(parsed, snapshot, final_active, plan) -> None:
    for row in parsed.rows:
        if row.manager_no and row.manager_no not in final_active:
            reason = ("is not in the file and is not an active employee"
                      if row.manager_no not in snapshot.employees or not snapshot.employees[row.manager_no].active
                      else "would be deactivated by this import")
            plan.problems.append(Problem(row.line, "manager_employee_id", f"manager '{row.manager_no}' {reason}"))
    line_of = {row.employee_no: row.line for row in parsed.rows}
    reported: set[str] = set()
    for start in line_of:
        chain, node = [], start
        seen_at: dict[str, int] = {}
        while node is not None and node in final_active and node not in seen_at:
            seen_at[node] = len(chain)
            chain.append(node)
            node = final_active[node][1]
        if node is not None and node in seen_at:
            cycle = chain[seen_at[node]:]
            key = min(cycle)
            if key in reported:
                continue
            reported.add(key)
            where = next((line_of[n] for n in cycle if n in line_of), line_of[start])
            plan.problems.append(Problem(where, "manager_employee_id", "manager cycle: " + " -> ".join(cycle + [node])))
