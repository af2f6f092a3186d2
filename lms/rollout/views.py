"""Rollout pages for leaders and admins: plans from the live organization, solving, preview, publishing, what-if."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date, time, timedelta

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, gettext
from flask_login import current_user

from lms.core.errors import DomainError
from lms.core.forms import choices
from lms.core.navigation import nav_item
from lms.core.permissions import roles_required
from lms.core.roles import Role
from lms.extensions import db
from lms.org.forms import ConfirmForm
from lms.rollout import labels, preview, queries, services
from lms.rollout.forms import ExcludeForm, PlanForm, WhatIfForm
from lms.rollout.jobs import queue_solve
from lms.rollout.live import earliest_start
from lms.rollout.models import RolloutPlan
from lms.rollout.publish import publish_plan

bp = Blueprint("rollout", __name__)
labels.install(bp)

ROLES = (Role.LEADER, Role.ADMIN)
UNASSIGNED_SHOWN = 200
WHATIF_SECONDS = 10.0

nav_item("Rollout plans", "rollout.plans", *ROLES, order=12)


def _today() -> date:
    return date.today()


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/rollout")
@roles_required(*ROLES)
def plans():
    return render_template("rollout/plans.html", plans=services.list_plans())


@bp.route("/rollout/new", methods=["GET", "POST"])
@roles_required(*ROLES)
def new_plan():
    form = PlanForm()
    sites = queries.all_sites()
    form.site_ids.choices = choices((s.id, s.name) for s in sites)
    if request.method == "GET":
        start = earliest_start(_today())
        form.window_start.data, form.window_end.data = start, start + timedelta(weeks=12)
        form.site_ids.data = [s.id for s in sites]
        form.start_time.data, form.end_time.data = time(9), time(17)
    if form.validate_on_submit():
        try:
            plan = services.create_plan(
                current_user, name=form.name.data, sites=queries.sites_by_id(form.site_ids.data),
                window_start=form.window_start.data, window_end=form.window_end.data, today=_today(),
                min_size=form.min_size.data, max_size=form.max_size.data,
                start_time=form.start_time.data, end_time=form.end_time.data)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.extend(gettext(p) for p in getattr(exc, "problems", None) or [exc.message])
        else:
            db.session.commit()
            flash(gettext("Plan created. Check the lower bound, then solve it."), "success")
            return redirect(url_for("rollout.plan_page", plan_id=plan.id))
    return render_template("rollout/new.html", form=form)


def _preview(plan) -> dict:
    """Everything the plan page shows beyond the plan itself."""
    problem, doc = plan.problem_doc or {}, plan.plan_doc
    if not doc or not problem:
        return {}
    site = request.args.get("site") or None
    sites, weeks = preview.weekly(problem, doc)
    sessions = preview.session_page(problem, doc, plan.locked_keys, site, request.args.get("page", 1, type=int))
    unassigned = doc.get("unassigned", [])
    shown = unassigned[:UNASSIGNED_SHOWN]
    departments = {d["id"]: d.get("name", d["id"]) for d in problem["departments"]}
    department_of = {e["id"]: e["department"] for e in problem["employees"]}
    return {
        "finish": preview.finish(problem, doc, plan.bound or {}),
        "sites": sites, "weeks": weeks,
        "heat": preview.heat_map(problem, doc, _date_arg("from")),
        "sessions": sessions, "site_filter": site, "site_names": preview.site_names(problem),
        "unassigned": shown, "unassigned_total": len(unassigned),
        "reasons": Counter(u["reason"] for u in unassigned).most_common(),
        "names": queries.people_named([u["employee"] for u in shown] + [a for s in sessions.sessions for a in s.attendees]),
        "departments": departments, "department_of": department_of,
    }


def _long_date(iso: str) -> str:
    return format_date(date.fromisoformat(iso), "EEEE dd MMMM y")


def _here(endpoint: str = "rollout.plan_page", **values) -> str:
    """The plan page (or an action on it) keeping the current query string, with some values changed."""
    args = request.args.to_dict()
    args.update(values)
    args.setdefault("plan_id", request.view_args["plan_id"])
    return url_for(endpoint, **args)


@bp.route("/rollout/<int:plan_id>")
@roles_required(*ROLES)
def plan_page(plan_id: int, publish_problems: list[str] | None = None, status: int = 200):
    plan = services.get_plan(plan_id)
    return render_template("rollout/plan.html", plan=plan, confirm=ConfirmForm(), exclude_form=ExcludeForm(),
                           excluded=queries.excluded_people(plan), published=queries.published_sessions(plan),
                           publish_problems=publish_problems or [], here=_here, long_date=_long_date, **_preview(plan)), status


@bp.route("/rollout/<int:plan_id>/status")
@roles_required(*ROLES)
def plan_status(plan_id: int):
    plan = services.get_plan(plan_id)
    response = Response(render_template("rollout/_status.html", plan=plan))
    if plan.status != "solving":
        response.headers["HX-Refresh"] = "true"
    return response


@bp.route("/rollout/<int:plan_id>/solve", methods=["POST"])
@roles_required(*ROLES)
def solve(plan_id: int):
    plan = services.get_plan(plan_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        run = services.start_solving(plan)
    except DomainError as exc:
        db.session.rollback()
        flash(gettext(exc.message), "warning")
    else:
        db.session.commit()
        queue_solve(plan.id, run)
    return redirect(url_for("rollout.plan_page", plan_id=plan_id))


def _edit(plan_id: int, action, done: str, anchor: str = "sessions"):
    """Run one preview edit behind a confirmation form and come back to the plan."""
    plan = services.get_plan(plan_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action(plan)
    except DomainError as exc:
        db.session.rollback()
        flash(gettext(exc.message), "danger")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("rollout.plan_page", plan_id=plan_id, **request.args.to_dict()) + f"#{anchor}")


@bp.route("/rollout/<int:plan_id>/sessions/<key>/lock", methods=["POST"])
@roles_required(*ROLES)
def lock_session(plan_id: int, key: str):
    return _edit(plan_id, lambda p: services.set_locked(p, key, True), gettext("Session locked: solving again keeps it as it is."))


@bp.route("/rollout/<int:plan_id>/sessions/<key>/unlock", methods=["POST"])
@roles_required(*ROLES)
def unlock_session(plan_id: int, key: str):
    return _edit(plan_id, lambda p: services.set_locked(p, key, False), gettext("Session unlocked."))


@bp.route("/rollout/<int:plan_id>/sessions/<key>/remove", methods=["POST"])
@roles_required(*ROLES)
def remove_session(plan_id: int, key: str):
    return _edit(plan_id, lambda p: services.remove_session(p, key),
                 gettext("Session removed; its people are unassigned until you solve again, and its room stays free those days."))


@bp.route("/rollout/<int:plan_id>/exclude", methods=["POST"])
@roles_required(*ROLES)
def exclude(plan_id: int):
    plan = services.get_plan(plan_id)
    form = ExcludeForm()
    if not form.validate_on_submit():
        flash(gettext("List the employee ids to leave out."), "danger")
        return redirect(url_for("rollout.plan_page", plan_id=plan_id) + "#people")
    try:
        people = services.exclude_employees(plan, form.employee_nos.data.replace(",", " ").split(), _today())
    except DomainError as exc:
        db.session.rollback()
        for problem in getattr(exc, "problems", None) or [exc.message]:
            flash(gettext(problem), "danger")
    else:
        db.session.commit()
        flash(gettext("Left out of the plan: %(names)s.", names=", ".join(p.full_name for p in people)), "success")
    return redirect(url_for("rollout.plan_page", plan_id=plan_id) + "#people")


@bp.route("/rollout/<int:plan_id>/include/<int:employee_id>", methods=["POST"])
@roles_required(*ROLES)
def include(plan_id: int, employee_id: int):
    return _edit(plan_id, lambda p: services.include_employee(p, employee_id, _today()),
                 gettext("They will be planned again at the next solve."), anchor="people")


@bp.route("/rollout/<int:plan_id>/publish", methods=["POST"])
@roles_required(*ROLES)
def publish(plan_id: int):
    plan = services.get_plan(plan_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        done = publish_plan(current_user, plan)
    except DomainError as exc:
        db.session.rollback()
        db.session.expire_all()
        problems = getattr(exc, "problems", None) or []
        if not problems:
            flash(gettext(exc.message), "warning")
            return redirect(url_for("rollout.plan_page", plan_id=plan_id))
        return plan_page(plan_id, publish_problems=[gettext(m) for m in (exc.message, *problems)], status=422)
    db.session.commit()
    flash(gettext("Published %(sessions)s sessions and %(bookings)s bookings; everyone booked gets an invite.",
                  sessions=len(done.sessions), bookings=done.bookings), "success")
    return redirect(url_for("rollout.plan_page", plan_id=plan_id))


@bp.route("/rollout/<int:plan_id>/problem.json")
@roles_required(*ROLES)
def problem_json(plan_id: int):
    return _download(services.get_plan(plan_id).problem_doc, f"rollout-{plan_id}-problem.json")


@bp.route("/rollout/<int:plan_id>/plan.json")
@roles_required(*ROLES)
def plan_json(plan_id: int):
    return _download(services.get_plan(plan_id).plan_doc, f"rollout-{plan_id}-plan.json")


def _download(doc: dict | None, filename: str) -> Response:
    if doc is None:
        abort(404)
    return Response(json.dumps(doc, ensure_ascii=False, indent=1), mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.route("/rollout/what-if", methods=["GET", "POST"])
@roles_required(*ROLES)
def what_if():
    form = WhatIfForm()
    sites = queries.all_sites()
    form.site_ids.choices = choices((s.id, s.name) for s in sites)
    excluded: frozenset[int] = frozenset()
    source = db.session.get(RolloutPlan, request.args.get("plan", 0, type=int)) if request.args.get("plan") else None
    if source is not None:
        excluded = frozenset(source.excluded_ids)
    if request.method == "GET":
        start = max(source.window_start, earliest_start(_today())) if source else earliest_start(_today())
        form.start.data = start
        form.finish_by.data = source.window_end if source else start + timedelta(weeks=8)
        form.site_ids.data = [s.id for s in source.sites] if source else [s.id for s in sites]
        if source:
            form.min_size.data, form.max_size.data = source.min_size, source.max_size
    answer = None
    if form.validate_on_submit():
        try:
            answer = services.what_if_for(
                queries.sites_by_id(form.site_ids.data), form.start.data, form.finish_by.data, _today(),
                min_size=form.min_size.data, max_size=form.max_size.data, excluded_ids=excluded,
                time_limit=float(current_app.config.get("LMS_ROLLOUT_WHATIF_SECONDS", WHATIF_SECONDS)))
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.extend(gettext(p) for p in getattr(exc, "problems", None) or [exc.message])
    return render_template("rollout/what_if.html", form=form, answer=answer, source=source)
