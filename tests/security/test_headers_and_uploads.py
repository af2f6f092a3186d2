"""Response headers (CSP without inline script, nosniff, referrer policy), no inline script anywhere, upload rules."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from lms.core.web import CONTENT_SECURITY_POLICY
from tests.security.payloads import live_markers_in

ROOT = Path(__file__).resolve().parents[2]


def _directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


def test_csp_forbids_inline_script_plugins_base_and_framing(client, db):
    response = client.get("/login")
    policy = _directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # only in production (tests/auth)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_error_pages_carry_the_headers_too(client, db):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "Content-Security-Policy" in response.headers


@pytest.mark.parametrize("path", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")))
def test_templates_have_no_inline_script(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert "javascript:" not in text.lower()
    assert live_markers_in(re.sub(r"{[{%#].*?[}%#]}", "x", text, flags=re.S)) == []


def test_static_scripts_do_not_evaluate_strings():
    for path in (ROOT / "lms" / "static" / "js").glob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\beval\s*\(|new Function\s*\(|\.innerHTML\s*=|document\.write", text), path.name


def test_logged_in_pages_are_not_cached(client, make_employee, login):
    login(make_employee())
    assert client.get("/my").headers["Cache-Control"] == "no-store"


# --------------------------------------------------------------------------- uploads


@pytest.fixture
def admin(client, make_employee, login):
    login(make_employee(roles=("admin",)))
    return client


@pytest.mark.parametrize("name, content, status", [
    ("roster.exe", b"employee_id,email\n", 415),
    ("roster.csv", b"PK\x03\x04 a zip pretending to be csv", 415),
    ("roster.csv", b"employee_id\x00,email\n", 415),
    ("roster.csv", b"%PDF-1.7", 415),
])
def test_roster_upload_refuses_what_is_not_a_csv(admin, db, name, content, status):
    from sqlalchemy import func, select

    from lms.org.models import RosterUpload

    response = admin.post("/admin/roster", data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")
    assert response.status_code == status
    assert db.session.execute(select(func.count()).select_from(RosterUpload)).scalar_one() == 0


def test_uploads_have_a_size_limit(app, admin, db, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_UPLOAD_MAX_BYTES", 1024)
    big = b"employee_id,email\n" + b"x" * 2048
    response = admin.post("/admin/roster", data={"file": (io.BytesIO(big), "roster.csv")}, content_type="multipart/form-data")
    assert response.status_code == 413
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    response = admin.post("/admin/roster", data={"file": (io.BytesIO(b"a" * 8192), "roster.csv")},
                          content_type="multipart/form-data")
    assert response.status_code == 413 and "File too large" in response.get_data(as_text=True)


def test_a_route_that_takes_no_files_refuses_them(client, make_employee, login):
    login(make_employee())
    response = client.post("/ideas/new", data={"title": "x", "file": (io.BytesIO(b"hello"), "note.txt")},
                           content_type="multipart/form-data")
    assert response.status_code == 400


def test_gift_upload_takes_gift_and_text_files_only(admin, db, synced):
    response = admin.post("/admin/quiz-banks", data={"course_id": "1", "file": (io.BytesIO(b"MZ\x90\x00"), "bank.gift")},
                          content_type="multipart/form-data")
    assert response.status_code == 415
    response = admin.post("/admin/quiz-banks", data={"course_id": "1", "file": (io.BytesIO(b"::q::x{T}"), "bank.docx")},
                          content_type="multipart/form-data")
    assert response.status_code == 415
