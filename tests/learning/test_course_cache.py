"""The per-process course copies: no statement once loaded, and every way a course changes reaches the pages."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from lms.core.errors import NotFound
from lms.learning.progress import get_course
from lms.learning.sync import sync_courses

SLUG = "service-recovery-last"


def _next_request(db) -> None:
    db.session.remove()  # as the end of a request does: the next one starts with an empty session


def test_a_loaded_course_comes_with_its_modules_and_without_a_statement(db, synced, sql_statements):
    first = get_course(SLUG)
    stems = [m.stem for m in first.live_modules]
    assert len(stems) >= 3 and any("course" in s.lower() for s in sql_statements)
    _next_request(db)
    sql_statements.clear()
    again = get_course(SLUG)
    assert [m.stem for m in again.live_modules] == stems
    assert again.module(stems[0]).body_html and again.module(stems[0]).course is again
    assert again in db.session
    assert sql_statements == []


def test_a_sync_in_this_process_is_seen_by_the_next_request(db, synced):
    module = get_course(SLUG).learner_modules[0]
    path = synced / SLUG / f"{module.stem}.md"
    path.write_text(path.read_text() + "\nA sentence added by the cache test.\n")
    _next_request(db)
    sync_courses(synced)
    db.session.commit()
    _next_request(db)
    assert "added by the cache test" in get_course(SLUG).module(module.stem).body_html


def test_an_archived_course_is_not_found_at_once(db, synced, course):
    get_course(SLUG)
    course(SLUG).archived = True
    db.session.commit()
    _next_request(db)
    with pytest.raises(NotFound):
        get_course(SLUG)


def test_a_change_from_another_process_is_seen_once_the_copy_is_older_than_the_setting(app, db, synced, monkeypatch):
    module_id = get_course(SLUG).learner_modules[0].id
    # Another process (a sync from the command line) writes: this process's ORM does not see it happen.
    db.session.execute(text("UPDATE course_module SET title = 'Renamed elsewhere' WHERE id = :id"), {"id": module_id})
    db.session.commit()
    _next_request(db)
    assert get_course(SLUG).learner_modules[0].title != "Renamed elsewhere"  # still the copy
    _next_request(db)
    monkeypatch.setitem(app.config, "LMS_COURSE_CACHE_SECONDS", 0)
    assert get_course(SLUG).learner_modules[0].title == "Renamed elsewhere"
