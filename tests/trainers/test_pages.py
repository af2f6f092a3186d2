"""Pages: who sees what (404 for others' objects), the forms end to end, CSRF, and query counts."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms.core.roles import Role
from lms.trainers.certification import issue_certification, valid_certification
from lms.trainers.models import CohortMember

from tests.helpers import counting, csrf_token_from
from tests.trainers.conftest import PASSING, TODAY

ROLE_ROUTES = {
    "/trainers/me": tuple(Role),
    "/trainers/cohorts": (Role.LEAD_TRAINER,),
    "/trainers/cohorts/new": (Role.LEAD_TRAINER,),
    "/trainers/nominees": (Role.MANAGER,),
    "/trainers": (Role.TRAINER, Role.LEAD_TRAINER, Role.LEADER),
    "/trainers/pipeline": (Role.LEADER, Role.ADMIN),
    "/trainers/certified": (Role.LEAD_TRAINER, Role.ADMIN),
}


@pytest.mark.parametrize("role", tuple(Role))
@pytest.mark.parametrize("route", ROLE_ROUTES)
def test_role_by_route(client, make_employee, login, trainer_courses, role, route):
    login(make_employee(roles=(role,)))
    assert client.get(route).status_code == (200 if role in ROLE_ROUTES[route] else 403)


def test_lead_trainers_see_only_their_own_cohorts(client, login, world, make_employee):
    member = world.member_at("co_delivered")
    meeting = world.cohort.meetings[0]
    other_lead = make_employee(roles=(Role.LEAD_TRAINER,))
    urls = [f"/trainers/cohorts/{world.cohort.id}", f"/trainers/cohorts/{world.cohort.id}/edit",
            f"/trainers/cohorts/{world.cohort.id}/members/{member.id}",
            f"/trainers/cohorts/{world.cohort.id}/members/{member.id}/teach-back",
            f"/trainers/cohorts/{world.cohort.id}/meetings/{meeting.id}"]
    login(other_lead)
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/trainers/cohorts/{world.cohort.id}/members/{member.id}/decision",
                       data={"reason": "x", "accept": "Accept"}).status_code == 404
    assert world.cohort.name not in client.get("/trainers/cohorts").get_data(as_text=True)
    login(world.lead)
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert world.cohort.name in client.get("/trainers/cohorts").get_data(as_text=True)


def test_managers_see_only_their_own_nominees(client, login, world, make_employee):
    member = world.member_at("nominated")
    other_manager = make_employee(roles=(Role.MANAGER,))
    login(other_manager)
    assert client.get(f"/trainers/nominees/{member.id}").status_code == 404
    assert member.employee.full_name not in client.get("/trainers/nominees").get_data(as_text=True)
    login(world.manager)
    page = client.get(f"/trainers/nominees/{member.id}").get_data(as_text=True)
    assert member.employee.full_name in page and "nominated" in page


def test_trainers_see_only_their_own_record(client, login, world):
    member = world.member_at("accepted")
    login(world.trainer)
    assert client.post(f"/trainers/me/paths/{member.id}/withdraw", data={}).status_code == 404
    page = client.get("/trainers/me").get_data(as_text=True)
    assert member.employee.full_name not in page and "Certification expires in" in page
    assert member.state == "accepted"


def test_nominate_through_the_form_shows_missing_prerequisites(client, login, world):
    person = world.reports[0]
    login(world.manager)
    data = {"employee_id": person.id, "cohort_id": world.cohort.id, "reason": "Calm with upset guests."}
    refused = client.post("/trainers/nominees", data=data)
    assert refused.status_code == 422
    assert world.workshop.title in refused.get_data(as_text=True)
    world.complete_prerequisites(person)
    world.db.session.commit()
    response = client.post("/trainers/nominees", data=data)
    assert response.status_code == 302
    assert "nominated" in client.get("/trainers/nominees").get_data(as_text=True)


def test_lead_trainer_takes_a_member_from_acceptance_to_certification(client, login, world):
    member_id = world.member_at("nominated").id
    cohort_id = world.cohort.id
    login(world.lead)
    base = f"/trainers/cohorts/{cohort_id}"
    assert client.post(f"{base}/members/{member_id}/decision", data={"reason": "", "accept": "Accept"}).status_code == 422
    assert client.post(f"{base}/members/{member_id}/decision", data={"reason": "Welcome", "accept": "Accept"}).status_code == 302
    assert client.post(f"{base}/meetings", data={"title": "Day 1", "day": TODAY.isoformat(), "starts_at": "09:00",
                                                 "ends_at": "12:00", "place": "Room 2"}).status_code == 302
    meeting_id = world.cohort.meetings[0].id
    assert client.post(f"{base}/meetings/{meeting_id}", data={"present": [str(member_id)]}).status_code == 302
    # the teach-back form refuses a member who has not co-delivered, with the reason
    scores = {f"score_{k}": str(v) for k, v in PASSING.items()}
    refused = client.post(f"{base}/members/{member_id}/teach-back", data={**scores, "observed_on": TODAY.isoformat(),
                                                                            "second_observer_id": "0"})
    assert refused.status_code == 422 and "after co-delivering" in refused.get_data(as_text=True)
    login(world.trainer)
    employee = world.db.session.get(CohortMember, member_id).employee
    assert client.post("/trainers/me/co-deliveries", data={"colleague": employee.email, "delivered_on": TODAY.isoformat(),
                                                           "note": "Airport workshop"}).status_code == 302
    login(world.lead)
    form = client.get(f"{base}/members/{member_id}/teach-back").get_data(as_text=True)
    assert "<legend" in form and "Models the LAST conversation" in form
    missing = client.post(f"{base}/members/{member_id}/teach-back", data={"observed_on": TODAY.isoformat(),
                                                                          "second_observer_id": "0"})
    assert missing.status_code == 422 and "Score “Keeps time”." in missing.get_data(as_text=True)
    done = client.post(f"{base}/members/{member_id}/teach-back", data={**scores, "observed_on": TODAY.isoformat(),
                                                                         "second_observer_id": str(world.trainer.id),
                                                                         "comments": "Ready to deliver."})
    assert done.status_code == 302
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "is now a certified trainer" in page and 'role="status"' in page
    world.db.session.expire_all()
    member = world.db.session.get(CohortMember, member_id)
    assert member.state == "certified" and valid_certification(member.employee, world.workshop, TODAY)


def test_member_withdraws_from_their_own_page(client, login, world):
    member = world.member_at("in_training")
    login(member.employee)
    assert "Spring cohort" in client.get("/trainers/me").get_data(as_text=True)
    assert client.post(f"/trainers/me/paths/{member.id}/withdraw", data={"reason": "New job"}).status_code == 302
    world.db.session.expire_all()
    assert world.db.session.get(CohortMember, member.id).state == "withdrawn"


def test_trainer_near_expiry_sees_days_left_and_asks_to_renew(client, login, world, make_employee):
    person = make_employee(roles=(Role.TRAINER,), department=world.lead.department)
    issue_certification(person, world.workshop, TODAY - timedelta(days=700), certified_by=world.lead)
    world.db.session.commit()
    login(person)
    page = client.get("/trainers/me").get_data(as_text=True)
    today = date.today()  # the page's today, which is not the module's TODAY when the suite runs across midnight
    days = (valid_certification(person, world.workshop, today).expires_on - today).days
    assert f"Certification expires in {days} days" in page and "Ask for recertification" in page
    assert client.post("/trainers/me/recertification", data={"cohort_id": world.cohort.id}).status_code == 302
    member = world.db.session.execute(select(CohortMember).where(CohortMember.employee_id == person.id)).scalar_one()
    assert member.track == "recertification" and member.state == "nominated"


def test_revoke_and_promote_pages(client, login, world, make_employee):
    admin = make_employee(roles=(Role.ADMIN,))
    login(admin)
    assert client.post(f"/trainers/people/{world.trainer.id}/revoke", data={"reason": ""}).status_code == 422
    assert client.post(f"/trainers/people/{world.trainer.id}/revoke", data={"reason": "Left the programme"}).status_code == 302
    world.db.session.expire_all()
    assert valid_certification(world.trainer, world.workshop, TODAY) is None
    assert client.get(f"/trainers/people/{world.trainer.id}/revoke").status_code == 404
    response = client.post(f"/trainers/people/{world.reports[0].id}/promote", follow_redirects=True)
    assert "holds no valid certification" in response.get_data(as_text=True)


def test_state_changing_routes_refuse_a_request_without_csrf_token(app, client, login, world):
    member = world.member_at("nominated")
    login(world.lead)
    base = f"/trainers/cohorts/{world.cohort.id}"
    posts = [f"{base}/members/{member.id}/decision", f"{base}/members/{member.id}/withdraw", f"{base}/meetings",
             f"{base}/start", f"{base}/members/{member.id}/teach-back", "/trainers/cohorts/new",
             "/trainers/me/co-deliveries", "/trainers/me/recertification", f"/trainers/me/paths/{member.id}/withdraw",
             "/trainers/nominees", f"/trainers/people/{world.trainer.id}/promote",
             f"/trainers/people/{world.trainer.id}/revoke"]
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for url in posts:
            assert client.post(url, data={"reason": "x", "accept": "Accept"}).status_code == 400, url
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    world.db.session.expire_all()
    assert world.db.session.get(CohortMember, member.id).state == "nominated"
    html = client.get(f"{base}/members/{member.id}").get_data(as_text=True)
    assert csrf_token_from(html)


def test_leader_pipeline_queries_do_not_grow_with_the_organization(app, db, world, make_employee, login, client):
    leader = make_employee(roles=(Role.LEADER,))
    login(leader)

    def load():
        response = client.get("/trainers/pipeline")
        assert response.status_code == 200

    world.member_at("certified")
    with counting(db.engine) as small:
        load()
    for _ in range(3):
        world.member_at("certified")
    for i in range(6):
        person = make_employee(department=world.lead.department)
        issue_certification(person, world.workshop, TODAY - timedelta(days=10 * i), certified_by=world.trainer)
    db.session.commit()
    with counting(db.engine) as large:
        load()
    assert len(large) == len(small)
    page = client.get("/trainers/pipeline").get_data(as_text=True)
    assert "Trainers per 1,000" in page and "Tom Trainer" in page and "Lena Lead" in page
