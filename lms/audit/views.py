"""The audit log page for leaders: filters by who, what, action and dates, newest first, paginated."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from flask import Blueprint, render_template, request
from flask_babel import gettext
from sqlalchemy import select

from lms.audit import labels
from lms.audit.forms import AuditFilterForm
from lms.audit.models import ACTIONS, AuditEvent
from lms.core.forms import choices
from lms.core.navigation import nav_item
from lms.core.permissions import roles_required
from lms.core.roles import Role
from lms.extensions import db
from lms.org.queries import paginate

bp = Blueprint("audit", __name__)
labels.install(bp)

READERS = (Role.LEADER,)
nav_item("Audit log", "audit.log", *READERS, order=19)


def _filtered(form: AuditFilterForm):
    stmt = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if form.who.data:
        like = "%" + form.who.data.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(AuditEvent.actor_label.ilike(like, escape="\\"))
    if form.table.data:
        stmt = stmt.where(AuditEvent.table_name == form.table.data)
    if form.action.data:
        stmt = stmt.where(AuditEvent.action == form.action.data)
    if form.row.data:
        stmt = stmt.where(AuditEvent.row_id == form.row.data.strip())
    if form.since.data:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(form.since.data, time.min, timezone.utc))
    if form.until.data:
        stmt = stmt.where(AuditEvent.at < datetime.combine(form.until.data + timedelta(days=1), time.min, timezone.utc))
    return stmt


@bp.route("/audit")
@roles_required(*READERS)
def log():
    form = AuditFilterForm(request.args, meta={"csrf": False})
    tables = db.session.execute(select(AuditEvent.table_name).distinct().order_by(AuditEvent.table_name)).scalars().all()
    form.table.choices = choices([("", gettext("Any table"))] + [(t, t) for t in tables])
    form.action.choices = choices([("", gettext("Any action"))] + [(a, labels.audit_action(a)) for a in ACTIONS])
    valid = form.validate()
    stmt = _filtered(form) if valid else select(AuditEvent).where(AuditEvent.id.is_(None))
    page = paginate(stmt, request.args.get("page", 1, type=int))
    filters = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("audit/log.html", form=form, page=page, filters=filters, valid=valid), 200 if valid else 422
