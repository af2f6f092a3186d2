"""A seeded organization for the security tests: the demo plus single-role accounts and two of every owned object."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from lms.core.roles import Role
from tests.helpers import TEST_PASSWORD

ROLE_ACCOUNTS = ("learner", "manager", "trainer", "lead_trainer", "leader", "admin")
COURSE = "service-recovery-last"


@dataclass
class World:
    """Ids only (plain values), so that tests never hold detached objects."""

    emails: dict[str, str] = field(default_factory=dict)  # account name -> e-mail (password TEST_PASSWORD)
    ids: dict[str, object] = field(default_factory=dict)  # object name -> id / slug / token

    def __getattr__(self, name):
        try:
            return self.__dict__["ids"][name]
        except KeyError:
            raise AttributeError(name) from None


def _set_password(employees, hasher) -> None:
    for employee in employees:
        employee.password_hash = hasher.hash(TEST_PASSWORD)


def _one(db, stmt):
    return db.session.execute(stmt.limit(1)).scalars().first()


def build_world(db, courses_root=None) -> World:
    """Seed the demo and everything the route table needs; commit; return the ids."""
    from lms.auth.passwords import make_hasher
    from lms.core.demo import seed_demo
    from lms.insights.models import ServiceDependency, ServiceIdea, ServiceReview
    from lms.learning.commands import sync_courses_now
    from lms.learning.models import AssignmentRule, Certificate, Course
    from lms.notify.models import OutboxMessage
    from lms.org import services as org_services
    from lms.org.models import Department, Employee, Site
    from lms.org.queries import is_in_reporting_line
    from lms.quizzes import attempts, bank
    from lms.quizzes.assembly import get_quiz
    from lms.quizzes.models import QuizAttempt, QuizQuestion, QuizSlot
    from lms.rollout import services as rollout_services
    from lms.trainers import cohorts
    from lms.trainers.models import Cohort, CohortMeeting, CohortMember
    from lms.workshops.invites import feed_token
    from lms.workshops.models import Booking, Room, SessionTrainer, WorkshopSession
    from pathlib import Path

    root = Path(courses_root or Path(__file__).resolve().parents[2] / "courses")
    sync_courses_now(root)
    seed_demo(db.session, "development")
    db.session.commit()

    hasher = make_hasher(1, 1024)
    by_email = lambda e: db.session.execute(select(Employee).where(Employee.email == e)).scalar_one()  # noqa: E731
    demo = {name: by_email(f"{mail}@demo.example") for name, mail in (
        ("admin", "admin"), ("leader", "leader"), ("manager", "manager"), ("trainer", "trainer"),
        ("lead", "lead.trainer"), ("learner", "learner"), ("backoffice", "backoffice"))}
    _set_password(demo.values(), hasher)
    w = World()
    w.emails.update({name: e.email for name, e in demo.items()})

    department = demo["learner"].department
    singles = {}
    for role in ROLE_ACCOUNTS:
        e = Employee(employee_no=f"SEC-{role}", email=f"only.{role}@sec.test", full_name=f"Only {role}",
                     department=department, password_hash=hasher.hash(TEST_PASSWORD))
        e.set_roles([] if role == "learner" else [role])
        db.session.add(e)
        singles[role] = e
    everything = Employee(employee_no="SEC-all", email="all.roles@sec.test", full_name="All Roles", department=department,
                          password_hash=hasher.hash(TEST_PASSWORD))
    everything.set_roles([r.value for r in Role])
    db.session.add(everything)
    other_lead = Employee(employee_no="SEC-lead2", email="other.lead@sec.test", full_name="Other Lead",
                          department=demo["backoffice"].department, password_hash=hasher.hash(TEST_PASSWORD))
    other_lead.set_roles(["lead_trainer", "trainer"])
    db.session.add(other_lead)
    db.session.flush()
    w.emails.update({f"only_{role}": e.email for role, e in singles.items()})
    w.emails["all"] = everything.email
    w.emails["other_lead"] = other_lead.email

    learner, manager, trainer, lead = demo["learner"], demo["manager"], demo["trainer"], demo["lead"]
    course = db.session.execute(select(Course).where(Course.slug == COURSE)).scalar_one()
    quiz = get_quiz(course)
    mine = _one(db, select(QuizAttempt).where(QuizAttempt.employee_id == learner.id).order_by(QuizAttempt.id))
    if mine is None:
        mine = attempts.start_attempt(learner, quiz)
    other_attempt = _one(db, select(QuizAttempt).where(QuizAttempt.employee_id != learner.id).order_by(QuizAttempt.id))
    outsider = _one(db, select(Employee).where(Employee.id.not_in([learner.id, manager.id]), Employee.active,
                                                Employee.manager_id != manager.id, Employee.department_id != department.id)
                    .order_by(Employee.id))
    assert not is_in_reporting_line(manager, outsider.id)

    my_sessions = select(SessionTrainer.session_id).where(SessionTrainer.employee_id == trainer.id)
    session = _one(db, select(WorkshopSession).where(WorkshopSession.id.in_(my_sessions), WorkshopSession.status == "open")
                   .order_by(WorkshopSession.id))
    other_session = _one(db, select(WorkshopSession).where(WorkshopSession.id.not_in(my_sessions)).order_by(WorkshopSession.id))
    booking = _one(db, select(Booking).where(Booking.employee_id == learner.id).order_by(Booking.id))
    other_booking = _one(db, select(Booking).where(Booking.employee_id.not_in([learner.id]),
                                                   Booking.employee_id.not_in(select(Employee.id).where(Employee.manager_id == manager.id)))
                         .order_by(Booking.id))

    idea = _one(db, select(ServiceIdea).where(ServiceIdea.author_id == learner.id).order_by(ServiceIdea.id))
    other_idea = _one(db, select(ServiceIdea).join(Employee, Employee.id == ServiceIdea.author_id)
                      .where(ServiceIdea.author_id != learner.id, Employee.manager_id != manager.id,
                             ServiceIdea.status == "submitted").order_by(ServiceIdea.id))

    cohort = _one(db, select(Cohort).where(Cohort.status == "running").order_by(Cohort.id))
    other_cohort = cohorts.create_cohort(other_lead, name="Other lead's cohort", site=other_lead.department.site, capacity=4)
    db.session.flush()
    member = _one(db, select(CohortMember).where(CohortMember.cohort_id == cohort.id).order_by(CohortMember.id))
    other_member = _one(db, select(CohortMember).where(CohortMember.cohort_id != cohort.id).order_by(CohortMember.id))
    meeting = _one(db, select(CohortMeeting).where(CohortMeeting.cohort_id == cohort.id).order_by(CohortMeeting.id))
    other_meeting = _one(db, select(CohortMeeting).where(CohortMeeting.cohort_id != cohort.id).order_by(CohortMeeting.id))
    nominee = _one(db, select(CohortMember).where(CohortMember.nominated_by_id == manager.id).order_by(CohortMember.id))
    other_nominee = _one(db, select(CohortMember).where(CohortMember.nominated_by_id != manager.id).order_by(CohortMember.id))

    my_review = _one(db, select(ServiceReview).where(ServiceReview.provider_id == demo["backoffice"].department_id)
                     .order_by(ServiceReview.id))
    other_review = _one(db, select(ServiceReview).where(
        ServiceReview.provider_id != department.id, ServiceReview.department_id != department.id).order_by(ServiceReview.id))
    provider = _one(db, select(ServiceDependency).where(ServiceDependency.department_id == department.id)
                    .order_by(ServiceDependency.id))
    essay = _one(db, select(QuizSlot).join(QuizAttempt).join(QuizQuestion, QuizQuestion.id == QuizSlot.question_id)
                 .where(QuizAttempt.state == "needs_marking", QuizQuestion.qtype == "essay",
                        QuizAttempt.employee_id != lead.id).order_by(QuizSlot.id))
    roster = org_services.stage_roster_upload(demo["admin"], "roster.csv", org_services.export_roster().encode(), False)
    gift = (root / COURSE / "quiz.gift").read_bytes()
    bank_upload = bank.stage_upload(demo["admin"], course, "quiz.gift", gift)
    today = date.today()
    plan = rollout_services.create_plan(demo["leader"], name="Security plan", sites=[department.site],
                                        window_start=today + timedelta(days=28), window_end=today + timedelta(days=90),
                                        today=today)
    token = feed_token(learner)
    certificate = _one(db, select(Certificate).order_by(Certificate.id))
    from lms.api.tokens import create_token

    api_token = create_token(demo["leader"], "Security tests", 5)
    other_api_token = create_token(everything, "Someone else's BI tool", 5)
    w.ids.update(
        course=course.slug, stem=course.learner_modules[0].stem, attempt=mine.id, other_attempt=other_attempt.id,
        employee=learner.id, outsider=outsider.id, manager_id=manager.id, department=department.id,
        other_department=outsider.department_id, site=department.site_id, session=session.id,
        other_session=other_session.id, booking=booking.id, other_booking=other_booking.id,
        idea=idea.id if idea else None, other_idea=other_idea.id, cohort=cohort.id, other_cohort=other_cohort.id,
        member=member.id, other_member=other_member.id, meeting=meeting.id, other_meeting=other_meeting.id,
        nominee=nominee.id if nominee else member.id, other_nominee=other_nominee.id,
        review=my_review.id if my_review else other_review.id, other_review=other_review.id,
        provider=provider.provider_id if provider else demo["backoffice"].department_id,
        dependency=db.session.execute(select(ServiceDependency.id).limit(1)).scalar(),
        slot=essay.id if essay else 0, rule=db.session.execute(select(AssignmentRule.id).limit(1)).scalar(),
        message=db.session.execute(select(OutboxMessage.id).limit(1)).scalar(),
        room=db.session.execute(select(Room.id).limit(1)).scalar(), roster_upload=roster.id, bank_upload=bank_upload.id,
        plan=plan.id, token=token, code=certificate.code, other_site=_one(db, select(Site.id).where(Site.id != department.site_id)),
        trainer=trainer.id, learner_member=db.session.execute(
            select(func.min(CohortMember.id)).where(CohortMember.employee_id == learner.id)).scalar(),
        my_member=db.session.execute(select(func.min(CohortMember.id)).where(CohortMember.employee_id == demo["trainer"].id)).scalar(),
        department_other=_one(db, select(Department.id).where(Department.id != department.id)),
        api_token_id=api_token.token.id, api_token=api_token.secret, other_api_token_id=other_api_token.token.id,
    )
    db.session.commit()
    return w
