"""Backups: SQLite through its online backup API, PostgreSQL through pg_dump/pg_restore (custom format)."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why and what to do."""


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(database)


def _libpq_url(url: str) -> str:
    """The SQLAlchemy URL as pg_dump understands it (no +driver)."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not an intact SQLite database of this platform."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is damaged (integrity check failed).")
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone():
                raise BackupError(f"{path} is not a database of this platform (no alembic_version table).")
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite database ({exc}).") from exc


def backup_sqlite(url: str, target: Path) -> None:
    """Copy the live database page by page while it stays in use (sqlite3's online backup)."""
    source = sqlite3.connect(_sqlite_path(url))
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination, pages=1024)
    finally:
        destination.close()
        source.close()
    check_sqlite_file(target)


def restore_sqlite(url: str, backup: Path) -> None:
    """Overwrite the live database with a checked backup (stop the web workers first)."""
    check_sqlite_file(backup)
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    destination = sqlite3.connect(_sqlite_path(url), timeout=30)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found; install the PostgreSQL client tools (Debian: postgresql-client).")
    return found


def backup_postgresql(url: str, target: Path) -> None:
    """pg_dump in custom format: consistent while the platform runs, restorable with pg_restore."""
    result = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), _libpq_url(url)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")


def restore_postgresql(url: str, backup: Path) -> None:
    """pg_restore --clean into the configured database, in one transaction (all or nothing)."""
    result = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                             "--dbname", _libpq_url(url), str(backup)], capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def backup(url: str, target: Path) -> None:
    """Back up the database at `url` into `target`."""
    dialect = make_url(url).get_backend_name()
    if dialect == "sqlite":
        backup_sqlite(url, target)
    elif dialect == "postgresql":
        backup_postgresql(url, target)
    else:
        raise BackupError(f"Backups of {dialect} databases are not supported.")


def restore(url: str, backup_file: Path) -> None:
    """Restore the database at `url` from `backup_file`."""
    dialect = make_url(url).get_backend_name()
    if dialect == "sqlite":
        restore_sqlite(url, backup_file)
    elif dialect == "postgresql":
        restore_postgresql(url, backup_file)
    else:
        raise BackupError(f"Restores of {dialect} databases are not supported.")
