"""Cross-cutting web set-up: error pages with incident ids, template helpers and security headers."""
from __future__ import annotations

import logging
import secrets

from flask import Flask, make_response, render_template, request, session
from flask_babel import lazy_gettext as _l
from flask_babel import gettext, ngettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

from lms.core.errors import DomainError
from lms.core.navigation import menus_for
from lms.extensions import db

log = logging.getLogger(__name__)

ERROR_TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Not allowed"),
    409: _l("Conflict"),
    413: _l("File too large"),
    415: _l("Wrong kind of file"),
    422: _l("Could not be done"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
    503: _l("Temporarily unavailable"),
}
ERROR_MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You do not have access to this page. If you think you should, ask your administrator."),
    404: _l("There is no such page, or it is not yours to see."),
    405: _l("This action cannot be done this way."),
    413: _l("The file is larger than the platform accepts."),
    415: _l("The platform does not accept this kind of file here."),
    429: _l("Too many attempts. Wait a few minutes and try again."),
    500: _l("The platform hit an unexpected problem. Nothing you saved was lost; please try again."),
    503: _l("The platform is busy or briefly cannot reach its database. Nothing was changed; please try again in a moment."),
}

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",  # style attributes only (progress bars); never script
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
))
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Flash messages live in the session cookie, and some echo what was typed: keep the cookie under the 4 KB
# browsers accept, or a long input would silently log the person out.
MAX_FLASH_CHARS = 300
MAX_FLASHES = 8


def render_error(status: int, message: str | None = None, incident: str | None = None):
    """The error page for `status`, with a message for the person who hit it (and an incident id to quote)."""
    return render_template(
        "error.html",
        status=status,
        title=ERROR_TITLES.get(status, _l("Error")),
        message=message or ERROR_MESSAGES.get(status, ""),
        incident=incident,
    ), status


def new_incident_id() -> str:
    """A short random id that ties an error page to its log record."""
    return secrets.token_hex(6)


def incident_page(status: int, error: BaseException | None, what: str):
    """Log `error` under a fresh incident id and render the generic page quoting that id."""
    incident = new_incident_id()
    log.error("incident %s: %s", incident, what, exc_info=error)
    body, status = render_error(status, incident=incident)
    return make_response(body, status)


def _security_headers(app: Flask):
    production = app.config.get("LMS_ENV") == "production"
    hsts = f"max-age={app.config.get('LMS_HSTS_SECONDS', 31536000)}; includeSubDomains"

    def add(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if production:
            headers.setdefault("Strict-Transport-Security", hsts)
        if request.endpoint != "static" and "Cache-Control" not in headers and current_user.is_authenticated:
            headers["Cache-Control"] = "no-store"  # personal pages stay out of shared caches
        return response

    return add


def bound_flashes(response):
    """After each request: shorten long flash messages and keep only the first few."""
    flashes = session.get("_flashes")
    if flashes and (len(flashes) > MAX_FLASHES or any(len(str(m)) > MAX_FLASH_CHARS for _, m in flashes)):
        kept = [(category, m if len(str(m)) <= MAX_FLASH_CHARS else str(m)[:MAX_FLASH_CHARS] + "…")
                for category, m in flashes[:MAX_FLASHES]]
        if len(flashes) > MAX_FLASHES:
            extra = len(flashes) - MAX_FLASHES
            kept.append(("info", ngettext("And %(num)d more message.", "And %(num)d more messages.", extra)))
        session["_flashes"] = kept
    return response


def init_web(app: Flask) -> None:
    """Install error handlers, the template context, response headers and the request guards."""
    from lms.core.faults import init_faults
    from lms.core.formguard import init_formguard
    from lms.core.logs import init_logging
    from lms.core.uploads import init_uploads

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    proxies = app.config.get("LMS_TRUSTED_PROXIES", 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    for status in (400, 403, 404, 405, 413, 415, 429):
        app.register_error_handler(status, lambda exc, s=status: render_error(s))

    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        return render_error(400, _l("The form expired or was sent from elsewhere. Go back, reload the page and try again."))

    @app.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        db.session.rollback()
        # Messages marked with N_ where they are raised are in the catalog; others show as written.
        return render_error(exc.status_code, gettext(exc.message) if isinstance(exc.message, str) else exc.message)

    @app.errorhandler(500)
    def _server_error(exc):
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 (the page must render even when the database is gone)
            log.debug("rollback failed while handling a server error", exc_info=True)
        original = getattr(exc, "original_exception", None) or exc
        return incident_page(500, original, f"unhandled error on {request.method} {request.path}")

    @app.context_processor
    def _template_context():
        return {"nav_menus": menus_for(current_user)}

    app.after_request(_security_headers(app))
    app.after_request(bound_flashes)
    init_logging(app)
    init_faults(app)
    init_uploads(app)
    init_formguard(app)
