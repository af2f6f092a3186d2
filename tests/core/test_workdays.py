"""The working-day calendar."""

from datetime import date

import pytest

from lms.core.workdays import WorkCalendar, iso_week


def cal(**kw) -> WorkCalendar:
    return WorkCalendar.build(kw.pop("weekdays", [1, 2, 3, 4, 5]), kw.pop("holidays", []), **kw)


def test_weekends_and_holidays_are_not_working_days():
    c = cal(holidays=[date(2027, 1, 6)])
    assert c.is_working_day(date(2027, 1, 4))  # Monday
    assert not c.is_working_day(date(2027, 1, 6))  # holiday
    assert not c.is_working_day(date(2027, 1, 9))  # Saturday


def test_next_working_day_skips_weekend_and_holidays():
    c = cal(holidays=[date(2027, 1, 11)])
    assert c.next_working_day(date(2027, 1, 8)) == date(2027, 1, 12)  # Fri -> (Mon holiday) -> Tue


def test_window_bounds_working_days_and_next_day():
    c = cal(start=date(2027, 1, 4), end=date(2027, 1, 8))
    assert not c.is_working_day(date(2027, 1, 11))
    assert c.next_working_day(date(2027, 1, 8)) is None
    assert c.next_working_day(date(2027, 1, 1)) == date(2027, 1, 4)


def test_indexes_are_one_based_and_invert():
    c = cal(holidays=[date(2027, 1, 5)], start=date(2027, 1, 4), end=date(2027, 1, 15))
    assert len(c) == 9
    assert c.index_of(date(2027, 1, 4)) == 1
    assert c.index_of(date(2027, 1, 6)) == 2
    assert c.index_of(date(2027, 1, 5)) is None
    assert all(c.index_of(c.date_of(i)) == i for i in range(1, len(c) + 1))
    with pytest.raises(IndexError):
        c.date_of(10)
    assert c.index_at_or_after(date(2027, 1, 9)) == 5  # Saturday -> Monday 11th


def test_consecutive_days_cross_a_weekend():
    c = cal(start=date(2027, 1, 4), end=date(2027, 1, 29))
    assert c.consecutive(date(2027, 1, 8), 2) == [date(2027, 1, 8), date(2027, 1, 11)]
    assert c.consecutive(date(2027, 1, 9), 2) is None  # not a working day
    assert c.consecutive(date(2027, 1, 29), 2) is None  # runs past the window


def test_custom_weekdays_and_iso_week():
    c = cal(weekdays=[6, 7], start=date(2027, 1, 1), end=date(2027, 1, 31))
    assert c.days[0] == date(2027, 1, 2)
    assert iso_week(date(2027, 1, 3)) == (2026, 53)
    assert iso_week(date(2027, 1, 4)) == (2027, 1)


def test_indexes_need_a_window_and_weekdays_are_checked():
    with pytest.raises(ValueError):
        cal().index_of(date(2027, 1, 4))
    with pytest.raises(ValueError):
        cal(weekdays=[0])
    with pytest.raises(ValueError):
        cal(start=date(2027, 2, 1), end=date(2027, 1, 1))
