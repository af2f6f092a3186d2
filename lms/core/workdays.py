"""Working-day arithmetic: which dates are working days, their 1-based index in a window, ISO weeks.

Pure module (no Flask, no database); shared by the rollout planner and workshop scheduling.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)
DEFAULT_WEEKDAYS = (1, 2, 3, 4, 5)


def iso_week(day: date) -> tuple[int, int]:
    """Return the ISO (year, week) of a day."""
    year, week, _ = day.isocalendar()
    return (year, week)


@dataclass(frozen=True)
class WorkCalendar:
    """Working days from ISO weekday numbers and holidays, optionally bounded by a window.

    A working day is a date whose ISO weekday is in ``weekdays``, which is not a
    holiday and, when the window bounds are set, lies inside them. Inside a window
    with a start, working days are numbered 1, 2, 3, ... from the start.
    """

    weekdays: frozenset[int] = frozenset(DEFAULT_WEEKDAYS)
    holidays: frozenset[date] = frozenset()
    start: date | None = None
    end: date | None = None
    _days: tuple[date, ...] = field(default=(), init=False, repr=False, compare=False)
    _index: dict[date, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        weekdays = frozenset(self.weekdays)
        if not weekdays or any(not isinstance(d, int) or not 1 <= d <= 7 for d in weekdays):
            raise ValueError("weekdays must be a non-empty set of ISO weekday numbers 1..7")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"window end {self.end} is before its start {self.start}")
        object.__setattr__(self, "weekdays", weekdays)
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        if self.start is not None and self.end is not None:
            days = tuple(d for d in _dates(self.start, self.end) if self._is_workday_unbounded(d))
            object.__setattr__(self, "_days", days)
            object.__setattr__(self, "_index", {d: i for i, d in enumerate(days, start=1)})

    @classmethod
    def build(
        cls,
        weekdays: Iterable[int] = DEFAULT_WEEKDAYS,
        holidays: Iterable[date] = (),
        start: date | None = None,
        end: date | None = None,
    ) -> WorkCalendar:
        """Build a calendar from any iterables of weekdays and holidays."""
        return cls(frozenset(weekdays), frozenset(holidays), start, end)

    def with_window(self, start: date | None, end: date | None) -> WorkCalendar:
        """Return the same weekdays and holidays over another window."""
        return WorkCalendar(self.weekdays, self.holidays, start, end)

    def _is_workday_unbounded(self, day: date) -> bool:
        return day.isoweekday() in self.weekdays and day not in self.holidays

    def in_window(self, day: date) -> bool:
        """Whether a date lies inside the window bounds that are set."""
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def is_working_day(self, day: date) -> bool:
        """Whether a date is a working day (weekday listed, not a holiday, inside the window)."""
        return self.in_window(day) and self._is_workday_unbounded(day)

    def next_working_day(self, day: date) -> date | None:
        """The first working day strictly after ``day``; None when it would fall past the window end."""
        candidate = day + ONE_DAY
        if self.start is not None and candidate < self.start:
            candidate = self.start
        # at most 7 weekdays plus the holidays can be skipped in a row
        for _ in range(8 + len(self.holidays)):
            if self.end is not None and candidate > self.end:
                return None
            if self._is_workday_unbounded(candidate):
                return candidate
            candidate += ONE_DAY
        return None

    def consecutive(self, first: date, n: int) -> list[date] | None:
        """``n`` consecutive working days starting at ``first``; None if ``first`` is not one or the window ends."""
        if n < 1 or not self.is_working_day(first):
            return None
        days = [first]
        while len(days) < n:
            nxt = self.next_working_day(days[-1])
            if nxt is None:
                return None
            days.append(nxt)
        return days

    def _require_window(self) -> None:
        if self.start is None or self.end is None:
            raise ValueError("this calendar has no window (start and end are needed for indexes)")

    @property
    def days(self) -> tuple[date, ...]:
        """The working days of the window, in order (index i is ``days[i - 1]``)."""
        self._require_window()
        return self._days

    def __len__(self) -> int:
        self._require_window()
        return len(self._days)

    def index_of(self, day: date) -> int | None:
        """The 1-based index of a working day in the window; None when it is not one."""
        self._require_window()
        return self._index.get(day)

    def date_of(self, index: int) -> date:
        """The working day with a 1-based index; IndexError outside 1..len(calendar)."""
        self._require_window()
        if not 1 <= index <= len(self._days):
            raise IndexError(f"working day index {index} is outside 1..{len(self._days)}")
        return self._days[index - 1]

    def index_at_or_after(self, day: date) -> int | None:
        """The index of the first working day on or after ``day``; None when there is none in the window."""
        self._require_window()
        pos = bisect_left(self._days, day)
        return pos + 1 if pos < len(self._days) else None

    def count_between(self, first: date, last: date) -> int:
        """How many working days lie in ``first..last`` (both included)."""
        return sum(1 for d in _dates(first, last) if self.is_working_day(d))


def _dates(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY
