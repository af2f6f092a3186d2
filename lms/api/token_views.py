"""The API tokens page: leaders and admins create personal tokens (shown once), see their use and revoke them."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from lms.api import tokens
from lms.api.forms import NewTokenForm, RevokeForm
from lms.core.errors import DomainError
from lms.core.navigation import nav_item
from lms.core.permissions import roles_required
from lms.core.roles import Role
from lms.extensions import db

bp = Blueprint("api_tokens", __name__)

nav_item("API tokens", "api_tokens.tokens_page", *tokens.TOKEN_ROLES, order=95)


def _page(form: NewTokenForm, new_token: tokens.NewToken | None = None, status: int = 200):
    is_admin = current_user.has_role(Role.ADMIN)
    form.once.data = tokens.new_form_key()
    response = make_response(render_template(
        "api/tokens.html", form=form, new_token=new_token, mine=tokens.tokens_of(current_user),
        others=tokens.live_tokens_of_others(current_user) if is_admin else [],
        max_live=current_app.config["LMS_API_MAX_TOKENS"],
    ), status)
    response.headers["Cache-Control"] = "no-store"  # the page may hold a token shown once
    return response


@bp.route("/account/api-tokens", methods=["GET", "POST"])
@roles_required(*tokens.TOKEN_ROLES)
def tokens_page():
    form = NewTokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422 if form.errors else 200)
    try:
        new_token = tokens.create_token(current_user, form.name.data, current_app.config["LMS_API_MAX_TOKENS"],
                                        form_key=form.once.data or None)
        db.session.commit()
    except (tokens.AlreadyCreated, IntegrityError):  # IntegrityError: the same form sent twice at the same moment
        db.session.rollback()
        form = NewTokenForm(formdata=None)
        form.form_errors.append(gettext(tokens.AlreadyCreated().message))
        return _page(form, status=409)
    except DomainError as exc:
        db.session.rollback()
        form.form_errors.append(gettext(exc.message))
        return _page(form, status=exc.status_code)
    # Rendered, not redirected: the token is shown this once and is never put in a cookie or a URL.
    return _page(NewTokenForm(formdata=None), new_token, status=201)


@bp.route("/account/api-tokens/<int:token_id>/revoke", methods=["POST"])
@roles_required(*tokens.TOKEN_ROLES)
def revoke(token_id: int):
    token = tokens.get_token(token_id, current_user)
    if RevokeForm().validate_on_submit():
        tokens.revoke_token(current_user, token)
        db.session.commit()
        flash(gettext("Token “%(name)s” revoked: calls with it now get 401.", name=token.name), "success")
    return redirect(url_for("api_tokens.tokens_page"))
