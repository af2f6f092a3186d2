"""The certification expiry reminder: once, 60 days before a trainer's certification ends."""
from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import format_date, gettext, ngettext

from lms.notify.daily import daily_job
from lms.notify.language import in_language_of
from lms.notify.outbox import queue_email
from lms.trainers.certification import due_certification_reminders, mark_reminder_sent


@daily_job("certification-reminders")
def send_certification_reminders(today: date) -> int:
    """E-mail each trainer whose certification expires within 60 days; each certification once."""
    sent = 0
    base = current_app.config.get("LMS_BASE_URL", "http://127.0.0.1:5000")
    for certification in due_certification_reminders(today):
        if not mark_reminder_sent(certification):
            continue  # another worker got there first
        employee = certification.employee
        days = (certification.expires_on - today).days
        with in_language_of(employee):
            ends = format_date(certification.expires_on, "dd MMMM y")
            queue_email(
                employee.email,
                gettext("Your trainer certification ends on %(day)s", day=ends),
                gettext("Hello %(name)s,", name=employee.full_name) + "\n\n"
                + ngettext("Your certification to deliver %(course)s ends in %(num)d day, on %(day)s. After that you cannot "
                           "be scheduled to deliver sessions.",
                           "Your certification to deliver %(course)s ends in %(num)d days, on %(day)s. After that you cannot "
                           "be scheduled to deliver sessions.", days, course=certification.course.title, day=ends) + "\n\n"
                + gettext("Ask for the short recertification teach-back from your trainer record: %(link)s",
                          link=base + "/trainers/me") + "\n",
                dedupe_key=f"certification-reminder:{certification.id}",
            )
        sent += 1
    return sent
