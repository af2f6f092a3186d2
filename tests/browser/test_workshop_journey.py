"""The two-day workshop in a real browser: a learner books, the trainer marks both days, the learner passes the
day-2 assessment and downloads the certificate."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from tests.browser.quiz_helpers import bank, take_attempt

pytestmark = pytest.mark.browser

SLUG = "service-problem-solving"
PASSWORD = "workshop-journey-pass"


def _prepare(live_app) -> tuple[str, str, int]:
    """A new front-line employee at the demo trainer's site (other browser tests may have booked everyone),
    and an upcoming session of that trainer with a seat left."""
    from lms.auth.services import set_password
    from lms.extensions import db
    from lms.learning.assignments import apply_assignment_rules
    from lms.org.models import Department, Employee
    from lms.workshops.models import SessionTrainer, WorkshopSession

    with live_app.app_context():
        trainer = db.session.execute(select(Employee).where(Employee.email == "trainer@demo.example")).scalar_one()
        session = next(s for s in db.session.execute(
            select(WorkshopSession).join(SessionTrainer).where(SessionTrainer.employee_id == trainer.id,
                                                               WorkshopSession.day1 > date.today())
        ).scalars() if s.seats_left > 0)
        department = next(d for d in db.session.execute(
            select(Department).where(Department.site_id == session.site_id, Department.kind == "front_line")
        ).scalars() if _department_has_room(d, session))
        learner = Employee(employee_no="JOURNEY-1", email="journey.learner@demo.example", full_name="Journey Learner",
                           job_title="Guest services agent", department=department)
        db.session.add(learner)
        db.session.flush()
        set_password(learner, PASSWORD)
        apply_assignment_rules(employee_ids=[learner.id])
        db.session.commit()
        return learner.email, learner.full_name, session.id


def _department_has_room(department, session) -> bool:
    """Whether the department's staffing floor leaves room for one more person on the session's days."""
    from lms.extensions import db
    from lms.workshops.booking import headcount
    from lms.workshops.models import DepartmentDay

    away = db.session.execute(select(DepartmentDay.away).where(DepartmentDay.department_id == department.id,
                                                               DepartmentDay.day.in_(session.days))).scalars().all()
    return max(away, default=0) < department.max_away(headcount(department.id))


def _days_pass(live_app, session_id: int) -> None:
    """Time passes: the session's two days move into the past."""
    from lms.extensions import db
    from lms.workshops.models import WorkshopSession

    day1 = date.today() - timedelta(days=7)
    while day1.weekday() >= 4:
        day1 -= timedelta(days=1)
    with live_app.app_context():
        db.session.execute(update(WorkshopSession).where(WorkshopSession.id == session_id)
                           .values(day1=day1, day2=day1 + timedelta(days=1)))
        db.session.commit()


def _log_out(page: Page) -> None:
    menu = page.get_by_role("button", name="Show navigation")
    if menu.is_visible():
        menu.click()
    page.get_by_role("button", name="Log out").click()


def test_book_attend_both_days_pass_and_download_the_certificate(page: Page, live_app, live_server, login_as):
    email, name, session_id = _prepare(live_app)

    login_as(email, PASSWORD)
    page.goto(f"{live_server}/workshops/sessions/{session_id}")
    page.get_by_role("button", name="Book a seat").click()
    expect(page.get_by_role("status")).to_contain_text("You are booked")
    page.goto(f"{live_server}/workshops/my")
    expect(page.get_by_role("link", name=re.compile("Calendar invite"))).to_be_visible()
    _log_out(page)

    _days_pass(live_app, session_id)
    login_as("trainer@demo.example")
    page.goto(f"{live_server}/workshops/teaching")
    page.goto(f"{live_server}/workshops/sessions/{session_id}/sign-in")
    row = page.get_by_role("row").filter(has_text=name)
    for day in (1, 2):
        row.get_by_role("group", name=f"{name}, day {day}").get_by_text("Present", exact=True).click()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("status")).to_contain_text("Attendance saved")
    _log_out(page)

    login_as(email, PASSWORD)
    page.goto(f"{live_server}/courses/{SLUG}")
    expect(page.get_by_text("Attend both days")).to_have_count(0)
    page.get_by_role("link", name=re.compile("^(Start the course|Resume)")).click()
    mark = page.get_by_role("button", name=re.compile("^Mark complete"))
    while mark.count():  # the pre-work, then the module for after the workshop
        mark.click()
    page.goto(f"{live_server}/courses/{SLUG}/quiz")
    page.get_by_role("button", name="Start the quiz").click()
    take_attempt(page, bank(SLUG), right=True)
    expect(page.get_by_role("status").filter(has_text="Passed")).to_be_visible()

    page.goto(f"{live_server}/courses/{SLUG}")
    expect(page.get_by_text("You completed this course")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    path = download.value.path()
    assert open(path, "rb").read(5) == b"%PDF-"
