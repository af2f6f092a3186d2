"""Each site's working calendar: weekdays and holidays, edited by admins."""
from __future__ import annotations

from datetime import date

from lms.core.errors import ValidationFailed
from lms.core.markers import N_
from lms.core.workdays import WorkCalendar
from lms.extensions import db
from lms.org.models import Site, SiteHoliday


def site_calendar(site: Site) -> WorkCalendar:
    """The site's working days (unbounded)."""
    return WorkCalendar.build(weekdays=site.working_weekdays or [1, 2, 3, 4, 5],
                              holidays=[h.day for h in site.holidays])


def set_site_calendar(site: Site, weekdays: list[int], holidays: list[tuple[date, str]]) -> None:
    """Replace a site's working weekdays and holidays."""
    if not weekdays or any(d not in range(1, 8) for d in weekdays):
        raise ValidationFailed(N_("Choose at least one working weekday."))
    days = [d for d, _ in holidays]
    if len(set(days)) != len(days):
        duplicate = next(d for d in days if days.count(d) > 1)
        raise ValidationFailed(f"{duplicate.isoformat()} is listed twice.")
    site.working_weekdays = sorted(set(weekdays))
    site.holidays = [SiteHoliday(day=d, name=name.strip()) for d, name in sorted(holidays)]
    db.session.flush()


def parse_holiday_lines(text: str) -> list[tuple[date, str]]:
    """Holidays typed one per line as `YYYY-MM-DD name`; raises naming the bad line."""
    holidays, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        day_text, _, name = line.partition(" ")
        try:
            holidays.append((date.fromisoformat(day_text), name))
        except ValueError:
            problems.append(f"Line {number}: '{day_text}' is not a date in the form YYYY-MM-DD.")
    if problems:
        raise ValidationFailed(problems[0], problems)
    return holidays
