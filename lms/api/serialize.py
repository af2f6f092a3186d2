"""How values appear in API bodies: dates as YYYY-MM-DD, times as HH:MM, instants in UTC ending in Z."""
from __future__ import annotations

from datetime import date, datetime, time, timezone


def iso_date(value: date | None) -> str | None:
    """A date as YYYY-MM-DD."""
    return value.isoformat() if value is not None else None


def iso_datetime(value: datetime | None) -> str | None:
    """An instant in UTC as YYYY-MM-DDTHH:MM:SSZ (microseconds dropped)."""
    if value is None:
        return None
    return value.astimezone(timezone.utc).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def iso_time(value: time | None) -> str | None:
    """A wall-clock time as HH:MM."""
    return value.strftime("%H:%M") if value is not None else None


def percent(value: float | None) -> float | None:
    """A percentage rounded to two decimals."""
    return round(value, 2) if value is not None else None


def latest(*moments: datetime | None) -> datetime | None:
    """The latest of the moments that are set."""
    present = [m for m in moments if m is not None]
    return max(present) if present else None
