"""Live assignment rules: enrolment now and later, moves, leavers, due dates, and the admin page."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lms.learning.assignments import apply_assignment_rules, create_rule, deactivate_rule
from lms.learning.models import Enrolment
from lms.org.models import Employee
from lms.org.services import import_roster

HEADER = "employee_id,email,full_name,department_code,department_name,department_kind,site,manager_employee_id,job_title,roles,hire_date"


def courses_of(db, employee_no: str, assigned_only: bool = True) -> set[str]:
    stmt = select(Enrolment).join(Employee).where(Employee.employee_no == employee_no)
    enrolments = db.session.execute(stmt).scalars().all()
    return {e.course.slug for e in enrolments if not assigned_only or e.unassigned_at is None}


def test_newly_imported_internal_provider_is_enrolled_automatically(db, synced):
    import_roster((HEADER + "\nN1,new.it@corp.test,New Analyst,ITSD,IT service desk,internal_provider,HQ,,Analyst,,2027-01-04\n").encode())
    db.session.commit()
    assert courses_of(db, "N1") == {"service-excellence-for-everyone", "service-recovery-last", "serving-the-front-line"}


def test_front_line_manager_and_leader_tracks(db, synced):
    import_roster((HEADER + "\n"
                   "F1,front@corp.test,Front Agent,CC,Contact centre,front_line,HQ,M1,Agent,,\n"
                   "M1,mgr@corp.test,Team Manager,CC,Contact centre,front_line,HQ,L1,Manager,manager,\n"
                   "L1,lead@corp.test,The Leader,EXEC,Leadership,leadership,HQ,,CEO,leader,\n").encode())
    db.session.commit()
    everyone = {"service-excellence-for-everyone", "service-recovery-last"}
    assert courses_of(db, "F1") == everyone | {"empowered-to-solve"}
    assert courses_of(db, "M1") == everyone | {"empowered-to-solve", "leading-a-service-culture"}
    assert courses_of(db, "L1") == everyone | {"leading-a-service-culture"}


def test_moving_department_enrols_and_keeps_history(db, synced):
    row = "P1,p@corp.test,Pat,{code},{name},{kind},HQ,,,,\n"
    import_roster((HEADER + "\n" + row.format(code="LOG", name="Logistics", kind="internal_provider")).encode())
    db.session.commit()
    assert "serving-the-front-line" in courses_of(db, "P1")
    import_roster((HEADER + "\n" + row.format(code="CC", name="Contact centre", kind="front_line")).encode())
    db.session.commit()
    assert courses_of(db, "P1") == {"service-excellence-for-everyone", "service-recovery-last", "empowered-to-solve"}
    # the old course is kept, marked as no longer assigned
    assert "serving-the-front-line" in courses_of(db, "P1", assigned_only=False)
    import_roster((HEADER + "\n" + row.format(code="LOG", name="Logistics", kind="internal_provider")).encode())
    db.session.commit()
    assert "serving-the-front-line" in courses_of(db, "P1")


def test_reapplying_rules_changes_nothing(db, synced, make_employee):
    make_employee()
    apply_assignment_rules()
    before = db.session.execute(select(Enrolment.id, Enrolment.due_date, Enrolment.unassigned_at).order_by(Enrolment.id)).all()
    report = apply_assignment_rules()
    assert (report.enrolled, report.due_changed, report.unassigned, report.reassigned) == (0, 0, 0, 0)
    assert db.session.execute(select(Enrolment.id, Enrolment.due_date, Enrolment.unassigned_at).order_by(Enrolment.id)).all() == before


def test_rule_due_dates(db, synced, course, make_employee, make_department):
    kitchen = make_department(kind="front_line")
    hired = make_employee(department=kitchen, hire_date=date(2027, 1, 4))
    admin = make_employee(roles=("admin",))
    culture = course("leading-a-service-culture")
    create_rule(admin, culture, department_ids=[kitchen.id], due_kind="after_hire", due_days=60)
    enrolment = db.session.execute(select(Enrolment).where(Enrolment.employee_id == hired.id, Enrolment.course_id == culture.id)).scalar_one()
    assert enrolment.due_date == date(2027, 3, 5)
    # a second, earlier rule for the same course wins
    create_rule(admin, culture, employee_ids=[hired.id], due_kind="fixed", due_date=date(2027, 2, 1))
    db.session.refresh(enrolment)
    assert enrolment.due_date == date(2027, 2, 1)


def test_default_rule_due_thirty_days_after_assignment(db, synced, make_employee):
    person = make_employee()
    apply_assignment_rules(employee_ids=[person.id])
    dues = {e.due_date for e in db.session.execute(select(Enrolment).where(Enrolment.employee_id == person.id)).scalars()}
    assert dues == {date.today() + timedelta(days=30)}


def test_deactivated_rule_unassigns_but_keeps_enrolment(db, synced, course, make_employee):
    admin = make_employee(roles=("admin",))
    person = make_employee()
    rule, report = create_rule(admin, course("leading-a-service-culture"), employee_ids=[person.id])
    assert report.enrolled == 1
    report = deactivate_rule(rule)
    assert report.unassigned == 1
    enrolment = db.session.execute(select(Enrolment).where(Enrolment.employee_id == person.id, Enrolment.course_id == rule.course_id)).scalar_one()
    assert enrolment.unassigned_at is not None


def test_admin_assigns_through_the_page(client, db, synced, course, make_employee, login, make_department):
    admin = make_employee(roles=("admin",))
    finance = make_department(kind="internal_provider")
    worker = make_employee(department=finance)
    login(admin)
    culture = course("leading-a-service-culture")
    response = client.post("/admin/assignments", data={
        "course_id": culture.id, "audience": "some", "department_ids": [finance.id], "due_kind": "fixed",
        "due_date": "2027-06-30", "due_days": ""}, follow_redirects=True)
    assert response.status_code == 200
    assert "assigned: 1 person enrolled now" in response.get_data(as_text=True)  # singular since the flash uses ngettext
    enrolment = db.session.execute(select(Enrolment).where(Enrolment.employee_id == worker.id, Enrolment.course_id == culture.id)).scalar_one()
    assert enrolment.due_date == date(2027, 6, 30)


def test_assignment_page_refuses_empty_audience_and_unknown_people(client, db, synced, course, make_employee, login):
    login(make_employee(roles=("leader",)))
    culture = course("leading-a-service-culture")
    empty = client.post("/admin/assignments", data={"course_id": culture.id, "audience": "some", "due_kind": "none"})
    assert "Choose who the course is for" in empty.get_data(as_text=True)
    unknown = client.post("/admin/assignments", data={"course_id": culture.id, "audience": "some", "due_kind": "none",
                                                      "employee_nos": "NOPE-1"})
    assert "No employee with the id NOPE-1" in unknown.get_data(as_text=True)
