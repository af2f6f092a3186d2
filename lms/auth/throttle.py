"""Failed-login throttling per account and per client address, shared by every worker and host.

Failures are counted in a sliding window: in Redis (a sorted set per key) when REDIS_URL is set,
otherwise in the database's login_failure table. Both are seen by all gunicorn workers.
Keys are SHA-256 digests, so neither e-mail addresses nor client addresses are stored in clear.
"""
from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app
from limits import parse
from sqlalchemy import delete, func, select

from lms.auth.models import LoginFailure
from lms.extensions import db

SCOPES = ("account", "address")


@dataclass(frozen=True)
class Limit:
    """At most `amount` failures within `seconds`."""

    amount: int
    seconds: int


def configured_limit() -> Limit:
    """The limit from LMS_LOGIN_LIMIT, e.g. "10 per 15 minutes"."""
    item = parse(current_app.config["LMS_LOGIN_LIMIT"])
    return Limit(item.amount, item.get_expiry())


def throttle_keys(email: str, address: str | None) -> dict[str, str]:
    """The hashed keys a login attempt counts against: its account and its client address."""
    def digest(value: str) -> str:
        return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()

    return {"account": digest(email.strip().lower()), "address": digest(address or "unknown")}


class DatabaseCounter:
    """Failures kept as rows; used when there is no Redis."""

    def count(self, scope: str, key: str, limit: Limit) -> int:
        """Failures of `key` within the window."""
        since = datetime.now(timezone.utc) - timedelta(seconds=limit.seconds)
        return db.session.execute(
            select(func.count()).select_from(LoginFailure)
            .where(LoginFailure.scope == scope, LoginFailure.key == key, LoginFailure.at > since)
        ).scalar_one()

    def add(self, scope: str, key: str, limit: Limit) -> None:
        """Record one failure and forget this key's failures older than the window."""
        now = datetime.now(timezone.utc)
        db.session.execute(delete(LoginFailure).where(
            LoginFailure.scope == scope, LoginFailure.key == key, LoginFailure.at <= now - timedelta(seconds=limit.seconds)))
        db.session.add(LoginFailure(scope=scope, key=key, at=now))
        db.session.flush()


class RedisCounter:
    """Failures kept in one sorted set per key, scored by time."""

    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url)

    @staticmethod
    def _name(scope: str, key: str) -> str:
        return f"lms:login-failures:{scope}:{key}"

    def count(self, scope: str, key: str, limit: Limit) -> int:
        """Failures of `key` within the window."""
        return int(self.client.zcount(self._name(scope, key), f"({time.time() - limit.seconds}", "+inf"))

    def add(self, scope: str, key: str, limit: Limit) -> None:
        """Record one failure and forget this key's failures older than the window."""
        now = time.time()
        name = self._name(scope, key)
        pipe = self.client.pipeline()
        pipe.zremrangebyscore(name, "-inf", now - limit.seconds)
        pipe.zadd(name, {f"{now}:{secrets.token_hex(4)}": now})
        pipe.expire(name, limit.seconds + 1)
        pipe.execute()


def counter():
    """The counter for this app: Redis when REDIS_URL is set, the database otherwise."""
    extensions = current_app.extensions
    if "lms_login_counter" not in extensions:
        url = current_app.config.get("REDIS_URL")
        extensions["lms_login_counter"] = RedisCounter(url) if url else DatabaseCounter()
    return extensions["lms_login_counter"]


def is_blocked(keys: dict[str, str]) -> bool:
    """True when the account or the address has used up its failures for now."""
    limit, store = configured_limit(), counter()
    return any(store.count(scope, key, limit) >= limit.amount for scope, key in keys.items())


def record_failure(keys: dict[str, str]) -> None:
    """Count one failed login against the account and the address."""
    limit, store = configured_limit(), counter()
    for scope, key in keys.items():
        store.add(scope, key, limit)


def retry_after() -> int:
    """Seconds to suggest in Retry-After: the whole window, the worst case."""
    return configured_limit().seconds
