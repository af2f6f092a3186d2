"""Solving a live plan through the job: progress, runs, failures; lock, remove and exclude, then solve again."""
from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from lms.core.errors import Conflict
from lms.extensions import db as _db
from lms.rollout import replan, services, solving
from lms.rollout.checker import check_plan
from lms.rollout.holds import Holds, apply_holds, session_key
from lms.rollout.jobs import queue_solve
from lms.rollout.models import RolloutPlan
from lms.rollout.plan import parse_plan
from lms.rollout.problem import parse_problem
from lms.workshops.models import RoomClosure
from tests.rollout.builders import base_doc
from tests.rollout.test_live import TODAY, org  # noqa: F401  (fixture)
from tests.workshops.conftest import workshop  # noqa: F401  (fixture)


@pytest.fixture
def fast(app, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_ROLLOUT_SECONDS", 2)
    monkeypatch.setitem(app.config, "LMS_ROLLOUT_DIAGNOSIS_SECONDS", 2)


@pytest.fixture
def plan(db, org, fast):  # noqa: F811
    made = services.create_plan(org.admin, name="Live", sites=[org.hq, org.air], window_start=org.start,
                                window_end=org.end, today=TODAY, min_size=4, max_size=12)
    db.session.commit()
    return made


def solve(plan: RolloutPlan) -> RolloutPlan:
    """Start solving and run the job as the view does (jobs are immediate in tests)."""
    run = services.start_solving(plan)
    _db.session.commit()
    queue_solve(plan.id, run)
    _db.session.expire_all()
    return _db.session.get(RolloutPlan, plan.id)


def valid(plan: RolloutPlan) -> list[str]:
    return check_plan(parse_problem(plan.problem_doc), parse_plan(plan.plan_doc))


def by_key(plan: RolloutPlan) -> dict[str, dict]:
    return {session_key(s): s for s in plan.plan_doc["sessions"]}


def test_solving_through_the_job_stores_a_valid_plan_for_everyone(plan):
    solved = solve(plan)
    assert (solved.status, solved.progress, solved.progress_note, solved.error) == ("solved", 100, "Solved", "")
    assert solved.solve_run == 1 and solved.solved_at is not None
    assert valid(solved) == []
    stats = solved.plan_doc["stats"]
    assert (stats["assigned"], stats["unassigned"]) == (22, 0)
    assert stats["finish_index"] >= solved.bound["value"] == stats["lower_bound_index"]
    assert solved.diagnosis["fits"] and solved.diagnosis["lines"] == ["everyone fits in the window"]
    assert 0 < solved.mixing["mean_largest_share"] <= 1
    # sessions happen at the site of everyone in them, in rooms and with trainers of that site
    rooms = {r["id"]: r["site"] for r in solved.problem_doc["rooms"]}
    for s in solved.plan_doc["sessions"]:
        assert rooms[s["room"]] == s["site"]


def test_the_job_writes_progress_while_the_planner_runs(plan, monkeypatch):
    writes: list[dict] = []
    seen_progress = threading.Event()
    real_write, real_solve = solving._write, replan.solve_with_locks

    def recording_write(plan_id, run, **values):
        writes.append(values)
        if values.get("progress_note") == solving.STAGES[replan.SEARCH][2]:
            seen_progress.set()
        return real_write(plan_id, run, **values)

    def slow_until_reported(*args, stage, **kwargs):
        stage(replan.SEARCH)
        assert seen_progress.wait(30), "no progress was written while searching"
        return real_solve(*args, stage=stage, **kwargs)

    monkeypatch.setattr(solving, "_write", recording_write)
    monkeypatch.setattr(solving, "POLL_SECONDS", 0.05)
    monkeypatch.setattr(replan, "solve_with_locks", slow_until_reported)
    solved = solve(plan)
    assert solved.status == "solved"
    notes = [w.get("progress_note") for w in writes]
    assert notes[0] == "Reading the organization" and notes[-1] == "Solved"
    searching = [w["progress"] for w in writes if w.get("progress_note") == "Searching for the earliest finish"]
    assert searching and all(10 <= p <= 60 for p in searching)


def test_one_solve_at_a_time_and_an_old_run_writes_nothing(plan, db):
    run = services.start_solving(plan)
    db.session.commit()
    with pytest.raises(Conflict, match="already being solved"):
        services.start_solving(plan)
    db.session.rollback()
    # a worker that died long ago: the plan may be solved again, and the old run is ignored
    db.session.execute(update(RolloutPlan).where(RolloutPlan.id == plan.id)
                       .values(solve_started_at=services.utcnow() - timedelta(hours=1)))
    db.session.commit()
    newer = services.start_solving(plan)
    db.session.commit()
    assert newer == run + 1
    solving.solve_plan(plan.id, run)
    db.session.expire_all()
    assert db.session.get(RolloutPlan, plan.id).status == "solving"
    solving.solve_plan(plan.id, newer)
    db.session.expire_all()
    assert db.session.get(RolloutPlan, plan.id).status == "solved"


def test_a_solve_that_cannot_run_fails_with_the_reason(plan, db):
    db.session.execute(update(RolloutPlan).where(RolloutPlan.id == plan.id)
                       .values(window_start=TODAY - timedelta(days=9), window_end=TODAY))
    db.session.commit()
    failed = solve(plan)
    assert failed.status == "failed"
    assert "earliest day a session can start" in failed.error


def test_locked_sessions_are_kept_and_the_rest_is_planned_around_them(plan, org, db):  # noqa: F811
    first = solve(plan)
    sessions = first.plan_doc["sessions"]
    assert len(sessions) >= 4
    keep = [session_key(sessions[0]), session_key(sessions[-1])]
    for key in keep:
        services.set_locked(first, key, True)
    gone = services.remove_session(first, session_key(sessions[1]))
    locked_people = {a for s in sessions if session_key(s) in keep for a in s["attendees"]}
    outsider = next(a for a in sessions[2]["attendees"] if a not in locked_people)
    services.exclude_employees(first, [outsider])
    db.session.commit()
    assert outsider not in {a for s in first.plan_doc["sessions"] for a in s["attendees"]}
    assert {u["employee"] for u in first.plan_doc["unassigned"]} == set(gone["attendees"])

    again = solve(first)
    assert again.status == "solved" and valid(again) == []
    kept = by_key(again)
    before = {session_key(s): s for s in sessions}
    for key in keep:
        for part in ("site", "room", "days", "trainers", "attendees"):
            assert kept[key][part] == before[key][part]
    assert again.locked_keys == keep
    # the removed session's room stays free on its days, and the excluded person is nowhere
    used = {(s["room"], d) for s in again.plan_doc["sessions"] for d in s["days"]}
    assert not {(gone["room"], d) for d in gone["days"]} & used
    everyone = {a for s in again.plan_doc["sessions"] for a in s["attendees"]} | {
        u["employee"] for u in again.plan_doc["unassigned"]}
    assert outsider not in everyone
    assert everyone == {e["id"] for e in again.problem_doc["employees"]}
    assert again.plan_doc["stats"]["locked"] == 2 and again.plan_doc["stats"]["unassigned"] == 0


def test_excluding_someone_from_a_locked_session_keeps_the_rest_of_it(plan, db):
    first = solve(plan)
    session = max(first.plan_doc["sessions"], key=lambda s: len(s["attendees"]))
    key = session_key(session)
    services.set_locked(first, key, True)
    services.exclude_employees(first, [session["attendees"][0]])
    db.session.commit()
    again = solve(first)
    assert valid(again) == []
    assert by_key(again)[key]["attendees"] == session["attendees"][1:]


def test_a_locked_session_that_no_longer_holds_is_dropped_with_a_note(plan, org, db):  # noqa: F811
    first = solve(plan)
    session = first.plan_doc["sessions"][0]
    key = session_key(session)
    services.set_locked(first, key, True)
    room = next(r for r in (org.room_a, org.room_air) if f"R{r.id}" == session["room"])
    room.closures = list(room.closures) + [RoomClosure(day=date.fromisoformat(session["days"][0]), reason="Flood")]
    db.session.commit()
    again = solve(first)
    assert again.status == "solved" and valid(again) == []
    assert key not in by_key(again)
    assert len(again.notes) == 1 and "no longer holds" in again.notes[0] and room.name in again.notes[0]


def test_editing_needs_a_solved_plan(plan, db):
    with pytest.raises(Conflict):
        services.set_locked(plan, "R1@2030-01-01", True)
    solved = solve(plan)
    from lms.core.errors import NotFound

    with pytest.raises(NotFound):
        services.remove_session(solved, "R999@2030-01-01")


# --------------------------------------------------------------------------- held days (pure)


def test_held_trainer_days_count_against_the_weekly_cap():
    doc = base_doc(4)
    doc["trainers"][0]["max_days_per_week"] = 3
    held = Holds(trainer_days={("T1", date(2027, 1, 4)), ("T1", date(2027, 1, 5))})
    out = apply_holds(doc, held)
    # Monday and Tuesday are held; the cap of 3 leaves one more day that week (Wednesday), none after it
    assert out["trainers"][0]["unavailable"] == ["2027-01-04", "2027-01-05", "2027-01-07", "2027-01-08"]
    assert doc["trainers"][0].get("unavailable") is None  # the input is not changed


def test_held_department_days_keep_the_first_people_available():
    doc = base_doc(5, max_away=3)
    held = Holds(away={("ops", date(2027, 1, 4)): 1, ("ops", date(2027, 1, 5)): 3})
    out = apply_holds(doc, held, first=["E05"])
    free_monday = [e["id"] for e in out["employees"] if "2027-01-04" not in e.get("unavailable", [])]
    free_tuesday = [e["id"] for e in out["employees"] if "2027-01-05" not in e.get("unavailable", [])]
    assert free_monday == ["E01", "E05"]  # two places left; E05 comes first
    assert free_tuesday == []
