"""Mass-assignment watch: form fields a view never read are ignored by design; sensitive ones are logged."""
from __future__ import annotations

import logging

from flask import Flask, g, request
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict

log = logging.getLogger("lms.security")

# Names that would matter if a view copied form fields onto a record wholesale.
SENSITIVE = frozenset({
    "role", "roles", "is_admin", "admin", "employee_id", "user_id", "owner_id", "author_id", "manager_id",
    "department_id", "active", "status", "session_token", "password_hash", "id", "created_by_id", "uploaded_by_id",
})


class ReadTrackingForm(ImmutableMultiDict):
    """The request's form, remembering which names anything looked up."""

    def _note(self, key):
        g.setdefault("_form_keys_read", set()).add(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):  # noqa: A002 (werkzeug's signature)
        self._note(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        self._note(key)
        return super().getlist(key, type)


def _track() -> None:
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        request.form = ReadTrackingForm(request.form)


def unread_sensitive_fields() -> set[str]:
    """Sensitive field names this request sent that its view never read."""
    form = request.__dict__.get("form")
    if not isinstance(form, ReadTrackingForm):
        return set()
    return (set(form.keys()) & SENSITIVE) - g.get("_form_keys_read", set())


def _report(response):
    ignored = unread_sensitive_fields()
    if ignored:
        who = current_user.get_id().partition(":")[0] if current_user.is_authenticated else "anonymous"
        log.warning("ignored form fields %s sent to %s by employee %s from %s (status %s)",
                    ", ".join(sorted(ignored)), request.endpoint, who, request.remote_addr, response.status_code)
    return response


def init_formguard(app: Flask) -> None:
    """Track form reads on every state-changing request and log ignored sensitive fields."""
    app.before_request(_track)
    app.after_request(_report)
