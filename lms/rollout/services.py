"""Rollout plans: create one with its bound, start solving, and edit the preview (lock, remove, exclude)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update

from lms.core.errors import Conflict, NotFound, ValidationFailed
from lms.core.markers import N_
from lms.core.models import utcnow
from lms.extensions import db
from lms.org.models import Employee, Site
from lms.rollout.bound import lower_bound
from lms.rollout.holds import session_key
from lms.rollout.live import Settings, build_problem
from lms.rollout.models import DEFAULT_MAX_SIZE, DEFAULT_MIN_SIZE, RolloutPlan
from lms.rollout.problem import RolloutError, parse_problem
from lms.rollout.replan import bound_to_json
from lms.rollout.whatif import WhatIf, what_if

# a solve that has not reported for this long is taken to have died with its worker
STALE_SOLVE = timedelta(minutes=15)
REMOVED_REASON = "their session was removed from the plan; solve again to place them"


def get_plan(plan_id: int) -> RolloutPlan:
    """The rollout plan with this id, or NotFound."""
    plan = db.session.get(RolloutPlan, plan_id)
    if plan is None:
        raise NotFound(N_("No such rollout plan."))
    return plan


def settings_of(plan: RolloutPlan) -> Settings:
    """The problem-building settings a plan holds."""
    blocked = frozenset((r["room"], date.fromisoformat(d)) for r in plan.removed_keys for d in r["days"])
    return Settings(tuple(plan.sites), plan.window_start, plan.window_end, plan.min_size, plan.max_size,
                    frozenset(plan.excluded_ids), blocked)


def _check_settings(name: str, sites: list[Site], start: date, end: date, min_size: int, max_size: int,
                    start_time: time, end_time: time, today: date) -> None:
    problems = []
    if not name.strip():
        problems.append("Give the plan a name.")
    if not sites:
        problems.append("Choose at least one site.")
    if end < start:
        problems.append("The window must end on or after its first day.")
    if start <= today:
        problems.append("The window must start after today.")
    if not 1 <= min_size <= max_size:
        problems.append("The smallest session size must be at least 1 and no more than the largest.")
    if end_time <= start_time:
        problems.append("Sessions must end after they start.")
    if problems:
        raise ValidationFailed(problems[0], problems)


def refresh_bound(plan: RolloutPlan, today: date) -> None:
    """Build the problem from the organization as it is now and store it with its lower bound."""
    live = build_problem(settings_of(plan), today)
    doc = live.full()
    try:
        problem = parse_problem(doc)
    except RolloutError as exc:
        raise ValidationFailed(N_("The organization does not make a valid rollout problem."), exc.messages) from None
    plan.problem_doc = doc
    plan.bound = bound_to_json(lower_bound(problem))
    db.session.flush()


def create_plan(actor: Employee, *, name: str, sites: list[Site], window_start: date, window_end: date,
                today: date, min_size: int = DEFAULT_MIN_SIZE, max_size: int = DEFAULT_MAX_SIZE,
                start_time: time = time(9), end_time: time = time(17)) -> RolloutPlan:
    """A draft plan for the sites and window, with its problem built and its lower bound computed."""
    _check_settings(name, sites, window_start, window_end, min_size, max_size, start_time, end_time, today)
    plan = RolloutPlan(name=name.strip(), sites=list(sites), window_start=window_start, window_end=window_end,
                       min_size=min_size, max_size=max_size, start_time=start_time, end_time=end_time,
                       status="draft", created_by_id=actor.id, locked_keys=[], removed_keys=[], excluded_ids=[],
                       published_session_ids=[], notes=[])
    db.session.add(plan)
    db.session.flush()
    refresh_bound(plan, today)
    return plan


def start_solving(plan: RolloutPlan, now: datetime | None = None) -> int:
    """Mark the plan as solving (once: a conditional update) and return the run number the job must carry."""
    now = now or utcnow()
    was_published = plan.status == "published"
    may_start = RolloutPlan.status.in_(("draft", "solved", "failed", "published")) | (
        (RolloutPlan.status == "solving") & (RolloutPlan.solve_started_at < now - STALE_SOLVE))
    changed = db.session.execute(
        update(RolloutPlan).where(RolloutPlan.id == plan.id, may_start)
        .values(status="solving", solve_run=RolloutPlan.solve_run + 1, solve_started_at=now, progress=0,
                progress_note="Waiting for a worker", error="", updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise Conflict(N_("This plan is already being solved."))
    if was_published:
        # the published sessions are in the database now; locks and removals referred to the old plan
        db.session.execute(update(RolloutPlan).where(RolloutPlan.id == plan.id)
                           .values(locked_keys=[], removed_keys=[]).execution_options(synchronize_session=False))
    db.session.refresh(plan)
    return plan.solve_run


def _editable(plan: RolloutPlan) -> dict:
    if plan.status != "solved" or not plan.plan_doc:
        raise Conflict(N_("Only a solved plan that is not yet published can be changed."))
    return plan.plan_doc


def _session(doc: dict, key: str) -> dict:
    for s in doc["sessions"]:
        if session_key(s) == key:
            return s
    raise NotFound(N_("No such session in this plan."))


def set_locked(plan: RolloutPlan, key: str, locked: bool) -> None:
    """Lock a planned session (kept as it is when solving again) or unlock it."""
    _session(_editable(plan), key)
    keys = [k for k in plan.locked_keys if k != key]
    plan.locked_keys = keys + [key] if locked else keys
    db.session.flush()


def remove_session(plan: RolloutPlan, key: str) -> dict:
    """Drop a planned session: its people become unassigned and its room stays free on its days when solving again."""
    doc = _editable(plan)
    gone = _session(doc, key)
    sessions = [s for s in doc["sessions"] if session_key(s) != key]
    unassigned = doc["unassigned"] + [{"employee": a, "reason": REMOVED_REASON} for a in gone["attendees"]]
    stats = dict(doc.get("stats", {}), sessions=len(sessions), unassigned=len(unassigned),
                 assigned=sum(len(s["attendees"]) for s in sessions))
    plan.plan_doc = dict(doc, sessions=sessions, unassigned=unassigned, stats=stats)
    plan.locked_keys = [k for k in plan.locked_keys if k != key]
    plan.removed_keys = plan.removed_keys + [{"key": key, "room": gone["room"], "days": gone["days"]}]
    db.session.flush()
    return gone


def exclude_employees(plan: RolloutPlan, employee_nos: list[str], today: date | None = None) -> list[Employee]:
    """Leave people out of the plan (from now on, and from the current preview); refuses unknown ids.

    A draft's problem and bound are built again (given `today`) so that the bound counts without them.
    """
    if plan.status == "solving":
        raise Conflict(N_("Wait for the plan to be solved before changing who is in it."))
    wanted = list(dict.fromkeys(n.strip() for n in employee_nos if n.strip()))
    if not wanted:
        raise ValidationFailed(N_("List at least one employee id."))
    found = {e.employee_no: e for e in db.session.execute(
        select(Employee).where(Employee.employee_no.in_(wanted))).scalars()}
    unknown = [n for n in wanted if n not in found]
    if unknown:
        raise ValidationFailed(f"No employee has the id {unknown[0]}.", [f"No employee has the id {n}." for n in unknown])
    people = [found[n] for n in wanted]
    plan.excluded_ids = sorted(set(plan.excluded_ids) | {e.id for e in people})
    if plan.status == "solved" and plan.plan_doc:
        gone = set(wanted)
        doc = plan.plan_doc
        sessions = [dict(s, attendees=[a for a in s["attendees"] if a not in gone]) for s in doc["sessions"]]
        unassigned = [u for u in doc["unassigned"] if u["employee"] not in gone]
        stats = dict(doc.get("stats", {}), unassigned=len(unassigned), assigned=sum(len(s["attendees"]) for s in sessions))
        plan.plan_doc = dict(doc, sessions=[s for s in sessions if s["attendees"]], unassigned=unassigned, stats=stats)
    db.session.flush()
    if plan.status == "draft" and today is not None:
        refresh_bound(plan, today)
    return people


def include_employee(plan: RolloutPlan, employee_id: int, today: date | None = None) -> None:
    """Take someone off the excluded list; they are planned at the next solve (a draft's bound counts them again)."""
    if employee_id not in plan.excluded_ids:
        raise NotFound(N_("This person is not excluded from the plan."))
    plan.excluded_ids = [i for i in plan.excluded_ids if i != employee_id]
    db.session.flush()
    if plan.status == "draft" and today is not None:
        refresh_bound(plan, today)


def list_plans() -> list[RolloutPlan]:
    """Every rollout plan, newest first."""
    return list(db.session.execute(select(RolloutPlan).order_by(RolloutPlan.created_at.desc(), RolloutPlan.id.desc()))
                .scalars())


def what_if_for(sites: list[Site], start: date, finish_by: date, today: date, *, min_size: int = DEFAULT_MIN_SIZE,
                max_size: int = DEFAULT_MAX_SIZE, excluded_ids: frozenset[int] = frozenset(),
                time_limit: float = 10.0) -> WhatIf:
    """Rooms and trainers each site needs for its people to finish the workshop by `finish_by`."""
    if not sites:
        raise ValidationFailed(N_("Choose at least one site."))
    if not 1 <= min_size <= max_size:
        raise ValidationFailed(N_("The smallest session size must be at least 1 and no more than the largest."))
    live = build_problem(Settings(tuple(sites), start, finish_by, min_size, max_size, excluded_ids), today)
    try:
        return what_if(live.full(), time_limit)
    except RolloutError as exc:
        raise ValidationFailed(N_("The organization does not make a valid rollout problem."), exc.messages) from None
