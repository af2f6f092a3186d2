"""Services: nominations, the path through the database, teach-backs, certification, reminders, promotion."""
from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from lms.core.errors import Conflict, PermissionDenied, ValidationFailed
from lms.learning.models import Enrolment
from lms.trainers import cohorts, nominations
from lms.trainers.certification import (can_deliver, certified_trainers, due_certification_reminders, issue_certification,
                                        mark_reminder_sent, revoke_certification, valid_certification)
from lms.trainers.codelivery import co_delivery_candidate, record_co_delivery
from lms.trainers.models import Certification, PathStep
from lms.trainers.observations import record_teach_back
from lms.trainers.path import TransitionRefused
from lms.trainers.promotion import promote_to_lead_trainer
from lms.trainers.queries import delivered_sessions, delivery_record, pipeline_by_site
from lms.trainers.validity import expiry_for

from tests.trainers.conftest import PASSING, TODAY


# --------------------------------------------------------------------------- nominations


def test_nomination_refused_until_prerequisites_are_completed_and_says_which(world):
    person = world.reports[0]
    with pytest.raises(nominations.PrerequisitesMissing) as refused:
        nominations.nominate(world.manager, person, world.cohort, "Calm under pressure.", TODAY)
    titles = set(refused.value.problems)
    assert world.workshop.title in titles
    assert all(t in refused.value.message for t in titles)
    # the internal providers' track is not assigned to a front-line employee, so it is not required of them
    assert not any("Serving the Front Line" in t for t in titles)
    world.complete_prerequisites(person)
    member = nominations.nominate(world.manager, person, world.cohort, "Calm under pressure.", TODAY)
    assert member.state == "nominated" and member.nominated_by_id == world.manager.id
    assert [s.event for s in member.steps] == ["nominate"] and member.steps[0].actor_id == world.manager.id


def test_managers_nominate_only_their_own_reports(world, make_employee):
    stranger = make_employee()
    world.complete_prerequisites(stranger)
    with pytest.raises(PermissionDenied):
        nominations.nominate(world.manager, stranger, world.cohort, "Keen.", TODAY)
    with pytest.raises(PermissionDenied):
        nominations.nominate(world.lead, world.reports[0], world.cohort, "Keen.", TODAY)  # not a manager
    with pytest.raises(ValidationFailed, match="reason"):
        nominations.nominate(world.manager, world.reports[0], world.cohort, "  ", TODAY)


def test_one_path_at_a_time_and_not_for_the_certified(world):
    member = world.member_at("nominated")
    other = cohorts.create_cohort(world.lead, name="Autumn", site=world.site, capacity=3)
    with pytest.raises(Conflict, match="already on a path in Spring cohort"):
        nominations.nominate(world.manager, member.employee, other, "Again.", TODAY)
    with pytest.raises(Conflict, match="already nominated to Spring cohort"):
        nominations.nominate(world.manager, member.employee, world.cohort, "Again.", TODAY)
    trainee = world.reports[0]
    issue_certification(trainee, world.workshop, TODAY, certified_by=world.lead)
    with pytest.raises(Conflict, match="already certified"):
        nominations.nominate(world.manager, trainee, other, "Again.", TODAY)


def test_accept_enrols_in_the_trainer_course_within_capacity(world, db):
    members = [world.member_at("nominated") for _ in range(5)]
    for member in members[:4]:
        nominations.accept_nomination(world.lead, member, "Welcome.")
    assert db.session.execute(select(Enrolment).where(Enrolment.employee_id == members[0].employee_id,
                                                      Enrolment.course_id == world.trainer_course.id)).scalar_one()
    with pytest.raises(Conflict, match="full \\(4 places\\)"):
        nominations.accept_nomination(world.lead, members[4], "Welcome.")
    nominations.withdraw(members[0].employee, members[0])
    nominations.accept_nomination(world.lead, members[4], "A place came free.")
    assert members[4].state == "accepted"


def test_only_the_cohorts_lead_trainers_decide(world, make_employee):
    member = world.member_at("nominated")
    other_lead = make_employee(roles=("lead_trainer",))
    with pytest.raises(PermissionDenied):
        nominations.accept_nomination(other_lead, member, "Yes.")
    with pytest.raises(ValidationFailed, match="reason"):
        nominations.decline_nomination(world.lead, member, "")
    nominations.decline_nomination(world.lead, member, "Needs a year in the job first.")
    assert member.state == "declined" and member.steps[-1].note == "Needs a year in the job first."
    with pytest.raises(TransitionRefused, match="this path has ended \\(declined\\)"):
        nominations.accept_nomination(world.lead, member, "Changed my mind.")


def test_withdrawal_by_member_or_lead_only(world, make_employee):
    member = world.member_at("accepted")
    with pytest.raises(PermissionDenied):
        nominations.withdraw(make_employee(), member, "No.")
    with pytest.raises(ValidationFailed):
        nominations.withdraw(world.lead, member, "")
    nominations.withdraw(world.lead, member, "Left the company.")
    assert member.state == "withdrawn" and member.steps[-1].actor_id == world.lead.id


# --------------------------------------------------------------------------- the path through the services


def test_every_step_is_stamped_with_time_and_actor(world, db):
    member = world.member_at("certified")
    steps = db.session.execute(select(PathStep).where(PathStep.member_id == member.id).order_by(PathStep.id)).scalars().all()
    assert [(s.from_state, s.to_state) for s in steps] == [
        (None, "nominated"), ("nominated", "accepted"), ("accepted", "in_training"), ("in_training", "co_delivered"),
        ("co_delivered", "teach_back_observed"), ("teach_back_observed", "certified")]
    assert [s.actor_id for s in steps] == [world.manager.id, world.lead.id, world.lead.id, world.trainer.id,
                                          world.lead.id, world.lead.id]
    assert all(s.at is not None for s in steps) and member.state == "certified"


def test_attendance_starts_training_only_for_those_present(world):
    present, absent = world.member_at("accepted"), world.member_at("accepted")
    meeting = cohorts.add_meeting(world.lead, world.cohort, title="Day 1", day=TODAY, starts_at=time(9),
                                  ends_at=time(12), place="Room")
    started = cohorts.record_attendance(world.lead, meeting, {present.id}, TODAY)
    assert started == [present] and present.state == "in_training" and absent.state == "accepted"
    future = cohorts.add_meeting(world.lead, world.cohort, title="Day 2", day=TODAY + timedelta(days=1),
                                 starts_at=time(9), ends_at=time(12), place="Room")
    with pytest.raises(Conflict, match="once the meeting has taken place"):
        cohorts.record_attendance(world.lead, future, {absent.id}, TODAY)
    with pytest.raises(ValidationFailed, match="end after it starts"):
        cohorts.add_meeting(world.lead, world.cohort, title="Bad", day=TODAY, starts_at=time(12), ends_at=time(9),
                            place="Room")


def test_co_delivery_is_recorded_by_a_trainer_certified_that_day(world, make_employee):
    member = world.member_at("in_training")
    uncertified = make_employee(roles=("trainer",))
    with pytest.raises(PermissionDenied, match="certified"):
        record_co_delivery(uncertified, member, None, TODAY, "Session.", TODAY)
    with pytest.raises(PermissionDenied, match="certified"):  # the trainer's certification began later
        record_co_delivery(world.trainer, member, None, TODAY - timedelta(days=200), "Session.", TODAY)
    with pytest.raises(PermissionDenied):
        record_co_delivery(member.employee, member, None, TODAY, "Myself.", TODAY)
    with pytest.raises(ValidationFailed, match="future"):
        record_co_delivery(world.trainer, member, None, TODAY + timedelta(days=1), "Session.", TODAY)
    assert co_delivery_candidate(member.employee, world.workshop) == member
    delivery = record_co_delivery(world.trainer, member, None, TODAY, "Airport, day 1 and 2.", TODAY)
    assert member.state == "co_delivered" and delivery.session_id is None
    assert [d.role for d in delivery_record(world.trainer)] == ["trainer"]
    assert [d.role for d in delivery_record(member.employee)] == ["co-facilitator"]
    assert delivered_sessions(world.trainer) == 1


def test_co_delivery_refused_before_training(world):
    member = world.member_at("accepted")
    with pytest.raises(TransitionRefused, match="while the member is accepted"):
        record_co_delivery(world.trainer, member, None, TODAY, "Too early.", TODAY)


# --------------------------------------------------------------------------- teach-back and certification


def test_passing_teach_back_certifies_for_24_months_with_the_trainer_role(world, db):
    member = world.member_at("co_delivered")
    employee = member.employee
    assert not employee.has_role("trainer") and not can_deliver(employee, world.workshop, TODAY)
    result = record_teach_back(world.lead, member, scores=PASSING, observed_on=TODAY, today=TODAY,
                               comments="Ready.", notes={"keeps-time": "Finished on the minute."},
                               second_observer=world.trainer)
    assert result.passed and result.kind == "full" and result.second_observer_id == world.trainer.id
    assert member.state == "certified" and employee.has_role("trainer")
    certification = valid_certification(employee, world.workshop, TODAY)
    assert certification.certified_by_id == world.lead.id and certification.teach_back_id == result.id
    assert certification.expires_on == expiry_for(TODAY, 24)
    assert {s.criterion_id: s.note for s in result.scores}["keeps-time"] == "Finished on the minute."
    assert result.rubric == world.trainer_course.rubric


def test_failing_teach_back_is_not_yet_competent_and_may_try_again(world):
    member = world.member_at("not_yet_competent")
    assert member.state == "not_yet_competent" and not can_deliver(member.employee, world.workshop, TODAY)
    second = record_teach_back(world.lead, member, scores=PASSING, observed_on=TODAY, today=TODAY)
    assert second.passed and member.state == "certified"


def test_teach_back_refused_with_reasons(world, make_employee):
    member = world.member_at("in_training")
    with pytest.raises(TransitionRefused, match="after co-delivering"):
        record_teach_back(world.lead, member, scores=PASSING, observed_on=TODAY, today=TODAY)
    record_co_delivery(world.trainer, member, None, TODAY, "Session.", TODAY)
    with pytest.raises(ValidationFailed) as refused:
        record_teach_back(world.lead, member, scores={"models-last": 3}, observed_on=TODAY, today=TODAY,
                          second_observer=make_employee())
    assert len(refused.value.problems) == 6  # five unscored criteria and an ineligible second observer
    with pytest.raises(PermissionDenied):
        record_teach_back(world.trainer, member, scores=PASSING, observed_on=TODAY, today=TODAY)
    assert member.state == "co_delivered"


def test_certification_months_come_from_config(world, app):
    app.config["LMS_CERTIFICATION_MONTHS"] = 12
    try:
        certification = issue_certification(world.reports[0], world.workshop, date(2027, 3, 10), certified_by=world.lead)
    finally:
        app.config.pop("LMS_CERTIFICATION_MONTHS")
    assert certification.expires_on == date(2028, 3, 9)


@pytest.mark.parametrize("offset, expected", [(-1, False), (0, True), (400, True), (730, True), (731, False)])
def test_can_deliver_around_the_validity_dates(world, offset, expected):
    issued = date(2027, 3, 10)
    employee = world.reports[0]
    certification = issue_certification(employee, world.workshop, issued, certified_by=world.lead)
    assert certification.expires_on == date(2029, 3, 9)
    day = issued + timedelta(days=offset)
    assert can_deliver(employee, world.workshop, day) is expected
    ids = world.db.session.execute(certified_trainers(world.workshop, day)).scalars().all()
    assert (employee in ids) is expected


def test_can_deliver_needs_an_active_employee_and_an_unrevoked_certification(world, db):
    employee = world.reports[0]
    issue_certification(employee, world.workshop, TODAY, certified_by=world.lead)
    assert can_deliver(employee, world.workshop, TODAY)
    assert not can_deliver(employee, world.trainer_course, TODAY)  # certification is per course
    employee.active = False
    assert not can_deliver(employee, world.workshop, TODAY)
    employee.active = True
    certification = valid_certification(employee, world.workshop, TODAY)
    with pytest.raises(ValidationFailed):
        revoke_certification(world.lead, certification, " ", TODAY)
    with pytest.raises(PermissionDenied):
        revoke_certification(world.trainer, certification, "No.", TODAY)
    revoke_certification(world.lead, certification, "Stopped following the programme.", TODAY)
    assert not can_deliver(employee, world.workshop, TODAY) and not employee.has_role("trainer")
    assert certification.revoked_reason == "Stopped following the programme."
    with pytest.raises(Conflict):
        revoke_certification(world.lead, certification, "Again.", TODAY)


def test_reminder_sixty_days_before_expiry_is_sent_once(world, db):
    employee = world.reports[0]
    certification = issue_certification(employee, world.workshop, date(2027, 3, 10), certified_by=world.lead)
    expires = certification.expires_on
    assert certification not in due_certification_reminders(expires - timedelta(days=61))
    assert certification in due_certification_reminders(expires - timedelta(days=60))
    assert mark_reminder_sent(certification) is True
    assert mark_reminder_sent(certification) is False  # a second worker finds it already claimed
    assert certification.reminder_sent_at is not None
    assert certification not in due_certification_reminders(expires - timedelta(days=30))
    other = issue_certification(world.reports[1], world.workshop, date(2027, 3, 10), certified_by=world.lead)
    assert other not in due_certification_reminders(expires + timedelta(days=1))  # too late once expired


def test_recertification_path_renews_from_the_current_expiry(world, db):
    employee = world.reports[0]
    old = issue_certification(employee, world.workshop, TODAY - timedelta(days=700), certified_by=world.lead)
    with pytest.raises(Conflict, match="recertification opens 60 days before"):
        nominations.request_recertification(employee, world.cohort, TODAY - timedelta(days=100))
    member = nominations.request_recertification(employee, world.cohort, TODAY)
    assert member.track == "recertification" and member.nominated_by_id == employee.id
    assert old in due_certification_reminders(TODAY)
    nominations.accept_nomination(world.lead, member, "Renewal.")
    result = record_teach_back(world.lead, member, scores=PASSING, observed_on=TODAY, today=TODAY)
    assert result.kind == "short" and member.state == "certified"
    renewed = valid_certification(employee, world.workshop, old.expires_on + timedelta(days=1))
    assert renewed.renews_id == old.id
    assert renewed.expires_on == expiry_for(old.expires_on + timedelta(days=1), 24)
    assert old not in due_certification_reminders(TODAY)  # renewed: no reminder for the old one


def test_recertification_needs_a_certification(world):
    with pytest.raises(Conflict, match="no certification"):
        nominations.request_recertification(world.reports[0], world.cohort, TODAY)


# --------------------------------------------------------------------------- cohorts and promotion


def test_cohort_status_and_closing(world):
    planned = cohorts.create_cohort(world.lead, name="Later", site=world.site, capacity=2)
    assert planned.status == "planned" and planned.prerequisites  # defaults: online courses and the workshop
    assert {c.kind for c in planned.prerequisites} <= {"online", "leadership", "workshop"}
    meeting = cohorts.add_meeting(world.lead, planned, title="Day 1", day=TODAY, starts_at=time(9), ends_at=time(10),
                                  place="Room")
    with pytest.raises(Conflict, match="Start the cohort"):
        cohorts.record_attendance(world.lead, meeting, set(), TODAY)
    member = world.member_at("in_training")
    with pytest.raises(Conflict, match=f"{member.employee.full_name} \\(in training\\)"):
        cohorts.close_cohort(world.lead, world.cohort)
    nominations.withdraw(member.employee, member)
    cohorts.close_cohort(world.lead, world.cohort)
    assert world.cohort.status == "closed"
    with pytest.raises(Conflict, match="closed"):
        nominations.nominate(world.manager, world.reports[0], world.cohort, "Late.", TODAY)


def test_cohort_details_are_validated(world, make_employee):
    with pytest.raises(PermissionDenied):
        cohorts.create_cohort(world.trainer, name="Mine", site=world.site, capacity=3)
    with pytest.raises(ValidationFailed) as refused:
        cohorts.create_cohort(world.lead, name="", site=world.site, capacity=0, co_leads=[make_employee()])
    assert len(refused.value.problems) == 3
    world.member_at("accepted")
    world.member_at("accepted")
    with pytest.raises(ValidationFailed, match="below the 2 members already accepted"):
        cohorts.update_cohort(world.lead, world.cohort, name="Spring", site=world.site, capacity=1,
                              leads=[world.lead], prerequisites=[])


def test_promotion_after_enough_sessions(world, app):
    with pytest.raises(Conflict, match="delivered 0 of the 3 sessions"):
        promote_to_lead_trainer(world.lead, world.trainer, TODAY)
    for _ in range(3):
        member = world.member_at("in_training")
        record_co_delivery(world.trainer, member, None, TODAY, "Session.", TODAY)
    with pytest.raises(PermissionDenied):
        promote_to_lead_trainer(world.reports[0], world.trainer, TODAY)
    promotion = promote_to_lead_trainer(world.lead, world.trainer, TODAY)
    assert world.trainer.has_role("lead_trainer") and promotion.sessions_delivered == 3
    with pytest.raises(Conflict, match="already a lead trainer"):
        promote_to_lead_trainer(world.lead, world.trainer, TODAY)


def test_promotion_threshold_is_configurable_and_needs_a_valid_certification(world, app, db):
    app.config["LMS_LEAD_TRAINER_AFTER_SESSIONS"] = 0
    try:
        with pytest.raises(Conflict, match="no valid certification"):
            promote_to_lead_trainer(world.lead, world.reports[0], TODAY)
        promote_to_lead_trainer(world.lead, world.trainer, TODAY)
    finally:
        app.config.pop("LMS_LEAD_TRAINER_AFTER_SESSIONS")
    assert world.trainer.has_role("lead_trainer")


def test_certifications_are_per_course_rows(world, db):
    rows = db.session.execute(select(Certification).where(Certification.employee_id == world.trainer.id)).scalars().all()
    assert len(rows) == 1 and rows[0].course_id == world.workshop.id


def test_the_site_pipeline_leaves_out_people_who_have_left(world, db):
    nominee = world.member_at("nominated").employee

    def figures():
        (site,) = [s for s in pipeline_by_site(world.workshop, TODAY) if s.site.id == world.site.id]
        return site.nominated, site.certified

    assert figures() == (1, 2)  # the nominee; the lead trainer and the trainer
    nominee.active = world.trainer.active = False
    db.session.commit()
    assert figures() == (0, 1)
