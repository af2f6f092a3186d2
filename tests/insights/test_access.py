"""Who may open which insight page: role by route, and a manager kept to their own line (404 elsewhere)."""
from __future__ import annotations

import pytest

from lms.core.roles import Role

ALL = tuple(Role)
VIEWERS = (Role.LEADER, Role.MANAGER)

# route -> roles that may open it
ROUTES = {
    "/insights": VIEWERS,
    "/insights/export/courses.csv": VIEWERS,
    "/insights/export/by-site.xlsx": VIEWERS,
    "/insights/export/burn-up.csv": VIEWERS,
    "/insights/export/review-trend.csv": (Role.LEADER,),
    "/insights/reviews": (Role.LEADER,),
    "/insights/ideas": (Role.LEADER,),
    "/ideas": ALL,
    "/ideas/new": ALL,
    "/reviews": ALL,
    "/admin/service-dependencies": (Role.ADMIN,),
}


@pytest.mark.parametrize("role", ALL)
@pytest.mark.parametrize("route", ROUTES)
def test_role_by_route(client, make_employee, login, role, route):
    login(make_employee(roles=(role,)))
    status = client.get(route).status_code
    if role in ROUTES[route]:
        assert status == 200
    else:
        # A manager reaches the export view but not organization-wide review figures: 404, not 403.
        assert status in ((404,) if route.endswith("review-trend.csv") and role == Role.MANAGER else (403,))


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_is_sent_to_login(client, db, route):
    response = client.get(route)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_leader_lands_on_the_dashboard_and_it_is_in_the_navigation(client, small_org, login):
    response = login(small_org.people["boss"])
    assert response.headers["Location"].endswith("/insights")
    html = client.get("/insights").get_data(as_text=True)
    assert "Enterprise dashboard" in html and 'href="/insights"' in html


def drill_routes(org):
    d, s, p = org.departments, org.sites, org.people
    return {
        "site": f"/insights/sites/{s['A'].id}",
        "department": f"/insights/departments/{d['FL1'].id}",
        "team": f"/insights/departments/{d['FL1'].id}/teams/{p['m1'].id}",
        "person": f"/insights/people/{p['a2'].id}",
        "people export": f"/insights/export/people.csv?department={d['FL1'].id}",
        "team export": f"/insights/export/people.xlsx?department={d['FL1'].id}&team={p['m1'].id}",
    }


def foreign_routes(org):
    d, s, p = org.departments, org.sites, org.people
    return {
        "other site": f"/insights/sites/{s['B'].id}",
        "other department": f"/insights/departments/{d['IP1'].id}",
        "other team": f"/insights/departments/{d['IP1'].id}/teams/{p['m2'].id}",
        "own department, other team": f"/insights/departments/{d['FL1'].id}/teams/{p['boss'].id}",
        "other person": f"/insights/people/{p['p1'].id}",
        "themselves": f"/insights/people/{p['m1'].id}",
        "other export": f"/insights/export/people.csv?department={d['IP1'].id}",
        "other site export": f"/insights/export/by-department.csv?site={s['B'].id}",
        "other provider reviews": f"/insights/export/provider-reviews.csv?provider={d['IP1'].id}",
        "organization reviews": "/insights/export/reviews.csv",
    }


def test_manager_reaches_their_own_line(client, small_org, login):
    login(small_org.people["m1"])
    for name, route in drill_routes(small_org).items():
        assert client.get(route).status_code == 200, name


def test_manager_cannot_reach_another_team(client, small_org, login):
    login(small_org.people["m1"])
    for name, route in foreign_routes(small_org).items():
        assert client.get(route).status_code == 404, name


def test_manager_pages_show_only_their_people(client, small_org, login):
    login(small_org.people["m1"])
    html = client.get(f"/insights/departments/{small_org.departments['FL1'].id}").get_data(as_text=True)
    assert "only the people in your line" in html
    assert "Manager One" in html  # their team's row
    people = client.get(f"/insights/export/people.csv?department={small_org.departments['FL1'].id}").get_data(as_text=True)
    names = [line.split(",")[1] for line in people.strip().splitlines()[1:]]
    assert names == ["Agent a1", "Agent a2", "Agent a3"]  # not the manager themselves, nor anyone outside the line


def test_leader_reaches_everything(client, small_org, login):
    login(small_org.people["boss"])
    for name, route in {**drill_routes(small_org), **foreign_routes(small_org)}.items():
        assert client.get(route).status_code == 200, name


@pytest.mark.parametrize("route", ["/insights/sites/999999", "/insights/departments/999999",
                                   "/insights/departments/999999/teams/0", "/insights/people/999999",
                                   "/insights/export/nothing.csv", "/insights/export/courses.pdf",
                                   "/insights/export/courses.csv?department=999999",
                                   "/insights/export/courses.csv?team=1",
                                   "/insights/export/reviews.csv?period=not-a-date",
                                   "/insights/export/provider-reviews.csv"])
def test_missing_objects_are_404(client, small_org, login, route):
    login(small_org.people["boss"])
    assert client.get(route).status_code == 404
