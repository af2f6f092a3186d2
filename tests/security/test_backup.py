"""`lms backup` and `lms restore` round trip on SQLite (online backup API) and PostgreSQL (pg_dump/pg_restore)."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select


def _names(db):
    from lms.org.models import Employee

    db.session.expire_all()
    return sorted(db.session.execute(select(Employee.full_name)).scalars())


def test_backup_then_restore_brings_back_exactly_what_was_saved(app, db, runner, make_employee, tmp_path):
    if db.engine.dialect.name == "postgresql" and not shutil.which("pg_dump"):
        pytest.fail("pg_dump is needed for PostgreSQL backups (install postgresql-client)")
    kept = [make_employee(full_name=f"Kept {i}") for i in range(3)]
    saved = _names(db)
    target = tmp_path / "lms.backup"
    result = runner.invoke(args=["lms", "backup", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    make_employee(full_name="Added after the backup")
    kept[0].full_name = "Renamed after the backup"
    db.session.commit()
    assert _names(db) != saved

    refused = runner.invoke(args=["lms", "restore", str(target)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    db.session.remove()
    result = runner.invoke(args=["lms", "restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert _names(db) == saved
    again = runner.invoke(args=["lms", "backup", "-o", str(target)])
    assert again.exit_code != 0 and "exists" in again.output


def test_restore_refuses_a_file_that_is_not_a_backup(app, db, runner, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's own check; pg_restore refuses foreign files itself")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(args=["lms", "restore", str(junk), "--yes"])
    assert result.exit_code != 0 and "not a SQLite database" in result.output
