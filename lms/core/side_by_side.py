"""Independent reads run side by side, each in its own app context and database session.

A page of many figures (the leader's dashboard) spends much of its time waiting for the database server, one
statement after another. Those waits can overlap: each read runs in a worker thread on its own session and
connection while this thread goes on (LMS_READ_THREADS threads; see lms/config.py). On SQLite the statements run in
this process and mostly hold the interpreter: threads cost more CPU than they save time, so by default the reads
run here, one after another.

Only for functions that read committed rows and return plain values: ORM objects loaded by a worker belong to
a session that has ended, and nothing the calling request has not committed is visible to a worker. Pass each
read with its arguments already worked out (`functools.partial`): a worker has no request, so `request`,
`current_user` and `g` are not there to be read.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from flask import Flask, current_app
from sqlalchemy.engine import Engine

from lms.core.database import is_sqlite
from lms.extensions import db

SERVER_THREADS = 3
_pool: ThreadPoolExecutor | None = None
_pool_pid = 0
_pool_guard = threading.Lock()


def threads_for(engine: Engine, configured: int | None) -> int:
    """`configured`, else 3 on a database server and none on SQLite; never any on an in-memory SQLite database
    (each connection would be a database of its own)."""
    if is_sqlite(engine):
        in_memory = engine.url.database in (None, "", ":memory:")
        return 0 if in_memory or configured is None else configured
    return SERVER_THREADS if configured is None else configured


def _threads(app: Flask) -> int:
    """The app's read threads, worked out once."""
    threads = app.extensions.get("lms.read_threads")
    if threads is None:
        threads = app.extensions["lms.read_threads"] = threads_for(db.engine, app.config.get("LMS_READ_THREADS"))
    return threads


def _executor(threads: int) -> ThreadPoolExecutor:
    """This process's pool, made on first use with the first app's size (a forked child makes its own: threads do
    not survive a fork)."""
    global _pool, _pool_pid
    with _pool_guard:
        if _pool is None or _pool_pid != os.getpid():
            _pool, _pool_pid = ThreadPoolExecutor(threads, thread_name_prefix="lms-read"), os.getpid()
        return _pool


def _in_own_session(app: Flask, reads: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    with app.app_context():
        results = {name: read() for name, read in reads.items()}
        # Ended with COMMIT, as a request that only read is (lms.core.database.end_reads_with_commit), so that the
        # connection keeps its prepared statements; the context's teardown then closes the session.
        db.session.commit()
        return results


class Reads:
    """Reads started by `start_reads`; `results()` waits for them all."""

    def __init__(self, names: list[str], done: dict[str, Any], batches: list[Future]) -> None:
        self._names, self._done, self._batches = names, done, batches

    def results(self) -> dict[str, Any]:
        """Each read's value by name, in the order given (a read that raised raises here)."""
        found = dict(self._done)
        for batch in self._batches:
            found.update(batch.result())
        return {name: found[name] for name in self._names}


def start_reads(**reads: Callable[[], Any]) -> Reads:
    """Start the named reads side by side (or run them here, in order, with fewer than 2 threads).

    The reads are dealt to the threads in turn, in the order given (slowest first balances them best); each thread
    runs its share in one session, so that a read costs no set-up of its own.
    """
    app = current_app._get_current_object()
    threads = min(_threads(app), len(reads))
    if threads < 2:
        return Reads(list(reads), {name: read() for name, read in reads.items()}, [])
    pool, dealt = _executor(threads), list(reads.items())
    return Reads(list(reads), {}, [pool.submit(_in_own_session, app, dict(dealt[n::threads])) for n in range(threads)])
