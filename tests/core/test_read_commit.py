"""Requests that only read end with COMMIT (psycopg keeps its prepared statements); any write is still rolled back."""
from __future__ import annotations

import os
import uuid

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Column, Integer, String, Table, event, func, insert, select, text

from lms.core.database import configure_engine, end_reads_with_commit


@pytest.fixture
def mini(tmp_path):
    """A small app with its own table on the test database (SQLite unless TEST_DATABASE_URL), and what it ended with."""
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'mini.sqlite3'}"
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    db = SQLAlchemy(app)
    notes = Table(f"note_{uuid.uuid4().hex[:8]}", db.metadata, Column("id", Integer, primary_key=True),
                  Column("body", String(50)))
    ended: list[str] = []

    @app.get("/read")
    def read():
        return str(db.session.execute(select(func.count()).select_from(notes)).scalar_one())

    @app.get("/write-left-open")
    def write_left_open():
        db.session.execute(insert(notes).values(body="never committed"))
        return "written, not committed"

    @app.get("/prepared")
    def prepared():
        db.session.execute(select(func.count()).select_from(notes)).scalar_one()
        return str(db.session.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar_one())

    with app.app_context():
        configure_engine(db.engine)
        notes.create(db.engine)
        event.listen(db.engine, "commit", lambda _conn: ended.append("commit"))
        event.listen(db.engine, "rollback", lambda _conn: ended.append("rollback"))
    end_reads_with_commit(app, db)
    yield app, db, notes, ended
    with app.app_context():
        notes.drop(db.engine)
        db.engine.dispose()


def test_a_request_that_only_read_ends_with_a_commit(mini):
    app, _db, _notes, ended = mini
    assert app.test_client().get("/read").text == "0"
    assert ended == ["commit"]


def test_a_request_that_wrote_without_committing_is_rolled_back(mini):
    app, db, notes, ended = mini
    client = app.test_client()
    assert client.get("/write-left-open").status_code == 200
    assert "commit" not in ended
    assert client.get("/read").text == "0"
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(notes)).scalar_one() == 0


def test_postgresql_prepares_the_statements_of_pages_that_only_read(mini):
    app, db, _notes, _ended = mini
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("prepared statements belong to psycopg, which this SQLite run does not use")
    client = app.test_client()
    counts = [int(client.get("/prepared").text) for _ in range(8)]
    # psycopg prepares a statement from its fifth run on a connection; a rollback would have made it forget them.
    assert counts[0] == 0 and counts[-1] >= 1
