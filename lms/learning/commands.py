"""`lms courses check` and `lms courses sync`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from lms.core.errors import DomainError
from lms.extensions import db

courses_cli = AppGroup("courses", help="Validate and load the course folders.")


def _root(path: str | None) -> Path:
    return Path(path or current_app.config["LMS_COURSES_DIR"])


@courses_cli.command("check")
@click.argument("path", required=False)
def check_command(path: str | None) -> None:
    """Validate every course folder; print each problem as path:line: reason."""
    from lms.learning.content import check_courses

    root = _root(path)
    problems = check_courses(root)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.exceptions.Exit(1)
    click.echo(f"{root}: every course is valid.")


@courses_cli.command("sync")
@click.argument("path", required=False)
def sync_command(path: str | None) -> None:
    """Load the course folders into the database (idempotent)."""
    report = sync_courses_now(_root(path))
    click.echo(f"Courses synced: {report.summary()}.")


def sync_courses_now(root: Path):
    """Sync, apply the assignment rules of changed courses, commit; exit non-zero on invalid content."""
    from lms.learning.assignments import apply_assignment_rules
    from lms.learning.models import Course
    from lms.learning.sync import sync_courses

    try:
        report = sync_courses(root)
        changed = report.created + report.updated + report.rules_seeded
        if changed:
            from sqlalchemy import select

            ids = list(db.session.execute(select(Course.id).where(Course.slug.in_(changed))).scalars())
            apply_assignment_rules(course_ids=ids)
    except DomainError as exc:
        db.session.rollback()
        click.echo(exc.message, err=True)
        for problem in getattr(exc, "problems", []):
            click.echo(problem, err=True)
        raise click.exceptions.Exit(1) from None
    db.session.commit()
    return report


def init_hook() -> None:
    """`lms init` step: sync the configured courses folder."""
    report = sync_courses_now(_root(None))
    click.echo(f"Courses synced: {report.summary()}.")
