"""`generate_organization`: a seeded synthetic organization added beside whatever the database holds."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from lms.core.errors import DomainError
from lms.insights.counters import counters_paused
from lms.learning.models import Course
from lms.org.models import Employee
from lms.scale.bulk import BulkWriter
from lms.scale.catalogue import load_catalogue
from lms.scale.context import Build
from lms.scale.ideas import build_ideas
from lms.scale.learning import build_learning
from lms.scale.org import build_organization
from lms.scale.trainers import build_trainers
from lms.scale.workshops import build_workshops

DEMO_LEADER = "leader@demo.example"


class GenerateRefused(DomainError):
    """The database cannot take a generated organization (courses not synced yet)."""


@dataclass(frozen=True)
class Report:
    tag: str
    employees: int
    counts: dict[str, int]
    seconds: dict[str, float]

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def generate_organization(session: Session, employees: int, seed: int = 1, today: date | None = None) -> Report:
    """Write `employees` people and everything they did, in the session's transaction (the caller commits)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MiB: index pages stay cached while loading
    courses = {c.kind: c for c in session.execute(
        select(Course).where(Course.archived.is_(False)).order_by(Course.id.desc())).scalars()}
    if "workshop" not in courses or "trainer" not in courses:
        raise GenerateRefused("Sync the courses first (`lms init`): the generator needs the workshop and trainer courses.")
    writer = BulkWriter(connection)
    build = Build(writer, seed, _free_tag(session), today or date.today())
    build.leader = session.execute(select(Employee.id).where(Employee.email == DEMO_LEADER)).scalar()
    seconds: dict[str, float] = {}

    def stage(name: str, fn, *args) -> None:
        started = time.perf_counter()
        fn(*args)
        seconds[name] = time.perf_counter() - started

    catalogue = None

    def catalogue_stage():
        nonlocal catalogue
        catalogue = load_catalogue(session, build.rng("quizzes"))

    stage("courses and quiz templates", catalogue_stage)
    # Rows arrive in bulk and out of the order the services write them (attempts before their slots),
    # so the counters are rebuilt once at the end instead of being kept row by row.
    with counters_paused(connection):
        stage("organization", build_organization, build, employees)
        stage("trainers", build_trainers, build, courses["workshop"], courses["trainer"])
        stage("workshops", build_workshops, build, courses["workshop"])
        stage("learning", build_learning, build, catalogue)
        stage("ideas and reviews", build_ideas, build)
        stage("sequences", writer.finish)
        loaded = time.perf_counter()
    seconds["counters"] = time.perf_counter() - loaded
    # Fresh planner statistics after a bulk load, as PostgreSQL's autovacuum (or PRAGMA optimize) would gather.
    stage("planner statistics", connection.exec_driver_sql, "ANALYZE")
    return Report(build.tag, len(build.people), dict(writer.counts), seconds)


def _free_tag(session: Session) -> str:
    """g1, g2, ...: the first tag no earlier generation used, so that runs add up instead of colliding."""
    number = 1
    while session.execute(text("SELECT 1 FROM site WHERE code = :code"), {"code": f"G{number}-S01"}).first():
        number += 1
    return f"g{number}"
