"""When not everyone fits: reasons that name the binding resource, and remedies that work."""

from lms.rollout.diagnose import FLOOR, ROOMS, TRAINERS, diagnose
from lms.rollout.planner import plan_rollout
from tests.rollout.builders import base_doc, problem


def doc(employees: int, max_away: int = 40, capacity: int = 10):
    d = base_doc(employees, max_away=max_away, capacity=capacity)
    d["session"].update(min_size=2, max_size=10)
    d["window"]["end"] = "2027-01-15"  # 10 working days
    return d


def test_everyone_fits_needs_no_diagnosis():
    p = problem(doc(20))
    assert diagnose(p).fits
    assert plan_rollout(p).unassigned == []


def test_short_of_rooms_names_the_site_and_suggests_rooms():
    d = doc(80)  # one room of 10 seats, 5 sessions in 10 days: 50 places for 80 people
    d["trainers"] += [{"id": "T2", "sites": ["HQ"]}, {"id": "T3", "sites": ["HQ"]}]
    p = problem(d)
    plan = plan_rollout(p)
    assert len(plan.unassigned) == 30
    assert {u.reason for u in plan.unassigned} == {"no room at site HQ before 2027-01-15"}
    diag = diagnose(p)
    assert [s.resource for s in diag.shortfalls] == [ROOMS]
    assert diag.verified and diag.remedies[0] == "1 more room(s) of 10 seats at HQ"
    assert diag.window_until is not None and diag.window_until.isoformat() == "2027-01-25"


def test_short_of_trainers_names_the_site_and_suggests_trainers():
    d = doc(60)
    d["rooms"] += [{"id": "HQ-B", "site": "HQ", "capacity": 10}, {"id": "HQ-C", "site": "HQ", "capacity": 10}]
    d["trainers"][0]["max_days_per_week"] = 2  # one session a week
    p = problem(d)
    plan = plan_rollout(p)
    assert plan.unassigned and all(u.reason == "no trainer free at site HQ before 2027-01-15"
                                   for u in plan.unassigned)
    diag = diagnose(p)
    assert diag.shortfalls[0].resource == TRAINERS and diag.shortfalls[0].site == "HQ"
    assert diag.verified and diag.remedies[0].endswith("more trainer(s) at HQ")


def test_staffing_floor_of_a_department_binds():
    d = doc(12, max_away=1)  # 12 people one at a time: 24 working days, the window has 10
    d["session"]["min_size"] = 1
    p = problem(d)
    plan = plan_rollout(p)
    assert len(plan.unassigned) == 7
    assert all(u.reason.startswith("staffing floor of department ops") for u in plan.unassigned)
    diag = diagnose(p)
    assert diag.shortfalls[0].resource == FLOOR and diag.shortfalls[0].department == "ops"
    assert "max_away 3 for department ops" in diag.remedies


def test_no_room_and_no_trainer_at_a_site():
    d = doc(4)
    d["departments"].append({"id": "ramp", "site": "AIR", "kind": "front_line", "max_away": 5})
    d["employees"] += [{"id": f"A{i}", "department": "ramp"} for i in range(3)]
    p = problem(d)
    reasons = {u.employee: u.reason for u in plan_rollout(p).unassigned}
    assert reasons == {f"A{i}": "no room at site AIR" for i in range(3)}
    d["rooms"].append({"id": "AIR-1", "site": "AIR", "capacity": 10})
    reasons = {u.employee: u.reason for u in plan_rollout(problem(d)).unassigned}
    assert reasons == {f"A{i}": "no trainer may deliver at site AIR before 2027-01-15" for i in range(3)}


def test_someone_unavailable_all_window():
    d = doc(3)
    # with two-day sessions, being away every other day leaves no possible start
    d["employees"][0]["unavailable"] = [f"2027-01-{day:02d}" for day in (4, 6, 8, 12, 14)]
    plan = plan_rollout(problem(d))
    assert [u.employee for u in plan.unassigned] == ["E01"]
    assert plan.unassigned[0].reason.startswith("unavailable on every day a session could run")
    assert [s.attendees for s in plan.sessions] == [("E02", "E03")]
