"""The `quiz` command group: question-bank tools that touch no database."""

from __future__ import annotations

import json
from typing import BinaryIO

import click

from lms.quizzes.gift import GiftError, parse_gift, to_document


@click.group("quiz")
def quiz() -> None:
    """Quizzes and question banks."""


def read_gift_file(stream: BinaryIO) -> str:
    """The text of a GIFT file, or a ClickException when it is not UTF-8."""
    data = stream.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        name = getattr(stream, "name", "the file")
        raise click.ClickException(
            f"{name} is not UTF-8 text (byte {err.start} cannot be read); save it as UTF-8 and try again"
        ) from None


@quiz.command("parse-gift")
@click.argument("file", type=click.File("rb"))
@click.option(
    "--match-grades",
    type=click.Choice(["error", "nearest"]),
    default="error",
    show_default=True,
    help="Like Moodle's import option: refuse weights that are not Moodle grades, or round them.",
)
@click.pass_context
def parse_gift_command(ctx: click.Context, file: BinaryIO, match_grades: str) -> None:
    """Print the questions of a GIFT FILE as lms.gift-questions/1 JSON."""
    text = read_gift_file(file)
    try:
        questions = parse_gift(text, match_grades=match_grades)
    except GiftError as err:
        for line, reason in err.problems:
            click.echo(f"line {line}: {reason}", err=True)
        ctx.exit(1)
    click.echo(json.dumps(to_document(questions), indent=2, ensure_ascii=False))
