"""Workshop sessions feed the trainer record (deliveries, reach) and certification reminders go out once."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from lms.notify.models import OutboxMessage
from lms.trainers.queries import delivered_sessions, delivery_record, trainer_reach
from lms.workshops.booking import book_seat
from lms.workshops.models import Booking, WorkshopSession


def test_held_sessions_count_as_deliveries_and_reach(db, make_session, staff, workshop):
    from lms.learning.progress import find_enrolment

    session = make_session()
    trainer = session.trainers[0]
    person = staff(session.site, 1)[0]
    booking = book_seat(person, person, session)
    db.session.commit()
    assert delivered_sessions(trainer) == 0  # not held yet
    past = date.today() - timedelta(days=14)
    db.session.execute(update(WorkshopSession).where(WorkshopSession.id == session.id).values(day1=past, day2=past + timedelta(days=1)))
    db.session.execute(update(Booking).where(Booking.id == booking.id).values(day1_present=True, day2_present=True))
    enrolment = find_enrolment(person, workshop)
    enrolment.completed_at = enrolment.assigned_at
    db.session.commit()
    assert delivered_sessions(trainer) == 1
    assert [d.session_id for d in delivery_record(trainer)] == [session.id]
    assert trainer_reach()[trainer.id] == 1


def test_trainer_records_a_co_delivery_from_the_session_page(client, db, make_session, make_site, staff, certified, login, workshop):
    from lms.trainers.models import Cohort, CohortMember

    trainer = certified(make_site())
    session = make_session(trainer=trainer)
    past = date.today() - timedelta(days=3)
    db.session.execute(update(WorkshopSession).where(WorkshopSession.id == session.id).values(day1=past - timedelta(days=1), day2=past))
    trainee = staff(session.site, 1)[0]
    cohort = Cohort(name="Cohort A", course=workshop, training_course=workshop, site=session.site, status="running")
    db.session.add(cohort)
    db.session.flush()
    member = CohortMember(cohort=cohort, employee=trainee, state="in_training", nominated_by_id=trainer.id)
    db.session.add(member)
    db.session.commit()
    login(trainer)
    page = client.get(f"/workshops/sessions/{session.id}").get_data(as_text=True)
    assert "Record a trainee" in page and trainee.full_name in page
    response = client.post(f"/workshops/sessions/{session.id}/co-delivery", data={"member_id": member.id, "note": "Led the LAST role plays"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(CohortMember, member.id).state == "co_delivered"


def test_certification_reminder_sent_once(db, make_site, certified):
    from lms.trainers.reminders import send_certification_reminders

    trainer = certified(make_site(), issued_on=date.today() - timedelta(days=700))
    assert send_certification_reminders(date.today()) == 1
    db.session.commit()
    assert send_certification_reminders(date.today()) == 0
    db.session.commit()
    subjects = [m.subject for m in db.session.execute(select(OutboxMessage)).scalars() if trainer.email in m.recipients]
    assert len(subjects) == 1 and subjects[0].startswith("Your trainer certification ends on")
