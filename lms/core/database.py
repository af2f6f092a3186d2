"""Engine set-up: SQLite pragmas and writer queue for the embedded default; read-only requests end with a commit."""
from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

from lms.core.sqlite_writers import AUTOCHECKPOINT_PAGES, QueuedConnection, queue_for

SQLITE_BUSY_TIMEOUT_MS = 30_000
_WROTE = "lms.wrote"  # connection info key: a statement other than SELECT ran in the open transaction

log = logging.getLogger(__name__)


def is_sqlite(engine: Engine) -> bool:
    """True when the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def configure_engine(engine: Engine) -> None:
    """Note which transactions wrote; on SQLite, WAL mode, foreign keys, a busy timeout and the writer queue."""
    _note_writes(engine)
    if not is_sqlite(engine):
        return
    path = engine.url.database
    queue = queue_for(path) if path and path != ":memory:" and not path.startswith("file:") else None
    if queue is not None:
        @event.listens_for(engine, "do_connect")
        def _queued_connections(_dialect, _record, _cargs, cparams):
            cparams["factory"] = QueuedConnection

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        if isinstance(dbapi_connection, QueuedConnection):
            dbapi_connection.writer_queue = queue
            dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")


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
        _queue(raw)
        raw.execute("BEGIN IMMEDIATE")


def _queue(dbapi_connection) -> None:
    """Queue a SQLite connection for the write lock (other connections have no queue)."""
    if isinstance(dbapi_connection, QueuedConnection):
        dbapi_connection.before_write()


def _may_write(statement: str) -> bool:
    """Anything but a SELECT may write (a read that says otherwise is only treated as a writer)."""
    return statement.lstrip()[:6].upper() != "SELECT"


def dialect_insert(dialect: str):
    """The `insert` of this dialect (PostgreSQL's or SQLite's), whose statements know ON CONFLICT."""
    return postgresql_insert if dialect == "postgresql" else sqlite_insert


def insert_ignoring_duplicates(session, table, rows: list[dict]) -> None:
    """INSERT rows, silently skipping any that collide with an existing key."""
    if not rows:
        return
    session.execute(dialect_insert(session.connection().dialect.name)(table).on_conflict_do_nothing(), rows)


def _note_writes(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _note(connection, _cursor, statement, *_args):
        if _may_write(statement):
            connection.info[_WROTE] = True
            _queue(connection.connection.dbapi_connection)  # SQLite: join the writer queue first

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _ended(connection):
        connection.info.pop(_WROTE, None)

    @event.listens_for(engine, "reset")
    def _reset(_dbapi_connection, record, _reset_state):
        record.info.pop(_WROTE, None)


def end_reads_with_commit(app: Flask, db) -> None:
    """End a request that only read with COMMIT rather than the session's closing ROLLBACK.

    The two are the same to the database, but psycopg forgets its prepared statements (and how often
    it has seen each) at every rollback, so pages that only read would have PostgreSQL parse and plan
    every statement on every request; after a commit it prepares them from their fifth run.
    """

    @app.teardown_request
    def _commit_reads(error):
        session = db.session()  # this request's session, not the scoped proxy
        if error is not None or not session.in_transaction() or session.new or session.dirty or session.deleted:
            return
        try:
            if not session.connection().info.get(_WROTE):
                session.commit()
        except Exception:  # noqa: BLE001 (the page was sent; the session's close rolls back instead)
            log.warning("could not end a read-only transaction with a commit", exc_info=True)
