"""The certification expiry reminder: once, 60 days before a trainer's certification ends."""
from __future__ import annotations

from datetime import date

from flask import current_app

from lms.notify.daily import daily_job
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
        queue_email(
            employee.email,
            f"Your trainer certification ends on {certification.expires_on:%d %B %Y}",
            f"Hello {employee.full_name},\n\nYour certification to deliver {certification.course.title} ends in "
            f"{days} days, on {certification.expires_on:%d %B %Y}. After that you cannot be scheduled to deliver "
            f"sessions.\n\nAsk for the short recertification teach-back from your trainer record: {base}/trainers/me\n",
            dedupe_key=f"certification-reminder:{certification.id}",
        )
        sent += 1
    return sent
