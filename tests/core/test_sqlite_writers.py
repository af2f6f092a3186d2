"""The SQLite writer queue: held from a transaction's first write to its end, one holder per process, shared across
processes through the kernel, never waited for by a connection that already writes."""
from __future__ import annotations

import fcntl
import multiprocessing
import os
import sqlite3

import pytest
from sqlalchemy import create_engine, text

from lms.core.database import begin_write, configure_engine
from lms.core.sqlite_writers import QueuedConnection, queue_for


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    configure_engine(engine)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)"))
    yield engine
    engine.dispose()


def _lock_path(engine) -> str:
    return f"{engine.url.database}-writers.lock"


def _held_elsewhere(engine) -> bool:
    """Whether some connection holds the queue, seen through a file description of our own."""
    fd = os.open(_lock_path(engine), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing our description drops our lock, if we got it
    return False


def test_connections_are_queued_connections(engine):
    with engine.connect() as connection:
        assert isinstance(connection.connection.dbapi_connection, QueuedConnection)


def test_reads_do_not_queue_and_a_write_holds_the_queue_until_commit(engine):
    with engine.connect() as connection:
        connection.execute(text("SELECT count(*) FROM note")).scalar()
        assert not _held_elsewhere(engine)
        connection.execute(text("INSERT INTO note (body) VALUES ('one')"))
        assert _held_elsewhere(engine)
        connection.execute(text("INSERT INTO note (body) VALUES ('two')"))  # the same transaction: no second wait
        connection.commit()
        assert not _held_elsewhere(engine)
        assert connection.execute(text("SELECT count(*) FROM note")).scalar() == 2


def test_a_rollback_and_a_close_let_the_next_writer_in(engine):
    with engine.connect() as connection:
        connection.execute(text("INSERT INTO note (body) VALUES ('gone')"))
        connection.rollback()
        assert not _held_elsewhere(engine)
        connection.execute(text("INSERT INTO note (body) VALUES ('kept')"))
        assert _held_elsewhere(engine)
    assert not _held_elsewhere(engine)  # closing the connection returned it to the pool, which rolled back
    with engine.connect() as connection:
        assert connection.execute(text("SELECT body FROM note")).scalars().all() == []


def test_begin_write_queues_before_taking_sqlites_lock(engine):
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        begin_write(session)
        assert _held_elsewhere(engine)
        session.commit()
    assert not _held_elsewhere(engine)


def test_a_second_connection_of_the_same_process_goes_straight_to_sqlite(engine):
    # The process holds the queue through one connection; another of its connections must not wait behind it
    # (it meets SQLite's own lock and its busy timeout instead).
    with engine.connect() as first, engine.connect() as second:
        first.execute(text("INSERT INTO note (body) VALUES ('first')"))
        first.commit()
        second.execute(text("INSERT INTO note (body) VALUES ('second')"))  # would hang if it queued behind `first`
        first.execute(text("SELECT 1"))
        second.commit()
        assert second.execute(text("SELECT count(*) FROM note")).scalar() == 2


def _child_writes(path: str, started, through, done) -> None:
    connection = sqlite3.connect(path, factory=QueuedConnection, timeout=30)
    connection.writer_queue = queue_for(path)
    started.set()
    connection.before_write()  # waits in the kernel while the parent writes
    through.set()
    connection.execute("INSERT INTO note (body) VALUES ('child')")
    connection.commit()
    connection.close()
    done.set()


def test_another_process_waits_in_the_queue_until_the_writer_commits(engine):
    # Spawned, not forked: SQLite's per-process lock records must not be copied from a process that is writing.
    context = multiprocessing.get_context("spawn")
    started, through, done = context.Event(), context.Event(), context.Event()
    with engine.connect() as connection:
        connection.execute(text("INSERT INTO note (body) VALUES ('parent')"))
        child = context.Process(target=_child_writes, args=(engine.url.database, started, through, done))
        child.start()
        assert started.wait(30)
        assert not through.wait(0.5)  # queued: not let through while the parent's transaction is open
        connection.commit()
    assert through.wait(10) and done.wait(10)
    child.join(10)
    assert child.exitcode == 0
    with engine.connect() as connection:
        assert connection.execute(text("SELECT body FROM note ORDER BY id")).scalars().all() == ["parent", "child"]


def _in_database_file(engine) -> int:
    """Notes in the database file itself, not counting what still waits in the write-ahead log."""
    with sqlite3.connect(f"file:{engine.url.database}?mode=ro&immutable=1", uri=True) as reader:
        return reader.execute("SELECT count(*) FROM note").fetchone()[0]


def test_the_log_is_copied_back_after_every_hundred_write_transactions_not_inside_a_commit(engine):
    from lms.core.sqlite_writers import AUTOCHECKPOINT_PAGES, CHECKPOINT_EVERY

    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == AUTOCHECKPOINT_PAGES
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # start from an empty log, whatever the set-up left
        queue_for(engine.url.database)._commits = 0
        for n in range(CHECKPOINT_EVERY - 1):
            connection.execute(text("INSERT INTO note (body) VALUES (:n)"), {"n": n})
            connection.commit()
        assert _in_database_file(engine) == 0  # all still in the log: no commit checkpointed
        connection.execute(text("SELECT count(*) FROM note")).scalar()
        connection.commit()  # a transaction that only read counts for nothing
        assert _in_database_file(engine) == 0
        connection.execute(text("INSERT INTO note (body) VALUES ('last')"))
        connection.commit()
        assert _in_database_file(engine) == CHECKPOINT_EVERY
        assert not _held_elsewhere(engine)
