"""Personal API tokens: create (shown once), list, revoke, and authenticate a presented token.

A token is `lms_pat_` followed by 32 random bytes in URL-safe base64. Only its SHA-256 is stored:
the token carries 256 bits of entropy, so a fast hash is enough and a lookup is one indexed query.

Rules: leaders and admins create tokens; a token reads the whole organization's figures and nothing
else; it stops working when revoked (401), when its owner is deactivated (401), and while its owner
holds neither leader nor admin (403: the token comes back to life if the role is given back).
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from lms.core.database import begin_write
from lms.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from lms.core.markers import N_
from lms.core.models import utcnow
from lms.core.roles import Role
from lms.api.models import ApiToken
from lms.extensions import db
from lms.org.models import Employee

TOKEN_PREFIX = "lms_pat_"
TOKEN_BYTES = 32
HINT_LENGTH = len(TOKEN_PREFIX) + 4
MAX_NAME = 100
TOKEN_ROLES = (Role.LEADER, Role.ADMIN)
# last_used_at is written at most this often per token, so that reading the API rarely writes.
LAST_USED_EVERY = timedelta(minutes=1)


class TokenRejected(DomainError):
    """The presented token is missing, unknown, revoked or belongs to someone no longer active."""

    status_code = 401


@dataclass(frozen=True)
class NewToken:
    """A token just created: the stored row and the secret, which is shown once and kept nowhere."""

    token: ApiToken
    secret: str


def hash_token(secret: str) -> str:
    """The hex SHA-256 a token is stored as."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def may_hold_tokens(employee: Employee) -> bool:
    """Leaders and admins who are active may create and use API tokens."""
    return employee.active and employee.has_any_role(*TOKEN_ROLES)


FORM_KEY_LENGTH = 32


class AlreadyCreated(Conflict):
    """The form that creates a token was sent again (a reload): nothing more is created."""

    def __init__(self):
        super().__init__(N_("This form was sent already, so no other token was created. A token is shown only once: "
                            "if you did not copy it, revoke it and create another."))


def new_form_key() -> str:
    """A one-time value for a token creation form."""
    return secrets.token_urlsafe(16)


def create_token(owner: Employee, name: str, max_live: int, form_key: str | None = None) -> NewToken:
    """A new token for `owner`, named so that they recognize it (e.g. the BI tool it is for).

    With `form_key` (the creation form's one-time value), a second creation from the same form is
    refused with AlreadyCreated.
    """
    if not may_hold_tokens(owner):
        raise PermissionDenied(N_("Only leaders and administrators create API tokens."))
    begin_write(db.session)  # SQLite: check the form key and the limit under the write lock
    if form_key is not None and db.session.execute(
            select(ApiToken.id).where(ApiToken.form_key == form_key)).first() is not None:
        raise AlreadyCreated()
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed(N_("Name the token after what will use it, e.g. “Power BI finance”."))
    if len(name) > MAX_NAME:
        raise ValidationFailed(f"A token's name has at most {MAX_NAME} characters.")
    live = db.session.execute(select(func.count()).select_from(ApiToken).where(
        ApiToken.owner_id == owner.id, ApiToken.revoked_at.is_(None))).scalar_one()
    if live >= max_live:
        raise Conflict(f"You hold {live} live tokens, the most allowed; revoke one you no longer use first.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken(owner_id=owner.id, name=name, token_hash=hash_token(secret), hint=secret[:HINT_LENGTH],
                     form_key=form_key, created_at=utcnow())
    db.session.add(token)
    db.session.flush()
    return NewToken(token, secret)


def tokens_of(owner: Employee) -> list[ApiToken]:
    """The owner's tokens, live first, newest first."""
    return list(db.session.execute(
        select(ApiToken).where(ApiToken.owner_id == owner.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    ).scalars())


def live_tokens_of_others(actor: Employee) -> list[ApiToken]:
    """Every other person's live token, for an admin to oversee (owner loaded with it)."""
    return list(db.session.execute(
        select(ApiToken).options(joinedload(ApiToken.owner))
        .where(ApiToken.owner_id != actor.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).scalars())


def get_token(token_id: int, actor: Employee) -> ApiToken:
    """The token if `actor` owns it or is an admin; NotFound otherwise (its existence stays private)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.owner_id != actor.id and not actor.has_role(Role.ADMIN)):
        raise NotFound(N_("No such token."))
    return token


def revoke_token(actor: Employee, token: ApiToken) -> ApiToken:
    """Revoke a token for good: its owner or an admin may."""
    if token.owner_id != actor.id and not actor.has_role(Role.ADMIN):
        raise PermissionDenied(N_("Only the token's owner or an administrator revokes it."))
    if token.revoked_at is not None:
        raise Conflict(N_("This token was revoked already."))
    token.revoked_at, token.revoked_by_id = utcnow(), actor.id
    db.session.flush()
    return token


def authenticate(secret: str | None, now: datetime | None = None) -> ApiToken:
    """The live token matching `secret`, its owner loaded; TokenRejected (401) or PermissionDenied (403)."""
    if not secret:
        raise TokenRejected("Send an API token in the Authorization header: Bearer lms_pat_...")
    if not secret.startswith(TOKEN_PREFIX):
        raise TokenRejected("This is not an API token of this platform.")
    found = db.session.execute(
        select(ApiToken, Employee).join(Employee, ApiToken.owner_id == Employee.id)
        .where(ApiToken.token_hash == hash_token(secret))
    ).first()
    if found is None:
        raise TokenRejected("This API token is not valid.")
    token, owner = found
    if token.revoked_at is not None:
        raise TokenRejected("This API token was revoked.")
    if not owner.active:
        raise TokenRejected("The owner of this API token is no longer active.")
    if not owner.has_any_role(*TOKEN_ROLES):
        raise PermissionDenied("The owner of this API token is no longer a leader or an administrator.")
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        token.last_used_at = now
        db.session.flush()
    return token
