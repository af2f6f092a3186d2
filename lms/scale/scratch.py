"""Scratch databases holding the demo and a generated organization: made once per process, dropped when it exits.

`scratch_org("sqlite" | "postgresql", employees)` creates an empty database (a SQLite file in a
temporary directory, or a PostgreSQL database on LMS_SCRATCH_PG, trust auth), migrates it, seeds
the demo as `lms init --demo` does, generates `employees` people beside it and remembers it, so
that every benchmark in one `python -m bench` run measures the same organization.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import bindparam, text

ADMIN_URL = os.environ.get("LMS_SCRATCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASES = ("sqlite", "postgresql")
# The accounts' password, hashed cheaply: benchmarks log in many times, and no login is measured.
PASSWORD = "scale-bench-passphrase"
FAST_ARGON2 = {"LMS_ARGON2_TIME_COST": 1, "LMS_ARGON2_MEMORY_KIB": 1024}


@dataclass
class ScratchOrg:
    database: str
    employees: int
    url: str
    instance: Path
    generated_rows: int
    generation_seconds: float
    stage_seconds: dict[str, float]
    version: str

    def config(self, **extra) -> dict:
        """Flask config for an app on this database."""
        return {"SQLALCHEMY_DATABASE_URI": self.url, "SECRET_KEY": "scale-bench", "LMS_INSTANCE_DIR": str(self.instance),
                "RATELIMIT_STORAGE_URI": "memory://", **FAST_ARGON2, **extra}

    def env(self) -> dict:
        """Environment for a process (gunicorn, a worker) serving this database."""
        return {**os.environ, "DATABASE_URL": self.url, "LMS_INSTANCE_DIR": str(self.instance), "SECRET_KEY": "scale-bench",
                "LMS_ENV": "development", "LMS_ARGON2_TIME_COST": "1", "LMS_ARGON2_MEMORY_KIB": "1024",
                "LMS_JOBS_IMMEDIATE": "1", "LMS_MAIL_BACKEND": "outbox"}

    def app(self, **extra):
        """A Flask app on this database."""
        from lms import create_app

        os.environ["LMS_INSTANCE_DIR"] = str(self.instance)
        return create_app(self.config(**extra))


_made: dict[tuple[str, int, int], ScratchOrg] = {}
_cleanups: list = []


def postgres_available() -> bool:
    """Whether the scratch PostgreSQL server answers."""
    try:
        import psycopg

        with psycopg.connect(ADMIN_URL, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 (any failure means: not available)
        return False


def scratch_org(database: str, employees: int, seed: int = 1) -> ScratchOrg:
    """The demo plus `employees` generated people on a fresh database of this kind (made once per process)."""
    key = (database, employees, seed)
    if key not in _made:
        _made[key] = _make(database, employees, seed)
    return _made[key]


def _make(database: str, employees: int, seed: int) -> ScratchOrg:
    instance = Path(tempfile.mkdtemp(prefix=f"lms-scale-{database}-{employees}-"))
    _cleanups.append(lambda: shutil.rmtree(instance, ignore_errors=True))
    if database == "sqlite":
        url = f"sqlite:///{instance / 'lms.sqlite3'}"
    elif database == "postgresql":
        url = _create_postgres(f"lms_scale_{os.getpid()}_{employees}_{seed}")
    else:
        raise ValueError(f"unknown database {database!r}")
    org = ScratchOrg(database, employees, url, instance, 0, 0.0, {}, "")
    app = org.app()
    with app.app_context():
        from flask_migrate import upgrade

        from lms.core.demo import seed_demo
        from lms.extensions import db
        from lms.learning.commands import sync_courses_now
        from lms.scale.generate import generate_organization

        upgrade(directory=app.config["LMS_MIGRATIONS_DIR"])
        sync_courses_now(Path(app.config["LMS_COURSES_DIR"]))
        seed_demo(db.session, "development")
        db.session.commit()
        started = time.perf_counter()
        report = generate_organization(db.session, employees, seed)
        db.session.commit()
        org.generation_seconds = time.perf_counter() - started
        org.generated_rows, org.stage_seconds = report.rows, dict(report.seconds)
        org.version = _version(db.session)
        db.session.remove()
        db.engine.dispose()
    return org


def _version(session) -> str:
    if session.get_bind().dialect.name == "postgresql":
        return session.execute(text("SHOW server_version")).scalar().split()[0]
    return session.execute(text("SELECT sqlite_version()")).scalar()


def _create_postgres(name: str) -> str:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    _cleanups.append(drop)
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


@atexit.register
def drop_all() -> None:
    """Drop every scratch database and directory made by this process."""
    while _cleanups:
        try:
            _cleanups.pop()()
        except Exception:  # noqa: BLE001 (best effort at exit)
            pass
    _made.clear()


def give_passwords(org: ScratchOrg, employee_ids: list[int]) -> None:
    """Let these employees log in with PASSWORD."""
    from lms.auth.passwords import make_hasher

    hashed = make_hasher(1, 1024).hash(PASSWORD)
    app = org.app()
    with app.app_context():
        from lms.extensions import db

        statement = text("UPDATE employee SET password_hash = :hash WHERE id IN :ids").bindparams(
            bindparam("ids", expanding=True))
        for start in range(0, len(employee_ids), 500):
            db.session.execute(statement, {"hash": hashed, "ids": employee_ids[start:start + 500]})
        db.session.commit()
        db.engine.dispose()
