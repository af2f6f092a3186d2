"""The JSON records of the API, one function per resource; field names are part of the contract (see openapi.py)."""
from __future__ import annotations

from lms.api.serialize import iso_date, iso_datetime, iso_time, latest, percent
from lms.insights.participation import CourseRef, Figures, Group, Participation


def count(value) -> int:
    """A count as the API gives it: an integer, whatever the driver returned (PostgreSQL sums are numeric; an
    empty sum is NULL)."""
    return int(value or 0)


def _person(employee_id, employee_no, full_name, active) -> dict:
    return {"id": employee_id, "employee_id": employee_no, "name": full_name, "active": active}


def _department(department_id, code, name, kind) -> dict | None:
    if department_id is None:
        return None
    return {"id": department_id, "code": code, "name": name, "kind": kind}


def participation_group(p: Participation, group: Group) -> dict:
    """One group of a participation table with the figures of every course in it."""
    dimension = p.dimension
    return {
        "group": {
            "dimension": dimension,
            "id": group.key if dimension in ("site", "department") else None,
            "name": group.label,
            "kind": group.kind if dimension in ("kind", "department") else None,
            "site": group.site if dimension == "department" else None,
            "headcount": count(group.headcount),
        },
        "courses": [course_figures(course, p.figures(group, course)) for course in p.courses],
    }


def course_figures(course: CourseRef, figures: Figures) -> dict:
    """A course's five figures in one group."""
    figures = Figures(*(count(n) for n in (figures.assigned, figures.started, figures.completed, figures.overdue)))
    return {
        "course": {"id": course.id, "slug": course.slug, "title": course.title, "kind": course.kind},
        "assigned": figures.assigned,
        "started": figures.started,
        "completed": figures.completed,
        "overdue": figures.overdue,
        "percent": percent(figures.percent),
    }


def enrolment(row) -> dict:
    """One enrolment row of lms.api.queries.enrolment_rows."""
    return {
        "id": row.id,
        "state": row.state,
        "employee": _person(row.employee_id, row.employee_no, row.full_name, row.active),
        "course": {"id": row.course_id, "slug": row.course_slug, "title": row.course_title, "kind": row.course_kind,
                   "archived": row.course_archived},
        "department": _department(row.department_id, row.department_code, row.department_name, row.department_kind),
        "site": {"id": row.site_id, "code": row.site_code, "name": row.site_name},
        "assigned_at": iso_datetime(row.assigned_at),
        "due_date": iso_date(row.due_date),
        "started_at": iso_datetime(row.started_at),
        "completed_at": iso_datetime(row.completed_at),
        "unassigned_at": iso_datetime(row.unassigned_at),
        "updated_at": iso_datetime(latest(row.assigned_at, row.started_at, row.completed_at, row.unassigned_at)),
    }


def workshop_session(row, counts, trainers: list) -> dict:
    """One session row of lms.api.queries.session_rows, with its booking counts and trainers."""
    return {
        "id": row.id,
        "status": row.status,
        "course": {"id": row.course_id, "slug": row.course_slug, "title": row.course_title},
        "site": {"id": row.site_id, "code": row.site_code, "name": row.site_name, "timezone": row.site_timezone},
        "room": {"id": row.room_id, "name": row.room_name},
        "day1": iso_date(row.day1),
        "day2": iso_date(row.day2),
        "start_time": iso_time(row.start_time),
        "end_time": iso_time(row.end_time),
        "capacity": row.capacity,
        "seats_taken": row.seats_taken,
        "seats_left": row.capacity - row.seats_taken,
        "bookings": {"booked": counts.booked, "waitlisted": counts.waitlisted, "cancelled": counts.cancelled,
                     "no_show": counts.no_show, "attended_both_days": counts.attended_both_days},
        "trainers": [{"id": t[0], "employee_id": t[1], "name": t[2]} for t in trainers],
    }


def booking(row) -> dict:
    """One booking row of lms.api.queries.booking_rows."""
    return {
        "id": row.id,
        "session_id": row.session_id,
        "course_id": row.course_id,
        "site_id": row.site_id,
        "status": row.status,
        "employee": _person(row.employee_id, row.employee_no, row.full_name, row.active),
        "department": _department(row.department_id, row.department_code, row.department_name, row.department_kind),
        "requested_at": iso_datetime(row.requested_at),
        "cancelled_at": iso_datetime(row.cancelled_at),
        "day1_present": row.day1_present,
        "day2_present": row.day2_present,
        "attended_both_days": bool(row.day1_present and row.day2_present),
        "attendance_marked_at": iso_datetime(row.attendance_marked_at),
    }


def idea(row) -> dict:
    """One idea row of lms.api.queries.idea_rows."""
    return {
        "id": row.id,
        "title": row.title,
        "description": row.description,
        "status": row.status,
        "author": _person(row.author_id, row.employee_no, row.full_name, row.active),
        "department": _department(row.department_id, row.department_code, row.department_name, row.department_kind),
        "beneficiary": row.beneficiary,
        "beneficiary_department": _department(row.beneficiary_department_id, row.beneficiary_department_code,
                                              row.beneficiary_department_name, row.beneficiary_department_kind),
        "submitted_at": iso_datetime(row.submitted_at),
        "accepted_at": iso_datetime(row.accepted_at),
        "implemented_on": iso_date(row.implemented_on),
        "outcome": row.outcome or None,
        "declined_at": iso_datetime(row.declined_at),
        "declined_reason": row.declined_reason or None,
    }
