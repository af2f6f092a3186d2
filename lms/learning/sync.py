"""Course sync: load courses/ into the database idempotently (keyed by slug, versioned by hash)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from lms.core.errors import ValidationFailed
from lms.core.models import utcnow
from lms.core.signals import course_synced
from lms.extensions import db
from lms.learning import content
from lms.learning.models import AssignmentRule, AssignmentTarget, Course, CourseModule

DEFAULT_DUE_DAYS = 30
ROLE_AUDIENCES = {"manager", "leader", "trainer", "lead_trainer"}


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    rules_seeded: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{len(v)} {k.replace('_', ' ')}" for k, v in vars(self).items()]
        return ", ".join(parts)


def sync_courses(root: Path) -> SyncReport:
    """Bring the database in line with the course folders; refuse everything if any folder is invalid."""
    courses, problems = content.read_courses(root)
    if problems:
        raise ValidationFailed(f"{len(problems)} problem(s) in {root}; nothing was synced.", [str(p) for p in problems])
    report = SyncReport()
    existing = {c.slug: c for c in db.session.execute(select(Course)).scalars()}
    for parsed in courses:
        course = existing.pop(parsed.slug, None)
        if course is None:
            course = Course(slug=parsed.slug)
            db.session.add(course)
            report.created.append(parsed.slug)
        elif course.content_hash == parsed.content_hash and not course.archived:
            report.unchanged.append(parsed.slug)
            continue
        else:
            report.updated.append(parsed.slug)
        _apply_course(course, parsed)
        db.session.flush()
        course_synced.send(None, course=course, questions=list(parsed.questions))
        if parsed.default_assignment and not course.default_rule_seeded:
            seed_default_rule(course, parsed.audience)
            report.rules_seeded.append(parsed.slug)
    for course in existing.values():
        if not course.archived:
            course.archived = True
            report.archived.append(course.slug)
    db.session.flush()
    return report


def _apply_course(course: Course, parsed: content.Course) -> None:
    course.title = parsed.title
    course.summary = parsed.summary
    course.kind = parsed.kind
    course.audience = list(parsed.audience)
    course.estimated_minutes = parsed.estimated_minutes
    course.objectives = list(parsed.objectives)
    course.principles = list(parsed.principles)
    course.completion_quiz = parsed.completion.quiz == "required"
    course.quiz_settings = _quiz_settings(parsed.quiz)
    course.quiz_bank = parsed.quiz_bank
    course.rubric = _rubric(parsed.rubric)
    course.translations = {language: dict(texts) for language, texts in parsed.translations.items()}
    course.content_hash = parsed.content_hash
    course.archived = False
    course.synced_at = utcnow()

    by_stem = {m.stem: m for m in course.modules}
    for module in parsed.modules:
        row = by_stem.pop(module.stem, None)
        if row is None:
            row = CourseModule(stem=module.stem, course=course)
            db.session.add(row)
        row.position = module.position
        row.title = module.title
        row.minutes = module.minutes
        row.principles = list(module.principles)
        row.for_role = module.for_role
        row.toolkit = module.toolkit
        row.body_html = module.body_html
        row.word_count = module.word_count
        row.translations = {t.language: {"title": t.title, "body_html": t.body_html} for t in module.translations}
        row.content_hash = module.content_hash
        row.archived = False
    for row in by_stem.values():  # removed from the course: archived with its history
        row.archived = True


def _quiz_settings(quiz: content.QuizSettings | None) -> dict | None:
    if quiz is None:
        return None
    return {
        "title": quiz.title, "pass_mark": quiz.pass_mark, "attempts": quiz.attempts,
        "time_limit_minutes": quiz.time_limit_minutes, "review": quiz.review,
        "draw": [{"category": d.category, "count": d.count} for d in quiz.draw],
    }


def _rubric(rubric: content.Rubric | None) -> dict | None:
    if rubric is None:
        return None
    return {
        "criteria": [{"id": c.id, "title": c.title, "levels": {str(k): v for k, v in c.levels.items()}}
                     for c in rubric.criteria],
        "min_each": rubric.min_each, "min_average": rubric.min_average,
    }


def seed_default_rule(course: Course, audience: tuple[str, ...]) -> AssignmentRule:
    """The live rule a course's `default_assignment` asks for: its audience, due 30 days after assignment."""
    rule = AssignmentRule(course=course, is_default=True, due_kind="after_assignment", due_days=DEFAULT_DUE_DAYS,
                          everyone="all" in audience)
    if not rule.everyone:
        rule.targets = [
            AssignmentTarget(kind="role" if a in ROLE_AUDIENCES else "department_kind", value=a) for a in audience
        ]
    db.session.add(rule)
    course.default_rule_seeded = True
    db.session.flush()
    return rule
