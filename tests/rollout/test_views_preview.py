"""Preview figures of a solved live plan, a plan that does not fit, solving in the background, and an empty plan."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from lms.rollout import preview, services
from lms.rollout.holds import session_key
from lms.rollout.models import RolloutPlan
from tests.rollout.test_live import TODAY, org  # noqa: F401  (fixture)
from tests.rollout.test_live_solve import fast, solve  # noqa: F401  (fixture)
from tests.workshops.conftest import workshop  # noqa: F401  (fixture)


@pytest.fixture
def solved(db, org, fast):  # noqa: F811
    plan = services.create_plan(org.admin, name="Preview", sites=[org.hq, org.air], window_start=org.start,
                                window_end=org.end, today=TODAY, min_size=4, max_size=12)
    db.session.commit()
    return solve(plan)


def test_sessions_per_week_and_site_add_up(solved):
    sites, weeks = preview.weekly(solved.problem_doc, solved.plan_doc)
    assert [code for code, _ in sites] == ["AIR", "HQ"] and dict(sites)["HQ"] == "Head office"
    sessions = solved.plan_doc["sessions"]
    assert sum(w.total[0] for w in weeks) == len(sessions)
    assert sum(w.total[1] for w in weeks) == solved.plan_doc["stats"]["assigned"]
    for w in weeks:
        assert w.monday.weekday() == 0
        starting = [s for s in sessions if w.monday <= date.fromisoformat(s["days"][0]) < w.monday + timedelta(days=7)]
        assert w.cells == tuple((sum(1 for s in starting if s["site"] == site),
                                 sum(len(s["attendees"]) for s in starting if s["site"] == site)) for site, _ in sites)
    assert [w.monday for w in weeks] == sorted({w.monday for w in weeks})


def test_heat_map_counts_planned_and_already_booked_people_against_the_floor(solved, org):  # noqa: F811
    problem, plan = solved.problem_doc, solved.plan_doc
    department_of = {e["id"]: e["department"] for e in problem["employees"]}
    planned = Counter((department_of[a], date.fromisoformat(d)) for s in plan["sessions"] for d in s["days"]
                      for a in s["attendees"])
    days_shown = []
    start = None
    while True:
        heat = preview.heat_map(problem, plan, start)
        days_shown += heat.days
        for row in heat.rows:
            for cell in row.cells:
                assert cell.planned == planned[row.department, cell.day]
                assert cell.total <= cell.limit and cell.level != "over"
                assert cell.level == ("none" if not cell.total else "full" if cell.total == cell.limit else "some")
        if heat.following is None:
            break
        start = heat.following
    used = sorted({date.fromisoformat(d) for s in plan["sessions"] for d in s["days"]})
    assert days_shown[0] == used[0] and days_shown[-1] == used[-1] and len(set(days_shown)) == len(days_shown)
    # the session booked before the plan shows as people already away
    day1 = org.existing_session.day1
    if used[0] <= day1 <= used[-1]:
        ops = next(r for r in preview.heat_map(problem, plan, day1).rows if r.department == "OPS")
        assert ops.cells[0].day == day1 and ops.cells[0].already == 1 and ops.limit == 3


def test_finish_against_the_bound_and_the_session_pages(solved):
    figures = preview.finish(solved.problem_doc, solved.plan_doc, solved.bound)
    stats = solved.plan_doc["stats"]
    assert figures.finish.isoformat() == stats["finish"] and figures.finish_index == stats["finish_index"]
    assert figures.bound_index == solved.bound["value"] and figures.ratio >= 1
    assert (figures.assigned, figures.total, figures.coverage) == (22, 22, 1.0)
    page = preview.session_page(solved.problem_doc, solved.plan_doc, [], per_page=2)
    assert page.total == len(solved.plan_doc["sessions"]) and page.pages == -(-page.total // 2)
    first = page.sessions[0]
    assert first.key == session_key(solved.plan_doc["sessions"][0])
    assert first.room in ("Room A", "Hangar room") and first.site in ("Head office", "Airport")
    assert sum(n for _, n in first.departments) == len(first.attendees)
    only_air = preview.session_page(solved.problem_doc, solved.plan_doc, [], site="AIR")
    assert {s.site for s in only_air.sessions} == {"Airport"}


def test_a_window_too_short_shows_reasons_and_remedies(client, login, db, org, fast):  # noqa: F811
    plan = services.create_plan(org.admin, name="Too short", sites=[org.hq, org.air], window_start=org.start,
                                window_end=org.start + timedelta(days=4), today=TODAY, min_size=4, max_size=12)
    db.session.commit()
    solved = solve(plan)
    assert solved.plan_doc["unassigned"] and not solved.diagnosis["fits"]
    login(org.admin)
    html = client.get(f"/rollout/{plan.id}").get_data(as_text=True)
    assert f"Not placed ({len(solved.plan_doc['unassigned'])})" in html
    assert solved.plan_doc["unassigned"][0]["reason"] in html
    assert solved.diagnosis["lines"][0] in html
    assert "Why each person is not placed" in html


def test_solving_in_the_background_shows_progress_until_the_job_runs(client, login, db, org, fast, monkeypatch):  # noqa: F811
    from lms.rollout import views
    from lms.rollout.jobs import solve_plan_job

    queued = []
    monkeypatch.setattr(views, "queue_solve", lambda plan_id, run: queued.append((plan_id, run)))
    plan = services.create_plan(org.admin, name="Queued", sites=[org.hq], window_start=org.start,
                                window_end=org.end, today=TODAY, min_size=4, max_size=12)
    db.session.commit()
    login(org.admin)
    client.post(f"/rollout/{plan.id}/solve")
    assert queued == [(plan.id, 1)]
    html = client.get(f"/rollout/{plan.id}").get_data(as_text=True)
    assert 'id="solve-status" role="status"' in html and "Waiting for a worker" in html
    assert 'aria-valuenow="0"' in html and "Publish" not in html
    assert client.post(f"/rollout/{plan.id}/solve", follow_redirects=True).get_data(as_text=True).count(
        "already being solved") == 1
    solve_plan_job.call_local(*queued[0])  # what the consumer runs
    fragment = client.get(f"/rollout/{plan.id}/status")
    assert fragment.headers["HX-Refresh"] == "true"
    db.session.expire_all()
    assert db.session.get(RolloutPlan, plan.id).status == "solved"


def test_a_plan_with_nobody_left_solves_to_no_sessions(client, login, db, org, fast):  # noqa: F811
    people = [e for e in org.people.values() if e.department.site_id == org.air.id]
    plan = services.create_plan(org.admin, name="Nobody", sites=[org.air], window_start=org.start,
                                window_end=org.end, today=TODAY)
    services.exclude_employees(plan, [p.employee_no for p in people])
    db.session.commit()
    solved = solve(plan)
    assert solved.status == "solved" and solved.plan_doc["sessions"] == [] and solved.plan_doc["unassigned"] == []
    login(org.admin)
    html = client.get(f"/rollout/{plan.id}").get_data(as_text=True)
    assert "0 of 0" in html and "The plan has no sessions." in html and "Everyone is placed." in html
    assert "book everyone" not in html  # nothing to publish


def test_excluding_and_including_in_a_draft_recount_the_bound(client, login, db, org):  # noqa: F811
    plan = services.create_plan(org.admin, name="Draft", sites=[org.hq, org.air], window_start=org.start,
                                window_end=org.end, today=TODAY, min_size=4, max_size=12)
    db.session.commit()
    login(org.admin)
    person = org.people["ops-0"]
    html = client.post(f"/rollout/{plan.id}/exclude", data={"employee_nos": person.employee_no},
                       follow_redirects=True).get_data(as_text=True)
    assert "21</strong> people to plan" in html and person.full_name in html
    html = client.post(f"/rollout/{plan.id}/include/{person.id}", follow_redirects=True).get_data(as_text=True)
    assert "22</strong> people to plan" in html and "Nobody is left out." in html
