"""SQLite writers queue for the write lock in the kernel instead of in SQLite's sleeping busy handler.

SQLite lets one connection write at a time. The others wait in its busy handler, which sleeps 1, 2, 5,
10, 15, 20, 25 ... ms between tries, so with several processes writing the lock often lies free while
every waiter sleeps: four processes made 30% fewer quiz submissions a second than one did alone. Here a
connection about to start writing first takes an exclusive `flock` on a file beside the database, and
the kernel wakes the next writer the moment the holder's transaction ends.

The queue only orders who asks SQLite for its lock; SQLite's lock still guards the data, so a writer that
skips the queue stays correct, only less polite. Two rules keep the queue from deadlocking against that
lock: a connection waits in the queue only before the first write of its transaction (never while it
already holds SQLite's lock), and within one process at most one connection holds the queue: the
process's other connections go straight to SQLite rather than wait behind their own process.

Copying the write-ahead log back into the database (a checkpoint) is moved out of the queue too. SQLite runs it
inside the commit that fills the log past 1,000 pages, so every writer queued behind that commit waited for it:
a quarter of the time a quiz submission held the queue. Queued connections instead checkpoint (PASSIVE: it never
waits for, or blocks, a writer) after every CHECKPOINT_EVERY write transactions, once they have left the queue;
SQLite's own checkpoint stays as a backstop at AUTOCHECKPOINT_PAGES, far beyond what those leave in the log.

A queued writer waits as long as the writer ahead of it takes, where SQLite's busy handler would give up after
its timeout (30 s here): only a transaction longer than that (a very large roster import from the command line)
makes a difference, and a web request is still bounded by the server's request timeout.
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
import threading


CHECKPOINT_EVERY = 100  # write transactions per process between checkpoints (a submission adds ~10-20 log pages)
AUTOCHECKPOINT_PAGES = 10_000  # SQLite's checkpoint inside a commit, only should the log still grow this long


class WriterQueue:
    """The queue of one database file, as seen by this process."""

    def __init__(self, database_path: str):
        self.path = f"{database_path}-writers.lock"
        self._guard = threading.Lock()
        self._holder: sqlite3.Connection | None = None
        self._fd: int | None = None
        self._pid: int | None = None
        self._commits = 0

    def enter(self, connection: sqlite3.Connection) -> None:
        """Wait until no other process's connection is writing (at once if this process holds the queue)."""
        with self._guard:
            if self._pid != os.getpid():  # a forked child shares no lock with its parent's file
                self._fd, self._holder, self._pid = None, None, os.getpid()
            if self._holder is not None:
                return
            self._holder = connection  # claimed before waiting: this process's other connections go on to SQLite
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fd = self._fd
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            self._clear(connection)
            raise

    def leave(self, connection: sqlite3.Connection) -> None:
        """Let the next writer in, if this connection held the queue."""
        with self._guard:
            if self._holder is connection and self._pid == os.getpid():
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                self._holder = None

    def _clear(self, connection: sqlite3.Connection) -> None:
        with self._guard:
            if self._holder is connection:
                self._holder = None

    def committed(self) -> bool:
        """Count a write transaction this process committed; True when it is time for a checkpoint."""
        with self._guard:
            self._commits += 1
            if self._commits < CHECKPOINT_EVERY:
                return False
            self._commits = 0
            return True


_queues: dict[str, WriterQueue] = {}
_queues_guard = threading.Lock()


def queue_for(database_path: str) -> WriterQueue:
    """The one queue of this database file in this process."""
    with _queues_guard:
        return _queues.setdefault(database_path, WriterQueue(database_path))


class QueuedConnection(sqlite3.Connection):
    """A SQLite connection that joins its database's writer queue before its transaction first writes."""

    writer_queue: WriterQueue | None = None
    _writing = False

    def before_write(self) -> None:
        """Called before a statement that may write: the transaction's first such statement queues."""
        if self._writing or self.writer_queue is None or self.isolation_level is None:
            return  # already queued (or past the queue) in this transaction; in autocommit no transaction ends it
        self.writer_queue.enter(self)
        self._writing = True

    def commit(self) -> None:
        wrote = self._writing
        try:
            super().commit()
        finally:
            self._done_writing()
        if wrote and self.writer_queue.committed():
            self.checkpoint()

    def checkpoint(self) -> None:
        """Copy the log's committed pages into the database, without waiting for or blocking any writer."""
        try:
            self.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.OperationalError:  # another connection is checkpointing: the work is being done
            pass

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._done_writing()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._done_writing()

    def _done_writing(self) -> None:
        if self._writing:
            self._writing = False
            self.writer_queue.leave(self)
