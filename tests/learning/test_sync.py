"""Course sync: idempotent, versioned by hash, progress surviving edits, removed modules archived."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.core.errors import ValidationFailed
from lms.learning.models import AssignmentRule, Course, CourseModule, ModuleProgress
from lms.learning.sync import sync_courses


def test_first_sync_creates_every_course_and_default_rules(db, synced):
    slugs = set(db.session.execute(select(Course.slug)).scalars())
    assert {"service-excellence-for-everyone", "service-recovery-last", "empowered-to-solve", "serving-the-front-line",
            "leading-a-service-culture", "service-problem-solving", "train-the-trainer"} <= slugs
    defaults = db.session.execute(select(AssignmentRule).where(AssignmentRule.is_default)).scalars().all()
    by_course = {r.course.slug: r for r in defaults}
    assert by_course["service-excellence-for-everyone"].everyone
    assert {(t.kind, t.value) for t in by_course["serving-the-front-line"].targets} == {("department_kind", "internal_provider")}
    assert "service-problem-solving" not in by_course


def test_second_sync_changes_nothing(db, synced):
    before = db.session.execute(select(Course.slug, Course.content_hash, Course.synced_at).order_by(Course.slug)).all()
    report = sync_courses(synced)
    assert report.created == report.updated == report.archived == report.rules_seeded == []
    assert len(report.unchanged) == len(before)
    after = db.session.execute(select(Course.slug, Course.content_hash, Course.synced_at).order_by(Course.slug)).all()
    assert after == before
    assert db.session.execute(select(func.count()).select_from(AssignmentRule)).scalar_one() == 5


def test_editing_a_module_keeps_progress(db, synced, course, make_employee):
    last = course("service-recovery-last")
    module = last.learner_modules[0]
    learner = make_employee()
    db.session.add(ModuleProgress(employee_id=learner.id, module_id=module.id, completed_at=module.created_at))
    db.session.commit()
    path = synced / "service-recovery-last" / f"{module.stem}.md"
    path.write_text(path.read_text() + "\nOne more closing sentence about listening well.\n")
    report = sync_courses(synced)
    db.session.commit()
    assert report.updated == ["service-recovery-last"]
    db.session.refresh(module)
    assert "One more closing sentence" in module.body_html
    row = db.session.execute(select(ModuleProgress).where(ModuleProgress.employee_id == learner.id)).scalar_one()
    assert row.module_id == module.id and row.completed_at is not None


def test_removed_module_is_archived_not_deleted(db, synced, course, make_employee):
    last = course("service-recovery-last")
    removed = last.learner_modules[-1]
    learner = make_employee()
    db.session.add(ModuleProgress(employee_id=learner.id, module_id=removed.id))
    db.session.commit()
    folder = synced / "service-recovery-last"
    yml = (folder / "course.yml").read_text()
    (folder / "course.yml").write_text(yml.replace(f"  - {removed.stem}.md\n", ""))
    (folder / f"{removed.stem}.md").unlink()
    (folder / f"{removed.stem}.fr.md").unlink(missing_ok=True)  # its French version goes with it
    # the course's other files may link to the removed module; drop such links to keep the folder valid
    for other in folder.glob("*.md"):
        other.write_text(other.read_text().replace(f"]({removed.stem}.md)", "](#)"))
    sync_courses(synced)
    db.session.commit()
    db.session.refresh(removed)
    assert removed.archived
    assert db.session.get(ModuleProgress, db.session.execute(select(ModuleProgress.id)).scalar_one()) is not None
    assert removed.id not in [m.id for m in course("service-recovery-last").learner_modules]


def test_invalid_content_syncs_nothing(db, course_root):
    (course_root / "service-recovery-last" / "course.yml").write_text("slug: [unclosed\n")
    with pytest.raises(ValidationFailed) as info:
        sync_courses(course_root)
    assert any("service-recovery-last/course.yml:2: bad YAML" in p for p in info.value.problems)
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Course)).scalar_one() == 0


def test_course_folder_removed_is_archived(db, synced):
    import shutil

    shutil.rmtree(synced / "train-the-trainer")
    # coverage rules still hold without the trainer course
    report = sync_courses(synced)
    assert report.archived == ["train-the-trainer"]


def test_script_in_markdown_comes_out_inert(db, synced, course):
    path = synced / "service-recovery-last" / "01-the-last-conversation.md"
    path.write_text(path.read_text() + '\n<script>alert("x")</script>\n\n[click](javascript:alert(1))\n\n<img src=x onerror=alert(1)>\n')
    sync_courses(synced)
    module = db.session.execute(select(CourseModule).where(CourseModule.stem == "01-the-last-conversation")).scalar_one()
    html = module.body_html.lower()
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert " onerror=" not in html.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;" in html  # shown as text, never run


def test_courses_check_cli_reports_file_and_line(runner, course_root):
    good = runner.invoke(args=["lms", "courses", "check", str(course_root)])
    assert good.exit_code == 0, good.output
    module = course_root / "empowered-to-solve" / "02-never-just-say-no.md"
    text = module.read_text().replace("principles: [", "principles: [P99, ", 1)
    module.write_text(text)
    bad = runner.invoke(args=["lms", "courses", "check", str(course_root)])
    assert bad.exit_code == 1
    line = next(n for n, l in enumerate(text.splitlines(), 1) if l.startswith("principles:"))
    assert f"empowered-to-solve/02-never-just-say-no.md:{line}:" in bad.output
    assert "P99" in bad.output


def test_real_courses_folder_passes_check(runner):
    result = runner.invoke(args=["lms", "courses", "check"])
    assert result.exit_code == 0, result.output
