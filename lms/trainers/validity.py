"""Certification dates: validity periods, renewal, days left and the reminder window (pure)."""
from __future__ import annotations

import calendar
from datetime import date, timedelta

DEFAULT_MONTHS = 24
REMINDER_DAYS = 60


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the end of a shorter month (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_for(issued_on: date, months: int) -> date:
    """The last valid day of a certification issued on `issued_on` for `months` months."""
    return add_months(issued_on, months) - timedelta(days=1)


def renewal_expiry(renewed_on: date, current_expires_on: date | None, months: int) -> date:
    """A renewal runs on from the current expiry when that is still ahead, so renewing early loses nothing."""
    if current_expires_on is not None and current_expires_on >= renewed_on:
        return expiry_for(current_expires_on + timedelta(days=1), months)
    return expiry_for(renewed_on, months)


def days_left(expires_on: date, today: date) -> int:
    """Days from `today` to the expiry day (0 on the last valid day, negative once expired)."""
    return (expires_on - today).days


def reminder_due(expires_on: date, today: date, window: int = REMINDER_DAYS) -> bool:
    """True from `window` days before expiry until the last valid day."""
    return 0 <= days_left(expires_on, today) <= window


def in_recertification_window(expires_on: date, today: date, window: int = REMINDER_DAYS) -> bool:
    """True when a trainer may renew: expiry within `window` days, or already past."""
    return days_left(expires_on, today) <= window
