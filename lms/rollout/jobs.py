"""The background job that solves a rollout plan (Huey; runs at once when jobs are immediate)."""
from __future__ import annotations

from lms.notify.jobs import huey, job_context, run_job


@huey.task()
def solve_plan_job(plan_id: int, run: int) -> None:
    """Solve rollout plan `plan_id` for solve run `run`."""
    from lms.rollout.solving import solve_plan

    with job_context():
        solve_plan(plan_id, run)


def queue_solve(plan_id: int, run: int) -> None:
    """Start solving after the caller has committed the plan's 'solving' status."""
    run_job(solve_plan_job, plan_id, run)
