"""Due-date arithmetic for assignment rules (pure)."""
from __future__ import annotations

from datetime import date, timedelta


def due_date_for(due_kind: str, *, due_date: date | None, due_days: int | None,
                 hire_date: date | None, assigned_on: date) -> date | None:
    """The due date a rule gives one employee; `after_hire` falls back to the assignment day."""
    if due_kind == "fixed":
        return due_date
    if due_kind == "after_assignment":
        return assigned_on + timedelta(days=due_days or 0)
    if due_kind == "after_hire":
        return (hire_date or assigned_on) + timedelta(days=due_days or 0)
    return None


def earliest(dates) -> date | None:
    """The earliest of the dates that are set, or None."""
    present = [d for d in dates if d is not None]
    return min(present) if present else None


def due_state(due: date | None, completed: bool, today: date) -> str:
    """`completed`, `overdue`, `due_soon` (within 7 days), `due` or `no_due_date`."""
    if completed:
        return "completed"
    if due is None:
        return "no_due_date"
    if due < today:
        return "overdue"
    if (due - today).days <= 7:
        return "due_soon"
    return "due"
