"""The admin's view of the outbox: what was sent, to whom, and what failed."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from lms.core.navigation import nav_item
from lms.core.permissions import roles_required
from lms.core.roles import Role
from lms.notify import labels, queries
from lms.notify.models import STATUSES
from lms.notify.outbox import get_message

bp = Blueprint("notify", __name__)
labels.install(bp)

nav_item("Outbox", "notify.outbox", Role.ADMIN, order=89)


@bp.route("/admin/outbox")
@roles_required(Role.ADMIN)
def outbox():
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        abort(404)
    q = request.args.get("q", "").strip()[:200]
    page = queries.outbox_page(status, request.args.get("page", 1, type=int), q=q)
    return render_template("notify/outbox.html", page=page, status=status, counts=queries.status_counts(),
                           statuses=STATUSES, q=q)


@bp.route("/admin/outbox/<int:message_id>")
@roles_required(Role.ADMIN)
def message(message_id: int):
    return render_template("notify/message.html", message=get_message(message_id))
