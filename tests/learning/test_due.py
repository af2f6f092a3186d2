"""Due-date arithmetic (pure)."""
from datetime import date

from lms.learning.due import due_date_for, due_state, earliest


def test_fixed_date():
    assert due_date_for("fixed", due_date=date(2027, 3, 1), due_days=None, hire_date=None, assigned_on=date(2027, 1, 1)) == date(2027, 3, 1)


def test_days_after_assignment_crosses_month_and_leap_day():
    assert due_date_for("after_assignment", due_date=None, due_days=30, hire_date=date(2020, 1, 1),
                        assigned_on=date(2028, 2, 10)) == date(2028, 3, 11)


def test_days_after_hire_and_fallback_to_assignment():
    assert due_date_for("after_hire", due_date=None, due_days=14, hire_date=date(2027, 1, 25), assigned_on=date(2027, 2, 1)) == date(2027, 2, 8)
    assert due_date_for("after_hire", due_date=None, due_days=14, hire_date=None, assigned_on=date(2027, 2, 1)) == date(2027, 2, 15)


def test_no_due_date():
    assert due_date_for("none", due_date=None, due_days=None, hire_date=None, assigned_on=date(2027, 1, 1)) is None


def test_earliest_ignores_missing():
    assert earliest([None, date(2027, 5, 1), date(2027, 4, 1)]) == date(2027, 4, 1)
    assert earliest([None, None]) is None


def test_due_state():
    today = date(2027, 3, 10)
    assert due_state(date(2027, 3, 9), False, today) == "overdue"
    assert due_state(date(2027, 3, 17), False, today) == "due_soon"
    assert due_state(date(2027, 3, 18), False, today) == "due"
    assert due_state(date(2027, 3, 9), True, today) == "completed"
    assert due_state(None, False, today) == "no_due_date"
