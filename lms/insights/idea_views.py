"""Service idea pages: submit and follow your own, decide on your reports', and (leaders) browse them all."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from lms.core.errors import DomainError
from lms.core.forms import choices
from lms.core.navigation import nav_item
from lms.core.permissions import roles_required
from lms.core.roles import Role
from lms.extensions import db
from lms.insights import ideas
from lms.insights.forms import ConfirmForm, DeclineForm, IdeaForm, ImplementForm
from lms.insights.models import IDEA_STATUSES, ServiceIdea
from lms.insights.views import bp
from lms.org.models import Department
from lms.org.queries import paginate

nav_item("Service ideas", "insights.my_ideas", Role.LEARNER, order=40)


def _idea_form() -> IdeaForm:
    form = IdeaForm()
    departments = db.session.execute(select(Department.id, Department.name).order_by(Department.name)).all()
    form.beneficiary_department_id.choices = choices([(0, gettext("Choose a department"))] + [tuple(d) for d in departments])
    return form


@bp.route("/ideas")
@roles_required(Role.LEARNER)
def my_ideas():
    deciding = ideas.ideas_to_decide(current_user) if current_user.has_any_role(Role.MANAGER, Role.LEADER) else []
    return render_template("insights/ideas.html", mine=ideas.ideas_of(current_user), deciding=deciding)


@bp.route("/ideas/new", methods=["GET", "POST"])
@roles_required(Role.LEARNER)
def new_idea():
    form = _idea_form()
    if form.validate_on_submit():
        try:
            idea = ideas.submit_idea(current_user, title=form.title.data, description=form.description.data,
                                     beneficiary=form.beneficiary.data,
                                     beneficiary_department_id=form.beneficiary_department_id.data or None)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(gettext(exc.message))
        else:
            db.session.commit()
            flash(gettext("Thank you: your idea went to your manager."), "success")
            return redirect(url_for("insights.idea", idea_id=idea.id))
    return render_template("insights/idea_new.html", form=form), 422 if form.errors or form.form_errors else 200


def _detail(idea: ServiceIdea, status: int = 200, implement_form=None, decline_form=None):
    return render_template(
        "insights/idea.html", idea=idea, may_decide=ideas.may_decide(current_user, idea),
        confirm_form=ConfirmForm(), implement_form=implement_form or ImplementForm(formdata=None, implemented_on=date.today()),
        decline_form=decline_form or DeclineForm(formdata=None),
    ), status


@bp.route("/ideas/<int:idea_id>")
@roles_required(Role.LEARNER)
def idea(idea_id: int):
    return _detail(ideas.visible_idea(current_user, idea_id))


@bp.route("/ideas/<int:idea_id>/accept", methods=["POST"])
@roles_required(Role.MANAGER, Role.LEADER)
def accept_idea(idea_id: int):
    idea = ideas.visible_idea(current_user, idea_id)
    if ConfirmForm().validate_on_submit():
        ideas.accept_idea(current_user, idea)
        db.session.commit()
        flash(gettext("“%(title)s” accepted.", title=idea.title), "success")
    return redirect(url_for("insights.idea", idea_id=idea.id))


@bp.route("/ideas/<int:idea_id>/implement", methods=["POST"])
@roles_required(Role.MANAGER, Role.LEADER)
def implement_idea(idea_id: int):
    idea = ideas.visible_idea(current_user, idea_id)
    form = ImplementForm()
    if not form.validate_on_submit():
        return _detail(idea, 422, implement_form=form)
    try:
        ideas.implement_idea(current_user, idea, implemented_on=form.implemented_on.data, outcome=form.outcome.data,
                             today=date.today())
    except DomainError as exc:
        db.session.rollback()
        form.form_errors.append(gettext(exc.message))
        return _detail(ideas.visible_idea(current_user, idea_id), exc.status_code, implement_form=form)
    db.session.commit()
    flash(gettext("“%(title)s” recorded as implemented.", title=idea.title), "success")
    return redirect(url_for("insights.idea", idea_id=idea.id))


@bp.route("/ideas/<int:idea_id>/decline", methods=["POST"])
@roles_required(Role.MANAGER, Role.LEADER)
def decline_idea(idea_id: int):
    idea = ideas.visible_idea(current_user, idea_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _detail(idea, 422, decline_form=form)
    ideas.decline_idea(current_user, idea, reason=form.reason.data)
    db.session.commit()
    flash(gettext("“%(title)s” declined; the author can read your reason.", title=idea.title), "info")
    return redirect(url_for("insights.idea", idea_id=idea.id))


@bp.route("/insights/ideas")
@roles_required(Role.LEADER)
def all_ideas():
    status = request.args.get("status", "")
    stmt = (select(ServiceIdea).options(joinedload(ServiceIdea.author), joinedload(ServiceIdea.department))
            .order_by(ServiceIdea.submitted_at.desc(), ServiceIdea.id.desc()))
    if status in IDEA_STATUSES:
        stmt = stmt.where(ServiceIdea.status == status)
    else:
        status = ""
    q = request.args.get("q", "").strip()[:200]
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(ServiceIdea.title).like(like), func.lower(ServiceIdea.description).like(like)))
    page = paginate(stmt, request.args.get("page", 1, type=int))
    return render_template("insights/all_ideas.html", page=page, status=status, statuses=IDEA_STATUSES, q=q)
