"""The `lms notify` commands: deliver the outbox, run the daily jobs, list messages, send a test e-mail."""
from __future__ import annotations

from datetime import date, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from lms.core.errors import DomainError
from lms.extensions import db

notify_cli = AppGroup("notify", help="E-mail outbox, deliveries and daily jobs.")


@notify_cli.command("deliver")
@click.option("--retry-failed", is_flag=True, help="First give failed messages a fresh set of attempts.")
def deliver_command(retry_failed: bool) -> None:
    """Deliver every pending message that is due, now."""
    from lms.notify.delivery import deliver_due
    from lms.notify.outbox import retry_failed_messages

    if retry_failed:
        count = retry_failed_messages()
        db.session.commit()
        click.echo(f"{count} failed message(s) queued again.")
    report = deliver_due()
    click.echo(f"Delivered through {current_app.config['LMS_MAIL_BACKEND']}: {report}.")
    if report.failed:
        raise SystemExit(1)


@notify_cli.command("daily")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Run as if today were this day (YYYY-MM-DD); default: today in LMS_DAILY_JOBS_TZ.")
@click.option("--job", "names", multiple=True, help="Run only this job; repeat for several.")
def daily_command(day: datetime | None, names: tuple[str, ...]) -> None:
    """Run the daily jobs (reminders and the like) now; safe to repeat."""
    from lms.cli import fail
    from lms.notify.daily import daily_jobs, run_daily_jobs
    from lms.notify.jobs import daily_today

    today: date = day.date() if day else daily_today()
    try:
        results = run_daily_jobs(today, names or None)
    except KeyError as exc:
        fail(f"No such daily job: {exc.args[0]}. Known: {', '.join(daily_jobs()) or 'none'}.")
    if not results:
        click.echo("No daily jobs are registered.")
    for result in results:
        click.echo(f"{result.name}: {'FAILED ' + result.error if result.error else result.count}")
    if any(r.error for r in results):
        raise SystemExit(1)


@notify_cli.command("outbox")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1), help="How many messages.")
@click.option("--status", type=click.Choice(["pending", "sending", "sent", "failed"]), help="Only this status.")
def outbox_command(limit: int, status: str | None) -> None:
    """List the most recent messages, newest first."""
    from lms.notify.queries import recent_messages

    messages = recent_messages(limit, status)
    if not messages:
        click.echo("The outbox is empty.")
    for m in messages:
        line = f"{m.id:>6}  {m.status:<7}  {m.created_at:%Y-%m-%d %H:%M}  {', '.join(m.recipients)}  {m.subject}"
        if m.status != "sent" and m.last_error:
            line += f"  [{m.attempts} attempt(s): {m.last_error}]"
        click.echo(line)


@notify_cli.command("send-test")
@click.option("--to", "to", required=True, help="The address to send to.")
def send_test_command(to: str) -> None:
    """Queue a test e-mail to TO and deliver it now through the configured backend."""
    from lms.cli import fail
    from lms.notify.delivery import deliver_due
    from lms.notify.outbox import queue_email

    config = current_app.config
    try:
        message = queue_email(
            to, "Test message from Service Excellence",
            f"This is a test e-mail from the learning platform.\n\nBackend: {config['LMS_MAIL_BACKEND']}\n"
            f"Sender: {config['LMS_MAIL_FROM']}\n",
        )
    except DomainError as exc:
        db.session.rollback()
        fail(exc.message)
    db.session.commit()
    deliver_due([message.id])
    db.session.refresh(message)
    if message.status == "sent":
        click.echo(f"Sent message {message.id} to {', '.join(message.recipients)} through {message.backend}.")
    else:
        fail(f"Message {message.id} is {message.status}: {message.last_error}")
