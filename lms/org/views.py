"""Admin pages for the roster, employees and departments; the manager's team; the leader's overview."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from lms.auth import services as auth_services
from lms.core.errors import DomainError
from lms.core.navigation import home_page, nav_item
from lms.core.permissions import roles_required
from lms.core.roles import Role
from lms.extensions import db
from lms.org import labels, queries, services
from lms.org.forms import ConfirmForm, DepartmentForm, EmployeeRolesForm, RosterUploadForm, SearchForm, SetPasswordForm

bp = Blueprint("org", __name__)
labels.install(bp)

nav_item("Administration", "org.admin_home", Role.ADMIN, order=80)
nav_item("Employees", "org.employees", Role.ADMIN, order=81)
nav_item("Roster import", "org.roster_upload", Role.ADMIN, order=82)
nav_item("My team", "org.team", Role.MANAGER, order=20)
nav_item("Organization", "org.leader_home", Role.LEADER, order=10)
home_page(Role.ADMIN, "org.admin_home")
home_page(Role.MANAGER, "org.team")
home_page(Role.LEADER, "org.leader_home")


# --------------------------------------------------------------------------- admin


@bp.route("/admin")
@roles_required(Role.ADMIN)
def admin_home():
    return render_template(
        "org/admin_home.html",
        by_kind=queries.headcount_by_kind(),
        by_site=queries.headcount_by_site(),
    )


@bp.route("/admin/employees")
@roles_required(Role.ADMIN)
def employees():
    form = SearchForm(request.args)
    q = (form.q.data or "").strip() if form.validate() else ""
    department_id = request.args.get("department", type=int)
    page = queries.paginate(queries.employee_search(q, department_id), request.args.get("page", 1, type=int))
    return render_template("org/employees.html", form=form, page=page, q=q, department_id=department_id)


@bp.route("/admin/employees/<int:employee_id>", methods=["GET"])
@roles_required(Role.ADMIN)
def employee_detail(employee_id: int):
    employee = services.get_employee(employee_id)
    roles_form = EmployeeRolesForm(roles=sorted(employee.roles - {"learner"}))
    return render_template("org/employee_detail.html", employee=employee, roles_form=roles_form,
                           password_form=SetPasswordForm(), confirm_form=ConfirmForm())


@bp.route("/admin/employees/<int:employee_id>/roles", methods=["POST"])
@roles_required(Role.ADMIN)
def employee_roles(employee_id: int):
    employee = services.get_employee(employee_id)
    form = EmployeeRolesForm()
    if form.validate_on_submit():
        services.set_employee_roles(current_user, employee, set(form.roles.data or []))
        db.session.commit()
        flash(gettext("Roles of %(name)s saved.", name=employee.full_name), "success")
    else:
        flash(gettext("The roles could not be saved: %(problems)s", problems="; ".join(map(str, form.roles.errors))), "danger")
    return redirect(url_for("org.employee_detail", employee_id=employee.id))


@bp.route("/admin/employees/<int:employee_id>/password", methods=["POST"])
@roles_required(Role.ADMIN)
def employee_password(employee_id: int):
    employee = services.get_employee(employee_id)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            auth_services.set_password(employee, form.password.data)
        except DomainError as exc:  # a common password: said next to the field, not on an error page
            db.session.rollback()
            form.password.errors = [*form.password.errors, *(getattr(exc, "problems", None) or [exc.message])]
        else:
            db.session.commit()
            flash(gettext("Password of %(name)s set; their other sessions ended.", name=employee.full_name), "success")
            return redirect(url_for("org.employee_detail", employee_id=employee.id))
    roles_form = EmployeeRolesForm(roles=sorted(employee.roles - {"learner"}))
    return render_template("org/employee_detail.html", employee=employee, roles_form=roles_form,
                           password_form=form, confirm_form=ConfirmForm()), 422


@bp.route("/admin/employees/<int:employee_id>/active", methods=["POST"])
@roles_required(Role.ADMIN)
def employee_active(employee_id: int):
    employee = services.get_employee(employee_id)
    if ConfirmForm().validate_on_submit():
        activate = request.form.get("active") == "1"
        services.set_employee_active(current_user, employee, activate)
        db.session.commit()
        flash(gettext("%(name)s is now active.", name=employee.full_name) if activate
              else gettext("%(name)s is now deactivated; their sessions ended.", name=employee.full_name), "success")
    return redirect(url_for("org.employee_detail", employee_id=employee.id))


@bp.route("/admin/departments")
@roles_required(Role.ADMIN)
def departments():
    q = request.args.get("q", "").strip()[:200]
    page = queries.department_page(request.args.get("page", 1, type=int), q)
    return render_template("org/departments.html", page=page, rows=page.items, q=q)


@bp.route("/admin/departments/<int:department_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def department_edit(department_id: int):
    department = services.get_department(department_id)
    form = DepartmentForm(obj=department)
    if form.validate_on_submit():
        services.update_department(department, name=form.name.data, kind=form.kind.data,
                                   max_away_fraction=float(form.max_away_fraction.data))
        db.session.commit()
        flash(gettext("Department %(code)s saved.", code=department.code), "success")
        return redirect(url_for("org.departments"))
    return render_template("org/department_edit.html", department=department, form=form)


# --------------------------------------------------------------------------- roster


@bp.route("/admin/roster", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def roster_upload():
    form = RosterUploadForm()
    if form.validate_on_submit():
        upload = services.stage_roster_upload(current_user, form.file.data.filename or "", form.file.data.read(),
                                              form.deactivate_missing.data)
        db.session.commit()
        return redirect(url_for("org.roster_preview", upload_id=upload.id))
    return render_template("org/roster_upload.html", form=form)


@bp.route("/admin/roster/<int:upload_id>")
@roles_required(Role.ADMIN)
def roster_preview(upload_id: int):
    upload = services.get_roster_upload(upload_id)
    plan = services.preview_roster(upload.content, upload.deactivate_missing, current_user) if upload.status == "pending" else None
    return render_template("org/roster_preview.html", upload=upload, plan=plan, form=ConfirmForm())


@bp.route("/admin/roster/<int:upload_id>/apply", methods=["POST"])
@roles_required(Role.ADMIN)
def roster_apply(upload_id: int):
    upload = services.get_roster_upload(upload_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("org.roster_preview", upload_id=upload.id))
    try:
        plan = services.apply_roster_upload(current_user, upload)
    except DomainError as exc:
        db.session.rollback()
        flash(gettext(exc.message), "danger")
        return redirect(url_for("org.roster_preview", upload_id=upload.id))
    db.session.commit()
    counts = plan.counts()
    flash(gettext("Roster applied: %(created)s created, %(updated)s updated, %(deactivated)s deactivated, %(unchanged)s unchanged.",
                  **counts), "success")
    return redirect(url_for("org.employees"))


@bp.route("/admin/roster/<int:upload_id>/discard", methods=["POST"])
@roles_required(Role.ADMIN)
def roster_discard(upload_id: int):
    upload = services.get_roster_upload(upload_id)
    if ConfirmForm().validate_on_submit():
        services.discard_roster_upload(upload)
        db.session.commit()
        flash(gettext("The upload was discarded; nothing changed."), "info")
    return redirect(url_for("org.roster_upload"))


@bp.route("/admin/roster/export.csv")
@roles_required(Role.ADMIN)
def roster_export():
    return Response(services.export_roster(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=roster.csv"})


# --------------------------------------------------------------------------- manager and leader


@bp.route("/team")
@roles_required(Role.MANAGER)
def team():
    form = SearchForm(request.args)
    q = (form.q.data or "").strip() if form.validate() else ""
    page = queries.paginate(queries.employee_search(q, manager=current_user, active_only=True),
                            request.args.get("page", 1, type=int))
    return render_template("org/team.html", form=form, page=page, q=q)


@bp.route("/organization")
@roles_required(Role.LEADER)
def leader_home():
    return render_template(
        "org/leader_home.html",
        by_kind=queries.headcount_by_kind(),
        by_site=queries.headcount_by_site(),
        departments=queries.departments_with_headcount(),
    )
