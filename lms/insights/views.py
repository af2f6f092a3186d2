"""Leadership insight pages: the enterprise dashboard, its drill-down, and CSV/XLSX exports of every table.

Leaders see the whole organization; a manager sees the same pages for their own reporting line,
and anything outside it is a 404. Ideas and review pages live in idea_views and review_views.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import format_date, gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.core.errors import NotFound
from lms.core.markers import N_
from lms.core.navigation import home_page, nav_item
from lms.core.permissions import roles_required
from lms.core.roles import Role
from lms.extensions import db
from lms.insights import charts, labels, queries, tables
from lms.insights.exports import FORMATS, chunks
from lms.insights.reviews import review_period, reviews_given, reviews_received, round_status
from lms.insights.scope import NO_MANAGER, Scope
from lms.learning.queries import enrolment_summaries
from lms.org.models import Department, DepartmentKind, Employee, Site

bp = Blueprint("insights", __name__)
labels.install(bp)

VIEWERS = (Role.LEADER, Role.MANAGER)
nav_item("Insight", "insights.dashboard", Role.LEADER, Role.MANAGER, order=5)
home_page(Role.LEADER, "insights.dashboard")


def _today() -> date:
    return date.today()


def _viewer_scope() -> Scope:
    """The whole organization for a leader, the reporting line for a manager."""
    return Scope() if current_user.has_role(Role.LEADER) else Scope(line_of=current_user.id)


def _reachable(scope: Scope) -> Scope:
    """The scope if it holds anyone the viewer may see; a manager outside their line gets a 404."""
    if scope.line_of is not None and not queries.reaches(scope):
        raise NotFound(N_("There is no such page, or it is not yours to see."))
    return scope


def _get(model, object_id: int):
    found = db.session.get(model, object_id)
    if found is None:
        raise NotFound(N_("There is no such page, or it is not yours to see."))
    return found


def _department(department_id: int) -> Department:
    """The department with its site in one statement (its holidays are not needed here)."""
    found = db.session.execute(select(Department).where(Department.id == department_id)
                               .options(joinedload(Department.site).lazyload(Site.holidays))).scalar_one_or_none()
    if found is None:
        raise NotFound(N_("There is no such page, or it is not yours to see."))
    return found


def _page() -> int:
    return request.args.get("page", 1, type=int)


def _course_chart(p: queries.Participation):
    group = p.groups[0] if p.groups else None
    return charts.percent_bars([(c.title, p.figures(group, c).percent if group else None) for c in p.courses])


@bp.route("/insights")
@roles_required(*VIEWERS)
def dashboard():
    scope, today = _viewer_scope(), _today()
    leader = scope.is_organization
    overall, by_kind, by_site = queries.participation_by(scope, ("organization", "kind", "site"), today)
    burn = queries.burn_up(scope, today)
    months = queries.months_back(today, tables.IDEA_MONTHS)
    implemented = queries.implemented_by_department(scope, months)
    per_month = queries.implemented_per_month(implemented, months)
    trend = queries.review_trend(today) if leader else []
    return render_template(
        "insights/dashboard.html", scope=scope, leader=leader, today=today,
        overall=overall, course_chart=_course_chart(overall),
        by_kind=by_kind, by_site=by_site,
        by_department=queries.participation(scope, "department", today, page=_page()),
        burn=burn, burn_chart=_burn_chart(burn),
        pipeline=queries.trainer_pipeline(scope, today),
        pass_rates=queries.quiz_pass_rates(scope), hardest=queries.hardest_questions(scope),
        idea_status=queries.ideas_by_status(scope), months=months, per_month=per_month,
        implemented=queries.leading_departments(implemented, months, tables.IDEA_DEPARTMENTS_SHOWN),
        other_departments=max(0, len(implemented) - tables.IDEA_DEPARTMENTS_SHOWN),
        ideas_chart=charts.column_bars([(format_date(m, "MMM"), n) for m, n in per_month]),
        comparison=queries.workshop_comparison(scope),
        trend=trend, trend_chart=charts.percent_bars([(format_date(t.period, "MMMM y"), t.percent_submitted) for t in trend]),
    )


def _burn_chart(burn: queries.BurnUp):
    if not burn.weeks:
        return None
    series = [(gettext("Completed"), [w.completed for w in burn.weeks]), (gettext("Booked"), [w.booked for w in burn.weeks])]
    if burn.planned_total is not None:
        series.append((gettext("Planned seats"), [w.planned for w in burn.weeks]))
    return charts.line_chart([format_date(w.week, "dd MMM") for w in burn.weeks], series, burn.target,
                             target_label=gettext("Everyone"))


@bp.route("/insights/sites/<int:site_id>")
@roles_required(*VIEWERS)
def site(site_id: int):
    site = _get(Site, site_id)
    scope, today = _reachable(_viewer_scope().narrowed(site_id=site.id)), _today()
    overall = queries.participation(scope, "organization", today)
    return render_template(
        "insights/site.html", site=site, scope=scope, overall=overall, course_chart=_course_chart(overall),
        by_department=queries.participation(scope, "department", today, page=_page()),
        export_args={"site": site.id},
    )


@bp.route("/insights/departments/<int:department_id>")
@roles_required(*VIEWERS)
def department(department_id: int):
    department = _department(department_id)
    scope, today = _reachable(_viewer_scope().narrowed(department_id=department.id)), _today()
    overall = queries.participation(scope, "organization", today)
    provider = department.kind == DepartmentKind.INTERNAL_PROVIDER
    front_line = department.kind == DepartmentKind.FRONT_LINE
    period = review_period(today)
    return render_template(
        "insights/department.html", department=department, scope=scope, overall=overall,
        course_chart=_course_chart(overall), by_team=queries.participation(scope, "team", today, page=_page()),
        provider=provider, front_line=front_line, period=period,
        received=reviews_received(department, limit=12) if provider else [],
        provider_trend=queries.review_trend(today, provider_id=department.id) if provider else [],
        round=round_status(department, period) if front_line else [],
        given=reviews_given(department, limit=12) if front_line else [],
        export_args={"department": department.id},
    )


@bp.route("/insights/departments/<int:department_id>/teams/<int:manager_id>")
@roles_required(*VIEWERS)
def team(department_id: int, manager_id: int):
    department = _department(department_id)
    manager = _get(Employee, manager_id) if manager_id != NO_MANAGER else None
    scope, today = _reachable(_viewer_scope().narrowed(department_id=department.id, team_of=manager_id)), _today()
    overall = queries.participation(scope, "organization", today)
    return render_template(
        "insights/team.html", department=department, manager=manager, manager_id=manager_id, scope=scope,
        overall=overall, course_chart=_course_chart(overall), people=queries.people_page(scope, today, overall.courses, _page()),
        export_args={"department": department.id, "team": manager_id},
    )


@bp.route("/insights/people/<int:employee_id>")
@roles_required(*VIEWERS)
def person(employee_id: int):
    employee = _get(Employee, employee_id)
    scope, today = _viewer_scope(), _today()
    courses = queries.courses_in_scope(scope.narrowed(department_id=employee.department_id))
    row = queries.person_row(scope, today, employee.id, courses)
    if row is None and scope.line_of is not None:
        raise NotFound(N_("There is no such page, or it is not yours to see."))
    return render_template("insights/person.html", employee=employee, row=row, courses=courses,
                           summaries=enrolment_summaries(employee, today, include_unassigned=True))


# --------------------------------------------------------------------------- exports


def _export_request() -> tables.Request:
    """The scope and parameters an export link carries, checked like the page it comes from."""
    scope = _viewer_scope()
    site_id = request.args.get("site", type=int)
    department_id = request.args.get("department", type=int)
    team_of = request.args.get("team", type=int)
    if site_id is not None:
        scope = scope.narrowed(site_id=_get(Site, site_id).id)
    if department_id is not None:
        scope = scope.narrowed(department_id=_get(Department, department_id).id)
    if team_of is not None:
        if department_id is None:
            abort(404)
        scope = scope.narrowed(team_of=team_of)
    period = None
    if raw := request.args.get("period"):
        try:
            period = date.fromisoformat(raw).replace(day=1)
        except ValueError:
            abort(404)
    provider_id = request.args.get("provider", type=int)
    if provider_id is not None:
        _get(Department, provider_id)
    narrowed = site_id is not None or department_id is not None
    return tables.Request(_reachable(scope) if narrowed else scope, _today(), period, provider_id, engine=db.engine)


@bp.route("/insights/export/<name>.<fmt>")
@roles_required(*VIEWERS)
def export(name: str, fmt: str):
    if name not in tables.EXPORTS or fmt not in FORMATS:
        abort(404)
    spec = tables.EXPORTS[name]
    export_request = _export_request()
    leader = current_user.has_role(Role.LEADER)
    provider_id = export_request.provider_id
    # A manager may export the reviews of a provider department within their line, nothing wider.
    if provider_id is not None and not leader and not queries.reaches(
            export_request.scope.narrowed(department_id=provider_id)):
        abort(404)
    if (spec.leaders_only and not leader and provider_id is None) or (name == "provider-reviews" and provider_id is None):
        abort(404)
    table = spec.build(export_request)
    filename = f"{table.name}-{export_request.today.isoformat()}.{fmt}"
    return Response(chunks(table, fmt), mimetype=FORMATS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})


from lms.insights import idea_views, review_views  # noqa: E402,F401  (their routes join this blueprint)
