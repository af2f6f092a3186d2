"""`lms init --demo`: the demo organization, seeded once, with every demo account."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.core.demo import DEMO_PASSWORD, DemoRefused, seed_demo
from lms.org.models import Department, Employee, Site

DEMO_ACCOUNTS = {
    "admin@demo.example": "/admin",
    "leader@demo.example": "/insights",
    "manager@demo.example": "/team",
    "trainer@demo.example": "/trainers/me",
    "lead.trainer@demo.example": "/trainers/cohorts",
    "learner@demo.example": "/my",
    "backoffice@demo.example": "/my",
}


def test_demo_organization_shape(demo_org):
    db = demo_org
    assert db.session.execute(select(func.count()).select_from(Site)).scalar_one() >= 3
    kinds = dict(db.session.execute(select(Department.kind, func.count()).group_by(Department.kind)).all())
    assert set(kinds) == {"front_line", "internal_provider", "leadership"}
    assert sum(kinds.values()) >= 10
    employees = db.session.execute(select(func.count()).select_from(Employee)).scalar_one()
    assert 140 <= employees <= 170
    without_manager = db.session.execute(select(func.count()).where(Employee.manager_id.is_(None))).scalar_one()
    assert without_manager == 1  # only the chief executive
    learner = db.session.execute(select(Employee).where(Employee.email == "learner@demo.example")).scalar_one()
    assert learner.department.kind == "front_line"
    assert learner.manager.email == "manager@demo.example"
    backoffice = db.session.execute(select(Employee).where(Employee.email == "backoffice@demo.example")).scalar_one()
    assert backoffice.department.kind == "internal_provider"


@pytest.mark.parametrize("email, home", DEMO_ACCOUNTS.items())
def test_every_demo_account_reaches_its_home(demo_org, app, email, home):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith(home)
    assert client.get(home).status_code == 200


def test_demo_seeds_once(demo_org):
    db = demo_org
    before = db.session.execute(select(func.count()).select_from(Employee)).scalar_one()
    assert seed_demo(db.session, "development") == []
    assert db.session.execute(select(func.count()).select_from(Employee)).scalar_one() == before


def test_demo_refused_in_production(db):
    with pytest.raises(DemoRefused):
        seed_demo(db.session, "production")


def test_init_command_is_repeatable(runner, db):
    first = runner.invoke(args=["lms", "init", "--demo"])
    assert first.exit_code == 0, first.output
    assert "Demo data seeded" in first.output
    second = runner.invoke(args=["lms", "init", "--demo"])
    assert second.exit_code == 0, second.output
    assert "Demo data already present." in second.output


def test_init_demo_refused_in_production(app, db, runner):
    app.config["LMS_ENV"] = "production"
    try:
        result = runner.invoke(args=["lms", "init", "--demo"])
    finally:
        app.config["LMS_ENV"] = "development"
    assert result.exit_code == 1
    assert "refused when LMS_ENV=production" in result.output
    assert db.session.execute(select(func.count()).select_from(Employee)).scalar_one() == 0
