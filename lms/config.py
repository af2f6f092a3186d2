"""Settings read from the environment (LMS_* / DATABASE_URL / REDIS_URL / SECRET_KEY)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"


class ConfigError(RuntimeError):
    """The environment does not describe a runnable configuration."""


def _instance_dir() -> Path:
    path = Path(os.environ.get("LMS_INSTANCE_DIR", DEFAULT_INSTANCE))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _local_secret_key(instance: Path) -> str:
    """Generate a secret key once and keep it under instance/ for local runs."""
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(overrides: dict | None = None) -> dict:
    """Build the Flask config from the environment, then apply overrides."""
    env = os.environ.get("LMS_ENV", "development")
    production = env == "production"
    instance = _instance_dir()
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'lms.sqlite3'}"
    secret_key = os.environ.get("SECRET_KEY")
    if not secret_key:
        if production:
            raise ConfigError("SECRET_KEY must be set when LMS_ENV=production")
        secret_key = _local_secret_key(instance)
    redis_url = os.environ.get("REDIS_URL") or None

    config = {
        "LMS_ENV": env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LMS_LOGIN_LIMIT": os.environ.get("LMS_LOGIN_LIMIT", "10 per 15 minutes"),
        "LMS_MIGRATIONS_DIR": str(PROJECT_ROOT / "migrations"),
        "LMS_COURSES_DIR": os.environ.get("LMS_COURSES_DIR", str(PROJECT_ROOT / "courses")),
        "LMS_INSTANCE_DIR": str(instance),
        # Argon2id cost; tests lower it so that hashing does not dominate the suite.
        "LMS_ARGON2_TIME_COST": int(os.environ.get("LMS_ARGON2_TIME_COST", "3")),
        "LMS_ARGON2_MEMORY_KIB": int(os.environ.get("LMS_ARGON2_MEMORY_KIB", "65536")),
        # How long a worker keeps a course it has loaded; a sync from the command line reaches it within this time.
        "LMS_COURSE_CACHE_SECONDS": float(os.environ.get("LMS_COURSE_CACHE_SECONDS", "30")),
        "LMS_CERTIFICATION_MONTHS": int(os.environ.get("LMS_CERTIFICATION_MONTHS", "24")),
        "LMS_LEAD_TRAINER_AFTER_SESSIONS": int(os.environ.get("LMS_LEAD_TRAINER_AFTER_SESSIONS", "3")),
        "LMS_BOOKING_CUTOFF_HOURS": int(os.environ.get("LMS_BOOKING_CUTOFF_HOURS", "24")),
        "LMS_BASE_URL": os.environ.get("LMS_BASE_URL", "http://127.0.0.1:5000"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("LMS_SESSION_HOURS", "12")) * 3600,
        # The cookie is rewritten only when the session changes (the idle stamp moves at most once a minute, see
        # lms/auth/timeouts.py), not re-signed and re-sent on every response.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "LMS_SESSION_IDLE_MINUTES": int(os.environ.get("LMS_SESSION_IDLE_MINUTES", "60")),
        # Security (lms/auth, lms/core/web.py, lms/audit): proxies in front, HSTS, single sign-on, uploads.
        "LMS_TRUSTED_PROXIES": int(os.environ.get("LMS_TRUSTED_PROXIES", "0")),
        "LMS_HSTS_SECONDS": int(os.environ.get("LMS_HSTS_SECONDS", "31536000")),
        "LMS_OIDC_ISSUER": os.environ.get("LMS_OIDC_ISSUER") or None,
        "LMS_OIDC_CLIENT_ID": os.environ.get("LMS_OIDC_CLIENT_ID") or None,
        "LMS_OIDC_CLIENT_SECRET": os.environ.get("LMS_OIDC_CLIENT_SECRET") or None,
        "LMS_OIDC_SCOPES": os.environ.get("LMS_OIDC_SCOPES", "openid email profile"),
        "LMS_OIDC_LABEL": os.environ.get("LMS_OIDC_LABEL", "Log in with single sign-on"),
        "LMS_AUDIT_BULK_THRESHOLD": int(os.environ.get("LMS_AUDIT_BULK_THRESHOLD", "500")),
        "LMS_UPLOAD_MAX_BYTES": int(os.environ.get("LMS_UPLOAD_MAX_BYTES", str(16 * 1024 * 1024))),
        "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        # Mail (lms/notify): the backend is outbox (kept in the table, shown to admins), console or smtp.
        "LMS_MAIL_BACKEND": os.environ.get("LMS_MAIL_BACKEND", "outbox").strip().lower(),
        "LMS_MAIL_FROM": os.environ.get("LMS_MAIL_FROM", "learning@localhost"),
        "LMS_MAIL_MAX_ATTEMPTS": int(os.environ.get("LMS_MAIL_MAX_ATTEMPTS", "5")),
        "LMS_MAIL_RETRY_SECONDS": int(os.environ.get("LMS_MAIL_RETRY_SECONDS", "60")),
        "LMS_SMTP_HOST": os.environ.get("LMS_SMTP_HOST", "localhost"),
        "LMS_SMTP_PORT": int(os.environ.get("LMS_SMTP_PORT", "25")),
        "LMS_SMTP_USER": os.environ.get("LMS_SMTP_USER") or None,
        "LMS_SMTP_PASSWORD": os.environ.get("LMS_SMTP_PASSWORD") or None,
        "LMS_SMTP_STARTTLS": os.environ.get("LMS_SMTP_STARTTLS", "0").strip().lower() in {"1", "true", "yes", "on"},
        "LMS_SMTP_SSL": os.environ.get("LMS_SMTP_SSL", "0").strip().lower() in {"1", "true", "yes", "on"},
        "LMS_SMTP_TIMEOUT": float(os.environ.get("LMS_SMTP_TIMEOUT", "30")),
        # Jobs (Huey): immediate runs them in the caller's process, so development needs no consumer.
        "LMS_JOBS_IMMEDIATE": os.environ.get("LMS_JOBS_IMMEDIATE", "0" if production else "1").strip().lower()
        in {"1", "true", "yes", "on"},
        "LMS_DAILY_JOBS_HOUR": int(os.environ.get("LMS_DAILY_JOBS_HOUR", "6")),
        "LMS_DAILY_JOBS_TZ": os.environ.get("LMS_DAILY_JOBS_TZ", "UTC"),
        # JSON API v1 (lms/api): calls allowed per token, and the most live tokens one person may hold.
        "LMS_API_RATE_LIMIT": os.environ.get("LMS_API_RATE_LIMIT", "600 per minute"),
        "LMS_API_MAX_TOKENS": int(os.environ.get("LMS_API_MAX_TOKENS", "10")),
        # xAPI (lms/xapi): without an endpoint, statements are recorded but not sent.
        "LMS_XAPI_ENDPOINT": os.environ.get("LMS_XAPI_ENDPOINT") or None,
        "LMS_XAPI_USERNAME": os.environ.get("LMS_XAPI_USERNAME") or None,
        "LMS_XAPI_PASSWORD": os.environ.get("LMS_XAPI_PASSWORD") or None,
        "LMS_XAPI_HOMEPAGE": os.environ.get("LMS_XAPI_HOMEPAGE") or None,
        "LMS_XAPI_TIMEOUT": float(os.environ.get("LMS_XAPI_TIMEOUT", "10")),
        "LMS_XAPI_RETRY_SECONDS": int(os.environ.get("LMS_XAPI_RETRY_SECONDS", "60")),
    }
    if overrides:
        config.update(overrides)
    return config
