"""Each role reaches its own home page and navigation, and nothing else."""
from __future__ import annotations

import pytest

from lms.core.roles import Role

ALL = tuple(Role)

# route -> roles that may open it (learner alone means everyone)
ROUTES = {
    "/my": ALL,
    "/account/password": ALL,
    "/team": (Role.MANAGER,),
    "/organization": (Role.LEADER,),
    "/trainers": (Role.TRAINER, Role.LEAD_TRAINER, Role.LEADER),
    "/admin": (Role.ADMIN,),
    "/admin/employees": (Role.ADMIN,),
    "/admin/departments": (Role.ADMIN,),
    "/admin/roster": (Role.ADMIN,),
    "/admin/roster/export.csv": (Role.ADMIN,),
}

HOMES = {
    Role.LEARNER: "/my",
    Role.MANAGER: "/team",
    Role.TRAINER: "/trainers/me",
    Role.LEAD_TRAINER: "/trainers/cohorts",
    Role.LEADER: "/insights",
    Role.ADMIN: "/admin",
}


@pytest.mark.parametrize("role", ALL)
@pytest.mark.parametrize("route", ROUTES)
def test_role_by_route(client, make_employee, login, role, route):
    login(make_employee(roles=(role,)))
    expected = 200 if role in ROUTES[route] else 403
    assert client.get(route).status_code == expected


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_is_sent_to_login(client, db, route):
    response = client.get(route)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role, home", HOMES.items())
def test_each_role_lands_on_its_home(client, make_employee, login, role, home):
    response = login(make_employee(roles=(role,)))
    assert response.headers["Location"].endswith(home)
    assert client.get("/").headers["Location"].endswith(home)


def test_navigation_shows_only_what_the_role_may_use(client, make_employee, login):
    login(make_employee(roles=()))
    html = client.get("/my").get_data(as_text=True)
    assert "My learning" in html and "Log out" in html
    for label in ("Administration", "My team", "Organization", "Roster import"):
        assert label not in html


def test_combined_roles_see_combined_navigation(client, make_employee, login):
    login(make_employee(roles=(Role.MANAGER, Role.TRAINER)))
    html = client.get("/my").get_data(as_text=True)
    assert "My team" in html and "Trainer pool" in html and "My learning" in html
    assert "Administration" not in html


@pytest.mark.parametrize("route", ["/admin/employees/999999", "/admin/departments/999999", "/admin/roster/999999", "/no-such-page"])
def test_missing_objects_get_a_clear_404(client, make_employee, login, route):
    login(make_employee(roles=(Role.ADMIN,)))
    response = client.get(route)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_many_entries_are_grouped_into_menus_few_stay_flat(client, make_employee, login):
    from lms.core.navigation import menus_for

    learner = make_employee(roles=())
    assert all(menu is None for menu, _ in menus_for(learner)), "a learner's few entries stay plain links"
    busy = make_employee(roles=(Role.ADMIN, Role.LEADER, Role.MANAGER))
    menus = dict(menus_for(busy))
    assert {"Lead", "Admin", "My team"} <= set(menus)
    assert "Rollout plans" in [i.label for i in menus["Lead"]]
    login(busy)
    html = client.get("/my").get_data(as_text=True)
    assert 'data-bs-toggle="dropdown"' in html and ">Admin</button>" in html
