"""The learner's pages, managers' views of their reports, and admin pages for courses, rules and toolkits."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, gettext, ngettext
from flask_login import current_user
from sqlalchemy import select

from lms.core.errors import DomainError, NotFound
from lms.core.forms import choices
from lms.core.i18n import DEFAULT_LANGUAGE, current_language, is_language
from lms.core.markers import N_
from lms.core.navigation import home_page, nav_item
from lms.core.permissions import roles_required
from lms.core.roles import Role
from lms.extensions import db
from lms.learning import assignments, certificates, progress, queries, toolkits
from lms.learning.completion import outstanding
from lms.learning.forms import AssignmentRuleForm, ToolkitForm
from lms.learning.models import Course
from lms.org import services as org_services
from lms.org.forms import ConfirmForm
from lms.org.models import Department, Employee, Site
from lms.org.queries import is_in_reporting_line, manager_name, reports_subquery

bp = Blueprint("learning", __name__)

nav_item("My learning", "learning.my_learning", Role.LEARNER, order=1)
nav_item("Team learning", "learning.team_learning", Role.MANAGER, order=21)
nav_item("Courses", "learning.admin_courses", Role.ADMIN, Role.LEADER, order=60)
nav_item("Assignments", "learning.admin_assignments", Role.ADMIN, Role.LEADER, order=61)
home_page(Role.LEARNER, "learning.my_learning")

PREVIEW_ROLES = (Role.ADMIN, Role.LEADER, Role.TRAINER, Role.LEAD_TRAINER)


def _today() -> date:
    return date.today()


# --------------------------------------------------------------------------- learner


@bp.route("/my")
@roles_required(Role.LEARNER)
def my_learning():
    summaries = queries.enrolment_summaries(current_user, _today())
    toolkit = toolkits.toolkit_for(current_user.department)
    return render_template("learning/my_learning.html", me=current_user, summaries=summaries, toolkit=toolkit,
                           manager_name=manager_name(current_user))


def _course_access(slug: str):
    """The course and the current user's enrolment; non-enrolled staff who may preview get None."""
    course = progress.get_course(slug)
    enrolment = progress.find_enrolment(current_user, course)
    if enrolment is None and not current_user.has_any_role(*PREVIEW_ROLES):
        raise NotFound(N_("No such course."))
    return course, enrolment


@bp.route("/courses/<slug>")
@roles_required(Role.LEARNER)
def course_page(slug: str):
    course, enrolment = _course_access(slug)
    done = progress.progress_by_module(current_user, course) if enrolment else {}
    certificate = certificates.certificate_for(enrolment) if enrolment and enrolment.completed_at else None
    modules = course.live_modules if current_user.has_any_role(Role.TRAINER, Role.LEAD_TRAINER) else course.learner_modules
    resume = enrolment.last_module if enrolment and enrolment.last_module and not enrolment.last_module.archived else None
    return render_template("learning/course.html", course=course, enrolment=enrolment, done=done, modules=modules,
                           certificate=certificate, resume=resume,
                           todo=outstanding(enrolment) if enrolment and not enrolment.completed_at else [])


@bp.route("/courses/<slug>/modules/<stem>")
@roles_required(Role.LEARNER)
def module_page(slug: str, stem: str):
    course, enrolment = _course_access(slug)
    module = progress.require_module(course, stem, current_user)
    row = None
    if enrolment is not None:
        row = progress.view_module(current_user, enrolment, module)
    visible = course.live_modules if current_user.has_any_role(Role.TRAINER, Role.LEAD_TRAINER) else course.learner_modules
    index = next(i for i, m in enumerate(visible) if m.id == module.id) if module in visible else 0
    toolkit = toolkits.toolkit_for(current_user.department) if module.toolkit else None
    wanted = request.args.get("lang")
    language = wanted if is_language(wanted) else current_language()
    title, body = module.localized(language)
    page = render_template(
        "learning/module.html", course=course, module=module, enrolment=enrolment, progress=row, toolkit=toolkit,
        title=title, body=body, language=language,
        content_lang=language if language in module.translations else DEFAULT_LANGUAGE,
        previous=visible[index - 1] if index > 0 else None,
        next=visible[index + 1] if index + 1 < len(visible) else None, position=index + 1, count=len(visible),
        form=ConfirmForm(),
    )
    # Committed after rendering: a commit first would expire the course, its modules and the user, and the
    # page would load them all again.
    db.session.commit()
    return page


@bp.route("/courses/<slug>/modules/<stem>/complete", methods=["POST"])
@roles_required(Role.LEARNER)
def complete_module(slug: str, stem: str):
    course = progress.get_course(slug)
    enrolment = progress.find_enrolment(current_user, course)
    if enrolment is None:
        raise NotFound(N_("No such course."))
    module = progress.require_module(course, stem, current_user)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    finished = progress.complete_module(current_user, enrolment, module)
    db.session.commit()
    if finished:
        flash(gettext("You completed %(course)s. Your certificate is ready.", course=course.title), "success")
        return redirect(url_for("learning.course_page", slug=slug))
    # Announced in the page's status area, so that screen-reader users hear that it worked.
    flash(gettext("Module %(module)s marked complete.", module=module.title), "success")
    following = request.form.get("next")
    if following and course.module(following):
        return redirect(url_for("learning.module_page", slug=slug, stem=following))
    return redirect(url_for("learning.course_page", slug=slug))


@bp.route("/courses/<slug>/certificate.pdf")
@roles_required(Role.LEARNER)
def certificate_pdf(slug: str):
    course = progress.get_course(slug)
    enrolment = progress.find_enrolment(current_user, course)
    certificate = certificates.certificate_for(enrolment) if enrolment else None
    if certificate is None:
        raise NotFound(N_("You have no certificate for this course yet."))
    pdf = certificates.render_pdf(certificate, url_for("learning.verify", code=certificate.code, _external=True),
                                  words=_certificate_words(), day=format_date(certificate.completed_on, "long"))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename=certificate-{slug}.pdf"})


def _certificate_words() -> dict[str, str]:
    """The certificate's wording in the learner's language ({course}, {day}, {code}, {url} are filled in later)."""
    return {
        "title": gettext("Certificate: {course}"),
        "heading": gettext("Certificate of completion"),
        "certifies": gettext("This certifies that"),
        "completed": gettext("has completed"),
        "on": gettext("on {day}"),
        "code": gettext("Verification code: {code}"),
        "check": gettext("Check it at {url}"),
    }


@bp.route("/verify", methods=["GET"])
@bp.route("/verify/<code>")
def verify(code: str | None = None):
    code = code or request.args.get("code", "").strip()
    certificate, error = None, None
    if code:
        try:
            certificate = certificates.find_certificate(code)
        except NotFound as exc:
            error = exc.message
    status = 404 if error else 200
    return render_template("learning/verify.html", code=code, certificate=certificate, error=error), status


# --------------------------------------------------------------------------- managers


@bp.route("/team/learning")
@roles_required(Role.MANAGER)
def team_learning():
    q = request.args.get("q", "").strip()[:200]
    page = queries.team_learning_page(reports_subquery(current_user.id), _today(),
                                      request.args.get("page", 1, type=int), q)
    return render_template("learning/team_learning.html", page=page, rows=page.items, q=q)


@bp.route("/team/<int:employee_id>/learning")
@roles_required(Role.MANAGER)
def report_learning(employee_id: int):
    if not is_in_reporting_line(current_user, employee_id):
        raise NotFound(N_("No such person in your team."))
    employee = org_services.get_employee(employee_id)
    summaries = queries.enrolment_summaries(employee, _today(), include_unassigned=True)
    return render_template("learning/report_learning.html", employee=employee, summaries=summaries)


# --------------------------------------------------------------------------- admin and leaders


@bp.route("/admin/courses")
@roles_required(Role.ADMIN, Role.LEADER)
def admin_courses():
    return render_template("learning/admin_courses.html", rows=queries.course_overview())


def _rule_form() -> AssignmentRuleForm:
    form = AssignmentRuleForm()
    courses = db.session.execute(select(Course).where(Course.archived.is_(False)).order_by(Course.title)).scalars()
    form.course_id.choices = choices([(c.id, f"{c.title} ({c.kind})") for c in courses])
    form.site_ids.choices = choices([(s.id, s.name) for s in db.session.execute(select(Site).order_by(Site.name)).scalars()])
    form.department_ids.choices = choices(
        (d.id, f"{d.name} ({d.site.code})") for d in db.session.execute(select(Department).order_by(Department.name)).scalars())
    return form


def _target_names() -> dict[tuple[str, str], str]:
    """What each kind of rule target is called on the page, in the reader's language."""
    names = {("department_kind", "front_line"): gettext("front line departments"),
             ("department_kind", "internal_provider"): gettext("internal provider departments"),
             ("department_kind", "leadership"): gettext("leadership departments")}
    names.update({("site", str(s.id)): gettext("site %(name)s", name=s.name)
                  for s in db.session.execute(select(Site)).scalars()})
    names.update({("department", str(d.id)): d.name for d in db.session.execute(select(Department)).scalars()})
    names.update({("role", "manager"): gettext("managers"), ("role", "leader"): gettext("leaders"),
                  ("role", "trainer"): gettext("trainers"), ("role", "lead_trainer"): gettext("lead trainers")})
    return names


def _describe_rule(rule, names) -> str:
    """Who a rule reaches, in words, in the reader's language."""
    return gettext("Everyone") if rule.everyone else assignments.describe_rule(rule, names)


@bp.route("/admin/assignments", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.LEADER)
def admin_assignments():
    form = _rule_form()
    if form.validate_on_submit():
        course = db.session.get(Course, form.course_id.data)
        employee_nos = [n for n in (form.employee_nos.data or "").replace(",", " ").split() if n]
        found = dict(db.session.execute(select(Employee.employee_no, Employee.id).where(Employee.employee_no.in_(employee_nos))).all()) if employee_nos else {}
        missing = [n for n in employee_nos if n not in found]
        if missing:
            form.employee_nos.errors = [gettext("No employee with the id %(ids)s.", ids=", ".join(missing))]
        else:
            try:
                rule, report = assignments.create_rule(
                    current_user, course, everyone=form.audience.data == "everyone",
                    department_kinds=form.department_kinds.data, site_ids=form.site_ids.data,
                    department_ids=form.department_ids.data, employee_ids=list(found.values()), roles=form.roles.data,
                    due_kind=form.due_kind.data, due_date=form.due_date.data, due_days=form.due_days.data)
            except DomainError as exc:
                db.session.rollback()
                form.form_errors.extend(getattr(exc, "problems", None) or [exc.message])
            else:
                db.session.commit()
                flash(ngettext("%(course)s assigned: %(num)d person enrolled now; people who join later are enrolled automatically.",
                               "%(course)s assigned: %(num)d people enrolled now; people who join later are enrolled automatically.",
                               report.enrolled, course=course.title), "success")
                return redirect(url_for("learning.admin_assignments"))
    return render_template("learning/admin_assignments.html", form=form, rules=queries.rules_with_counts(),
                           names=_target_names(), describe=_describe_rule, confirm=ConfirmForm())


@bp.route("/admin/assignments/<int:rule_id>/deactivate", methods=["POST"])
@roles_required(Role.ADMIN, Role.LEADER)
def deactivate_assignment(rule_id: int):
    rule = assignments.get_rule(rule_id)
    if ConfirmForm().validate_on_submit() and rule.active:
        report = assignments.deactivate_rule(rule)
        db.session.commit()
        flash(ngettext("Rule stopped. %(num)d person no longer has %(course)s assigned; their progress is kept.",
                       "Rule stopped. %(num)d people no longer have %(course)s assigned; their progress is kept.",
                       report.unassigned, course=rule.course.title), "info")
    return redirect(url_for("learning.admin_assignments"))


@bp.route("/admin/departments/<int:department_id>/toolkit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_toolkit(department_id: int):
    department = org_services.get_department(department_id)
    toolkit = toolkits.toolkit_for(department)
    form = ToolkitForm()
    if request.method == "GET" and toolkit:
        form.authority_limit.data, form.currency.data, form.note.data = toolkit.authority_limit, toolkit.currency, toolkit.note
        for entry, offer in zip(form.offers.entries, toolkit.offers):
            entry.form.title.data, entry.form.description.data = offer.title, offer.description
            entry.form.typical_value.data = offer.typical_value
    if form.validate_on_submit():
        try:
            toolkits.save_toolkit(department, authority_limit=form.authority_limit.data, currency=form.currency.data,
                                  note=form.note.data or "",
                                  offers=[(e.form.title.data or "", e.form.description.data or "", e.form.typical_value.data)
                                          for e in form.offers.entries])
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.extend(getattr(exc, "problems", None) or [exc.message])
        else:
            db.session.commit()
            flash(gettext("Recovery toolkit of %(department)s saved.", department=department.name), "success")
            return redirect(url_for("org.departments"))
    return render_template("learning/toolkit_edit.html", department=department, form=form)
