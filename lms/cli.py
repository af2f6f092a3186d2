"""The `lms` command group: `flask --app wsgi lms ...` or the `lms` console script."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, ScriptInfo

from lms.core.errors import DomainError
from lms.extensions import db

lms_cli = AppGroup("lms", help="Service-excellence learning platform commands.")


def _attribute_changes_to_operator() -> None:
    """Every change a command makes is audited as the command line's, until the command ends."""
    from lms.audit.capture import acting_as, cli_actor

    ctx = click.get_current_context()
    scope = acting_as(cli_actor())
    scope.__enter__()
    ctx.call_on_close(lambda: scope.__exit__(None, None, None))


lms_cli.callback = _attribute_changes_to_operator
user_cli = AppGroup("user", help="Create accounts and set passwords.")
roster_cli = AppGroup("roster", help="Import and export the HR roster.")
lms_cli.add_command(user_cli)
lms_cli.add_command(roster_cli)


def _add_domain_commands() -> None:
    """Every domain's command group, attached when this module loads so that the `lms` script sees them."""
    from lms.learning.commands import courses_cli, init_hook
    from lms.notify.commands import notify_cli
    from lms.ops.commands import backup_command, restore_command
    from lms.quizzes import bank_commands  # noqa: F401  (adds import-gift and export-gift to the quiz group)
    from lms.quizzes.commands import quiz as quiz_cli
    from lms.rollout.commands import plan as plan_cli
    from lms.scale.commands import generate_command

    for group in (courses_cli, quiz_cli, plan_cli, notify_cli, generate_command, backup_command, restore_command):
        lms_cli.add_command(group)
    if init_hook not in INIT_HOOKS:
        INIT_HOOKS.append(init_hook)


def register_cli(app: Flask) -> None:
    """Attach the `lms` group to the app's CLI."""
    app.cli.add_command(lms_cli)


def main() -> None:
    """Entry point of the `lms` console script."""
    from lms import create_app

    lms_cli.main(obj=ScriptInfo(create_app=lambda: create_app()), prog_name="lms")


def fail(message: str, problems: list[str] | None = None) -> None:
    """Print a refusal (and each problem) to stderr and exit non-zero."""
    click.echo(message, err=True)
    for problem in problems or []:
        click.echo(problem, err=True)
    sys.exit(1)


def _read_password(prompt: str) -> str:
    if sys.stdin.isatty():
        return click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


# --------------------------------------------------------------------------- init


@lms_cli.command("init")
@click.option("--demo", is_flag=True, help="Also seed the demo organization (once).")
def init_command(demo: bool) -> None:
    """Upgrade the database to the newest revision, sync courses and optionally seed the demo."""
    from flask_migrate import upgrade

    from lms.core.demo import seed_demo

    if demo and current_app.config["LMS_ENV"] == "production":
        fail("Demo mode is refused when LMS_ENV=production.")
    upgrade(directory=current_app.config["LMS_MIGRATIONS_DIR"])
    click.echo("Database is at the newest revision.")
    for hook in INIT_HOOKS:
        hook()
    if demo:
        try:
            ran = seed_demo(db.session, current_app.config["LMS_ENV"])
        except DomainError as exc:
            db.session.rollback()
            fail(exc.message)
        db.session.commit()
        click.echo(f"Demo data seeded: {', '.join(ran)}." if ran else "Demo data already present.")


# Steps `lms init` runs after migrating (course sync registers itself here).
INIT_HOOKS: list = []


# --------------------------------------------------------------------------- users


@user_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True, help="Full name.")
@click.option("--role", "roles", multiple=True, default=("admin",), show_default=True,
              help="A role to give; repeat for several.")
@click.option("--department", help="Department code (default: the first department, or a new ADMIN department).")
@click.option("--employee-id", help="Employee id (default: generated).")
def user_create(email: str, name: str, roles: tuple[str, ...], department: str | None, employee_id: str | None) -> None:
    """Create an account; the password is read from standard input or prompted."""
    from lms.auth.accounts import create_account

    password = _read_password("Password")
    try:
        employee = create_account(email=email, full_name=name, roles=set(roles), password=password,
                                  department_code=department, employee_no=employee_id)
    except DomainError as exc:
        db.session.rollback()
        fail(exc.message)
    db.session.commit()
    click.echo(f"Created {employee.email} ({employee.employee_no}) with roles: {', '.join(sorted(employee.roles))}.")


@user_cli.command("set-password")
@click.argument("email")
def user_set_password(email: str) -> None:
    """Set the password of EMAIL (read from standard input or prompted); ends their sessions."""
    from lms.auth.services import find_active_by_email, set_password

    employee = find_active_by_email(email)
    if employee is None:
        fail(f"No active account with the e-mail {email}.")
    try:
        set_password(employee, _read_password("New password"))
    except DomainError as exc:
        db.session.rollback()
        fail(exc.message)
    db.session.commit()
    click.echo(f"Password of {employee.email} changed; their sessions ended.")


# --------------------------------------------------------------------------- roster


@roster_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True))
@click.option("--dry-run", is_flag=True, help="Show what would change and change nothing.")
@click.option("--deactivate-missing", is_flag=True, help="Deactivate active employees who are not in the file.")
def roster_import(file: Path, dry_run: bool, deactivate_missing: bool) -> None:
    """Import the HR roster CSV FILE whole, or refuse it whole."""
    from lms.org.services import RosterRejected, import_roster, preview_roster

    try:
        data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    except OSError as exc:
        fail(f"Cannot read {file}: {exc.strerror}.")
    try:
        if dry_run:
            plan = preview_roster(data, deactivate_missing)
            if plan.problems:
                raise RosterRejected("refused", [str(p) for p in plan.problems])
        else:
            plan = import_roster(data, deactivate_missing)
    except RosterRejected as exc:
        db.session.rollback()
        fail(f"Refused {file}: {len(exc.problems)} problem(s); nothing was changed.", exc.problems)
    counts = plan.counts()
    summary = ", ".join(f"{counts[k]} {k}" for k in ("created", "updated", "deactivated", "unchanged"))
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run, nothing changed: {summary}.")
    else:
        db.session.commit()
        click.echo(f"Imported: {summary}.")


@roster_cli.command("export")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write, or - for standard output.")
def roster_export(output: str) -> None:
    """Write the active roster as CSV in the import's columns."""
    from lms.org.services import export_roster

    text = export_roster()
    if output == "-":
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"Wrote {text.count(chr(10)) - 1} employees to {output}.", err=True)


_add_domain_commands()
