"""The registry of daily jobs (reminders and the like) that other domains add to, and their runner."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from lms.extensions import db

log = logging.getLogger(__name__)

DailyJob = Callable[[date], int]

_JOBS: dict[str, DailyJob] = {}


def daily_job(name: str):
    """Register the decorated `(today: date) -> int` function (returning how many things it did) to run daily."""

    def decorator(fn: DailyJob) -> DailyJob:
        existing = _JOBS.get(name)
        if existing is not None and f"{existing.__module__}.{existing.__qualname__}" != f"{fn.__module__}.{fn.__qualname__}":
            raise ValueError(f"daily job {name!r} is already {existing.__module__}.{existing.__qualname__}")
        _JOBS[name] = fn
        return fn

    return decorator


def daily_jobs() -> dict[str, DailyJob]:
    """The registered daily jobs by name."""
    return dict(sorted(_JOBS.items()))


@dataclass(frozen=True)
class DailyResult:
    """One job's outcome: how many things it did, or why it failed."""

    name: str
    count: int = 0
    error: str | None = None


def run_daily_jobs(today: date, names: Iterable[str] | None = None) -> list[DailyResult]:
    """Run every daily job (or those named) for `today`, each committed on its own; one failing stops no other."""
    jobs = daily_jobs()
    selected = list(jobs) if names is None else list(names)
    unknown = [n for n in selected if n not in jobs]
    if unknown:
        raise KeyError(", ".join(unknown))
    results = []
    for name in selected:
        try:
            count = int(jobs[name](today) or 0)
            db.session.commit()
        except Exception as exc:  # noqa: BLE001 - reported, and the other jobs still run
            db.session.rollback()
            log.exception("daily job %s failed for %s", name, today)
            results.append(DailyResult(name, error=f"{type(exc).__name__}: {exc}"))
        else:
            log.info("daily job %s for %s: %s", name, today, count)
            results.append(DailyResult(name, count))
    return results
