"""Workshop pages: sessions by site and week, a session, my bookings, a trainer's sessions, the sign-in sheet,
rosters, invites and feeds, and admin pages for rooms, sessions and site calendars."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, gettext, ngettext
from flask_login import current_user
from sqlalchemy import select

from lms.core.csvsafe import neutralize
from lms.core.errors import DomainError, NotFound
from lms.core.markers import N_
from lms.core.forms import choices
from lms.core.navigation import nav_item
from lms.core.permissions import roles_required
from lms.core.roles import Role
from lms.extensions import db
from lms.org.forms import ConfirmForm
from lms.org.models import Employee, Site
from lms.org.queries import is_in_reporting_line
from lms.workshops import attendance, booking as booking_service, invites, labels, queries, sessions
from lms.workshops.calendar import parse_holiday_lines, set_site_calendar
from lms.workshops.forms import (BookForOtherForm, BulkBookForm, CancelBookingForm, CancelSessionForm, CoDeliveryForm, RoomForm,
                                 SessionFilterForm, SessionForm, SiteCalendarForm)
from lms.workshops.models import Booking, Room

bp = Blueprint("workshops", __name__)
labels.install(bp)

nav_item("Workshops", "workshops.sessions_list", Role.LEARNER, order=5)
nav_item("My bookings", "workshops.my_bookings", Role.LEARNER, order=6)
nav_item("My sessions", "workshops.teaching", Role.TRAINER, Role.LEAD_TRAINER, order=30)
nav_item("Rooms and calendars", "workshops.admin_rooms", Role.ADMIN, order=83)

WEEKS_SHOWN = 6


def _today() -> date:
    return date.today()


def _fail(exc: DomainError):
    db.session.rollback()
    for problem in getattr(exc, "problems", None) or [exc.message]:
        flash(labels.say(problem), "danger")


# --------------------------------------------------------------------------- browsing and booking


@bp.route("/workshops")
@roles_required(Role.LEARNER)
def sessions_list():
    form = SessionFilterForm(request.args)
    sites = db.session.execute(select(Site).order_by(Site.name)).scalars().all()
    form.site.choices = choices([(0, gettext("All sites"))] + [(s.id, s.name) for s in sites])
    site_id = form.site.data if request.args.get("site") is not None and form.site.validate(form) else current_user.department.site_id
    start = form.start.data if request.args.get("start") and form.start.validate(form) else _today()
    start = start - timedelta(days=start.weekday())
    end = start + timedelta(weeks=WEEKS_SHOWN) - timedelta(days=1)
    form.site.data, form.start.data = site_id, start
    found = queries.sessions_between(site_id or None, start, end, include_drafts=current_user.has_role(Role.ADMIN))
    weeks = [(start + timedelta(weeks=n), [s for s in found if start + timedelta(weeks=n) <= s.day1 < start + timedelta(weeks=n + 1)])
             for n in range(WEEKS_SHOWN)]
    mine = booking_service.active_booking(current_user, found[0].course_id) if found else None
    return render_template("workshops/sessions.html", form=form, weeks=weeks, site_id=site_id, start=start, today=_today(),
                           previous=start - timedelta(weeks=WEEKS_SHOWN), following=end + timedelta(days=1), mine=mine)


def _visible_session(session_id: int):
    session = sessions.get_session(session_id)
    if session.status == "draft" and not current_user.has_role(Role.ADMIN):
        raise NotFound(N_("No such session."))
    return session


@bp.route("/workshops/sessions/<int:session_id>")
@roles_required(Role.LEARNER)
def session_page(session_id: int):
    session = _visible_session(session_id)
    mine = booking_service.active_booking(current_user, session.course_id)
    other_form = None
    if current_user.has_role(Role.MANAGER):
        other_form = BookForOtherForm()
        other_form.employee_id.choices = choices((e.id, f"{e.full_name} ({e.department.name})")
                                                 for e in queries.bookable_reports(current_user, session))
    runs = attendance.may_run(current_user, session)
    co_form = None
    if runs and session.day1 <= _today() and session.status != "cancelled":
        co_form = CoDeliveryForm()
        co_form.member_id.choices = choices((m.id, f"{m.employee.full_name} ({m.cohort.name})")
                                            for m in queries.co_delivery_candidates(session))
    return render_template(
        "workshops/session.html", session=session, mine=mine, today=_today(), other_form=other_form, runs=runs,
        bookings=queries.session_bookings(session) if runs else [], confirm=ConfirmForm(), cancel_form=CancelBookingForm(),
        co_form=co_form,
        cutoff=booking_service.cutoff(session),
        position=booking_service.waitlist_position(mine) if mine and mine.session_id == session.id else None,
    )


@bp.route("/workshops/sessions/<int:session_id>/book", methods=["POST"])
@roles_required(Role.LEARNER)
def book(session_id: int):
    session = _visible_session(session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        result = booking_service.book_seat(current_user, current_user, session)
    except DomainError as exc:
        _fail(exc)
    else:
        db.session.commit()
        if result.status == "booked":
            flash(gettext("You are booked on %(day1)s and %(day2)s. An invite is on its way.", day1=format_date(session.day1, "EEEE dd MMMM"),
                          day2=format_date(session.day2, "EEEE dd MMMM")), "success")
        else:
            flash(result.waitlist_reason, "warning")
    return redirect(url_for("workshops.session_page", session_id=session.id))


@bp.route("/workshops/sessions/<int:session_id>/book-for", methods=["POST"])
@roles_required(Role.MANAGER)
def book_for(session_id: int):
    session = _visible_session(session_id)
    form = BookForOtherForm()
    form.employee_id.choices = choices((e.id, e.full_name) for e in queries.bookable_reports(current_user, session))
    if not form.validate_on_submit():
        flash(gettext("Choose someone from your team who has no booking yet."), "danger")
        return redirect(url_for("workshops.session_page", session_id=session.id))
    employee = db.session.get(Employee, form.employee_id.data)
    if employee is None or not is_in_reporting_line(current_user, employee.id):
        raise NotFound(N_("No such person in your team."))
    try:
        result = booking_service.book_seat(current_user, employee, session)
    except DomainError as exc:
        _fail(exc)
    else:
        db.session.commit()
        if result.status == "booked":
            flash(gettext("%(name)s: booked.", name=employee.full_name), "success")
        else:
            flash(gettext("%(name)s: %(reason)s", name=employee.full_name, reason=result.waitlist_reason), "warning")
    return redirect(url_for("workshops.session_page", session_id=session.id))


def _owned_booking(booking_id: int) -> Booking:
    """A booking the current user may act on: their own, a report's, or any for admins."""
    found = db.session.get(Booking, booking_id)
    if found is None:
        raise NotFound(N_("No such booking."))
    allowed = (found.employee_id == current_user.id or current_user.has_role(Role.ADMIN)
               or (current_user.has_role(Role.MANAGER) and is_in_reporting_line(current_user, found.employee_id)))
    if not allowed:
        raise NotFound(N_("No such booking."))
    return found


@bp.route("/workshops/bookings/<int:booking_id>/cancel", methods=["POST"])
@roles_required(Role.LEARNER)
def cancel_booking(booking_id: int):
    found = _owned_booking(booking_id)
    form = CancelBookingForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        booking_service.cancel_booking(current_user, found, form.reason.data or "")
    except DomainError as exc:
        _fail(exc)
    else:
        db.session.commit()
        flash(gettext("The booking is cancelled. You can book another session.") if found.employee_id == current_user.id
              else gettext("The booking is cancelled."), "info")
    return redirect(request.form.get("back") or url_for("workshops.my_bookings"))


@bp.route("/workshops/bookings/<int:booking_id>/invite.ics")
@roles_required(Role.LEARNER)
def booking_invite(booking_id: int):
    found = _owned_booking(booking_id)
    if found.status not in ("booked", "cancelled"):
        raise NotFound(N_("There is no invite for a waitlisted booking yet."))
    body = invites.session_invite(found.session, found.employee, cancel=found.status == "cancelled")
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f"attachment; filename=workshop-{found.session_id}.ics"})


@bp.route("/workshops/my")
@roles_required(Role.LEARNER)
def my_bookings():
    token = invites.feed_token(current_user)
    db.session.commit()
    return render_template("workshops/my_bookings.html", bookings=queries.bookings_of(current_user), today=_today(),
                           feed_url=url_for("workshops.calendar_feed", token=token, _external=True),
                           cancel_form=CancelBookingForm(), confirm=ConfirmForm(),
                           position=booking_service.waitlist_position)


@bp.route("/workshops/my/feed/renew", methods=["POST"])
@roles_required(Role.LEARNER)
def renew_feed():
    if ConfirmForm().validate_on_submit():
        invites.feed_token(current_user, renew=True)
        db.session.commit()
        flash(gettext("Your calendar link was replaced; the old link no longer works."), "info")
    return redirect(url_for("workshops.my_bookings"))


@bp.route("/calendar/<token>.ics")
def calendar_feed(token: str):
    employee = invites.employee_for_feed(token)
    if employee is None:
        abort(404)
    return Response(invites.feed(employee), mimetype="text/calendar")


# --------------------------------------------------------------------------- trainers


@bp.route("/workshops/teaching")
@roles_required(Role.TRAINER, Role.LEAD_TRAINER)
def teaching():
    return render_template("workshops/teaching.html", sessions=queries.sessions_delivered_by(current_user), today=_today())


def _run_session(session_id: int):
    session = sessions.get_session(session_id)
    if not attendance.may_run(current_user, session):
        raise NotFound(N_("No such session among yours."))
    return session


@bp.route("/workshops/sessions/<int:session_id>/sign-in", methods=["GET", "POST"])
@roles_required(Role.TRAINER, Role.LEAD_TRAINER, Role.ADMIN)
def sign_in(session_id: int):
    session = _run_session(session_id)
    rows = attendance.sheet(session)
    form = ConfirmForm()
    if form.validate_on_submit():
        marks = {}
        for row in rows:
            values = tuple(_mark(request.form.get(f"day{n}-{row.id}")) for n in (1, 2))
            bulk = [request.form.get(f"all-day{n}") for n in (1, 2)]
            values = tuple(True if bulk[i] == "present" and values[i] is None else values[i] for i in range(2))
            marks[row.id] = values
        try:
            changed = attendance.record_attendance(current_user, session, marks, _today())
        except DomainError as exc:
            _fail(exc)
        else:
            db.session.commit()
            flash(ngettext("Attendance saved (%(num)d changed).", "Attendance saved (%(num)d changed).", len(changed)), "success")
        return redirect(url_for("workshops.sign_in", session_id=session.id))
    return render_template("workshops/sign_in.html", session=session, rows=rows, form=form, today=_today())


def _mark(value: str | None) -> bool | None:
    return {"present": True, "absent": False}.get(value or "")


@bp.route("/workshops/sessions/<int:session_id>/co-delivery", methods=["POST"])
@roles_required(Role.TRAINER, Role.LEAD_TRAINER, Role.ADMIN)
def co_delivery(session_id: int):
    from lms.trainers.codelivery import record_co_delivery

    session = _run_session(session_id)
    form = CoDeliveryForm()
    candidates = {m.id: m for m in queries.co_delivery_candidates(session)}
    form.member_id.choices = choices((i, m.employee.full_name) for i, m in candidates.items())
    if form.validate_on_submit():
        try:
            record_co_delivery(current_user, candidates[form.member_id.data], session.id,
                               min(session.day2, _today()), form.note.data or "")
        except DomainError as exc:
            _fail(exc)
        else:
            db.session.commit()
            flash(gettext("Co-delivery by %(name)s recorded.", name=candidates[form.member_id.data].employee.full_name), "success")
    else:
        flash(gettext("Choose the trainee who co-delivered."), "danger")
    return redirect(url_for("workshops.session_page", session_id=session.id))


@bp.route("/workshops/sessions/<int:session_id>/roster")
@roles_required(Role.TRAINER, Role.LEAD_TRAINER, Role.ADMIN)
def roster(session_id: int):
    session = _run_session(session_id)
    return render_template("workshops/roster.html", session=session, bookings=queries.session_bookings(session))


@bp.route("/workshops/sessions/<int:session_id>/roster.csv")
@roles_required(Role.TRAINER, Role.LEAD_TRAINER, Role.ADMIN)
def roster_csv(session_id: int):
    session = _run_session(session_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["employee_id", "full_name", "department", "department_kind", "status", "day1", "day2"])
    for b in queries.session_bookings(session):
        writer.writerow([neutralize(cell) for cell in (
            b.employee.employee_no, b.employee.full_name, b.employee.department.name, b.employee.department.kind,
            b.status, _yn(b.day1_present), _yn(b.day2_present))])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=session-{session.id}-roster.csv"})


def _yn(value: bool | None) -> str:
    return {True: "present", False: "absent"}.get(value, "")


# --------------------------------------------------------------------------- admin


@bp.route("/admin/workshops/rooms", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def admin_rooms():
    form = RoomForm()
    form.site_id.choices = choices((s.id, s.name) for s in db.session.execute(select(Site).order_by(Site.name)).scalars())
    if form.validate_on_submit():
        try:
            room = sessions.add_room(db.session.get(Site, form.site_id.data), form.name.data, form.capacity.data)
        except DomainError as exc:
            _fail(exc)
        else:
            db.session.commit()
            flash(gettext("Room %(name)s added.", name=room.name), "success")
            return redirect(url_for("workshops.admin_rooms"))
    return render_template("workshops/admin_rooms.html", form=form, sites=queries.rooms_by_site())


@bp.route("/admin/workshops/rooms/<int:room_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def admin_room(room_id: int):
    room = sessions.get_room(room_id)
    form = RoomForm(obj=room)
    form.site_id.choices = choices([(room.site_id, room.site.name)])
    if request.method == "GET":
        form.closures.data = "\n".join(f"{c.day.isoformat()} {c.reason}".strip() for c in room.closures)
    if form.validate_on_submit():
        try:
            closures = parse_holiday_lines(form.closures.data or "")
            sessions.update_room(room, name=form.name.data, capacity=form.capacity.data, active=form.active.data, closures=closures)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.extend(labels.say(p) for p in getattr(exc, "problems", None) or [exc.message])
        else:
            db.session.commit()
            flash(gettext("Room %(name)s saved.", name=room.name), "success")
            return redirect(url_for("workshops.admin_rooms"))
    return render_template("workshops/admin_room.html", form=form, room=room)


@bp.route("/admin/sites/<int:site_id>/calendar", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def site_calendar(site_id: int):
    site = db.session.get(Site, site_id) or abort(404)
    form = SiteCalendarForm()
    if request.method == "GET":
        form.weekdays.data = list(site.working_weekdays or [])
        form.holidays.data = "\n".join(f"{h.day.isoformat()} {h.name}".strip() for h in site.holidays)
    if form.validate_on_submit():
        try:
            set_site_calendar(site, form.weekdays.data, parse_holiday_lines(form.holidays.data or ""))
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.extend(labels.say(p) for p in getattr(exc, "problems", None) or [exc.message])
        else:
            db.session.commit()
            flash(gettext("Working calendar of %(site)s saved.", site=site.name), "success")
            return redirect(url_for("workshops.admin_rooms"))
    return render_template("workshops/site_calendar.html", form=form, site=site)


def _session_form(site: Site | None, session=None) -> SessionForm:
    from lms.trainers.certification import certified_trainers

    form = SessionForm(obj=session)
    rooms = db.session.execute(select(Room).where(Room.active).order_by(Room.site_id, Room.name)).scalars().all()
    if site is not None:
        rooms = [r for r in rooms if r.site_id == site.id]
    form.room_id.choices = choices((r.id, ngettext("%(site)s: %(room)s (%(num)d seat)", "%(site)s: %(room)s (%(num)d seats)", r.capacity,
                                                   site=r.site.name, room=r.name)) for r in rooms)
    course = sessions.workshop_course()
    trainers = db.session.execute(certified_trainers(course, session.day1 if session else _today())).scalars().all()
    form.trainer_ids.choices = choices((t.id, f"{t.full_name} ({t.department.site.name})") for t in trainers)
    if session is not None and request.method == "GET":
        form.trainer_ids.data = [link.employee_id for link in session.trainer_links]
    return form


def _plan_from(form: SessionForm):
    return sessions.SessionPlan(
        room=sessions.get_room(form.room_id.data), day1=form.day1.data, start_time=form.start_time.data,
        end_time=form.end_time.data, capacity=form.capacity.data,
        trainers=tuple(db.session.get(Employee, i) for i in form.trainer_ids.data), note=form.note.data or "")


@bp.route("/admin/workshops/sessions/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_session():
    form = _session_form(None)
    if request.method == "GET":
        form.start_time.data, form.end_time.data = _time(9), _time(17)
    if form.validate_on_submit():
        try:
            created = sessions.create_session(current_user, _plan_from(form), publish=form.publish.data)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.extend(labels.say(p) for p in getattr(exc, "problems", None) or [exc.message])
        else:
            db.session.commit()
            flash(gettext("Session scheduled: %(day1)s and %(day2)s at %(site)s.", day1=format_date(created.day1, "dd MMMM"),
                          day2=format_date(created.day2, "dd MMMM"), site=created.site.name), "success")
            return redirect(url_for("workshops.session_page", session_id=created.id))
    return render_template("workshops/session_edit.html", form=form, session=None)


def _time(hour: int):
    from datetime import time

    return time(hour, 0)


@bp.route("/admin/workshops/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_session(session_id: int):
    session = sessions.get_session(session_id)
    form = _session_form(session.site, session)
    if form.validate_on_submit():
        try:
            changed = sessions.change_session(current_user, session, _plan_from(form))
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.extend(labels.say(p) for p in getattr(exc, "problems", None) or [exc.message])
        else:
            db.session.commit()
            flash(gettext("Session saved; everyone booked is told about the new %(changes)s.", changes=", ".join(changed)) if changed
                  else gettext("Session saved."), "success")
            return redirect(url_for("workshops.session_page", session_id=session.id))
    return render_template("workshops/session_edit.html", form=form, session=session, cancel_form=CancelSessionForm())


@bp.route("/admin/workshops/sessions/<int:session_id>/publish", methods=["POST"])
@roles_required(Role.ADMIN)
def publish_session(session_id: int):
    session = sessions.get_session(session_id)
    if ConfirmForm().validate_on_submit():
        try:
            sessions.publish_session(session)
        except DomainError as exc:
            _fail(exc)
        else:
            db.session.commit()
            flash(gettext("The session is open for booking."), "success")
    return redirect(url_for("workshops.session_page", session_id=session.id))


@bp.route("/admin/workshops/sessions/<int:session_id>/cancel", methods=["POST"])
@roles_required(Role.ADMIN)
def cancel_session(session_id: int):
    session = sessions.get_session(session_id)
    form = CancelSessionForm()
    if not form.validate_on_submit():
        flash(gettext("Give a reason for the cancellation."), "danger")
        return redirect(url_for("workshops.edit_session", session_id=session.id))
    try:
        cancelled = sessions.cancel_session(current_user, session, form.reason.data)
    except DomainError as exc:
        _fail(exc)
    else:
        db.session.commit()
        flash(ngettext("Session cancelled; %(num)d person was told.", "Session cancelled; %(num)d people were told.", len(cancelled)), "info")
    return redirect(url_for("workshops.session_page", session_id=session.id))


@bp.route("/admin/workshops/sessions/<int:session_id>/bulk", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def bulk_book(session_id: int):
    session = sessions.get_session(session_id)
    form = BulkBookForm()
    results = []
    if form.validate_on_submit():
        numbers = [n for n in form.employee_nos.data.replace(",", " ").split() if n]
        people = {e.employee_no: e for e in db.session.execute(select(Employee).where(Employee.employee_no.in_(numbers))).scalars()}
        for number in numbers:
            employee = people.get(number)
            if employee is None:
                results.append((number, "refused", gettext("No employee has this id.")))
                continue
            try:
                with db.session.begin_nested():
                    made = booking_service.book_seat(current_user, employee, session)
                results.append((number, made.status, made.waitlist_reason or gettext("Booked.")))
            except DomainError as exc:
                results.append((number, "refused", labels.say(exc.message)))
        db.session.commit()
    return render_template("workshops/bulk_book.html", form=form, session=session, results=results)
