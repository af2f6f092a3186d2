"""The whole programme on the demo organization, in order, through the UI of a real browser.

An admin imports a roster that adds a front-line agent (Contact centre) and a back-office accounts
officer (Finance, an internal provider), both at Port Louis head office, and sets their passwords on
each one's employee page (the admin "Set password" form; no CLI is needed). A leader assigns the
workshop to every front-line and back-office department and publishes a rollout plan for the Airport
and Belle Mare; Port Louis runs its own session with the trainer certified here. A lead trainer opens
a cohort, a manager nominates a contact-centre colleague, the lead trainer accepts them and records the
first meeting, the demo trainer records a co-delivery, and the lead trainer's teach-back certifies them.
The admin schedules a session that the new trainer delivers; both new employees book a seat, do their
online courses (modules and quizzes), attend both days (the new trainer marks each day on the sign-in
sheet), pass the day-2 assessment and download every certificate. The leader finally finds both on the
dashboard (the completions counted) and in the person-by-person export (CSV and XLSX).

The steps are separate tests sharing one `journey` record on a demo platform of their own; a step
whose predecessor failed is skipped, so a failure names its step. Nothing calls a service to make
something happen: the database is read only for what the UI never shows (employee ids for the CSV,
a free colleague to nominate) and the GIFT banks give the right answers. Time is the one exception:
the platform has no clock to set, and a seat can be booked only before a session starts while
attendance is taken only once its day has come, so "days pass" by moving the session's two dates in
the database (as tests/browser/test_workshop_journey.py does); the train-the-trainer steps are dated
in the past through their own forms (meeting, co-delivery and teach-back dates), so that the new
trainer is certified before the session's days.
"""
from __future__ import annotations

import csv
import inspect
import io
import re
from datetime import date, timedelta
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from tests.browser.own_server import build_demo_app, serve
from tests.browser.quiz_helpers import bank, take_attempt

pytestmark = pytest.mark.browser

WORKSHOP = "service-problem-solving"
FRONT_LINE_COURSES = ("service-excellence-for-everyone", "service-recovery-last", "empowered-to-solve")
BACK_OFFICE_COURSES = ("service-excellence-for-everyone", "service-recovery-last", "serving-the-front-line")
COURSE_TITLES = {
    "service-excellence-for-everyone": "Service Excellence for Everyone",
    "service-recovery-last": "Service Recovery with LAST",
    "empowered-to-solve": "Empowered to Solve",
    "serving-the-front-line": "Serving the Front Line",
    WORKSHOP: "Service Problem Solving",
}
PEOPLE = {
    "front_line": {"no": "J900001", "email": "shanti.ramsurrun@demo.example", "name": "Shanti Ramsurrun",
                   "title": "Contact centre agent", "department": ("CC", "Contact centre", "front_line"),
                   "password": "journey-front-line-2027", "courses": FRONT_LINE_COURSES},
    "back_office": {"no": "J900002", "email": "olivier.desvaux@demo.example", "name": "Olivier Desvaux",
                    "title": "Accounts officer", "department": ("FIN", "Finance", "internal_provider"),
                    "password": "journey-back-office-2027", "courses": BACK_OFFICE_COURSES},
}
TRAINEE_PASSWORD = "journey-new-trainer-2027"
COHORT = "Contact centre trainers"
PLAN = "Airport and Belle Mare, first wave"
CRITERIA = ("Models the LAST conversation", "Draws out holistic service thinking instead of scripts",
            "Answers a \"no\" with options", "Runs mixed front-line and back-office groups",
            "Debriefs exercises into practice", "Keeps time")
TODAY = date.today()
MEETING_DAY = TODAY - timedelta(days=21)
CO_DELIVERY_DAY = TODAY - timedelta(days=14)
TEACH_BACK_DAY = TODAY - timedelta(days=10)


# --------------------------------------------------------------------------- the platform and the shared record


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    """A demo platform for this journey alone (as `lms init --demo` leaves it): other browser tests' bookings and
    plans cannot change it."""
    return build_demo_app(tmp_path_factory, "journey", RATELIMIT_ENABLED=True)


@pytest.fixture(scope="module")
def live_server(live_app):
    """This journey's platform served in a thread; yields its base URL."""
    with serve(live_app) as url:
        yield url


@pytest.fixture(scope="module")
def journey() -> dict:
    """What one step leaves for the next, and which steps passed."""
    return {"done": set()}


@pytest.fixture
def step(request, journey):
    """Skip unless every earlier step (in the order of this module) passed; record this one when it returns."""
    steps = [name for name, fn in vars(request.module).items()
             if name.startswith("test_") and "step" in inspect.signature(fn).parameters]
    for earlier in steps[:steps.index(request.node.originalname)]:
        if earlier not in journey["done"]:
            pytest.skip(f"an earlier step did not pass (it failed or was not selected): {earlier}")
    yield
    journey["done"].add(request.node.originalname)


def _db_lookup(live_app, fn):
    """Run `fn()` in the app's context: reading only, for what the UI does not show."""
    with live_app.app_context():
        return fn()


def _log_out(page: Page) -> None:
    menu = page.get_by_role("button", name="Show navigation")
    if menu.is_visible():
        menu.click()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login"))


def _flash(page: Page):
    return page.locator("#flash")


def _course_figures(page: Page, caption: str = "Participation per course") -> dict[str, dict[str, int]]:
    """The dashboard's participation per course: course title -> assigned, started, completed."""
    table = page.get_by_role("table", name=caption, exact=True)
    expect(table).to_be_visible()
    figures = {}
    for row in table.get_by_role("row").all()[1:]:
        title = row.get_by_role("rowheader").inner_text().split(" workshop, everyone")[0].strip()
        cells = [c.inner_text().strip() for c in row.get_by_role("cell").all()]
        figures[title] = {"assigned": int(cells[0]), "started": int(cells[1]), "completed": int(cells[2])}
    return figures


def _department_figures(page: Page, live_server: str, department: str) -> dict[str, dict[str, int]]:
    """The same figures on a department's page, reached from the dashboard's department table."""
    page.goto(f"{live_server}/insights")
    page.get_by_role("table", name=re.compile("^Participation by department")).get_by_role(
        "link", name=department, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(department)
    return _course_figures(page, f"Participation per course in {department}")


def _certified_trainers(page: Page, site: str) -> int:
    """The dashboard's trainer pipeline: trainers certified at a site."""
    row = page.get_by_role("table", name="Workshop trainers per site").get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=site, exact=True))
    return int(row.get_by_role("cell").nth(3).inner_text())


def _workshop_completed(page: Page) -> int:
    sentence = page.get_by_text(re.compile(r"^\d+ of \d+ people have completed the workshop"))
    return int(re.match(r"(\d+)", sentence.inner_text()).group(1))


def _days_pass(live_app, session_id: int, day1: date, day2: date) -> None:
    """Time passes: the session's two days are now `day1` and `day2` (see the module docstring)."""
    from lms.extensions import db
    from lms.workshops.models import WorkshopSession

    with live_app.app_context():
        db.session.execute(update(WorkshopSession).where(WorkshopSession.id == session_id).values(day1=day1, day2=day2))
        db.session.commit()


# --------------------------------------------------------------------------- 0. the leader's starting figures


def test_leader_notes_the_starting_figures(page: Page, live_server, login_as, journey, step):
    login_as("leader@demo.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enterprise dashboard")
    journey["figures_before"] = _course_figures(page)
    journey["workshop_completed_before"] = _workshop_completed(page)
    journey["certified_before"] = _certified_trainers(page, "Port Louis head office")
    departments = [person["department"][1] for person in PEOPLE.values()]
    journey["departments_before"] = {name: _department_figures(page, live_server, name) for name in departments}
    assert set(COURSE_TITLES.values()) <= set(journey["figures_before"])


# --------------------------------------------------------------------------- 1. an admin imports a roster


def test_admin_imports_the_roster_and_sets_passwords(page: Page, live_app, live_server, login_as, journey, step):
    heads = _db_lookup(live_app, _department_heads)
    lines = ["employee_id,email,full_name,department_code,department_name,department_kind,site,manager_employee_id,"
             "job_title,hire_date"]
    for person in PEOPLE.values():
        code, name, kind = person["department"]
        lines.append(f"{person['no']},{person['email']},{person['name']},{code},{name},{kind},PLU,{heads[code]},"
                     f"{person['title']},{TODAY - timedelta(days=30):%Y-%m-%d}")
    roster = ("\n".join(lines) + "\n").encode("utf-8")

    login_as("admin@demo.example")
    page.goto(f"{live_server}/admin/roster")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a roster")
    page.get_by_label("Roster CSV file").set_input_files(
        files=[{"name": "hr-roster.csv", "mimeType": "text/csv", "buffer": roster}])
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Roster preview: hr-roster.csv")
    summary = page.get_by_role("list", name="Summary")
    expect(summary).to_contain_text("2 created")
    expect(summary).to_contain_text("0 rejected rows")
    for person in PEOPLE.values():
        expect(page.get_by_text(f"{person['no']} {person['name']}")).to_be_visible()
    page.get_by_role("button", name="Apply the import").click()
    expect(_flash(page)).to_contain_text("Roster applied: 2 created, 0 updated, 0 deactivated")

    for person in PEOPLE.values():
        page.goto(f"{live_server}/admin/employees?q={person['no']}")
        rows = page.get_by_role("table").get_by_role("row")
        expect(rows).to_have_count(2)  # the heading and the one match
        rows.get_by_role("link", name=person["name"]).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(person["name"])
        expect(page.get_by_text(f"{person['department'][1]} (", exact=False).first).to_be_visible()
        page.get_by_label("New password").fill(person["password"])
        page.get_by_role("button", name="Set password").click()
        expect(_flash(page)).to_contain_text(f"Password of {person['name']} set")
    _log_out(page)

    for person in PEOPLE.values():
        login_as(person["email"], person["password"])
        expect(page.get_by_role("heading", level=1)).to_have_text("My learning")
        for slug in person["courses"]:
            expect(page.get_by_role("link", name=COURSE_TITLES[slug], exact=True)).to_be_visible()
        _log_out(page)


def _department_heads() -> dict[str, str]:
    """The employee id of each new employee's department manager (the CSV names managers by employee id)."""
    from lms.extensions import db
    from lms.org.models import Department, Employee, EmployeeRole

    heads = {}
    for code in ("CC", "FIN"):
        heads[code] = db.session.execute(
            select(Employee.employee_no).join(Department, Employee.department_id == Department.id)
            .join(EmployeeRole, EmployeeRole.employee_id == Employee.id)
            .where(Department.code == code, EmployeeRole.role == "manager").order_by(Employee.id)
        ).scalars().first()
    return heads


# --------------------------------------------------------------------------- 2. a leader assigns and plans


def test_leader_assigns_the_workshop_to_every_worker(page: Page, live_server, login_as, journey, step):
    login_as("leader@demo.example")
    page.goto(f"{live_server}/admin/assignments")
    expect(page.get_by_role("heading", level=1)).to_have_text("Assignments")
    rules = page.get_by_role("table", name="Assignment rules").get_by_role("row")
    before = rules.count()
    page.get_by_label("Course", exact=True).select_option(label="Service Problem Solving (workshop)")
    page.get_by_label("Only the groups chosen below").check()
    page.get_by_label("Front line", exact=True).check()
    page.get_by_label("Internal service providers").check()
    page.get_by_label("N days after being assigned").check()
    page.get_by_label("Days", exact=True).fill("90")
    page.get_by_role("button", name="Assign").click()

    expect(_flash(page)).to_contain_text("Service Problem Solving assigned:")
    enrolled = int(re.search(r"assigned: (\d+) people enrolled now", _flash(page).inner_text()).group(1))
    assert enrolled > 100  # every front-line and back-office worker of the demo company, the two new ones too
    expect(rules).to_have_count(before + 1)
    new_rule = rules.filter(has_text="front line departments").filter(has_text="Service Problem Solving")
    expect(new_rule).to_contain_text("90 days after assignment")
    expect(new_rule).to_contain_text("Active")
    _log_out(page)

    for person in PEOPLE.values():
        login_as(person["email"], person["password"])
        expect(page.get_by_role("link", name=COURSE_TITLES[WORKSHOP], exact=True)).to_be_visible()
        _log_out(page)


def test_leader_publishes_a_rollout_plan(page: Page, live_server, login_as, journey, step):
    login_as("leader@demo.example")
    page.goto(f"{live_server}/rollout")
    page.get_by_role("link", name="New plan").click()
    page.get_by_label("Name", exact=True).fill(PLAN)
    page.get_by_label("Port Louis head office").uncheck()  # Port Louis runs its own sessions (steps 3 and 4)
    for site in ("Airport", "Belle Mare resort"):
        expect(page.get_by_label(site)).to_be_checked()
    page.get_by_role("button", name="Create plan and see the bound").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(PLAN)
    expect(page.get_by_text("No plan can finish before working day")).to_be_visible()
    page.get_by_role("button", name="Solve", exact=True).click()
    expect(page.get_by_role("heading", name="The plan")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Everyone is placed.")).to_be_visible()
    publish = page.get_by_role("button", name=re.compile(r"Publish \d+ sessions and book everyone"))
    planned = int(re.search(r"Publish (\d+)", publish.inner_text()).group(1))
    assert planned > 0
    publish.click()

    expect(_flash(page)).to_contain_text(f"Published {planned} sessions")
    published = page.get_by_role("region", name=re.compile("Published sessions")).get_by_role("link")
    expect(published).to_have_count(planned)
    page.goto(f"{live_server}/rollout")
    expect(page.get_by_role("row").filter(has_text=PLAN).get_by_role("cell", name="Published")).to_be_visible()
    journey["planned_sessions"] = planned


# --------------------------------------------------------------------------- 3. a lead trainer certifies a new trainer


def _free_colleague() -> dict:
    """A contact-centre agent reporting to the demo manager, on no trainer path yet (the nomination list is long)."""
    from lms.extensions import db
    from lms.org.models import Employee
    from lms.trainers.models import CohortMember

    manager = db.session.execute(select(Employee).where(Employee.email == "manager@demo.example")).scalar_one()
    person = db.session.execute(
        select(Employee).where(Employee.manager_id == manager.id, Employee.active, Employee.password_hash.is_(None),
                               Employee.id.not_in(select(CohortMember.employee_id)))
        .order_by(Employee.id)
    ).scalars().first()
    return {"id": person.id, "no": person.employee_no, "email": person.email, "name": person.full_name}


def test_lead_trainer_certifies_a_new_trainer(page: Page, live_app, live_server, login_as, journey, step):
    trainee = journey["trainee"] = _db_lookup(live_app, _free_colleague)
    name = trainee["name"]

    # the lead trainer opens a cohort (the pilot cohorts' way: no prerequisite courses) and its first meeting
    login_as("lead.trainer@demo.example")
    page.goto(f"{live_server}/trainers/cohorts/new")
    page.get_by_label("Name", exact=True).fill(COHORT)
    page.get_by_label("Site", exact=True).select_option(label="Port Louis head office")
    prerequisites = page.get_by_role("group", name="Prerequisite courses").get_by_role("checkbox")
    for box in prerequisites.all():
        box.uncheck()
    page.get_by_role("button", name="Create cohort").click()
    expect(_flash(page)).to_contain_text(f"{COHORT} created")
    expect(page.get_by_role("heading", level=1)).to_contain_text(COHORT)
    journey["cohort_url"] = page.url
    page.get_by_label("Title", exact=True).fill("Day 1: the trainer in the cascade")
    page.get_by_label("Place", exact=True).fill("Baobab room, Port Louis")
    page.get_by_label("Date", exact=True).fill(MEETING_DAY.isoformat())
    page.get_by_label("Starts", exact=True).fill("09:00")
    page.get_by_label("Ends", exact=True).fill("16:30")
    page.get_by_role("button", name="Add meeting").click()
    expect(_flash(page)).to_contain_text("Meeting added")
    page.get_by_role("button", name="Start cohort").click()
    expect(_flash(page)).to_contain_text(f"{COHORT} is now running")
    _log_out(page)

    # the manager nominates the colleague
    login_as("manager@demo.example")
    page.goto(f"{live_server}/trainers/nominees")
    page.get_by_label("Person", exact=True).select_option(label=f"{name} (Contact centre)")
    page.get_by_label("Cohort", exact=True).select_option(label=f"{COHORT} (Port Louis head office, running)")
    page.get_by_label("Why this person").fill("Calms the hardest callers and coaches new agents without being asked.")
    page.get_by_role("button", name="Nominate").click()
    expect(_flash(page)).to_contain_text(f"{name} nominated to {COHORT}")
    nominees = page.get_by_role("table", name="Your nominees").get_by_role("row")
    expect(nominees.filter(has_text=name)).to_contain_text("nominated")
    _log_out(page)

    # the lead trainer accepts them and records the meeting they attended
    login_as("lead.trainer@demo.example")
    page.goto(journey["cohort_url"])
    page.get_by_role("link", name=name).click()
    expect(page.locator("#member-state")).to_have_text("nominated")
    page.get_by_label("Reason", exact=True).fill("A strong nomination; a place is free.")
    page.get_by_role("button", name="Accept").click()
    expect(_flash(page)).to_contain_text(f"{name} accepted")
    page.get_by_role("link", name="Attendance for Day 1: the trainer in the cascade").click()
    page.get_by_label(name).check()
    page.get_by_role("button", name="Save attendance").click()
    expect(_flash(page)).to_contain_text(f"In training now: {name}")
    _log_out(page)

    # a certified trainer records the co-delivery
    login_as("trainer@demo.example")
    page.goto(f"{live_server}/trainers/me")
    page.get_by_label("Trainee's e-mail or employee id").fill(trainee["no"])
    page.get_by_label("Session date").fill(CO_DELIVERY_DAY.isoformat())
    page.get_by_label("The session").fill("Belle Mare workshop; led the LAST role plays on day 1.")
    page.get_by_role("button", name="Record co-delivery").click()
    expect(_flash(page)).to_contain_text(f"Co-delivery by {name} recorded")
    _log_out(page)

    # the lead trainer observes the teach-back: certified
    login_as("lead.trainer@demo.example")
    page.goto(journey["cohort_url"])
    member_row = page.get_by_role("row").filter(has_text=name)
    expect(member_row).to_contain_text("co-delivered")
    expect(member_row).to_contain_text("1 meeting attended")
    member_row.get_by_role("link", name=name).click()
    page.get_by_role("link", name="Record the teach-back").click()
    for title in CRITERIA:
        page.get_by_role("group", name=title).get_by_label(re.compile(r"^3: ")).check()
    page.get_by_label("Date observed").fill(TEACH_BACK_DAY.isoformat())
    page.get_by_label("Feedback for the member").fill("Kept a mixed room talking about the service chain.")
    page.get_by_role("button", name="Record the teach-back").click()
    expect(_flash(page)).to_contain_text(f"{name} is now a certified trainer")
    expect(page.locator("#member-state")).to_have_text("certified")
    page.goto(f"{live_server}/trainers/certified")
    expect(page.get_by_role("row").filter(has_text=name)).to_be_visible()
    _log_out(page)

    # the admin gives the new trainer a password
    login_as("admin@demo.example")
    page.goto(f"{live_server}/admin/employees/{trainee['id']}")
    page.get_by_label("New password").fill(TRAINEE_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(_flash(page)).to_contain_text(f"Password of {name} set")
    _log_out(page)
    login_as(trainee["email"], TRAINEE_PASSWORD)
    expect(page).to_have_url(re.compile(r"/trainers/me$"))
    expect(page.get_by_role("status").filter(has_text="Certification expires in")).to_be_visible()


# --------------------------------------------------------------------------- 4. a session for the new trainer


def _first_free_day() -> date:
    """Day 1 of the Port Louis session: the third working day from today (the demo's own sessions start later)."""
    from lms.extensions import db
    from lms.org.models import Site
    from lms.workshops.calendar import site_calendar

    calendar = site_calendar(db.session.execute(select(Site).where(Site.code == "PLU")).scalar_one())
    day = TODAY
    for _ in range(3):
        day = calendar.next_working_day(day)
    return day


def test_admin_schedules_a_session_for_the_new_trainer(page: Page, live_app, live_server, login_as, journey, step):
    name = journey["trainee"]["name"]
    day1 = _db_lookup(live_app, _first_free_day)
    login_as("admin@demo.example")
    page.goto(f"{live_server}/workshops?site=0")
    page.get_by_role("link", name="Schedule a session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schedule a session")
    page.get_by_label("Room", exact=True).select_option(label="Port Louis head office: Dodo room (16 seats)")
    page.get_by_label("Day 1", exact=True).fill(day1.isoformat())
    page.get_by_label("Seats", exact=True).fill("12")
    page.get_by_label("Trainers (one or two)").select_option(label=f"{name} (Port Louis head office)")
    page.get_by_label("Open for booking now").check()
    page.get_by_role("button", name="Schedule").click()
    expect(_flash(page)).to_contain_text(f"Session scheduled: {day1:%d %B}")
    journey["session_id"] = int(re.search(r"/workshops/sessions/(\d+)$", page.url).group(1))
    _log_out(page)

    login_as(journey["trainee"]["email"], TRAINEE_PASSWORD)
    page.goto(f"{live_server}/workshops/teaching")
    expect(page.get_by_role("link", name=f"Sign-in sheet for {day1:%d %B}")).to_be_visible()


# ------------------------------------------------------------------------ 5. the learners: booking and online courses


def test_learners_book_a_seat(page: Page, live_server, login_as, journey, step):
    session_id = journey["session_id"]
    for person in PEOPLE.values():
        login_as(person["email"], person["password"])
        page.goto(f"{live_server}/workshops")  # their own site, from this week
        page.locator(f'a[href="/workshops/sessions/{session_id}"]').first.click()
        expect(page.get_by_text(journey["trainee"]["name"]).first).to_be_visible()
        page.get_by_role("button", name="Book a seat").click()
        expect(_flash(page)).to_contain_text("You are booked")
        page.goto(f"{live_server}/workshops/my")
        expect(page.get_by_role("link", name=re.compile("Calendar invite"))).to_be_visible()
        _log_out(page)


def _complete_modules(page: Page, live_server, slug: str) -> None:
    page.goto(f"{live_server}/courses/{slug}")
    page.get_by_role("link", name=re.compile("^(Start the course|Resume)")).click()
    mark = page.get_by_role("button", name=re.compile("^Mark complete"))
    while mark.count():
        with page.expect_navigation():  # the next module, or the course page after the last one
            mark.click()
    page.goto(f"{live_server}/courses/{slug}")
    expect(page.get_by_text(re.compile(r"^(\d+) of \1 modules done"))).to_be_visible()


def _pass_quiz(page: Page, live_server, slug: str) -> None:
    page.goto(f"{live_server}/courses/{slug}/quiz")
    page.get_by_role("button", name="Start the quiz").click()
    take_attempt(page, bank(slug), right=True)
    expect(page.get_by_role("status").filter(has_text="Passed")).to_be_visible()


def test_learners_complete_their_online_courses(page: Page, live_server, login_as, journey, step):
    for person in PEOPLE.values():
        login_as(person["email"], person["password"])
        for slug in person["courses"]:
            _complete_modules(page, live_server, slug)
            _pass_quiz(page, live_server, slug)
            page.goto(f"{live_server}/courses/{slug}")
            expect(page.get_by_text("You completed this course")).to_be_visible()
        _log_out(page)


# --------------------------------------------------------------------------- 4. the new trainer marks both days


def _mark(page: Page, day: int) -> None:
    for person in PEOPLE.values():
        row = page.get_by_role("row").filter(has_text=person["name"])
        row.get_by_role("group", name=f"{person['name']}, day {day}").get_by_text("Present", exact=True).click()
    page.get_by_role("button", name="Save attendance").click()
    expect(_flash(page)).to_contain_text("Attendance saved (2 changed)")


def test_new_trainer_marks_both_days(page: Page, live_app, live_server, login_as, journey, step):
    session_id = journey["session_id"]
    sheet = f"{live_server}/workshops/sessions/{session_id}/sign-in"
    login_as(journey["trainee"]["email"], TRAINEE_PASSWORD)

    _days_pass(live_app, session_id, TODAY, TODAY + timedelta(days=1))  # day 1 has come
    page.goto(f"{live_server}/workshops/teaching")
    page.get_by_role("link", name=f"Sign-in sheet for {TODAY:%d %B}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in sheet")
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(1 + len(PEOPLE))
    for person in PEOPLE.values():  # day 2 has not happened yet: its marks are disabled
        expect(page.get_by_role("group", name=f"{person['name']}, day 2").get_by_role("radio").first).to_be_disabled()
    _mark(page, 1)

    _days_pass(live_app, session_id, TODAY - timedelta(days=1), TODAY)  # and now day 2
    page.goto(sheet)
    _mark(page, 2)
    for person in PEOPLE.values():
        for day in (1, 2):
            group = page.get_by_role("group", name=f"{person['name']}, day {day}")
            expect(group.get_by_role("radio", name="Present")).to_be_checked()


# --------------------------------------------------------------------------- 5. the learners finish the workshop


def _download_certificate(page: Page, title: str) -> None:
    """Download the course's certificate from My learning: a PDF, by its response and by the file saved."""
    link = page.get_by_role("link", name=f"Download certificate for {title}")
    response = page.request.get(urljoin(page.url, link.get_attribute("href")))  # the browser's own cookies
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as saved:
        assert saved.read(5) == b"%PDF-"


def test_learners_finish_the_workshop_and_download_their_certificates(page: Page, live_server, login_as, journey, step):
    for person in PEOPLE.values():
        login_as(person["email"], person["password"])
        page.goto(f"{live_server}/courses/{WORKSHOP}")
        expect(page.get_by_text("Attend both days")).to_have_count(0)
        _complete_modules(page, live_server, WORKSHOP)  # the pre-work and the module for after the workshop
        page.goto(f"{live_server}/courses/{WORKSHOP}/quiz")
        expect(page.get_by_role("heading", level=1)).to_have_text("Service Problem Solving, day-2 assessment")
        page.get_by_role("button", name="Start the quiz").click()
        take_attempt(page, bank(WORKSHOP), right=True)
        expect(page.get_by_role("status").filter(has_text="Passed")).to_be_visible()
        page.goto(f"{live_server}/courses/{WORKSHOP}")
        expect(page.get_by_text("You completed this course")).to_be_visible()

        page.goto(f"{live_server}/my")
        titles = [COURSE_TITLES[slug] for slug in (*person["courses"], WORKSHOP)]
        expect(page.get_by_role("link", name=re.compile("^Download certificate for "))).to_have_count(len(titles))
        for title in titles:
            _download_certificate(page, title)
        _log_out(page)


# --------------------------------------------------------------------------- 6. the leader sees all of it


def test_leader_sees_the_completions_on_the_dashboard(page: Page, live_server, login_as, journey, step):
    login_as("leader@demo.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enterprise dashboard")
    before, after = journey["figures_before"], _course_figures(page)
    finished = {title: 0 for title in COURSE_TITLES.values()}
    for person in PEOPLE.values():
        for slug in (*person["courses"], WORKSHOP):
            finished[COURSE_TITLES[slug]] += 1
    for title, count in finished.items():
        assert after[title]["completed"] == before[title]["completed"] + count, title
    for slug in ("service-excellence-for-everyone", "service-recovery-last"):  # everyone's courses: two more people
        assert after[COURSE_TITLES[slug]]["assigned"] == before[COURSE_TITLES[slug]]["assigned"] + 2
    assert _workshop_completed(page) == journey["workshop_completed_before"] + 2
    expect(page.get_by_text(f"the published plan “{PLAN}” finishes on")).to_be_visible()
    assert _certified_trainers(page, "Port Louis head office") == journey["certified_before"] + 1

    # and in each one's department, through the drill-down
    for person in PEOPLE.values():
        department = person["department"][1]
        figures = _department_figures(page, live_server, department)
        for slug in (*person["courses"], WORKSHOP):
            title = COURSE_TITLES[slug]
            assert figures[title]["completed"] == journey["departments_before"][department][title]["completed"] + 1


def _people_rows(rows: list[dict]) -> dict[str, dict]:
    return {row["Employee id"]: row for row in rows}


def _check_export(rows: dict[str, dict]) -> None:
    for person in PEOPLE.values():
        row = rows[person["no"]]
        assert row["Name"] == person["name"]
        assert row["Department"] == person["department"][1]
        for slug in (*person["courses"], WORKSHOP):
            assert row[COURSE_TITLES[slug]] == "completed", (person["name"], slug)
    # the other track is not theirs: nothing to show
    assert not rows[PEOPLE["front_line"]["no"]][COURSE_TITLES["serving-the-front-line"]]
    assert not rows[PEOPLE["back_office"]["no"]][COURSE_TITLES["empowered-to-solve"]]


def test_leader_exports_everyone_person_by_person(page: Page, live_server, login_as, journey, step):
    from openpyxl import load_workbook

    login_as("leader@demo.example")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download Everyone, person by person as CSV").click()
    assert re.fullmatch(r"people-\d{4}-\d{2}-\d{2}\.csv", info.value.suggested_filename)
    with open(info.value.path(), encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(io.StringIO(file.read())))
    assert len(rows) > 150  # the whole demo company, one row each
    _check_export(_people_rows(rows))

    with page.expect_download() as info:
        page.get_by_role("link", name="Download Everyone, person by person as XLSX").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    with open(info.value.path(), "rb") as file:  # the saved file has no extension, which openpyxl wants
        sheet = load_workbook(io.BytesIO(file.read()), read_only=True).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = values[0]
    assert len(values) - 1 == len(rows)
    _check_export(_people_rows([dict(zip(header, r)) for r in values[1:]]))
