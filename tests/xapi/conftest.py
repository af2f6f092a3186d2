"""xAPI fixtures: the statement schema, a tiny learning record store on 127.0.0.1, a course, a quiz, workshop sessions."""
from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import select

from lms.xapi.models import XapiStatement
from lms.xapi.statements import ADL_VERBS
from tests.workshops.conftest import make_room, make_session, staff, workshop  # noqa: F401 - workshop fixtures

SCHEMA = json.loads((Path(__file__).parent / "statement.schema.json").read_text())
Draft202012Validator.check_schema(SCHEMA)
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=FormatChecker())
BASE_URL = "https://learning.example.org"
HOME_PAGE = "https://www.example.org"


def assert_valid_statement(statement: dict) -> None:
    """The statement matches the xAPI structure, with the rules a JSON schema cannot say."""
    errors = sorted(VALIDATOR.iter_errors(statement), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    assert statement["verb"]["id"] in ADL_VERBS.values()
    voiding = statement["verb"]["id"] == ADL_VERBS["voided"]
    assert voiding == (statement["object"].get("objectType") == "StatementRef"), "only voiding refers to a statement"
    score = statement.get("result", {}).get("score", {})
    if "min" in score or "max" in score:
        assert score["min"] < score["max"], "min below max"
    if "raw" in score and "min" in score:
        assert score["min"] <= score["raw"] <= score["max"], "raw between min and max"


def statements(db, verb: str | None = None) -> list[XapiStatement]:
    """The recorded statements (of one verb), oldest first, read fresh."""
    db.session.expire_all()
    stmt = select(XapiStatement).order_by(XapiStatement.id)
    if verb is not None:
        stmt = stmt.where(XapiStatement.verb == verb)
    return list(db.session.execute(stmt).scalars())


@pytest.fixture
def xapi_config(app, monkeypatch):
    """Base URL and home page as an organization would set them; no store unless a test points at one."""
    monkeypatch.setitem(app.config, "LMS_BASE_URL", BASE_URL + "/")
    monkeypatch.setitem(app.config, "LMS_XAPI_HOMEPAGE", HOME_PAGE)
    monkeypatch.setitem(app.config, "LMS_XAPI_ENDPOINT", None)
    monkeypatch.setitem(app.config, "LMS_XAPI_USERNAME", None)
    monkeypatch.setitem(app.config, "LMS_XAPI_PASSWORD", None)
    monkeypatch.setitem(app.config, "LMS_XAPI_TIMEOUT", 10.0)
    return app.config


@dataclass
class Received:
    method: str
    path: str
    headers: dict
    body: dict


@dataclass
class RecordingStore:
    """What the tiny store received, and the status it answers with."""

    status: int = 204
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(store: RecordingStore):
    class Handler(BaseHTTPRequestHandler):
        def _record(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"null")
            with store.lock:
                headers = {name.lower(): value for name, value in self.headers.items()}  # names are case-insensitive
                store.received.append(Received(self.command, self.path, headers, body))
            self.send_response(store.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_PUT = do_POST = _record

        def log_message(self, *args):  # keep the test output quiet
            pass

    return Handler


@pytest.fixture
def store_later(xapi_config):
    """`store_later()` starts a learning record store on 127.0.0.1 recording every request, and points the app at it."""
    servers = []

    def start() -> RecordingStore:
        recording = RecordingStore()
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(recording))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        xapi_config.update({"LMS_XAPI_ENDPOINT": f"http://127.0.0.1:{server.server_port}/xapi/",
                            "LMS_XAPI_USERNAME": "lms", "LMS_XAPI_PASSWORD": "s3cret"})
        return recording

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def store(store_later):
    """A recording learning record store the app sends to."""
    return store_later()


@pytest.fixture
def unreachable_store(xapi_config):
    """The app is pointed at a port on 127.0.0.1 where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    xapi_config.update({"LMS_XAPI_ENDPOINT": f"http://127.0.0.1:{port}/xapi", "LMS_XAPI_USERNAME": "lms",
                        "LMS_XAPI_PASSWORD": "s3cret", "LMS_XAPI_TIMEOUT": 2.0})
    return port


@pytest.fixture
def online_course(db):
    """An online course of two learner modules, without a quiz."""
    from lms.learning.models import Course, CourseModule

    course = Course(slug="listening", title="Listening first", kind="online",
                    modules=[CourseModule(stem="one", position=1, title="One"),
                             CourseModule(stem="two", position=2, title="Two")])
    db.session.add(course)
    db.session.commit()
    return course


@pytest.fixture
def learner(db, online_course, make_employee, login):
    """A learner enrolled in the online course, logged in."""
    from lms.learning.progress import enrol

    person = make_employee(employee_no="E-1001")
    enrol(person, online_course)
    db.session.commit()
    login(person)
    return person


def complete_course(client, course) -> list:
    """The learner completes every module through the pages; returns the responses."""
    return [client.post(f"/courses/{course.slug}/modules/{m.stem}/complete") for m in course.learner_modules]
