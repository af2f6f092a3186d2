"""The weekly digest for leaders: the week's figures by e-mail, sent on one weekday, once per leader and week."""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app, render_template
from flask_babel import format_date, gettext
from sqlalchemy import select

from lms.extensions import db
from lms.insights import queries
from lms.insights.scope import Scope
from lms.notify.daily import daily_job
from lms.notify.language import in_language_of, language_of
from lms.notify.outbox import queue_email
from lms.org.models import Employee, EmployeeRole

DIGEST_WEEKDAY = 0  # Monday


def digest_figures(today: date) -> dict:
    """Everything the digest says, for the whole organization (a fixed number of queries)."""
    scope = Scope()
    burn = queries.burn_up(scope, today)
    last_monday = today - timedelta(days=today.weekday() + 7)

    def completed_by(week: date) -> int:
        return next((w.completed for w in reversed(burn.weeks) if w.week <= week), 0)

    months = queries.months_back(today, 2)
    per_month = queries.implemented_per_month(queries.implemented_by_department(scope, months), months)
    trend = queries.review_trend(today, count=1)
    return {
        "today": today, "overall": queries.participation(scope, "organization", today),
        "by_kind": queries.participation(scope, "kind", today), "burn": burn,
        "completed_last_week": completed_by(last_monday) - completed_by(last_monday - timedelta(days=7)),
        "ideas": queries.ideas_by_status(scope), "implemented_this_month": per_month[-1][1],
        "implemented_last_month": per_month[0][1], "round": trend[-1] if trend else None,
        "base_url": current_app.config.get("LMS_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
    }


def leaders() -> list[Employee]:
    """Active leaders with an e-mail address, by name."""
    return list(db.session.execute(
        select(Employee).join(EmployeeRole, EmployeeRole.employee_id == Employee.id)
        .where(EmployeeRole.role == "leader", Employee.active).order_by(Employee.full_name)
    ).scalars())


def dedupe_key(leader: Employee, today: date) -> str:
    """One digest per leader per ISO week, however often the job runs."""
    year, week, _ = today.isocalendar()
    return f"insights-digest:{leader.id}:{year}-W{week:02d}"


@daily_job("insights_weekly_digest")
def send_weekly_digest(today: date) -> int:
    """On the digest weekday, queue the digest to every leader; returns how many were queued."""
    if today.weekday() != DIGEST_WEEKDAY:
        return 0
    recipients = leaders()
    if not recipients:
        return 0
    figures = digest_figures(today)
    rendered: dict[str, tuple[str, str, str]] = {}  # language -> subject, text, html: each rendered once
    queued = 0
    for leader in recipients:
        language = language_of(leader)
        if language not in rendered:
            with in_language_of(leader):
                rendered[language] = (
                    gettext("Service Excellence: the week to %(day)s", day=format_date(today, "dd MMMM y")),
                    render_template("insights/digest.txt", **figures),
                    render_template("insights/digest.html", **figures),
                )
        subject, text, html = rendered[language]
        if queue_email(leader.email, subject, text, html=html, dedupe_key=dedupe_key(leader, today)) is not None:
            queued += 1
    return queued
