"""`lms quiz import-gift` and `lms quiz export-gift`: a course's question bank to and from GIFT files."""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import click
from flask.cli import with_appcontext

from lms.core.errors import DomainError
from lms.extensions import db
from lms.quizzes.commands import quiz, read_gift_file


def _course(slug: str):
    from lms.learning.progress import get_course

    try:
        return get_course(slug)
    except DomainError:
        raise click.ClickException(f"No live course with the slug {slug!r}.") from None


@click.command("import-gift")
@click.argument("file", type=click.File("rb"))
@click.option("--course", "slug", required=True, help="Slug of the course whose bank receives the questions.")
@click.option("--match-grades", type=click.Choice(["error", "nearest"]), default="error", show_default=True,
              help="Like Moodle's import option: refuse weights that are not Moodle grades, or round them.")
@with_appcontext
def import_gift_command(file: BinaryIO, slug: str, match_grades: str) -> None:
    """Add the questions of a GIFT FILE to a course's bank, or refuse the file whole."""
    from lms.quizzes.bank import BankRefused, import_gift

    course = _course(slug)
    text = read_gift_file(file)
    try:
        report = import_gift(course, text, match_grades)
    except BankRefused as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(problem, err=True)
        click.echo(f"Refused: {exc.message}", err=True)
        raise click.exceptions.Exit(1) from None
    db.session.commit()
    click.echo(f"{course.slug}: {report.summary()}.")


@click.command("export-gift")
@click.option("--course", "slug", required=True, help="Slug of the course whose bank is written.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write, or - for standard output.")
@with_appcontext
def export_gift_command(slug: str, output: str) -> None:
    """Write a course's live questions as a GIFT file."""
    from lms.quizzes.bank import export_bank, live_questions

    course = _course(slug)
    try:
        text = export_bank(course)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    if output == "-":
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"Wrote {len(live_questions(course))} questions of {course.slug} to {output}.", err=True)


quiz.add_command(import_gift_command)
quiz.add_command(export_gift_command)
