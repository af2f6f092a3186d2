"""What workshop sessions tell the trainer record: sessions delivered, and the people each trainer reached."""
from __future__ import annotations

from sqlalchemy import Select, literal, select

from lms.core.models import utcnow
from lms.learning.models import Enrolment
from lms.trainers.queries import delivery_source, reach_source
from lms.workshops.models import Booking, Room, SessionTrainer, WorkshopSession


@delivery_source("workshop_session")
def sessions_delivered() -> Select:
    """Every held (not cancelled, finished) session, once per trainer who delivered it."""
    return (
        select(SessionTrainer.employee_id.label("employee_id"), WorkshopSession.day2.label("delivered_on"),
               literal("trainer").label("role"),
               literal("Delivered the workshop in ").concat(Room.name).label("description"),
               WorkshopSession.id.label("session_id"))
        .join(WorkshopSession, WorkshopSession.id == SessionTrainer.session_id)
        .join(Room, Room.id == WorkshopSession.room_id)
        .where(WorkshopSession.status != "cancelled", WorkshopSession.day2 < utcnow().date())
    )


@reach_source("workshop_session")
def people_reached() -> Select:
    """(trainer, employee) for everyone who attended both days of a trainer's session and completed the workshop."""
    return (
        select(SessionTrainer.employee_id.label("trainer_id"), Booking.employee_id.label("employee_id"))
        .join(Booking, Booking.session_id == SessionTrainer.session_id)
        .join(Enrolment, (Enrolment.employee_id == Booking.employee_id) & (Enrolment.course_id == Booking.course_id))
        .where(Booking.day1_present.is_(True), Booking.day2_present.is_(True), Enrolment.completed_at.is_not(None))
    )
