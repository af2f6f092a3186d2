"""The body of the solve job: build the live problem, plan around the locks, and record progress and the result.

The planner runs in a helper thread while this thread writes the progress to the database
every second, so that the page polling the plan can show how far it has got.
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as StillRunning
from datetime import date

from flask import current_app
from sqlalchemy import update

from lms.core.errors import DomainError
from lms.core.models import utcnow
from lms.extensions import db
from lms.rollout import replan
from lms.rollout.live import build_problem
from lms.rollout.models import RolloutPlan
from lms.rollout.problem import RolloutError
from lms.rollout.services import settings_of

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
DEFAULT_SECONDS = 20.0
STAGES = {  # stage: (first percent, last percent, note)
    replan.SEARCH: (10, 60, "Searching for the earliest finish"),
    replan.DIAGNOSE: (60, 92, "Explaining who does not fit and what would make them fit"),
    replan.CHECK: (95, 95, "Checking every rule of the plan"),
}


def time_limits() -> tuple[float, float]:
    """Seconds for the search and for the diagnosis (LMS_ROLLOUT_SECONDS, LMS_ROLLOUT_DIAGNOSIS_SECONDS)."""
    config = current_app.config
    return (float(config.get("LMS_ROLLOUT_SECONDS", DEFAULT_SECONDS)),
            float(config.get("LMS_ROLLOUT_DIAGNOSIS_SECONDS", DEFAULT_SECONDS)))


def _write(plan_id: int, run: int, **values) -> bool:
    """Update the plan only while this run is the latest solve; commit so that the page sees it."""
    changed = db.session.execute(
        update(RolloutPlan).where(RolloutPlan.id == plan_id, RolloutPlan.solve_run == run,
                                  RolloutPlan.status == "solving")
        .values(updated_at=utcnow(), **values).execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return changed == 1


class _Progress:
    """The stage the planner thread is in, turned into a percentage by elapsed time."""

    def __init__(self, limits: tuple[float, float]):
        self.stage = replan.SEARCH
        self.since = time.perf_counter()
        self.limits = {replan.SEARCH: limits[0], replan.DIAGNOSE: limits[1], replan.CHECK: 1.0}

    def enter(self, stage: str) -> None:
        self.stage, self.since = stage, time.perf_counter()

    def now(self) -> tuple[int, str]:
        first, last, note = STAGES[self.stage]
        share = min(1.0, (time.perf_counter() - self.since) / max(self.limits[self.stage], 0.1))
        return int(first + (last - first) * share), note


def solve_plan(plan_id: int, run: int, today: date | None = None) -> None:
    """Solve the plan for run `run`; a newer run or a finished plan makes this a no-op."""
    plan = db.session.get(RolloutPlan, plan_id, populate_existing=True)  # the request that queued it changed it
    if plan is None or plan.solve_run != run or plan.status != "solving":
        return
    today = today or date.today()
    if not _write(plan_id, run, progress=2, progress_note="Reading the organization"):
        return
    try:
        live = build_problem(settings_of(plan), today)
        locked = replan.locked_sessions(plan.plan_doc, plan.locked_keys)
        outcome = _run_planner(plan_id, run, live, locked)
    except (RolloutError, DomainError) as exc:
        messages = getattr(exc, "messages", None) or getattr(exc, "problems", None) or [str(exc)]
        _write(plan_id, run, status="failed", progress=100, progress_note="Failed", error="\n".join(messages))
        return
    except Exception:  # noqa: BLE001 - the page must leave "solving" whatever went wrong
        log.exception("solving rollout plan %s (run %s) failed", plan_id, run)
        db.session.rollback()
        _write(plan_id, run, status="failed", progress=100, progress_note="Failed",
               error="The planner hit an unexpected problem; it has been logged. Try solving again.")
        return
    _write(plan_id, run, status="solved", progress=100, progress_note="Solved", solved_at=utcnow(),
           problem_doc=outcome.problem_doc, plan_doc=outcome.plan_doc, bound=outcome.bound,
           diagnosis=outcome.diagnosis, mixing=outcome.mixing, notes=outcome.notes)


def _run_planner(plan_id: int, run: int, live, locked) -> replan.Outcome:
    limits = time_limits()
    progress = _Progress(limits)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"rollout-{plan_id}") as pool:
        future = pool.submit(replan.solve_with_locks, live.doc, live.holds, locked,
                             time_limit=limits[0], diagnosis_limit=limits[1], stage=progress.enter)
        while True:
            try:
                return future.result(timeout=POLL_SECONDS)
            except StillRunning:
                percent, note = progress.now()
                if not _write(plan_id, run, progress=percent, progress_note=note):
                    log.info("rollout plan %s: run %s was superseded; its result will be discarded", plan_id, run)
