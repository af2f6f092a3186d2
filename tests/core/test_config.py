"""Settings from the environment."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from lms import create_app
from lms.config import ConfigError, load_config


def test_production_requires_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("LMS_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config()
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    config = load_config()
    assert config["SECRET_KEY"] == "from-the-environment"
    assert config["SESSION_COOKIE_SECURE"] is True


def test_local_secret_key_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.setenv("LMS_INSTANCE_DIR", str(tmp_path))
    monkeypatch.delenv("LMS_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config()["SECRET_KEY"]
    assert len(first) >= 32
    assert (tmp_path / "secret_key").read_text().strip() == first
    assert load_config()["SECRET_KEY"] == first


def test_default_database_is_sqlite_under_instance_with_pragmas(monkeypatch, tmp_path):
    monkeypatch.setenv("LMS_INSTANCE_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("LMS_ENV", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'lms.sqlite3'}"
    from lms.extensions import db

    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_redis_url_backs_rate_limits(monkeypatch, tmp_path):
    monkeypatch.setenv("LMS_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    assert load_config()["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    monkeypatch.delenv("REDIS_URL")
    assert load_config()["RATELIMIT_STORAGE_URI"] == "memory://"
