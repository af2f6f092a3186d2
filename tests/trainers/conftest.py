"""Train-the-trainer fixtures: the real courses synced, and a small organization with a cohort."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from lms.core.roles import Role

ROOT_COURSES = __import__("pathlib").Path(__file__).resolve().parents[2] / "courses"
TODAY = date.today()
PASSING = {"models-last": 3, "holistic-thinking": 3, "options-not-no": 3, "mixed-groups": 3,
           "debriefs-into-practice": 3, "keeps-time": 3}


@pytest.fixture
def trainer_courses(db, tmp_path):
    """The real courses/ folder synced; returns (workshop course, trainer course)."""
    from lms.learning.commands import sync_courses_now
    from lms.learning.models import Course

    root = tmp_path / "courses"
    shutil.copytree(ROOT_COURSES, root)
    sync_courses_now(root)
    get = lambda slug: db.session.execute(select(Course).where(Course.slug == slug)).scalar_one()  # noqa: E731
    return get("service-problem-solving"), get("train-the-trainer")


@dataclass
class World:
    db: object
    workshop: object
    trainer_course: object
    site: object
    lead: object
    trainer: object
    manager: object
    reports: list
    cohort: object

    def complete_prerequisites(self, employee):
        """Mark every prerequisite the employee still misses as completed."""
        from lms.learning.progress import enrol
        from lms.trainers.nominations import missing_prerequisites

        for course in missing_prerequisites(employee, self.cohort):
            enrol(employee, course).completed_at = datetime.now(timezone.utc)
        self.db.session.flush()

    def member_at(self, state: str, employee=None, cohort=None):
        """A member taken along the path to `state` through the services, committed."""
        member = self._member_at(state, employee, cohort)
        self.db.session.commit()
        return member

    def _member_at(self, state: str, employee, cohort):
        from lms.trainers import cohorts, nominations
        from lms.trainers.codelivery import record_co_delivery
        from lms.trainers.observations import record_teach_back

        cohort = cohort or self.cohort
        employee = employee or self.reports.pop()
        self.complete_prerequisites(employee)
        member = nominations.nominate(self.manager, employee, cohort, "Great with upset customers.", TODAY)
        if state == "nominated":
            return member
        if state == "declined":
            return nominations.decline_nomination(self.lead, member, "Not this time.")
        nominations.accept_nomination(self.lead, member, "Welcome.")
        if state == "withdrawn":
            return nominations.withdraw(employee, member, "Changing jobs.")
        if state == "accepted":
            return member
        meeting = cohorts.add_meeting(self.lead, cohort, title="Day 1", day=TODAY - timedelta(days=7),
                                      starts_at=time(9), ends_at=time(17), place="Room 1")
        cohorts.record_attendance(self.lead, meeting, {member.id}, TODAY)
        if state == "in_training":
            return member
        record_co_delivery(self.trainer, member, None, TODAY - timedelta(days=3), "Airport workshop.", TODAY)
        if state == "co_delivered":
            return member
        scores = dict(PASSING, **({"keeps-time": 1} if state == "not_yet_competent" else {}))
        record_teach_back(self.lead, member, scores=scores, observed_on=TODAY, today=TODAY)
        return member


@pytest.fixture
def world(db, trainer_courses, make_employee, make_department, make_site):
    """A lead trainer, a certified trainer, a manager with five reports and a running cohort."""
    from lms.trainers import cohorts
    from lms.trainers.certification import issue_certification

    workshop, trainer_course = trainer_courses
    site = make_site("HQ")
    department = make_department(site=site)
    lead = make_employee(roles=(Role.LEAD_TRAINER, Role.TRAINER), department=department, full_name="Lena Lead")
    trainer = make_employee(roles=(Role.TRAINER,), department=department, full_name="Tom Trainer")
    manager = make_employee(roles=(Role.MANAGER,), department=department, full_name="Maya Manager")
    reports = [make_employee(department=department, manager=manager, full_name=f"Report {i}") for i in range(5)]
    issue_certification(lead, workshop, TODAY - timedelta(days=400), certified_by=None)
    issue_certification(trainer, workshop, TODAY - timedelta(days=100), certified_by=lead)
    cohort = cohorts.create_cohort(lead, name="Spring cohort", site=site, capacity=4)
    cohorts.start_cohort(lead, cohort)
    db.session.commit()
    return World(db, workshop, trainer_course, site, lead, trainer, manager, reports, cohort)
