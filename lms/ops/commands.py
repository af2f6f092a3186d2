"""`lms backup` and `lms restore`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.extensions import db
from lms.ops.backup import BackupError, backup, restore


@click.command("backup")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (SQLite: a database file; PostgreSQL: a pg_dump custom-format archive).")
@with_appcontext
def backup_command(output: Path) -> None:
    """Back up the database while the platform keeps running."""
    if output.exists():
        raise click.ClickException(f"{output} exists; choose a new file name.")
    try:
        backup(current_app.config["SQLALCHEMY_DATABASE_URI"], output)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written to {output} ({output.stat().st_size:,} bytes).")


@click.command("restore")
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm that the current data is to be replaced.")
@with_appcontext
def restore_command(backup_file: Path, yes: bool) -> None:
    """Replace the database with BACKUP_FILE (stop the web workers and job consumer first)."""
    if not yes:
        raise click.ClickException("Restoring replaces every record; run again with --yes to confirm.")
    db.session.remove()
    db.engine.dispose()
    try:
        restore(current_app.config["SQLALCHEMY_DATABASE_URI"], backup_file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    db.engine.dispose()
    click.echo(f"Database restored from {backup_file}. Run `lms init` to bring it to the newest migration.")
