"""An N+1 query fails here: every main page issues as many SQL statements at 30 as at 300 generated employees.

Both organizations are the demo plus `lms generate` with the same seed; each page is opened by the
same kind of person in both (a demo account, or the generated department head, learner, trainer and
lead trainer it picks), once to warm up and once counted. The module runs on a fixed day: the generated
organization is dated from today, and which session, trainer and team members the pages show (so which
lists are empty) would otherwise change from one day to the next.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from lms.extensions import db as _db
from tests.helpers import TEST_PASSWORD, counting
from tests.scale.conftest import clear_database, seed_demo_and_generate

SMALL, LARGE = 30, 300
FIXED_DAY = datetime(2027, 3, 10, 10, 0, tzinfo=timezone.utc)
DEMO_PASSWORD = "demo-pass-2027"


@dataclass(frozen=True)
class Landmarks:
    """The generated people and things whose pages are opened."""

    department: int
    head: int
    learner: int
    course: str
    module: str
    attempt: int
    site: int
    session: int
    trainer: int
    lead: int
    cohort: int
    plan: int


def _landmarks(today: date) -> Landmarks:
    from lms.learning.models import Course, CourseModule, Enrolment
    from lms.org.models import Department, Employee, EmployeeRole, Site
    from lms.rollout.services import create_plan, start_solving
    from lms.rollout.solving import solve_plan
    from lms.trainers.models import Cohort, CohortMember
    from lms.workshops.models import Booking, SessionTrainer, WorkshopSession

    s = _db.session
    generated = Employee.email.like("%@scale.example")
    department = s.execute(
        select(Department.id).join(Employee, Employee.department_id == Department.id)
        .where(generated, Department.kind == "front_line").group_by(Department.id)
        .order_by(func.count().desc(), Department.id).limit(1)).scalar_one()
    head = s.execute(select(Employee.id).join(EmployeeRole).where(
        Employee.department_id == department, EmployeeRole.role == "manager").order_by(Employee.id).limit(1)).scalar_one()
    # Someone with a seat in an upcoming session and an online course, in both organizations.
    upcoming = (select(Booking.employee_id).join(WorkshopSession, Booking.session_id == WorkshopSession.id)
                .where(Booking.status == "booked", WorkshopSession.day1 > today))
    learner, course = s.execute(
        select(Employee.id, Course.slug).join(Enrolment, Enrolment.employee_id == Employee.id)
        .join(Course, Enrolment.course_id == Course.id)
        .where(generated, Course.kind == "online", Employee.id.in_(upcoming),
               Employee.id.not_in(select(EmployeeRole.employee_id)))
        .order_by(Employee.id, Course.id).limit(1)).one()
    attempt = _graded_attempt(s.get(Employee, learner), s.execute(select(Course).where(Course.slug == course)).scalar_one())
    module = s.execute(select(CourseModule.stem).join(Course).where(Course.slug == course)
                       .order_by(CourseModule.position).limit(1)).scalar_one()
    _same_review_state(department, today)
    site = s.execute(select(Site.id).where(Site.code == "G1-S01")).scalar_one()
    # The first upcoming session taught by a site trainer certified through a cohort (their record shows that path),
    # not by a lead trainer seeded certified: which trainer a given site's next session has depends on the day.
    site_trainers = (select(CohortMember.employee_id).where(CohortMember.state == "certified")
                     .where(CohortMember.employee_id.not_in(
                         select(EmployeeRole.employee_id).where(EmployeeRole.role == "lead_trainer"))))
    session, trainer = s.execute(
        select(WorkshopSession.id, SessionTrainer.employee_id).join(SessionTrainer)
        .join(Booking, Booking.session_id == WorkshopSession.id)
        .where(WorkshopSession.day1 > today, WorkshopSession.status == "open", Booking.status == "booked",
               SessionTrainer.employee_id.in_(site_trainers))
        .order_by(WorkshopSession.day1, WorkshopSession.id).limit(1)).one()
    lead = s.execute(select(Employee.id).join(EmployeeRole).where(generated, EmployeeRole.role == "lead_trainer")
                     .limit(1)).scalar_one()
    cohort = s.execute(select(Cohort.id).where(Cohort.site_id == site, Cohort.status == "closed")).scalar_one()
    leader = s.execute(select(Employee).where(Employee.email == "leader@demo.example")).scalar_one()
    plan = create_plan(leader, name="Scale test plan", sites=[s.get(Site, site)], window_start=today + timedelta(days=50),
                       window_end=today + timedelta(days=110), today=today, min_size=4, max_size=12)
    s.commit()
    run = start_solving(plan)
    s.commit()
    solve_plan(plan.id, run, today)  # the page then shows the preview: weeks, heat map, sessions, who is left out
    return Landmarks(department, head, learner, course, module, attempt, site, session, trainer, lead, cohort, plan.id)


def _graded_attempt(employee, course) -> int:
    """The employee's graded attempt at the course's quiz, taken now (answers left blank) if they have none."""
    from lms.quizzes.assembly import get_quiz
    from lms.quizzes.attempts import start_attempt, submit_attempt
    from lms.quizzes.models import QuizAttempt

    quiz = get_quiz(course)
    found = _db.session.execute(select(QuizAttempt.id).where(
        QuizAttempt.employee_id == employee.id, QuizAttempt.quiz_id == quiz.id, QuizAttempt.state == "graded")
        .limit(1)).scalar()
    if found is None:
        attempt = start_attempt(employee, quiz)
        submit_attempt(attempt)
        _db.session.commit()
        found = attempt.id
    return found


def _same_review_state(department: int, today: date) -> None:
    """The department has not yet written this round's reviews, in both organizations.

    The drill-down loads a written review's actions with a query of its own, so the open round must be
    in the same state at both sizes for their statement counts to be comparable.
    """
    from sqlalchemy import delete

    from lms.insights.models import ServiceReview, ServiceReviewAction
    from lms.insights.reviews import review_period

    open_round = select(ServiceReview.id).where(ServiceReview.department_id == department,
                                                ServiceReview.period == review_period(today))
    _db.session.execute(delete(ServiceReviewAction).where(ServiceReviewAction.review_id.in_(open_round)))
    _db.session.execute(delete(ServiceReview).where(ServiceReview.id.in_(open_round)))
    _db.session.commit()


def _pages(m: Landmarks) -> dict[str, tuple[str, str]]:
    """page name -> (who opens it, URL)."""
    return {
        "leader dashboard": ("leader", "/insights"),
        "department drill-down": ("leader", f"/insights/departments/{m.department}"),
        "team page": ("leader", f"/insights/departments/{m.department}/teams/{m.head}"),
        "site page": ("leader", f"/insights/sites/{m.site}"),
        "manager's dashboard": ("head", "/insights"),
        "manager's department": ("head", f"/insights/departments/{m.department}"),
        "manager's team learning": ("head", "/team/learning"),
        "manager's team": ("head", "/team"),
        "learner home": ("learner", "/my"),
        "course page": ("learner", f"/courses/{m.course}"),
        "module page": ("learner", f"/courses/{m.course}/modules/{m.module}"),
        "quiz page": ("learner", f"/courses/{m.course}/quiz"),
        "quiz review": ("learner", f"/quiz/attempts/{m.attempt}/review"),
        "workshops list": ("learner", f"/workshops?site={m.site}"),
        "my bookings": ("learner", "/workshops/my"),
        "session page (learner)": ("learner", f"/workshops/sessions/{m.session}"),
        "session page (manager)": ("head", f"/workshops/sessions/{m.session}"),
        "session page (trainer)": ("trainer", f"/workshops/sessions/{m.session}"),
        "session roster": ("trainer", f"/workshops/sessions/{m.session}/roster"),
        "trainer's sessions": ("trainer", "/workshops/teaching"),
        "trainer's record": ("trainer", "/trainers/me"),
        "essay marking": ("lead", "/quiz/marking"),
        "quiz statistics": ("lead", f"/quiz/statistics/{m.course}"),
        "trainer pool": ("lead", "/trainers"),
        "trainer pipeline": ("leader", "/trainers/pipeline"),
        "certified trainers": ("lead", "/trainers/certified"),
        "cohort page": ("lead", f"/trainers/cohorts/{m.cohort}"),
        "rollout plans": ("leader", "/rollout"),
        "rollout plan page": ("leader", f"/rollout/{m.plan}"),
    }


def _sizes(m: Landmarks) -> dict[str, int]:
    """How many rows the pages' lists hold: the two organizations must differ in each for the test to mean anything."""
    from lms.org.models import Employee
    from lms.rollout.models import RolloutPlan
    from lms.workshops.models import Booking, SessionTrainer

    def count(stmt) -> int:
        return _db.session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()

    return {
        "people in the organization": count(select(Employee.id).where(Employee.active)),
        "people in the department": count(select(Employee.id).where(Employee.department_id == m.department)),
        "teams in the department": count(select(Employee.manager_id).where(Employee.department_id == m.department)
                                         .distinct()),
        "people in the team": count(select(Employee.id).where(Employee.manager_id == m.head)),
        "bookings in the session": count(select(Booking.id).where(Booking.session_id == m.session)),
        "sessions of the trainer": count(select(SessionTrainer.session_id).where(SessionTrainer.employee_id == m.trainer)),
        "sessions in the rollout plan": len((_db.session.get(RolloutPlan, m.plan).plan_doc or {}).get("sessions", [])),
    }


def _give_passwords(ids: list[int]) -> None:
    from lms.auth.passwords import make_hasher
    from lms.org.models import Employee

    hashed = make_hasher(1, 1024).hash(TEST_PASSWORD)
    for employee in _db.session.execute(select(Employee).where(Employee.id.in_(ids))).scalars():
        employee.password_hash = hashed
    _db.session.commit()


def _measure(app, tmp_path, employees: int) -> tuple[dict[str, int], dict[str, int]]:
    """Statements per page, and the sizes of what they list, for the demo plus `employees` generated people."""
    from lms.org.models import Employee

    today = date.today()
    with app.app_context():
        seed_demo_and_generate(tmp_path, employees)
        m = _landmarks(today)
        sizes = _sizes(m)
        actors = {"head": m.head, "learner": m.learner, "trainer": m.trainer, "lead": m.lead}
        _give_passwords(list(actors.values()))
        emails = {role: _db.session.get(Employee, i).email for role, i in actors.items()}
        _db.session.remove()
    clients = {}
    for role, (email, password) in {"leader": ("leader@demo.example", DEMO_PASSWORD),
                                    **{r: (e, TEST_PASSWORD) for r, e in emails.items()}}.items():
        client = app.test_client()
        assert client.post("/login", data={"email": email, "password": password}).status_code == 302, role
        clients[role] = client
    counts = {}
    with app.app_context():
        engine = _db.engine
    for name, (role, url) in _pages(m).items():
        assert clients[role].get(url).status_code == 200, (name, url)
        with counting(engine) as statements:
            assert clients[role].get(url).status_code == 200, (name, url)
        counts[name] = len(statements)
    return counts, sizes


@pytest.fixture(scope="module", autouse=True)
def _fixed_day():
    """The clock starts at FIXED_DAY for the whole module, and runs on from there."""
    with time_machine.travel(FIXED_DAY, tick=True):
        yield


@pytest.fixture(scope="module")
def measured(app, tmp_path_factory):
    """{size: ({page: statements}, {list: rows})} for both organizations (each built on an emptied database)."""
    found = {}
    limits = {key: app.config.get(key) for key in ("LMS_ROLLOUT_SECONDS", "LMS_ROLLOUT_DIAGNOSIS_SECONDS")}
    app.config.update(LMS_ROLLOUT_SECONDS=2, LMS_ROLLOUT_DIAGNOSIS_SECONDS=2)
    try:
        for size in (SMALL, LARGE):
            found[size] = _measure(app, tmp_path_factory.mktemp(f"org{size}"), size)
            with app.app_context():
                clear_database(_db.engine)
    finally:
        for key, value in limits.items():
            if value is None:
                app.config.pop(key, None)
            else:
                app.config[key] = value
        with app.app_context():
            _db.session.remove()
            clear_database(_db.engine)
    return found


def test_the_pages_list_different_numbers_of_things_at_the_two_sizes(measured):
    small, large = measured[SMALL][1], measured[LARGE][1]
    assert [name for name in small if small[name] == large[name]] == [], (small, large)


@pytest.mark.parametrize("name", list(_pages(Landmarks(*[1] * 3, "c", "m", *[1] * 7)).keys()))
def test_statements_per_page_do_not_grow_with_the_organization(measured, name):
    small, large = measured[SMALL][0][name], measured[LARGE][0][name]
    assert large == small, f"{name}: {small} statements at {SMALL} employees, {large} at {LARGE}"
