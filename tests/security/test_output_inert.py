"""Script and markup put into every text field, course content, GIFT text, roster names and ideas comes out inert."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import String, Text, update

from lms.extensions import db as _db
from lms.extensions import limiter
from tests.conftest import _clear_tables
from tests.helpers import TEST_PASSWORD
from tests.security.payloads import FORMULAS, ONE_LINE, PAYLOADS, live_markers_in
from tests.security.routes import TABLE
from tests.security.world import COURSE, build_world

# Free-text columns, by name; keys, codes, slugs, states and e-mails keep their meaning and are left alone.
TEXT_COLUMNS = {"name", "full_name", "job_title", "title", "summary", "description", "note", "notes", "reason",
                "comment", "comments", "text", "how_served", "next_month", "outcome", "place", "subject",
                "decline_reason", "cancel_reason", "label", "filename", "summary_text", "beneficiary_text"}


def _poison_course(root: Path) -> None:
    folder = root / COURSE
    module = sorted(folder.glob("01-*.md"))[0]
    text = module.read_text(encoding="utf-8")
    head, _, body = text.partition("---\n")[2].partition("---\n")
    module.write_text("---\n" + head + "---\n" + "\n\n".join(PAYLOADS) + "\n\n<img src=x onerror=alert('md')>\n\n" + body,
                      encoding="utf-8")
    course_yml = folder / "course.yml"
    course_yml.write_text(course_yml.read_text(encoding="utf-8").replace(
        "title: Service Recovery with LAST\n", "title: \"Service Recovery <script>alert('xss-course')</script>\"\n", 1),
        encoding="utf-8")


def _poison_columns(db) -> int:
    changed = 0
    for table in db.metadata.sorted_tables:
        unique = {c.name for c in table.columns if c.unique} | {
            col.name for con in table.constraints if con.__class__.__name__ == "UniqueConstraint" for col in con.columns} | {
            col.name for index in table.indexes if index.unique for col in index.columns} | {c.name for c in table.primary_key}
        for column in table.columns:
            if column.name not in TEXT_COLUMNS or column.name in unique or not isinstance(column.type, (String, Text)):
                continue
            length = getattr(column.type, "length", None) or 4000
            db.session.execute(update(table).values({column.name: ONE_LINE[:length]}))
            changed += 1
    db.session.commit()
    return changed


@pytest.fixture(scope="module")
def poisoned(app, tmp_path_factory):
    root = tmp_path_factory.mktemp("poisoned") / "courses"
    shutil.copytree(Path(__file__).resolve().parents[2] / "courses", root)
    _poison_course(root)
    with app.app_context():
        _clear_tables(_db.engine)
        world = build_world(_db, courses_root=root)
        world.ids["poisoned_columns"] = _poison_columns(_db)
        _db.session.remove()
    yield world
    with app.app_context():
        _db.session.remove()
        _clear_tables(_db.engine)
    limiter.reset()


def _client(app, world, account):
    client = app.test_client()
    assert client.post("/login", data={"email": world.emails[account], "password": TEST_PASSWORD}).status_code == 302
    return client


def test_every_page_shows_payloads_as_text(app, poisoned):
    assert poisoned.poisoned_columns >= 20
    clients, live, escaped = {}, [], 0
    accounts = {r.actor for r in TABLE.values() if r.actor} | {"all"}
    for account in accounts:
        clients[account] = _client(app, poisoned, account)
    for route in TABLE.values():
        methods = {m for rule in app.url_map.iter_rules(endpoint=route.endpoint) for m in rule.methods}
        if "GET" not in methods or route.endpoint in ("static", "auth.sso_callback"):
            continue
        with app.test_request_context():
            url = url_for(route.endpoint, **route.params(poisoned))
        for account in {route.actor or "all", "all"}:
            response = clients[account].get(url)
            if not response.mimetype.startswith("text/html"):
                continue
            html = response.get_data(as_text=True)
            escaped += "&lt;script&gt;alert(" in html
            if found := live_markers_in(html):
                live.append(f"{route.endpoint} as {account}: {found}")
    assert live == []
    assert escaped >= 20, "payloads were expected to be visible, escaped, on many pages"


def test_course_content_is_sanitized(app, poisoned):
    client = _client(app, poisoned, "learner")
    with app.test_request_context():
        url = url_for("learning.module_page", slug=COURSE, stem=TABLE["learning.module_page"].params(poisoned)["stem"])
    html = client.get(url).get_data(as_text=True)
    assert "xss-1" in html
    assert live_markers_in(html) == []


def test_gift_text_and_roster_names_are_inert_in_previews(app, poisoned):
    admin = _client(app, poisoned, "admin")
    gift = "\n\n".join(f"::P02 q{i}::{p} {{=right ~{p}}}" for i, p in enumerate(PAYLOADS))
    with app.app_context():
        from lms.learning.models import Course
        from sqlalchemy import select

        course_id = _db.session.execute(select(Course.id).where(Course.slug == COURSE)).scalar_one()
    response = admin.post("/admin/quiz-banks", data={"course_id": str(course_id), "match_grades": "error",
                                                     "file": (io.BytesIO(gift.encode()), "bank.gift")},
                          content_type="multipart/form-data", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and live_markers_in(html) == []

    from tests.org.test_roster_import import HEADER

    rows = [HEADER] + [f"X{i},x{i}@example.test,{p.replace(',', ' ')},XSS,Dept {p[:20].replace(',', ' ')},front_line,HQ"
                       for i, p in enumerate(PAYLOADS)]
    response = admin.post("/admin/roster", data={"file": (io.BytesIO("\n".join(rows).encode()), "roster.csv")},
                          content_type="multipart/form-data", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and live_markers_in(html) == []


def _cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


def test_exports_neutralize_formulas(app, poisoned):
    with app.app_context():
        from lms.org.models import Employee

        _db.session.execute(update(Employee).values(full_name=FORMULAS[0], job_title=FORMULAS[1]))
        _db.session.commit()
    leader, admin = _client(app, poisoned, "leader"), _client(app, poisoned, "admin")
    trainer = _client(app, poisoned, "trainer")
    exports = {
        "insights people": leader.get("/insights/export/people.csv"),
        "insights by-team": leader.get("/insights/export/by-team.csv"),
        "roster export": admin.get("/admin/roster/export.csv"),
        "session roster": trainer.get(f"/workshops/sessions/{poisoned.session}/roster.csv"),
    }
    for name, response in exports.items():
        assert response.status_code == 200, name
        cells = _cells(response.data)
        dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@") and not c.lstrip("-").replace(".", "").isdigit()]
        assert dangerous == [], f"{name}: {dangerous[:3]}"
