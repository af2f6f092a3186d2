"""Train-the-trainer pages: lead trainers' cohorts, trainers' records, managers' nominees, leaders' pipeline."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import func, or_, select

from lms.core.errors import DomainError, NotFound
from lms.core.markers import N_
from lms.core.forms import choices
from lms.core.navigation import home_page, nav_item
from lms.core.permissions import roles_required
from lms.core.roles import Role
from lms.extensions import db
from lms.learning.models import Course
from lms.org.forms import ConfirmForm
from lms.org.models import Employee, Site
from lms.org.queries import reports_subquery
from lms.org.services import get_employee
from lms.trainers import certification, codelivery, cohorts, labels, nominations, observations, promotion, queries
from lms.trainers.cascade import build_cascade, flatten
from lms.trainers.courses import default_prerequisites, delivery_course, selectable_prerequisites
from lms.trainers.forms import (AttendanceForm, CoDeliveryForm, CohortForm, DecisionForm, MeetingForm, NominationForm,
                                RecertificationForm, RevokeForm, WithdrawForm, teach_back_form)
from lms.trainers.members import get_member
from lms.trainers.models import Cohort, CohortMember
from lms.trainers.path import ENDED_STATES, allowed_events
from lms.trainers.rubric import pass_rule_text, rubric_from_dict
from lms.trainers.validity import REMINDER_DAYS, days_left, in_recertification_window

bp = Blueprint("trainers", __name__)

nav_item("Trainer record", "trainers.my_record", Role.LEARNER, order=5)
nav_item("Trainer nominations", "trainers.nominees", Role.MANAGER, order=22)
nav_item("My cohorts", "trainers.my_cohorts", Role.LEAD_TRAINER, order=30)
nav_item("Trainer pool", "trainers.pool", Role.LEAD_TRAINER, Role.TRAINER, Role.LEADER, order=40)
nav_item("Trainer pipeline", "trainers.pipeline", Role.LEADER, Role.ADMIN, order=41)
nav_item("Certified trainers", "trainers.certified", Role.LEAD_TRAINER, Role.ADMIN, order=42)
home_page(Role.LEAD_TRAINER, "trainers.my_cohorts")
home_page(Role.TRAINER, "trainers.my_record")


def _today() -> date:
    return date.today()


def _refused(form, exc: DomainError) -> None:
    db.session.rollback()
    form.form_errors.extend([gettext(p) for p in exc.problems] if getattr(exc, "problems", None) else [labels.refusal(exc)])


@bp.app_context_processor
def _labels():
    return labels.template_helpers()


# --------------------------------------------------------------------------- everyone: my record


@bp.route("/trainers/me")
@roles_required(Role.LEARNER)
def my_record():
    today = _today()
    course = delivery_course()
    current = certification.latest_certification(current_user, course) if course else None
    can_deliver = course is not None and certification.can_deliver(current_user, course, today)
    paths = queries.paths_of(current_user)
    recert = None
    if current and in_recertification_window(current.expires_on, today) \
            and not any(p.state not in ENDED_STATES for p in paths):
        recert = RecertificationForm()
        recert.cohort_id.choices = choices([(c.id, f"{c.name} ({c.site.name})")
                                            for c in nominations.open_cohorts_for(course)])
    return render_template(
        "trainers/my_record.html", today=today, course=course, current=current, can_deliver=can_deliver,
        days=days_left(current.expires_on, today) if current else None, reminder_days=REMINDER_DAYS,
        history=certification.certifications_of(current_user), paths=paths,
        details={p.id: (queries.co_deliveries_of(p), queries.teach_backs_of(p)) for p in paths[:3]},
        deliveries=queries.delivery_record(current_user), recert=recert, withdraw=WithdrawForm(),
        co_delivery=CoDeliveryForm(delivered_on=today) if can_deliver else None,
    )


@bp.route("/trainers/me/paths/<int:member_id>/withdraw", methods=["POST"])
@roles_required(Role.LEARNER)
def withdraw_own(member_id: int):
    member = get_member(member_id)
    if member.employee_id != current_user.id:
        raise NotFound(N_("No such path."))
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    nominations.withdraw(current_user, member, form.reason.data)
    db.session.commit()
    flash(gettext("You withdrew from %(cohort)s.", cohort=member.cohort.name), "info")
    return redirect(url_for("trainers.my_record"))


@bp.route("/trainers/me/recertification", methods=["POST"])
@roles_required(Role.TRAINER, Role.LEAD_TRAINER)
def request_recertification():
    form = RecertificationForm()
    form.cohort_id.choices = choices([(c.id, c.name) for c in nominations.open_cohorts_for(delivery_course())])
    if not form.validate_on_submit():
        flash(gettext("Choose a cohort for your recertification teach-back."), "danger")
        return redirect(url_for("trainers.my_record"))
    cohort = cohorts.get_cohort(form.cohort_id.data)
    nominations.request_recertification(current_user, cohort, _today())
    db.session.commit()
    flash(gettext("Recertification requested in %(cohort)s; its lead trainers will accept it and observe a short teach-back.",
                  cohort=cohort.name), "success")
    return redirect(url_for("trainers.my_record"))


def _find_colleague(text: str) -> Employee | None:
    text = text.strip().lower()
    return db.session.execute(
        select(Employee).where(Employee.active, or_(Employee.email == text, func.lower(Employee.employee_no) == text))
    ).scalars().first()


@bp.route("/trainers/me/co-deliveries", methods=["POST"])
@roles_required(Role.TRAINER, Role.LEAD_TRAINER)
def record_co_delivery():
    form = CoDeliveryForm()
    course = delivery_course()
    if course is None or not form.validate_on_submit():
        flash(gettext("Give the trainee, the session date and a description of the session."), "danger")
        return redirect(url_for("trainers.my_record"))
    trainee = _find_colleague(form.colleague.data)
    member = codelivery.co_delivery_candidate(trainee, course) if trainee else None
    if member is None:
        flash(gettext("Nobody with “%(query)s” is in a cohort at the point where a co-delivery counts.", query=form.colleague.data), "danger")
        return redirect(url_for("trainers.my_record"))
    codelivery.record_co_delivery(current_user, member, None, form.delivered_on.data, form.note.data, today=_today())
    db.session.commit()
    flash(gettext("Co-delivery by %(name)s recorded.", name=trainee.full_name), "success")
    return redirect(url_for("trainers.my_record"))


# --------------------------------------------------------------------------- lead trainers: cohorts


def _my_cohort(cohort_id: int) -> Cohort:
    """The cohort, if the current user leads it; others get a 404."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not cohort.is_led_by(current_user):
        raise NotFound(N_("No such cohort among yours."))
    return cohort


def _my_member(cohort: Cohort, member_id: int) -> CohortMember:
    member = db.session.get(CohortMember, member_id)
    if member is None or member.cohort_id != cohort.id:
        raise NotFound(N_("No such member in this cohort."))
    return member


@bp.route("/trainers/cohorts")
@roles_required(Role.LEAD_TRAINER)
def my_cohorts():
    return render_template("trainers/my_cohorts.html", rows=queries.lead_cohorts(current_user))


def _cohort_form(cohort: Cohort | None = None) -> CohortForm:
    form = CohortForm(obj=cohort) if request.method == "GET" and cohort else CohortForm()
    form.site_id.choices = choices([(s.id, s.name) for s in db.session.execute(select(Site).order_by(Site.name)).scalars()])
    leads = queries.lead_trainers()
    form.lead_ids.choices = choices([(e.id, e.full_name) for e in leads])
    form.prerequisite_ids.choices = choices([(c.id, f"{c.title} ({c.kind})") for c in selectable_prerequisites()])
    if request.method == "GET":
        if cohort is not None:
            form.lead_ids.data = [e.id for e in cohort.leads]
            form.prerequisite_ids.data = [c.id for c in cohort.prerequisites]
        else:
            form.lead_ids.data = [current_user.id]
            form.prerequisite_ids.data = [c.id for c in default_prerequisites()]
            form.site_id.data = current_user.department.site_id
    return form


def _chosen(model, ids) -> list:
    return list(db.session.execute(select(model).where(model.id.in_(ids or []))).scalars()) if ids else []


@bp.route("/trainers/cohorts/new", methods=["GET", "POST"])
@roles_required(Role.LEAD_TRAINER)
def new_cohort():
    form = _cohort_form()
    if form.validate_on_submit():
        try:
            cohort = cohorts.create_cohort(
                current_user, name=form.name.data, site=db.session.get(Site, form.site_id.data),
                capacity=form.capacity.data, co_leads=_chosen(Employee, form.lead_ids.data),
                prerequisites=_chosen(Course, form.prerequisite_ids.data))
        except DomainError as exc:
            _refused(form, exc)
        else:
            db.session.commit()
            flash(gettext("%(cohort)s created. Add its meetings, then start it.", cohort=cohort.name), "success")
            return redirect(url_for("trainers.cohort", cohort_id=cohort.id))
    return render_template("trainers/cohort_form.html", form=form, cohort=None)


@bp.route("/trainers/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@roles_required(Role.LEAD_TRAINER)
def edit_cohort(cohort_id: int):
    cohort = _my_cohort(cohort_id)
    form = _cohort_form(cohort)
    if form.validate_on_submit():
        try:
            cohorts.update_cohort(current_user, cohort, name=form.name.data, site=db.session.get(Site, form.site_id.data),
                                  capacity=form.capacity.data, leads=_chosen(Employee, form.lead_ids.data),
                                  prerequisites=_chosen(Course, form.prerequisite_ids.data))
        except DomainError as exc:
            _refused(form, exc)
        else:
            db.session.commit()
            flash(gettext("%(cohort)s saved.", cohort=cohort.name), "success")
            if not cohort.is_led_by(current_user):
                return redirect(url_for("trainers.my_cohorts"))
            return redirect(url_for("trainers.cohort", cohort_id=cohort.id))
    return render_template("trainers/cohort_form.html", form=form, cohort=cohort)


@bp.route("/trainers/cohorts/<int:cohort_id>")
@roles_required(Role.LEAD_TRAINER)
def cohort(cohort_id: int):
    cohort = _my_cohort(cohort_id)
    return render_template("trainers/cohort.html", cohort=cohort, rows=queries.cohort_member_rows(cohort),
                           seated=cohorts.seated_count(cohort), meeting_form=MeetingForm(), confirm=ConfirmForm(),
                           today=_today())


@bp.route("/trainers/cohorts/<int:cohort_id>/<any(start, close):action>", methods=["POST"])
@roles_required(Role.LEAD_TRAINER)
def cohort_status(cohort_id: int, action: str):
    cohort = _my_cohort(cohort_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        (cohorts.start_cohort if action == "start" else cohorts.close_cohort)(current_user, cohort)
    except DomainError as exc:
        db.session.rollback()
        flash(labels.refusal(exc), "danger")
    else:
        db.session.commit()
        flash(gettext("%(cohort)s is now %(status)s.", cohort=cohort.name, status=labels.cohort_status(cohort.status)), "success")
    return redirect(url_for("trainers.cohort", cohort_id=cohort_id))


@bp.route("/trainers/cohorts/<int:cohort_id>/meetings", methods=["POST"])
@roles_required(Role.LEAD_TRAINER)
def add_meeting(cohort_id: int):
    cohort = _my_cohort(cohort_id)
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            cohorts.add_meeting(current_user, cohort, title=form.title.data, day=form.day.data,
                                starts_at=form.starts_at.data, ends_at=form.ends_at.data, place=form.place.data)
        except DomainError as exc:
            _refused(form, exc)
        else:
            db.session.commit()
            flash(gettext("Meeting added."), "success")
            return redirect(url_for("trainers.cohort", cohort_id=cohort_id, _anchor="meetings"))
    return render_template("trainers/cohort.html", cohort=cohort, rows=queries.cohort_member_rows(cohort),
                           seated=cohorts.seated_count(cohort), meeting_form=form, confirm=ConfirmForm(),
                           today=_today()), 422


@bp.route("/trainers/cohorts/<int:cohort_id>/meetings/<int:meeting_id>", methods=["GET", "POST"])
@roles_required(Role.LEAD_TRAINER)
def attendance(cohort_id: int, meeting_id: int):
    cohort = _my_cohort(cohort_id)
    meeting = cohorts.get_meeting(cohort, meeting_id)
    roll = cohorts.attendance_roll(cohort)
    form = AttendanceForm()
    form.present.choices = choices([(m.id, m.employee.full_name) for m in roll])
    if request.method == "GET":
        form.present.data = [row.member_id for row in meeting.attendance if row.present]
    if form.validate_on_submit():
        try:
            started = cohorts.record_attendance(current_user, meeting, set(form.present.data or []), _today())
        except DomainError as exc:
            _refused(form, exc)
        else:
            db.session.commit()
            if started:
                flash(gettext("Attendance saved. In training now: %(names)s.",
                              names=", ".join(m.employee.full_name for m in started)), "success")
            else:
                flash(gettext("Attendance saved."), "success")
            return redirect(url_for("trainers.cohort", cohort_id=cohort_id, _anchor="meetings"))
    return render_template("trainers/attendance.html", cohort=cohort, meeting=meeting, form=form, today=_today())


def _member_page(cohort: Cohort, member: CohortMember, **extra):
    return render_template(
        "trainers/member.html", cohort=cohort, member=member, decision=extra.pop("decision", DecisionForm()),
        withdraw=extra.pop("withdraw", WithdrawForm()), co_deliveries=queries.co_deliveries_of(member),
        teach_backs=queries.teach_backs_of(member), events=allowed_events(member.track, member.state), **extra)


@bp.route("/trainers/cohorts/<int:cohort_id>/members/<int:member_id>")
@roles_required(Role.LEAD_TRAINER)
def member(cohort_id: int, member_id: int):
    cohort = _my_cohort(cohort_id)
    return _member_page(cohort, _my_member(cohort, member_id))


@bp.route("/trainers/cohorts/<int:cohort_id>/members/<int:member_id>/decision", methods=["POST"])
@roles_required(Role.LEAD_TRAINER)
def decide(cohort_id: int, member_id: int):
    cohort = _my_cohort(cohort_id)
    member = _my_member(cohort, member_id)
    form = DecisionForm()
    if form.validate_on_submit():
        accept = bool(form.accept.data)
        try:
            (nominations.accept_nomination if accept else nominations.decline_nomination)(current_user, member, form.reason.data)
        except DomainError as exc:
            _refused(form, exc)
        else:
            db.session.commit()
            flash(gettext("%(name)s accepted.", name=member.employee.full_name) if accept
                  else gettext("%(name)s declined.", name=member.employee.full_name), "success")
            return redirect(url_for("trainers.cohort", cohort_id=cohort_id))
    return _member_page(cohort, member, decision=form), 422


@bp.route("/trainers/cohorts/<int:cohort_id>/members/<int:member_id>/withdraw", methods=["POST"])
@roles_required(Role.LEAD_TRAINER)
def withdraw_member(cohort_id: int, member_id: int):
    cohort = _my_cohort(cohort_id)
    member = _my_member(cohort, member_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            nominations.withdraw(current_user, member, form.reason.data)
        except DomainError as exc:
            _refused(form, exc)
        else:
            db.session.commit()
            flash(gettext("%(name)s withdrawn.", name=member.employee.full_name), "info")
            return redirect(url_for("trainers.cohort", cohort_id=cohort_id))
    return _member_page(cohort, member, withdraw=form), 422


@bp.route("/trainers/cohorts/<int:cohort_id>/members/<int:member_id>/teach-back", methods=["GET", "POST"])
@roles_required(Role.LEAD_TRAINER)
def teach_back(cohort_id: int, member_id: int):
    cohort = _my_cohort(cohort_id)
    member = _my_member(cohort, member_id)
    rubric = observations.member_rubric(member)
    today = _today()
    observers = queries.observers_for(cohort.course, today, exclude=[current_user.id, member.employee_id])
    form = teach_back_form(rubric, observers, **({"observed_on": today} if request.method == "GET" else {}))
    if form.validate_on_submit():
        ids = [c["id"] for c in rubric["criteria"]]
        second = db.session.get(Employee, form.second_observer_id.data) if form.second_observer_id.data else None
        try:
            result = observations.record_teach_back(
                current_user, member, scores={i: int(form[f"score_{i}"].data) for i in ids},
                notes={i: form[f"note_{i}"].data for i in ids}, comments=form.comments.data,
                observed_on=form.observed_on.data, today=today, second_observer=second)
        except DomainError as exc:
            _refused(form, exc)
        else:
            db.session.commit()
            if result.passed:
                flash(gettext("Teach-back passed: %(name)s is now a certified trainer.", name=member.employee.full_name), "success")
            else:
                flash(gettext("Teach-back recorded: %(name)s is not yet competent and may try again.", name=member.employee.full_name), "info")
            return redirect(url_for("trainers.member", cohort_id=cohort_id, member_id=member_id))
    parsed = rubric_from_dict(rubric)
    return render_template("trainers/teach_back.html", cohort=cohort, member=member, form=form, rubric=rubric,
                           pass_rule=pass_rule_text(parsed)), 422 if form.errors or form.form_errors else 200


# --------------------------------------------------------------------------- managers: nominees


def _nomination_form() -> NominationForm:
    form = NominationForm()
    line = reports_subquery(current_user.id)
    people = db.session.execute(
        select(Employee).where(Employee.id.in_(select(line.c.id)), Employee.active).order_by(Employee.full_name)
    ).scalars()
    form.employee_id.choices = choices([(e.id, f"{e.full_name} ({e.department.name})") for e in people])
    form.cohort_id.choices = choices([(c.id, f"{c.name} ({c.site.name}, {labels.cohort_status(c.status)})")
                                      for c in nominations.open_cohorts_for()])
    return form


@bp.route("/trainers/nominees", methods=["GET", "POST"])
@roles_required(Role.MANAGER)
def nominees():
    form = _nomination_form()
    if form.validate_on_submit():
        employee = get_employee(form.employee_id.data)
        try:
            member = nominations.nominate(current_user, employee, cohorts.get_cohort(form.cohort_id.data),
                                          form.reason.data, _today())
        except DomainError as exc:
            _refused(form, exc)
        else:
            db.session.commit()
            flash(gettext("%(name)s nominated to %(cohort)s. Its lead trainers decide next.", name=employee.full_name, cohort=member.cohort.name), "success")
            return redirect(url_for("trainers.nominees"))
    status = 422 if request.method == "POST" else 200
    return render_template("trainers/nominees.html", form=form, members=queries.manager_nominees(current_user)), status


@bp.route("/trainers/nominees/<int:member_id>")
@roles_required(Role.MANAGER)
def nominee(member_id: int):
    member = db.session.get(CohortMember, member_id)
    if member is None or member.nominated_by_id != current_user.id:
        raise NotFound(N_("No such nominee of yours."))
    return render_template("trainers/nominee.html", member=member, co_deliveries=queries.co_deliveries_of(member),
                           teach_backs=queries.teach_backs_of(member))


# --------------------------------------------------------------------------- pool, pipeline, certified trainers


@bp.route("/trainers")
@roles_required(Role.LEAD_TRAINER, Role.TRAINER, Role.LEADER)
def pool():
    today = _today()
    q = request.args.get("q", "").strip()[:200]
    return render_template("trainers/pool.html", q=q, page=queries.trainer_pool(
        delivery_course(), today, request.args.get("page", 1, type=int), q=q))


@bp.route("/trainers/pipeline")
@roles_required(Role.LEADER, Role.ADMIN)
def pipeline():
    today = _today()
    course = delivery_course()
    sites, tree, reach = [], [], None
    if course is not None:
        sites = queries.pipeline_by_site(course, today)
        reach = queries.trainer_reach()
        tree = flatten(build_cascade(queries.cascade_rows(course, today), reach))
    return render_template("trainers/pipeline.html", course=course, sites=sites, tree=tree, today=today,
                           reach_known=bool(course) and reach is not None, reminder_days=REMINDER_DAYS)


@bp.route("/trainers/certified")
@roles_required(Role.LEAD_TRAINER, Role.ADMIN)
def certified():
    today = _today()
    course = delivery_course()
    page = queries.certified_with_sessions(course, today, request.args.get("page", 1, type=int)) if course else None
    return render_template("trainers/certified.html", course=course, page=page, needed=promotion.sessions_needed(),
                           confirm=ConfirmForm(), today=today)


@bp.route("/trainers/people/<int:employee_id>/promote", methods=["POST"])
@roles_required(Role.LEAD_TRAINER, Role.ADMIN)
def promote(employee_id: int):
    employee = get_employee(employee_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        promotion.promote_to_lead_trainer(current_user, employee, _today())
    except DomainError as exc:
        db.session.rollback()
        flash(labels.refusal(exc), "danger")
    else:
        db.session.commit()
        flash(gettext("%(name)s is now a lead trainer.", name=employee.full_name), "success")
    return redirect(url_for("trainers.certified"))


@bp.route("/trainers/people/<int:employee_id>/revoke", methods=["GET", "POST"])
@roles_required(Role.LEAD_TRAINER, Role.ADMIN)
def revoke_current(employee_id: int):
    course = delivery_course()
    employee = get_employee(employee_id)
    cert = certification.valid_certification(employee, course, _today()) if course else None
    if cert is None:
        raise NotFound(f"{employee.full_name} holds no valid certification.")
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            certification.revoke_certification(current_user, cert, form.reason.data, _today())
        except DomainError as exc:
            _refused(form, exc)
        else:
            db.session.commit()
            flash(gettext("The certification of %(name)s is revoked.", name=employee.full_name), "info")
            return redirect(url_for("trainers.certified"))
    return render_template("trainers/revoke.html", cert=cert, form=form), 422 if form.form_errors or form.errors else 200
