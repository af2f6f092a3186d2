"""What the generator's stages share: the writer, the clock, seeded random streams and the people made so far."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from lms.scale.bulk import BulkWriter


class Person:
    """One generated employee, as the later stages need them."""

    __slots__ = ("id", "department", "site", "kind", "manager", "roles", "hired", "name", "launch", "skill")

    def __init__(self, id, department, site, kind, manager, roles, hired, name, launch, skill):
        self.id, self.department, self.site, self.kind, self.manager = id, department, site, kind, manager
        self.roles, self.hired, self.name, self.launch, self.skill = roles, hired, name, launch, skill


@dataclass
class Department:
    id: int
    site: int  # site id
    kind: str
    size: int
    max_away: int  # people who may be away on one day (the staffing floor)


@dataclass
class Build:
    """The generation under way: one seed, one clock, one transaction."""

    writer: BulkWriter
    seed: int
    tag: str  # makes this run's codes, numbers and e-mails unique in the database
    today: date
    people: list[Person] = field(default_factory=list)
    departments: dict[int, Department] = field(default_factory=dict)
    sites: dict[int, str] = field(default_factory=dict)  # id -> code
    trainers: dict[int, list[int]] = field(default_factory=dict)  # site id -> certified trainer ids
    certified_on: dict[int, date] = field(default_factory=dict)  # trainer id -> day of certification
    certified_until: dict[int, date] = field(default_factory=dict)  # trainer id -> last day they may deliver
    lead_trainer: int | None = None
    leader: int | None = None  # the demo leader, at the top of the generated hierarchy
    attended: dict[int, tuple[date, date]] = field(default_factory=dict)  # employee -> days of the workshop attended
    booked: dict[int, str] = field(default_factory=dict)  # employee -> when they booked their upcoming seat

    def rng(self, stream: str) -> random.Random:
        """A random stream of its own per stage, so that one stage's changes leave the others' data alone."""
        return random.Random(f"{self.seed}/{self.tag}/{stream}")

    @property
    def now(self) -> datetime:
        return datetime.combine(self.today, time(6), tzinfo=timezone.utc)

    def at(self, day: date, rng: random.Random, first_hour: int = 7, last_hour: int = 19) -> datetime:
        """A moment during the working hours of `day`, never after now."""
        moment = datetime.combine(day, time(rng.randint(first_hour, last_hour - 1), rng.randrange(60), rng.randrange(60)),
                                  tzinfo=timezone.utc)
        return min(moment, self.now - timedelta(minutes=rng.randint(1, 600)))

    def stamp(self, moment: datetime) -> str:
        return self.writer.stamp(moment)
