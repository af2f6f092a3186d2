"""Reads side by side: each in its own thread and session where threads are configured, else here in order."""
from __future__ import annotations

import threading
from functools import partial

import pytest
from sqlalchemy import create_engine, func, select

from lms.core.side_by_side import start_reads, threads_for
from lms.org.models import Employee


def _where_and_how_many() -> tuple[int, int, int]:
    """This thread, this session, and the people committed so far."""
    from lms.extensions import db

    return (threading.get_ident(), id(db.session()),
            db.session.execute(select(func.count()).select_from(Employee)).scalar_one())


def test_without_threads_the_reads_run_here_in_order(db, read_threads, make_employee):
    read_threads(0)
    make_employee()
    order = []
    results = start_reads(first=partial(order.append, "first"), second=partial(order.append, "second"),
                          seen=_where_and_how_many).results()
    assert order == ["first", "second"] and list(results) == ["first", "second", "seen"]
    assert results["seen"] == (threading.get_ident(), id(db.session()), 1)


def test_with_threads_each_read_has_its_own_thread_and_session(db, read_threads, make_employee):
    read_threads(3)
    make_employee()
    make_employee()
    results = start_reads(a=_where_and_how_many, b=_where_and_how_many, c=partial(sum, [1, 2, 3])).results()
    here = (threading.get_ident(), id(db.session()))
    for name in ("a", "b"):
        thread, session, people = results[name]
        assert thread != here[0] and session != here[1]
        assert people == 2  # what the caller committed
    assert results["c"] == 6


def test_a_read_that_fails_raises_when_the_results_are_asked_for(db, read_threads):
    read_threads(3)

    def broken():
        raise LookupError("no such figure")

    reads = start_reads(fine=partial(int, "7"), broken=broken)
    with pytest.raises(LookupError, match="no such figure"):
        reads.results()


def test_threads_by_default_on_a_server_only_and_never_on_an_in_memory_sqlite_database(tmp_path):
    server = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # never connected
    on_file, in_memory = create_engine(f"sqlite:///{tmp_path / 'file.sqlite3'}"), create_engine("sqlite://")
    assert (threads_for(server, None), threads_for(on_file, None), threads_for(in_memory, None)) == (3, 0, 0)
    assert (threads_for(server, 0), threads_for(on_file, 3)) == (0, 3)
    assert threads_for(in_memory, 3) == 0  # each connection would be a database of its own
