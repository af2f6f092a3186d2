"""Role checks for views: every page names the roles that may open it."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from lms.core.roles import Role


def roles_required(*roles: Role):
    """Let the view run only for a logged-in user holding at least one of `roles`."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.has_any_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = tuple(roles)
        return wrapped

    return decorator
