"""Engine set-up: SQLite pragmas for the embedded default."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

SQLITE_BUSY_TIMEOUT_MS = 30_000


def is_sqlite(engine: Engine) -> bool:
    """True when the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def configure_engine(engine: Engine) -> None:
    """WAL mode, foreign keys and a busy timeout on every SQLite connection."""
    if not is_sqlite(engine):
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def begin_write(session) -> None:
    """Start the transaction as a writer now (SQLite's BEGIN IMMEDIATE); a no-op elsewhere.

    pysqlite only opens a transaction at the first INSERT/UPDATE/DELETE, so reads before
    it run outside any transaction. A service that reads, decides and then writes calls
    this first, so that on SQLite it decides under the write lock (waiting for it with
    the busy timeout); on PostgreSQL row locks and conditional updates do that job.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")


def insert_ignoring_duplicates(session, table, rows: list[dict]) -> None:
    """INSERT rows, silently skipping any that collide with an existing key."""
    if not rows:
        return
    dialect = session.connection().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(insert(table).on_conflict_do_nothing(), rows)
