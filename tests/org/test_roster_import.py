"""The roster import: every acceptance and refusal rule, through the service and the CLI."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.org.models import Department, Employee, EmployeeRole, Site
from lms.org.services import RosterRejected, export_roster, import_roster, preview_roster

HEADER = "employee_id,email,full_name,department_code,department_name,department_kind,site,manager_employee_id,job_title,roles,hire_date"
GOOD = "\n".join([
    HEADER,
    "00017,ana@corp.test,Ana Pereira,OPS,Operations,front_line,HQ,00001,Agent,,2021-03-01",
    "00001,boss@corp.test,Bea Boss,OPS,Operations,front_line,HQ,,Head of operations,manager;trainer,2015-06-15",
    "00042,li@corp.test,李小龍,IT,IT service desk,internal_provider,HQ,00001,Analyst,learner,",
    "00043,zoe@corp.test,Zoë Ñúñez-Ødegård,LEAD,Leadership,leadership,AIRPORT,,Director,leader;admin,2010-01-04",
]) + "\n"


def fingerprint(db) -> tuple:
    """Everything an import could change, to prove a refusal changed nothing."""
    employees = db.session.execute(select(
        Employee.employee_no, Employee.email, Employee.full_name, Employee.job_title, Employee.active,
        Employee.hire_date, Employee.manager_id, Employee.department_id).order_by(Employee.employee_no)).all()
    roles = db.session.execute(select(EmployeeRole.employee_id, EmployeeRole.role).order_by(EmployeeRole.employee_id, EmployeeRole.role)).all()
    departments = db.session.execute(select(Department.code, Department.name, Department.kind, Department.site_id).order_by(Department.code)).all()
    sites = db.session.execute(select(Site.code).order_by(Site.code)).all()
    return employees, roles, departments, sites


def by_no(db, no: str) -> Employee:
    return db.session.execute(select(Employee).where(Employee.employee_no == no)).scalar_one()


def problems_of(db, content: str | bytes, **kwargs) -> list[str]:
    data = content.encode() if isinstance(content, str) else content
    before = fingerprint(db)
    with pytest.raises(RosterRejected) as info:
        import_roster(data, **kwargs)
    db.session.rollback()
    assert fingerprint(db) == before, "a refused import changed the database"
    return info.value.problems


def test_import_creates_sites_departments_employees_and_managers(db):
    plan = import_roster(GOOD.encode())
    db.session.commit()
    assert plan.counts() == {"created": 4, "updated": 0, "deactivated": 0, "unchanged": 0, "rejected": 0}
    ana = by_no(db, "00017")
    assert ana.manager.employee_no == "00001"  # the manager appears after the report
    assert ana.department.code == "OPS" and ana.department.site.code == "HQ"
    assert ana.roles == {"learner"}
    assert ana.password_hash is None
    assert by_no(db, "00001").roles == {"learner", "manager", "trainer"}
    assert by_no(db, "00042").full_name == "李小龍"
    assert by_no(db, "00043").full_name == "Zoë Ñúñez-Ødegård"
    assert by_no(db, "00043").department.kind == "leadership"
    assert str(by_no(db, "00001").hire_date) == "2015-06-15"
    assert {s.code for s in db.session.execute(select(Site)).scalars()} == {"HQ", "AIRPORT"}


def test_leading_zeros_are_kept(db):
    import_roster(GOOD.encode())
    db.session.commit()
    assert db.session.execute(select(Employee.employee_no).order_by(Employee.employee_no)).scalars().all() == [
        "00001", "00017", "00042", "00043"]


def test_reimport_changes_nothing(db):
    import_roster(GOOD.encode())
    db.session.commit()
    before = fingerprint(db)
    plan = import_roster(GOOD.encode())
    db.session.commit()
    assert plan.counts() == {"created": 0, "updated": 0, "deactivated": 0, "unchanged": 4, "rejected": 0}
    assert fingerprint(db) == before


def test_bom_semicolons_quotes_crlf_and_header_case(db):
    content = (
        "\ufeffFull_Name;EMAIL;Employee_ID;Department_Code;department_name;DEPARTMENT_KIND;Site;Roles;Extra column\r\n"
        '"Doe; Jane";jane@corp.test;007;FIN;"Finance, payables";internal_provider;HQ;"manager;trainer";ignored\r\n'
    )
    plan = import_roster(content.encode("utf-8"))
    db.session.commit()
    assert plan.counts()["created"] == 1
    jane = by_no(db, "007")
    assert jane.full_name == "Doe; Jane"
    assert jane.department.name == "Finance, payables"
    assert jane.roles == {"learner", "manager", "trainer"}


def test_multiline_quoted_field_reports_later_lines_correctly(db):
    content = HEADER + '\n1,a@corp.test,"Ann\nMulti",OPS,Ops,front_line,HQ,,,,\n2,bad-email,Bo,OPS,Ops,front_line,HQ,,,,\n'
    problems = problems_of(db, content)
    assert problems == ["line 4: email: 'bad-email' is not a valid e-mail address (An email address must have an @-sign.)"]


@pytest.mark.parametrize("row, expected", [
    ("1,,Ann,OPS,Ops,front_line,HQ,,,,", "line 2: email: required value missing"),
    (",a@corp.test,Ann,OPS,Ops,front_line,HQ,,,,", "line 2: employee_id: required value missing"),
    ("1,a@corp.test,,OPS,Ops,front_line,HQ,,,,", "line 2: full_name: required value missing"),
    ("1,a@corp.test,Ann,,Ops,front_line,HQ,,,,", "line 2: department_code: required value missing"),
    ("1,a@corp.test,Ann,OPS,Ops,front_line,,,,,", "line 2: site: required value missing"),
    ("1,a@corp.test,Ann,OPS,Ops,backstage,HQ,,,,", "line 2: department_kind: 'backstage' is not one of front_line, internal_provider, leadership"),
    ("1,a@corp.test,Ann,OPS,Ops,front_line,HQ,,,wizard,", "line 2: roles: 'wizard' is not a role"),
    ("1,not-an-email,Ann,OPS,Ops,front_line,HQ,,,,", "line 2: email: 'not-an-email' is not a valid e-mail address"),
    ("1,a@corp.test,Ann,OPS,Ops,front_line,HQ,,,,2021-13-01", "line 2: hire_date: '2021-13-01' is not a date in the form YYYY-MM-DD"),
    ("1,a@corp.test,Ann,OPS,Ops,front_line,HQ,,,,01/02/2021", "line 2: hire_date: '01/02/2021' is not a date"),
    ("1,a@corp.test,Ann,OPS,Ops,front_line,HQ,99,,,", "line 2: manager_employee_id: manager '99' is not in the file and is not an active employee"),
    ("1,a@corp.test,Ann,OPS,Ops,front_line,HQ,1,,,", "line 2: manager_employee_id: manager cycle: 1 -> 1"),
    ("1,a@corp.test,Ann,OPS,Ops,front_line,HQ,,,,,extra", "line 2: row: has 12 fields but the header has 11"),
])
def test_each_bad_row_kind_is_refused_with_line_and_column(db, row, expected):
    problems = problems_of(db, HEADER + "\n" + row + "\n")
    assert any(p.startswith(expected) for p in problems), problems


def test_duplicates_within_the_file(db):
    content = HEADER + "\n1,a@corp.test,Ann,OPS,Ops,front_line,HQ,,,,\n1,b@corp.test,Bob,OPS,Ops,front_line,HQ,,,,\n2,A@Corp.test,Cy,OPS,Ops,front_line,HQ,,,,\n"
    problems = problems_of(db, content)
    assert "line 3: employee_id: '1' is also on line 2" in problems
    assert "line 4: email: 'a@corp.test' is also on line 2" in problems


def test_duplicate_email_against_another_active_employee(db, make_employee):
    make_employee(email="taken@corp.test", employee_no="X1")
    problems = problems_of(db, HEADER + "\n1,taken@corp.test,Ann,OPS,Ops,front_line,HQ,,,,\n")
    assert problems == ["line 2: email: 'taken@corp.test' belongs to another active employee (X1)"]


def test_email_of_an_inactive_employee_may_be_reused(db, make_employee):
    make_employee(email="reused@corp.test", employee_no="X1", active=False)
    plan = import_roster((HEADER + "\n1,reused@corp.test,Ann,OPS,Ops,front_line,HQ,,,,\n").encode())
    assert plan.counts()["created"] == 1


def test_employees_may_swap_emails(db):
    import_roster(GOOD.encode())
    db.session.commit()
    swapped = GOOD.replace("ana@corp.test", "TMP").replace("li@corp.test", "ana@corp.test").replace("TMP", "li@corp.test")
    plan = import_roster(swapped.encode())
    db.session.commit()
    assert plan.counts()["updated"] == 2
    assert by_no(db, "00017").email == "li@corp.test"
    assert by_no(db, "00042").email == "ana@corp.test"


def test_manager_cycle_across_rows(db):
    content = HEADER + "\nA,a@corp.test,Ann,OPS,Ops,front_line,HQ,B,,,\nB,b@corp.test,Bob,OPS,Ops,front_line,HQ,C,,,\nC,c@corp.test,Cy,OPS,Ops,front_line,HQ,A,,,\n"
    problems = problems_of(db, content)
    assert len(problems) == 1
    assert problems[0].startswith("line 2: manager_employee_id: manager cycle: A -> B -> C -> A")


def test_inconsistent_department_between_rows(db):
    content = HEADER + "\n1,a@corp.test,Ann,OPS,Ops,front_line,HQ,,,,\n2,b@corp.test,Bob,OPS,Operations,internal_provider,HQ,,,,\n"
    problems = problems_of(db, content)
    assert "line 3: department_name: department OPS has department_name 'Ops' on line 2, not 'Operations'" in problems
    assert "line 3: department_kind: department OPS has department_kind 'front_line' on line 2, not 'internal_provider'" in problems


def test_every_problem_is_listed_not_just_the_first(db):
    content = HEADER + "\n1,bad,Ann,OPS,Ops,front_line,HQ,,,,\n2,b@corp.test,,OPS,Ops,nope,HQ,,,,\n"
    problems = problems_of(db, content)
    assert len(problems) == 3
    assert [p.split(":")[0] for p in problems] == ["line 2", "line 3", "line 3"]


def test_one_bad_row_refuses_the_whole_file(db):
    content = GOOD + "00099,broken,Broken Row,OPS,Operations,front_line,HQ,,,,\n"
    problems = problems_of(db, content)
    assert problems[0].startswith("line 6: email:")
    assert db.session.execute(select(func.count()).select_from(Employee)).scalar_one() == 0


@pytest.mark.parametrize("header, expected", [
    ("employee_id,email,full_name,department_code,department_name,site", "line 1: department_kind: required column missing from the header"),
    ("employee_id,email,email,full_name,department_code,department_name,department_kind,site", "line 1: email: the column appears twice in the header"),
])
def test_wrong_or_missing_header(db, header, expected):
    assert expected in problems_of(db, header + "\n1,a@corp.test,x,y,z,w,v,u\n")


def test_file_without_a_header_is_refused_with_one_message(db):
    problems = problems_of(db, "1,a@corp.test,Ann,OPS,Ops,front_line,HQ,,,,\n")
    assert len(problems) == 1
    assert problems[0].startswith("line 1: header: this does not look like a roster CSV")


@pytest.mark.parametrize("content, expected", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "line 1: file: this is not a text file"),
    ("employee_id,email\n1,é\n".encode("latin-1"), "line 2: file: the file is not UTF-8 text"),
    (b"", "line 1: header: the file is empty"),
    (b'{"employees": [1, 2, 3]}', "line 1: header: this does not look like a roster CSV"),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "line 1: file: this is not a text file"),
])
def test_not_text_or_not_csv_gets_one_clear_message(db, content, expected):
    problems = problems_of(db, content)
    assert len(problems) == 1
    assert problems[0].startswith(expected)


def test_deactivate_missing_only_when_asked(db):
    import_roster(GOOD.encode())
    db.session.commit()
    fewer = "\n".join(GOOD.splitlines()[:3]) + "\n"  # drops 00042 and 00043
    plan = import_roster(fewer.encode())
    db.session.commit()
    assert plan.counts()["deactivated"] == 0
    assert by_no(db, "00042").active

    plan = import_roster(fewer.encode(), deactivate_missing=True)
    db.session.commit()
    assert plan.counts()["deactivated"] == 2
    gone = by_no(db, "00042")
    assert not gone.active and gone.full_name == "李小龍"  # kept, with history

    plan = import_roster(GOOD.encode())
    db.session.commit()
    assert plan.counts()["updated"] == 2 and by_no(db, "00042").active


def test_deactivating_a_manager_whose_reports_stay_is_refused(db):
    import_roster(GOOD.encode())
    db.session.commit()
    without_boss = "\n".join(line for line in GOOD.splitlines() if not line.startswith("00001")) + "\n"
    problems = problems_of(db, without_boss, deactivate_missing=True)
    assert any("manager '00001' would be deactivated by this import" in p for p in problems)


def test_updates_are_detected_per_field(db):
    import_roster(GOOD.encode())
    db.session.commit()
    changed = GOOD.replace("00017,ana@corp.test,Ana Pereira,OPS,Operations,front_line,HQ,00001,Agent,,2021-03-01",
                           "00017,ana@corp.test,Ana Pereira-Silva,IT,IT service desk,internal_provider,HQ,00042,Senior agent,trainer,2021-03-01")
    plan = preview_roster(changed.encode())
    assert plan.counts()["updated"] == 1
    assert set(plan.updated[0].changed_fields) == {"full_name", "department_code", "manager_no", "job_title", "roles"}
    import_roster(changed.encode())
    db.session.commit()
    ana = by_no(db, "00017")
    assert (ana.full_name, ana.department.code, ana.manager.employee_no, ana.job_title, ana.roles) == (
        "Ana Pereira-Silva", "IT", "00042", "Senior agent", {"learner", "trainer"})


def test_optional_columns_absent_leave_values_untouched(db):
    import_roster(GOOD.encode())
    db.session.commit()
    minimal = "employee_id,email,full_name,department_code,department_name,department_kind,site\n00001,boss@corp.test,Bea Boss,OPS,Operations,front_line,HQ\n"
    plan = import_roster(minimal.encode())
    db.session.commit()
    assert plan.counts()["unchanged"] == 1
    boss = by_no(db, "00001")
    assert boss.roles == {"learner", "manager", "trainer"} and boss.job_title == "Head of operations"


def test_export_then_import_changes_nothing(db):
    import_roster(GOOD.encode())
    db.session.commit()
    exported = export_roster()
    assert exported.splitlines()[0] == HEADER
    before = fingerprint(db)
    plan = import_roster(exported.encode(), deactivate_missing=True)
    db.session.commit()
    assert plan.counts() == {"created": 0, "updated": 0, "deactivated": 0, "unchanged": 4, "rejected": 0}
    assert fingerprint(db) == before


def test_export_then_import_on_the_demo_organization(demo_org):
    db = demo_org
    exported = export_roster()
    assert len(exported.splitlines()) > 150
    plan = import_roster(exported.encode(), deactivate_missing=True)
    assert plan.counts()["unchanged"] == len(exported.splitlines()) - 1
    assert plan.counts()["created"] == plan.counts()["updated"] == plan.counts()["deactivated"] == 0


def test_roster_import_signals_the_touched_employees(db):
    from lms.core.signals import employees_changed

    received = []

    def listener(sender, employee_ids):
        received.extend(employee_ids)

    employees_changed.connect(listener)
    try:
        import_roster(GOOD.encode())
    finally:
        employees_changed.disconnect(listener)
    assert len(received) == 4
