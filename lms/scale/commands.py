"""`lms generate`: add a synthetic organization to the configured database."""
from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.core.errors import DomainError
from lms.extensions import db


@click.command("generate")
@click.option("--employees", type=click.IntRange(min=1), required=True, help="How many people to add.")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same organization.")
@with_appcontext
def generate_command(employees: int, seed: int) -> None:
    """Add a seeded synthetic organization (sites, departments, people, progress, workshops) with bulk inserts."""
    from lms.scale.generate import generate_organization

    if current_app.config["LMS_ENV"] == "production":
        raise click.ClickException("Generated data is refused when LMS_ENV=production.")
    started = time.perf_counter()
    try:
        report = generate_organization(db.session, employees, seed)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    elapsed = time.perf_counter() - started
    click.echo(f"Generated {report.employees:,} employees (tag {report.tag}, seed {seed}): "
               f"{report.rows:,} rows in {elapsed:.1f} s ({report.rows / elapsed:,.0f} rows/s).")
    for table, count in sorted(report.counts.items(), key=lambda item: -item[1]):
        click.echo(f"  {table:<24} {count:>12,}")
    for name, seconds in report.seconds.items():
        click.echo(f"  {name:<32} {seconds:>7.1f} s")
