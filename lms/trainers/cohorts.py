"""Cohorts: creating and editing them, starting and closing, meetings and attendance."""
from __future__ import annotations

from datetime import date, time

from sqlalchemy import func, select

from lms.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lms.core.markers import N_
from lms.core.models import utcnow
from lms.core.roles import Role
from lms.extensions import db
from lms.learning.models import Course
from lms.org.models import Employee, Site
from lms.trainers.courses import default_prerequisites, delivery_course, training_course
from lms.trainers.members import advance
from lms.trainers.models import Cohort, CohortMeeting, CohortMember, MeetingAttendance
from lms.trainers.path import ACCEPTED, ACTIVE_STATES, CERTIFICATION, NOMINATED, SEATED_STATES, STATE_LABELS


def get_cohort(cohort_id: int) -> Cohort:
    """The cohort with this id, or NotFound."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound(N_("No such cohort."))
    return cohort


def require_lead(actor: Employee, cohort: Cohort) -> None:
    """PermissionDenied unless `actor` is one of the cohort's lead trainers."""
    if not cohort.is_led_by(actor):
        raise PermissionDenied(N_("Only the cohort's lead trainers can do this."))


def _require_open(cohort: Cohort) -> None:
    if cohort.status == "closed":
        raise Conflict(f"{cohort.name} is closed.")


def seated_count(cohort: Cohort) -> int:
    """How many members have been accepted into the cohort (withdrawn and declined ones do not count)."""
    return db.session.execute(
        select(func.count()).where(CohortMember.cohort_id == cohort.id, CohortMember.state.in_(SEATED_STATES))
    ).scalar_one()


def _check_details(name: str, capacity: int, leads: list[Employee]) -> list[str]:
    problems = []
    if not (name or "").strip():
        problems.append("Give the cohort a name.")
    if capacity is None or capacity < 1:
        problems.append("Capacity must be at least 1.")
    if not leads:
        problems.append("A cohort needs at least one lead trainer.")
    for lead in leads:
        if not lead.has_role(Role.LEAD_TRAINER) or not lead.active:
            problems.append(f"{lead.full_name} is not an active lead trainer.")
    return problems


def create_cohort(actor: Employee, *, name: str, site: Site, capacity: int, co_leads: list[Employee] = (),
                  prerequisites: list[Course] | None = None, course: Course | None = None) -> Cohort:
    """A planned cohort led by `actor` (and any co-leads); prerequisites default to the online courses and the workshop."""
    if not actor.has_role(Role.LEAD_TRAINER):
        raise PermissionDenied(N_("Only lead trainers can create cohorts."))
    course = course or delivery_course()
    studied = training_course()
    if course is None or studied is None:
        raise Conflict(N_("Sync the workshop and the train-the-trainer courses before creating a cohort."))
    leads = [actor] + [lead for lead in co_leads if lead.id != actor.id]
    problems = _check_details(name, capacity, leads)
    if problems:
        raise ValidationFailed(problems[0], problems)
    cohort = Cohort(name=name.strip(), site=site, capacity=capacity, course=course, training_course=studied,
                    status="planned", created_by_id=actor.id, leads=leads,
                    prerequisites=list(default_prerequisites() if prerequisites is None else prerequisites))
    db.session.add(cohort)
    db.session.flush()
    return cohort


def update_cohort(actor: Employee, cohort: Cohort, *, name: str, site: Site, capacity: int, leads: list[Employee],
                  prerequisites: list[Course]) -> Cohort:
    """Change a cohort's details; capacity cannot fall below the members already accepted."""
    require_lead(actor, cohort)
    _require_open(cohort)
    problems = _check_details(name, capacity, leads)
    seated = seated_count(cohort)
    if capacity is not None and capacity < seated:
        problems.append(f"Capacity cannot be below the {seated} members already accepted.")
    if problems:
        raise ValidationFailed(problems[0], problems)
    cohort.name, cohort.site, cohort.capacity = name.strip(), site, capacity
    cohort.leads, cohort.prerequisites = list(leads), list(prerequisites)
    db.session.flush()
    return cohort


def start_cohort(actor: Employee, cohort: Cohort) -> Cohort:
    """Planned -> running: meetings happen and attendance is recorded."""
    require_lead(actor, cohort)
    if cohort.status != "planned":
        raise Conflict(f"Only a planned cohort can start; {cohort.name} is {cohort.status}.")
    cohort.status = "running"
    db.session.flush()
    return cohort


def close_cohort(actor: Employee, cohort: Cohort) -> Cohort:
    """Close the cohort once nobody is left part-way along their path."""
    require_lead(actor, cohort)
    _require_open(cohort)
    under_way = [m for m in cohort.members if m.state in ACTIVE_STATES]
    if under_way:
        names = ", ".join(f"{m.employee.full_name} ({STATE_LABELS[m.state]})" for m in under_way)
        raise Conflict(f"Cannot close {cohort.name} while members are part-way: {names}. "
                       "Finish their path, or withdraw them, first.")
    cohort.status = "closed"
    db.session.flush()
    return cohort


def add_meeting(actor: Employee, cohort: Cohort, *, title: str, day: date, starts_at: time, ends_at: time,
                place: str) -> CohortMeeting:
    """Schedule a cohort meeting."""
    require_lead(actor, cohort)
    _require_open(cohort)
    problems = []
    if not (title or "").strip():
        problems.append("Give the meeting a title.")
    if not (place or "").strip():
        problems.append("Say where the meeting is.")
    if day is None or starts_at is None or ends_at is None:
        problems.append("Give the meeting's date, start and end time.")
    elif ends_at <= starts_at:
        problems.append("The meeting must end after it starts.")
    if problems:
        raise ValidationFailed(problems[0], problems)
    meeting = CohortMeeting(cohort=cohort, title=title.strip(), day=day, starts_at=starts_at, ends_at=ends_at,
                            place=place.strip())
    db.session.add(meeting)
    db.session.flush()
    return meeting


def get_meeting(cohort: Cohort, meeting_id: int) -> CohortMeeting:
    """The cohort's meeting with this id, or NotFound."""
    meeting = db.session.get(CohortMeeting, meeting_id)
    if meeting is None or meeting.cohort_id != cohort.id:
        raise NotFound(N_("No such meeting."))
    return meeting


def attendance_roll(cohort: Cohort) -> list[CohortMember]:
    """The members whose attendance is taken: accepted into the cohort and still under way."""
    return [m for m in cohort.members if m.state in ACTIVE_STATES and m.state != NOMINATED]


def record_attendance(actor: Employee, meeting: CohortMeeting, present_ids: set[int], today: date) -> list[CohortMember]:
    """Record who attended; accepted members who attended start training. Returns those who started."""
    cohort = meeting.cohort
    require_lead(actor, cohort)
    if cohort.status != "running":
        raise Conflict(N_("Start the cohort before recording attendance.") if cohort.status == "planned"
                       else f"{cohort.name} is closed.")
    if meeting.day > today:
        raise Conflict(N_("Attendance can be recorded once the meeting has taken place."))
    roll = attendance_roll(cohort)
    unknown = set(present_ids) - {m.id for m in roll}
    if unknown:
        raise ValidationFailed(N_("Someone marked present is not on this cohort's roll."))
    rows = {row.member_id: row for row in meeting.attendance}
    started = []
    now = utcnow()
    for member in roll:
        present = member.id in present_ids
        row = rows.get(member.id)
        if row is None:
            meeting.attendance.append(MeetingAttendance(member_id=member.id, present=present, recorded_by_id=actor.id,
                                                        recorded_at=now))
        elif row.present != present:
            row.present, row.recorded_by_id, row.recorded_at = present, actor.id, now
        if present and member.track == CERTIFICATION and member.state == ACCEPTED:
            advance(member, "attend", actor, note=f"Attended {meeting.title} on {meeting.day.isoformat()}.")
            started.append(member)
    db.session.flush()
    return started
