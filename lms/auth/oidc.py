"""OpenID Connect login (Authlib): employees are matched by issuer and subject, linked once by verified e-mail."""
from __future__ import annotations

from dataclasses import dataclass

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from sqlalchemy import select

from lms.auth.models import ExternalIdentity
from lms.auth.services import find_active_by_email
from lms.core.errors import PermissionDenied
from lms.core.models import utcnow
from lms.extensions import db
from lms.org.models import Employee

CLIENT_NAME = "sso"
NO_ACCOUNT = "There is no active account for this sign-in. Ask your administrator to add you to the roster."


@dataclass(frozen=True)
class Claims:
    """What the platform uses from a validated ID token."""

    issuer: str
    subject: str
    email: str
    email_verified: bool


def enabled(app: Flask | None = None) -> bool:
    """True when single sign-on is configured."""
    cfg = (app or current_app).config
    return bool(cfg.get("LMS_OIDC_ISSUER") and cfg.get("LMS_OIDC_CLIENT_ID"))


def init_oidc(app: Flask) -> None:
    """Register the OpenID provider from the config (discovery document, PKCE with S256)."""
    if not enabled(app):
        return
    cfg = app.config
    oauth = OAuth(app)
    issuer = cfg["LMS_OIDC_ISSUER"].rstrip("/")
    oauth.register(
        CLIENT_NAME,
        client_id=cfg["LMS_OIDC_CLIENT_ID"],
        client_secret=cfg.get("LMS_OIDC_CLIENT_SECRET") or None,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": cfg["LMS_OIDC_SCOPES"], "code_challenge_method": "S256", "timeout": 10},
    )
    app.extensions["lms_oidc"] = oauth


def client():
    """The registered Authlib client."""
    return current_app.extensions["lms_oidc"].create_client(CLIENT_NAME)


def claims_from(userinfo: dict) -> Claims:
    """The claims of a validated ID token (Authlib has checked signature, issuer, audience, expiry and nonce)."""
    verified = userinfo.get("email_verified")
    return Claims(
        issuer=str(userinfo["iss"]), subject=str(userinfo["sub"]),
        email=str(userinfo.get("email") or "").strip().lower(),
        email_verified=verified is True or str(verified).lower() == "true",
    )


def employee_for(claims: Claims) -> Employee:
    """The active employee these claims belong to, linking the identity on first login by verified e-mail."""
    identity = db.session.execute(
        select(ExternalIdentity).where(ExternalIdentity.issuer == claims.issuer, ExternalIdentity.subject == claims.subject)
    ).scalar_one_or_none()
    if identity is not None:
        if not identity.employee.active:
            raise PermissionDenied(NO_ACCOUNT)
        identity.last_login_at = utcnow()
        return identity.employee
    if not (claims.email and claims.email_verified):
        raise PermissionDenied(NO_ACCOUNT)
    employee = find_active_by_email(claims.email)
    if employee is None:
        raise PermissionDenied(NO_ACCOUNT)
    already = db.session.execute(
        select(ExternalIdentity.id).where(ExternalIdentity.employee_id == employee.id, ExternalIdentity.issuer == claims.issuer)
    ).first()
    if already:
        # This account is linked to another subject of the same provider: an e-mail match must not take it over.
        raise PermissionDenied(NO_ACCOUNT)
    db.session.add(ExternalIdentity(employee=employee, issuer=claims.issuer, subject=claims.subject,
                                    email_at_link=claims.email, last_login_at=utcnow()))
    db.session.flush()
    return employee
