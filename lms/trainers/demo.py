"""Demo train-the-trainer data: past cohorts that certified trainers at every site, and a running cohort."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from lms.core.demo import demo_seeder
from lms.extensions import db
from lms.learning.certificates import issue_certificate
from lms.learning.progress import enrol
from lms.org.models import Department, Employee, EmployeeRole, Site
from lms.trainers import cohorts, nominations
from lms.trainers.certification import issue_certification
from lms.trainers.codelivery import record_co_delivery
from lms.trainers.courses import delivery_course, training_course
from lms.trainers.models import Cohort, CohortMember
from lms.trainers.observations import record_teach_back
from lms.trainers.promotion import promote_to_lead_trainer

GOOD = {"models-last": 3, "holistic-thinking": 4, "options-not-no": 3, "mixed-groups": 3,
        "debriefs-into-practice": 3, "keeps-time": 3}
WEAK = {"models-last": 3, "holistic-thinking": 2, "options-not-no": 1, "mixed-groups": 3,
        "debriefs-into-practice": 2, "keeps-time": 2}


def _by_email(email: str) -> Employee:
    return db.session.execute(select(Employee).where(Employee.email == email, Employee.active)).scalar_one()


def _pick(site_code: str, count: int, taken: set[int]) -> list[Employee]:
    """Staff (not named demo accounts, not managers) at a site, deterministically."""
    managers = select(EmployeeRole.employee_id).where(EmployeeRole.role == "manager")
    people = db.session.execute(
        select(Employee).join(Department, Employee.department_id == Department.id).join(Site)
        .where(Site.code == site_code, Employee.active, Employee.password_hash.is_(None),
               Employee.id.not_in(managers), Employee.manager_id.is_not(None))
        .order_by(Department.kind, Employee.id)
    ).scalars()
    chosen = [e for e in people if e.id not in taken][:count]
    taken.update(e.id for e in chosen)
    return chosen


def _backdate(member: CohortMember, day: date) -> None:
    """Spread the member's steps over the morning of `day`, so the demo's history reads like history."""
    start = datetime.combine(day, time(9, 0), tzinfo=timezone.utc)
    for i, step in enumerate(member.steps):
        step.at = start + timedelta(minutes=20 * i)
    member.state_since = start + timedelta(minutes=20 * (len(member.steps) - 1))


def _date_steps(member: CohortMember, days: dict[str, date]) -> None:
    """Put each step on the day its event happened (the running cohort's history spans weeks)."""
    for i, step in enumerate(member.steps):
        day = days.get(step.event)
        if day is not None:
            step.at = datetime.combine(day, time(10, 0), tzinfo=timezone.utc) + timedelta(minutes=i)
    member.state_since = member.steps[-1].at


def _complete(employee: Employee, courses, when: datetime) -> None:
    """Mark the courses completed (demo shortcut past the modules and quizzes)."""
    for course in courses:
        enrolment = enrol(employee, course)
        if enrolment.completed_at is None:
            enrolment.started_at = enrolment.started_at or when - timedelta(days=14)
            enrolment.completed_at = when
            db.session.flush()
            issue_certificate(enrolment)


def _cohort(lead: Employee, name: str, site: str, meetings: list[tuple[str, date]], prerequisites=None) -> Cohort:
    cohort = cohorts.create_cohort(lead, name=name, site=db.session.execute(select(Site).where(Site.code == site)).scalar_one(),
                                   capacity=10, prerequisites=prerequisites)
    for title, day in meetings:
        cohorts.add_meeting(lead, cohort, title=title, day=day, starts_at=time(9, 0), ends_at=time(16, 30),
                            place=f"Training room, {cohort.site.name}")
    return cohort


def _join(cohort: Cohort, employee: Employee, lead: Employee, today: date) -> CohortMember:
    member = nominations.nominate(employee.manager, employee, cohort,
                                  f"{employee.full_name} is the person colleagues turn to when a customer is upset.", today)
    nominations.accept_nomination(lead, member, "Strong nomination; a place is free.")
    return member


def _certify(cohort: Cohort, employee: Employee, lead: Employee, beside: Employee, day: date, today: date) -> CohortMember:
    """Take someone along the whole path: nominated, trained, co-delivered, teach-back passed on `day`."""
    member = _join(cohort, employee, lead, today)
    cohorts.record_attendance(lead, cohort.meetings[0], {m.id for m in cohorts.attendance_roll(cohort)}, today)
    record_co_delivery(beside, member, None, day - timedelta(days=14), "Two-day workshop; led the LAST role plays.", today)
    record_teach_back(lead, member, scores=GOOD, observed_on=day, today=today,
                      comments="Calm with a pushy room, and turned every objection into options.")
    _backdate(member, day)
    return member


@demo_seeder("trainers", order=40)
def seed_trainers() -> None:
    """Certified trainers at every site (cascading from the lead trainer) and a running cohort at every stage."""
    course, studied = delivery_course(), training_course()
    if course is None or studied is None:
        return  # `lms init` syncs the courses before seeding; without them there is nothing to certify for
    today = date.today()
    lead = _by_email("lead.trainer@demo.example")
    trainer = _by_email("trainer@demo.example")
    manager = _by_email("manager@demo.example")
    taken = {lead.id, trainer.id, manager.id}

    # The founding lead trainer: certified before the platform, renewed since.
    issue_certification(lead, course, today - timedelta(days=800), certified_by=None)
    issue_certification(lead, course, today - timedelta(days=90), certified_by=None, renewal=True)

    pilot = _cohort(lead, "Pilot cohort", "PLU", [("Kick-off", today - timedelta(days=790))], prerequisites=[])
    cohorts.start_cohort(lead, pilot)
    expiring, expired = _pick("PLU", 1, taken)[0], _pick("BMR", 1, taken)[0]
    _certify(pilot, expired, lead, lead, today - timedelta(days=760), today)
    _certify(pilot, expiring, lead, lead, today - timedelta(days=700), today)
    cohorts.close_cohort(lead, pilot)

    second = _cohort(lead, "Site trainers, first wave", "AIR", [("Kick-off", today - timedelta(days=300))],
                     prerequisites=[])
    cohorts.start_cohort(lead, second)
    air, other_air = _pick("AIR", 2, taken)
    _certify(second, trainer, lead, lead, today - timedelta(days=240), today)
    _certify(second, air, lead, lead, today - timedelta(days=230), today)
    _certify(second, other_air, lead, lead, today - timedelta(days=225), today)
    for site in ("PLU", "BMR"):
        _certify(second, _pick(site, 1, taken)[0], lead, lead, today - timedelta(days=220), today)
    cohorts.close_cohort(lead, second)

    _seed_running_cohort(lead, trainer, manager, air, expiring, taken, today)


def _seed_running_cohort(lead, trainer, manager, air, expiring, taken, today) -> None:
    running = _cohort(lead, "Cascade cohort, Port Louis", "PLU",
                      [("Day 1: the trainer in the cascade", today - timedelta(days=30)),
                       ("Day 2: running mixed groups", today - timedelta(days=16)),
                       ("Day 3: teach-back preparation", today + timedelta(days=12))])
    cohorts.start_cohort(lead, running)
    contact_centre = db.session.execute(
        select(Employee).where(Employee.manager_id == manager.id, Employee.active, Employee.password_hash.is_(None))
        .order_by(Employee.id)
    ).scalars().all()
    nominated, accepted = contact_centre[:2]
    taken.update((nominated.id, accepted.id))
    in_training, co_delivered, not_yet, certified, withdrawn = _pick("PLU", 3, taken) + _pick("AIR", 2, taken)
    completed_at = datetime.combine(today - timedelta(days=45), time(12, 0), tzinfo=timezone.utc)
    for person in (nominated, accepted, in_training, co_delivered, not_yet, certified, withdrawn):
        _complete(person, nominations.missing_prerequisites(person, running), completed_at)

    members = {p.id: _join(running, p, lead, today) for p in (accepted, in_training, co_delivered, not_yet, certified, withdrawn)}
    nominations.withdraw(withdrawn, members[withdrawn.id], "Moving to the night shift for six months.")
    for meeting in running.meetings[:2]:
        cohorts.record_attendance(lead, meeting, {members[p.id].id for p in (in_training, co_delivered, not_yet, certified)},
                                  today)
    # The airport trainer co-delivers with three trainees, is made a lead trainer, and certifies one of them.
    for person, day in ((co_delivered, 10), (not_yet, 12), (certified, 14)):
        record_co_delivery(air, members[person.id], None, today - timedelta(days=day),
                           "Two-day workshop at the airport; co-led the mixed-table exercises.", today)
    record_co_delivery(trainer, members[not_yet.id], None, today - timedelta(days=8),
                       "Belle Mare workshop; led the day-2 debriefs.", today)
    promote_to_lead_trainer(lead, air, today)
    cohorts.update_cohort(lead, running, name=running.name, site=running.site, capacity=running.capacity,
                          leads=[lead, air], prerequisites=running.prerequisites)
    record_teach_back(lead, members[not_yet.id], scores=WEAK, observed_on=today - timedelta(days=5), today=today,
                      comments="Refused two requests flatly in the role play; practise offering three options.",
                      notes={"options-not-no": "Said no twice without alternatives."})
    record_teach_back(air, members[certified.id], scores=GOOD, observed_on=today - timedelta(days=4), today=today,
                      comments="Kept a mixed room talking about the service chain, not about blame.",
                      second_observer=trainer)
    nominations.nominate(manager, nominated, running, "Handles the hardest escalations in the contact centre calmly.", today)
    nominations.request_recertification(expiring, running, today)
    member = db.session.execute(select(CohortMember).where(CohortMember.employee_id == expiring.id,
                                                           CohortMember.cohort_id == running.id)).scalar_one()
    nominations.accept_nomination(lead, member, "Renewal due; short teach-back at the next meeting.")
    ago = lambda n: today - timedelta(days=n)  # noqa: E731
    for person in (accepted, in_training, co_delivered, not_yet, certified, withdrawn):
        _date_steps(members[person.id], {"nominate": ago(40), "accept": ago(35), "withdraw": ago(20), "attend": ago(30),
                                         "co_deliver": ago(10), "observe": ago(5), "pass": ago(5), "fail": ago(5)})
    _date_steps(member, {"nominate": ago(3), "accept": ago(2)})
    db.session.flush()
