"""E-mail, reminders and background jobs.

Other domains use `queue_email` (lms.notify.outbox) inside their transaction, and register daily work
with `@daily_job("name")` (lms.notify.daily).
"""
