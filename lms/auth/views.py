"""Login (password or single sign-on), logout, password change and the role-based home redirect."""
from __future__ import annotations

from urllib.parse import urlsplit

from authlib.integrations.base_client.errors import OAuthError
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from lms.auth import oidc, services, throttle
from lms.auth.forms import ChangePasswordForm, LanguageForm, LoginForm, SingleSignOnForm
from lms.auth.timeouts import start_session
from lms.core.errors import PermissionDenied, ValidationFailed
from lms.core.i18n import COOKIE_MAX_AGE, FORMAT_LOCALES, LANGUAGE_COOKIE, current_language
from lms.core.models import utcnow
from lms.core.navigation import home_endpoint
from lms.core.web import render_error
from lms.extensions import db

bp = Blueprint("auth", __name__)

LOGIN_REFUSED = 401
NEXT_KEY = "_login_next"


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths may be followed after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def _log_in(employee, next_url: str | None):
    """Start a fresh session for `employee` (nothing carried over) and go on."""
    session.clear()
    login_user(employee)
    start_session()
    return redirect(_safe_next(next_url) or url_for(home_endpoint(employee)))


def _too_many():
    response, status = render_error(429)
    return response, status, {"Retry-After": str(throttle.retry_after())}


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    return redirect(url_for("auth.login"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for(home_endpoint(current_user)))
    form = LoginForm()
    status = 200
    if form.is_submitted():
        keys = throttle.throttle_keys(request.form.get("email", ""), request.remote_addr)
        if throttle.is_blocked(keys):
            return _too_many()
        if form.validate():
            try:
                employee = services.authenticate(form.email.data, form.password.data)
            except PermissionDenied as exc:
                db.session.rollback()
                form.form_errors.append(exc.message)
                status = LOGIN_REFUSED
            else:
                db.session.commit()
                return _log_in(employee, request.args.get("next"))
        elif "csrf_token" in form.errors:
            status = 400
            form.form_errors.append(gettext("The form expired. Please try again."))
        else:
            status = LOGIN_REFUSED
            form.form_errors.append(services.LOGIN_FAILED)
        if status == LOGIN_REFUSED:
            throttle.record_failure(keys)
            db.session.commit()
    return render_template("auth/login.html", form=form, sso=oidc.enabled(), sso_form=SingleSignOnForm()), status


@bp.route("/login/sso", methods=["POST"])
def sso_start():
    if not oidc.enabled():
        abort(404)
    if not SingleSignOnForm().validate_on_submit():
        abort(400)
    session[NEXT_KEY] = _safe_next(request.args.get("next"))
    return oidc.client().authorize_redirect(url_for("auth.sso_callback", _external=True))


@bp.route("/login/sso/callback")
def sso_callback():
    if not oidc.enabled():
        abort(404)
    keys = throttle.throttle_keys("sso:" + request.args.get("state", ""), request.remote_addr)
    if throttle.is_blocked(keys):
        return _too_many()
    try:
        token = oidc.client().authorize_access_token()
        employee = oidc.employee_for(oidc.claims_from(token.get("userinfo") or {}))
    except (OAuthError, PermissionDenied, KeyError, ValueError) as exc:
        db.session.rollback()
        throttle.record_failure({"address": keys["address"]})
        db.session.commit()
        message = exc.message if isinstance(exc, PermissionDenied) else "The single sign-on could not be completed. Please try again."
        return render_template("auth/login.html", form=LoginForm(formdata=None), sso=True, sso_form=SingleSignOnForm(),
                               sso_error=message), LOGIN_REFUSED
    employee.last_login_at = utcnow()
    db.session.commit()
    return _log_in(employee, session.get(NEXT_KEY))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    chosen = current_user.language
    language = chosen or current_language()
    services.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_in(language, _l("You are logged out.")), "info")
    response = redirect(url_for("auth.login"))
    if chosen:  # the login page that follows stays in the language the person chose
        _remember_language(response, chosen)
    return response


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except ValidationFailed as exc:
            db.session.rollback()
            wrong_field = form.current_password if exc.message == services.CURRENT_PASSWORD_WRONG else form.new_password
            wrong_field.errors = [*wrong_field.errors, exc.message]
        else:
            db.session.commit()
            started = session.get("_auth_at")
            login_user(current_user._get_current_object())  # this session continues with the new token; all others end
            if started is not None:
                session["_auth_at"] = started
            flash(gettext("Your password is changed. Other devices have been logged out."), "success")
            return redirect(url_for(home_endpoint(current_user)))
    language_form = LanguageForm(formdata=None, language=current_language(), next=url_for("auth.change_password"))
    return render_template("auth/change_password.html", form=form, language_form=language_form)


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the language: saved on the account when signed in, and in a cookie for the login page."""
    form = LanguageForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            return render_error(400, gettext("The form expired. Please try again."))
        return render_error(400, services.UNKNOWN_LANGUAGE)
    if current_user.is_authenticated:
        services.set_language(current_user, form.language.data)
        db.session.commit()
    response = redirect(_safe_next(form.next.data) or url_for("auth.index"))
    _remember_language(response, form.language.data)
    return response


def _remember_language(response, language: str) -> None:
    """The cookie that keeps pages served to someone not logged in (the login page) in their language."""
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))


def _in(language: str, message) -> str:
    """The lazy `message` translated into `language`, whatever the current request's language."""
    with force_locale(FORMAT_LOCALES.get(language, language)):
        return str(message)
