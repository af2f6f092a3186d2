"""Rollout pages: access by role and route, the plan from creation to preview, edits, status fragment, CSRF."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.core.roles import Role
from lms.rollout.models import RolloutPlan
from lms.rollout.services import create_plan
from tests.rollout.test_live import TODAY, org  # noqa: F401  (fixture)
from tests.workshops.conftest import workshop  # noqa: F401  (fixture)

ALL = tuple(Role)
ALLOWED = (Role.LEADER, Role.ADMIN)


@pytest.fixture
def fast(app, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_ROLLOUT_SECONDS", 2)
    monkeypatch.setitem(app.config, "LMS_ROLLOUT_DIAGNOSIS_SECONDS", 2)
    monkeypatch.setitem(app.config, "LMS_ROLLOUT_WHATIF_SECONDS", 4)


@pytest.fixture
def plan(db, org, fast):  # noqa: F811
    made = create_plan(org.admin, name="Spring rollout", sites=[org.hq, org.air], window_start=org.start,
                       window_end=org.end, today=TODAY, min_size=4, max_size=12)
    db.session.commit()
    return made


def _get_routes(plan_id: int) -> list[str]:
    return ["/rollout", "/rollout/new", f"/rollout/{plan_id}", f"/rollout/{plan_id}/status", "/rollout/what-if",
            f"/rollout/{plan_id}/problem.json"]


def _post_routes(plan_id: int) -> list[str]:
    return [f"/rollout/{plan_id}/solve", f"/rollout/{plan_id}/publish", f"/rollout/{plan_id}/exclude",
            f"/rollout/{plan_id}/include/1", f"/rollout/{plan_id}/sessions/R1@2030-01-07/lock",
            f"/rollout/{plan_id}/sessions/R1@2030-01-07/unlock", f"/rollout/{plan_id}/sessions/R1@2030-01-07/remove",
            "/rollout/new", "/rollout/what-if"]


@pytest.mark.parametrize("role", ALL)
def test_role_by_route(client, make_employee, login, plan, role):
    login(make_employee(roles=(role,)))
    for route in _get_routes(plan.id):
        expected = 200 if role in ALLOWED else 403
        assert client.get(route).status_code == expected, route
    if role not in ALLOWED:
        for route in _post_routes(plan.id):
            assert client.post(route).status_code == 403, route


def test_anonymous_is_sent_to_login(client, plan):
    for route in _get_routes(plan.id) + _post_routes(plan.id):
        response = client.post(route) if route in _post_routes(plan.id) else client.get(route)
        assert response.status_code == 302 and "/login" in response.headers["Location"], route


def test_a_missing_plan_is_404(client, make_employee, login, db):
    login(make_employee(roles=(Role.LEADER,)))
    assert client.get("/rollout/999999").status_code == 404
    assert client.post("/rollout/999999/solve").status_code == 404


def test_navigation_shows_rollout_plans_to_leaders_only(client, make_employee, login, db):
    login(make_employee(roles=(Role.LEADER,)))
    assert "Rollout plans" in client.get("/rollout").get_data(as_text=True)
    client.post("/logout")
    login(make_employee(roles=(Role.MANAGER,)))
    assert "Rollout plans" not in client.get("/team").get_data(as_text=True)


def test_leader_creates_a_plan_and_sees_the_bound_before_solving(client, login, org, fast):  # noqa: F811
    login(org.admin)
    page = client.get("/rollout/new").get_data(as_text=True)
    assert 'name="site_ids"' in page and "First day" in page
    response = client.post("/rollout/new", data={
        "name": "Everyone by Easter", "site_ids": [org.hq.id, org.air.id], "window_start": org.start.isoformat(),
        "window_end": org.end.isoformat(), "min_size": 4, "max_size": 12, "start_time": "08:30", "end_time": "16:30"})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Everyone by Easter" in html and "Draft" in html
    assert "22</strong> people to plan" in html
    assert "No plan can finish before working day" in html and "the binding term is" in html
    assert "everyone can fit" in html
    assert ">Solve</button>" in html


def test_new_plan_form_refuses_bad_input(client, login, org):  # noqa: F811
    login(org.admin)
    response = client.post("/rollout/new", data={"name": "", "window_start": org.end.isoformat(),
                                                 "window_end": org.start.isoformat(), "min_size": 9, "max_size": 3,
                                                 "start_time": "09:00", "end_time": "17:00"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose at least one site." in html
    assert "The last day cannot be before the first." in html
    assert "The largest session cannot be smaller than the smallest." in html


def test_solve_then_preview_shows_every_figure(client, login, org, plan, db):  # noqa: F811
    login(org.admin)
    response = client.post(f"/rollout/{plan.id}/solve")
    assert response.status_code == 302
    html = client.get(f"/rollout/{plan.id}").get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(RolloutPlan, plan.id)
    assert stored.status == "solved"
    stats = stored.plan_doc["stats"]
    assert f"{stats['assigned']} of 22" in html
    assert "Sessions per week and site" in html and "Sessions started each week" in html
    assert "People away per department and day" in html and 'scope="row"' in html
    assert f"working day {stats['finish_index']}" in html
    assert "finish / bound" in html
    assert "Mixing" in html
    assert "Lock<span" in html and "Remove<span" in html
    assert re.search(r"Publish \d+ sessions and book everyone", html)
    first = stored.plan_doc["sessions"][0]
    assert first["id"] in html


def test_status_fragment_polls_while_solving_and_refreshes_when_done(client, login, org, plan, db):  # noqa: F811
    login(org.admin)
    plan.status = "solving"
    plan.progress, plan.progress_note = 40, "Searching for the earliest finish"
    db.session.commit()
    fragment = client.get(f"/rollout/{plan.id}/status")
    html = fragment.get_data(as_text=True)
    assert 'role="status"' in html and "hx-trigger=\"every 2s\"" in html and 'aria-valuenow="40"' in html
    assert "HX-Refresh" not in fragment.headers
    page = client.get(f"/rollout/{plan.id}").get_data(as_text=True)
    assert "htmx.min.js" in page and 'http-equiv="refresh"' in page
    plan.status = "solved"
    db.session.commit()
    assert client.get(f"/rollout/{plan.id}/status").headers["HX-Refresh"] == "true"


def test_lock_remove_and_exclude_from_the_page(client, login, org, plan, db):  # noqa: F811
    login(org.admin)
    client.post(f"/rollout/{plan.id}/solve")
    db.session.expire_all()
    doc = db.session.get(RolloutPlan, plan.id).plan_doc
    first, second = doc["sessions"][0], doc["sessions"][1]
    key1 = f"{first['room']}@{first['days'][0]}"
    key2 = f"{second['room']}@{second['days'][0]}"
    response = client.post(f"/rollout/{plan.id}/sessions/{key1}/lock", follow_redirects=True)
    assert "Session locked" in response.get_data(as_text=True) and "Unlock<span" in response.get_data(as_text=True)
    html = client.post(f"/rollout/{plan.id}/sessions/{key2}/remove", follow_redirects=True).get_data(as_text=True)
    assert "Session removed" in html and "their session was removed from the plan" in html
    person = first["attendees"][0]
    html = client.post(f"/rollout/{plan.id}/exclude", data={"employee_nos": person}, follow_redirects=True).get_data(as_text=True)
    assert "Left out of the plan" in html and "Plan again<span" in html
    db.session.expire_all()
    stored = db.session.get(RolloutPlan, plan.id)
    assert stored.locked_keys == [key1]
    assert [r["key"] for r in stored.removed_keys] == [key2]
    assert person not in {a for s in stored.plan_doc["sessions"] for a in s["attendees"]}
    html = client.post(f"/rollout/{plan.id}/exclude", data={"employee_nos": "NOBODY-1"}, follow_redirects=True).get_data(as_text=True)
    assert "No employee has the id NOBODY-1." in html


def test_what_if_page_answers_per_site(client, login, org, plan):  # noqa: F811
    login(org.admin)
    form = client.get(f"/rollout/what-if?plan={plan.id}").get_data(as_text=True)
    assert "Finish by" in form and org.end.isoformat() in form
    response = client.post(f"/rollout/what-if?plan={plan.id}", data={
        "site_ids": [org.hq.id, org.air.id], "start": org.start.isoformat(),
        "finish_by": (org.start + timedelta(days=11)).isoformat(), "min_size": 4, "max_size": 12})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Per site: what it has, what it needs, and the shortfall" in html
    assert "Head office" in html and "Airport" in html
    assert "Have" in html and "Need" in html and "Short" in html


def test_downloads_are_the_stored_documents(client, login, org, plan):  # noqa: F811
    login(org.admin)
    response = client.get(f"/rollout/{plan.id}/problem.json")
    assert response.mimetype == "application/json"
    assert response.get_json()["format"] == "lms.rollout-problem/1"
    assert client.get(f"/rollout/{plan.id}/plan.json").status_code == 404  # not solved yet


def test_every_post_needs_a_csrf_token(app, client, login, org, plan, monkeypatch):  # noqa: F811
    login(org.admin)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    for route in _post_routes(plan.id):
        assert client.post(route, data={}).status_code == 400, route


def test_plans_list_links_each_plan(client, login, org, plan, db):  # noqa: F811
    login(org.admin)
    html = client.get("/rollout").get_data(as_text=True)
    assert f'href="/rollout/{plan.id}"' in html and "Spring rollout" in html
    assert db.session.execute(select(RolloutPlan)).scalars().all() == [plan]
