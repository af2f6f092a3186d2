"""Internal service review pages: this month's round, reviews received and their actions, the leaders' overview, dependencies."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, gettext
from flask_login import current_user
from sqlalchemy import select

from lms.core.errors import DomainError, NotFound
from lms.core.markers import N_
from lms.core.forms import choices
from lms.core.navigation import nav_item
from lms.core.permissions import roles_required
from lms.core.roles import Role
from lms.extensions import db
from lms.insights import charts, reviews
from lms.insights.forms import ActionForm, ConfirmForm, DependencyForm, ReviewForm, RoundForm
from lms.insights.review_figures import recent_periods, review_trend, who_reviewed_whom
from lms.insights.views import bp
from lms.org.models import Department, DepartmentKind

nav_item("Service reviews", "insights.reviews_home", Role.LEARNER, order=41)
nav_item("Service dependencies", "insights.dependencies", Role.ADMIN, order=85)


def _today() -> date:
    return date.today()


def _home(review_form=None, review_provider_id=None, action_form=None, action_review_id=None, status=200):
    department = current_user.department
    today = _today()
    period = reviews.review_period(today)
    front_line = department.kind == DepartmentKind.FRONT_LINE
    provider = department.kind == DepartmentKind.INTERNAL_PROVIDER
    return render_template(
        "insights/reviews.html", department=department, period=period, front_line=front_line, provider=provider,
        may_review=reviews.may_review_for(current_user, department), may_act=reviews.may_act_for(current_user, department),
        round=reviews.round_status(department, period) if front_line else [],
        given=reviews.reviews_given(department) if front_line else [],
        received=reviews.reviews_received(department) if provider else [],
        review_form=review_form, review_provider_id=review_provider_id,
        action_form=action_form, action_review_id=action_review_id,
        blank_review=ReviewForm(formdata=None), blank_action=ActionForm(formdata=None),
    ), status


@bp.route("/reviews")
@roles_required(Role.LEARNER)
def reviews_home():
    return _home()


@bp.route("/reviews/providers/<int:provider_id>", methods=["POST"])
@roles_required(Role.MANAGER)
def submit_review(provider_id: int):
    provider = db.session.get(Department, provider_id)
    if provider is None:
        raise NotFound(N_("No such department."))
    form = ReviewForm()
    if not form.validate_on_submit():
        return _home(review_form=form, review_provider_id=provider.id, status=422)
    try:
        reviews.submit_review(current_user, current_user.department, provider, how_served=form.how_served.data,
                              next_month=form.next_month.data, today=_today())
    except DomainError as exc:
        db.session.rollback()
        form.form_errors.append(gettext(exc.message))
        return _home(review_form=form, review_provider_id=provider.id, status=exc.status_code)
    db.session.commit()
    flash(gettext("Your review of %(provider)s was sent; they will see it and record their actions.", provider=provider.name), "success")
    return redirect(url_for("insights.reviews_home"))


@bp.route("/reviews/<int:review_id>/actions", methods=["POST"])
@roles_required(Role.MANAGER)
def record_action(review_id: int):
    review = reviews.get_review(review_id)
    if not reviews.may_read(current_user, review):
        raise NotFound(N_("No such review."))
    form = ActionForm()
    if not form.validate_on_submit():
        return _home(action_form=form, action_review_id=review.id, status=422)
    reviews.record_action(current_user, review, form.text.data)
    db.session.commit()
    flash(gettext("Action recorded for the review from %(department)s.", department=review.department.name), "success")
    return redirect(url_for("insights.reviews_home") + f"#review-{review.id}")


@bp.route("/insights/reviews")
@roles_required(Role.LEADER)
def reviews_overview():
    today = _today()
    periods = recent_periods(today)
    form = RoundForm(request.args)
    form.period.choices = choices([(p.isoformat(), f"{p:%B %Y}") for p in reversed(periods)])
    period = periods[-1]
    if form.period.data:
        try:
            period = date.fromisoformat(form.period.data).replace(day=1)
        except ValueError:
            abort(404)
    trend = review_trend(today)
    return render_template(
        "insights/reviews_overview.html", form=form, period=period, cells=who_reviewed_whom(period), trend=trend,
        trend_chart=charts.percent_bars([(format_date(t.period, "MMMM y"), t.percent_submitted) for t in trend]),
    )


# --------------------------------------------------------------------------- dependencies (admin)


def _dependency_form() -> DependencyForm:
    form = DependencyForm()
    departments = db.session.execute(select(Department).order_by(Department.name)).scalars().all()
    form.department_id.choices = choices([(d.id, d.name) for d in departments if d.kind == DepartmentKind.FRONT_LINE])
    form.provider_id.choices = choices([(d.id, d.name) for d in departments if d.kind == DepartmentKind.INTERNAL_PROVIDER])
    return form


@bp.route("/admin/service-dependencies", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def dependencies():
    form = _dependency_form()
    status = 200
    if form.validate_on_submit():
        try:
            dependency = reviews.add_dependency(current_user, db.session.get(Department, form.department_id.data),
                                                db.session.get(Department, form.provider_id.data))
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(gettext(exc.message))
            status = exc.status_code
        else:
            db.session.commit()
            flash(gettext("%(department)s now reviews %(provider)s every month.", department=dependency.department.name, provider=dependency.provider.name), "success")
            return redirect(url_for("insights.dependencies"))
    elif form.errors:
        status = 422
    return render_template("insights/dependencies.html", form=form, rows=reviews.live_dependencies(),
                           confirm_form=ConfirmForm()), status


@bp.route("/admin/service-dependencies/<int:dependency_id>/remove", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_dependency(dependency_id: int):
    dependency = reviews.get_dependency(dependency_id)
    if ConfirmForm().validate_on_submit():
        reviews.remove_dependency(current_user, dependency)
        db.session.commit()
        flash(gettext("%(department)s no longer reviews %(provider)s.", department=dependency.department.name, provider=dependency.provider.name), "info")
    return redirect(url_for("insights.dependencies"))
