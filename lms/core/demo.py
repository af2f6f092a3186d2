"""Demo data: each domain registers a seeder that runs once per database."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.errors import DomainError
from lms.core.models import Base, utcnow

DEMO_PASSWORD = "demo-pass-2027"


class DemoSeed(Base):
    """A demo seeder that has run on this database."""

    __tablename__ = "demo_seed"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class Seeder:
    name: str
    order: int
    run: Callable[[], None]


_SEEDERS: dict[str, Seeder] = {}


def demo_seeder(name: str, order: int):
    """Register `fn` as the demo seeder `name`; seeders run in `order`, each once."""

    def decorator(fn):
        _SEEDERS[name] = Seeder(name, order, fn)
        return fn

    return decorator


class DemoRefused(DomainError):
    """Demo data may not be seeded here."""


def seed_demo(session, env: str) -> list[str]:
    """Run every seeder not yet applied to this database; return the names that ran."""
    if env == "production":
        raise DemoRefused("Demo mode is refused when LMS_ENV=production.")
    done = set(session.execute(select(DemoSeed.name)).scalars())
    ran = []
    for seeder in sorted(_SEEDERS.values(), key=lambda s: s.order):
        if seeder.name in done:
            continue
        seeder.run()
        session.add(DemoSeed(name=seeder.name))
        session.flush()
        ran.append(seeder.name)
    return ran
