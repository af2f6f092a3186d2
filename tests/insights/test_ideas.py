"""Service ideas: submission, the manager's moves, who may see and decide, the figures and the pages."""
from __future__ import annotations

from datetime import date

import pytest

from lms.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lms.extensions import db
from lms.insights import ideas, queries
from lms.insights.models import ServiceIdea
from lms.insights.scope import Scope

from .conftest import TODAY


def submit(person, title="Idea", **kw):
    fields = {"description": "Do it better.", "beneficiary": "external", **kw}
    idea = ideas.submit_idea(person, title=title, **fields)
    db.session.commit()
    return idea


def test_the_manager_moves_an_idea_to_implemented(small_org):
    a1, m1 = small_org.people["a1"], small_org.people["m1"]
    idea = submit(a1, beneficiary="internal", beneficiary_department_id=small_org.departments["IP1"].id)
    assert (idea.status, idea.department_id, idea.beneficiary_label) == ("submitted", a1.department_id, "Provider one")
    ideas.accept_idea(m1, idea)
    assert idea.status == "accepted" and idea.accepted_at is not None
    ideas.implement_idea(m1, idea, implemented_on=date(2027, 3, 5), outcome="Faster refunds.", today=TODAY)
    db.session.commit()
    assert (idea.status, idea.implemented_on, idea.outcome, idea.decided_by_id) == (
        "implemented", date(2027, 3, 5), "Faster refunds.", m1.id)


def test_only_the_authors_manager_decides(small_org):
    people = small_org.people
    idea = submit(people["a1"])
    for actor in ("a1", "m2", "boss", "a2"):
        with pytest.raises(PermissionDenied):
            ideas.accept_idea(people[actor], idea)
    boss_idea = submit(people["boss"])  # no manager: the leaders decide
    assert not ideas.may_decide(people["boss"], boss_idea)
    assert ideas.may_decide(people["boss"], submit(people["m1"]))


def test_moves_follow_the_states(small_org):
    m1 = small_org.people["m1"]
    idea = submit(small_org.people["a1"])
    with pytest.raises(Conflict):
        ideas.implement_idea(m1, idea, implemented_on=TODAY, outcome="x", today=TODAY)
    with pytest.raises(ValidationFailed):
        ideas.decline_idea(m1, idea, reason="  ")
    ideas.decline_idea(m1, idea, reason="Already running.")
    db.session.commit()
    with pytest.raises(Conflict):
        ideas.accept_idea(m1, idea)
    other = submit(small_org.people["a2"])
    ideas.accept_idea(m1, other)
    with pytest.raises(ValidationFailed) as refused:
        ideas.implement_idea(m1, other, implemented_on=date(2027, 3, 11), outcome="", today=TODAY)
    assert len(refused.value.problems) == 2  # a future day and no outcome


def test_submission_is_checked(small_org):
    with pytest.raises(ValidationFailed) as refused:
        ideas.submit_idea(small_org.people["a1"], title=" ", description="", beneficiary="internal")
    assert len(refused.value.problems) == 3


def test_who_sees_an_idea(small_org):
    people = small_org.people
    idea = submit(people["a1"])
    for person in ("a1", "m1", "boss"):
        assert ideas.visible_idea(people[person], idea.id) == idea
    for person in ("a2", "m2", "p1"):
        with pytest.raises(NotFound):
            ideas.visible_idea(people[person], idea.id)


def implemented(person, department, day, status="implemented"):
    db.session.add(ServiceIdea(author_id=person.id, department_id=department.id, title="i", description="d",
                               beneficiary="external", status=status,
                               implemented_on=day if status == "implemented" else None,
                               declined_reason="no" if status == "declined" else ""))


def test_idea_figures(small_org):
    p, d = small_org.people, small_org.departments
    implemented(p["a1"], d["FL1"], date(2027, 2, 3))
    implemented(p["a1"], d["FL1"], None, "submitted")
    implemented(p["a2"], d["FL1"], date(2027, 3, 1))
    implemented(p["p1"], d["IP1"], date(2027, 1, 31))
    implemented(p["b1"], d["FL2"], None, "declined")
    implemented(p["p2"], d["IP1"], date(2026, 12, 31))  # before the months shown
    db.session.commit()
    months = queries.months_back(TODAY, 3)
    assert months == [date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)]
    rows = queries.implemented_by_department(Scope(), months)
    assert [(r.department, [r.counts[m] for m in months], r.total) for r in rows] == [
        ("Front one", [0, 1, 1], 2), ("Provider one", [1, 0, 0], 1)]
    assert queries.implemented_per_month(rows, months) == [(months[0], 1), (months[1], 1), (months[2], 1)]
    assert queries.ideas_by_status(Scope()) == {"submitted": 1, "accepted": 0, "implemented": 4, "declined": 1}
    # a1 alone completed the workshop: 2 ideas, 1 implemented; the 8 others: 4 ideas, 3 implemented.
    done, not_yet = queries.workshop_comparison(Scope())
    assert (done.people, done.submitted, done.implemented, done.implemented_per_100) == (1, 2, 1, 100.0)
    assert (not_yet.people, not_yet.submitted, not_yet.implemented, not_yet.implemented_per_100) == (8, 4, 3, 37.5)
    line = Scope(line_of=p["m1"].id)
    assert [r.department for r in queries.implemented_by_department(line, months)] == ["Front one"]
    assert queries.ideas_by_status(line)["implemented"] == 2


def test_idea_pages(client, small_org, login):
    people = small_org.people
    login(people["a1"])
    response = client.post("/ideas/new", data={"title": "Text the refund", "description": "Tell them when.",
                                               "beneficiary": "external", "beneficiary_department_id": "0"})
    assert response.status_code == 302
    idea_url = response.headers["Location"]
    assert "Text the refund" in client.get("/ideas").get_data(as_text=True)
    assert client.post("/ideas/new", data={"title": "", "description": "", "beneficiary": "internal",
                                           "beneficiary_department_id": "0"}).status_code == 422
    assert client.post(f"{idea_url}/accept").status_code == 403  # the author cannot decide
    client.post("/logout")

    login(people["m2"])
    assert client.get(idea_url).status_code == 404
    client.post("/logout")

    login(people["m1"])
    assert "Text the refund" in client.get("/ideas").get_data(as_text=True)  # to decide
    assert client.post(f"{idea_url}/accept").status_code == 302
    assert client.post(f"{idea_url}/implement", data={"implemented_on": "", "outcome": ""}).status_code == 422
    assert client.post(f"{idea_url}/implement", data={"implemented_on": date.today().isoformat(),
                                                      "outcome": "Fewer calls."}).status_code == 302
    page = client.get(idea_url).get_data(as_text=True)
    assert "implemented" in page and "Fewer calls." in page


def test_csrf_guards_every_idea_and_review_form(app, client, small_org, login):
    login(small_org.people["m1"])
    idea = submit(small_org.people["a1"])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for url in ("/ideas/new", f"/ideas/{idea.id}/accept", f"/ideas/{idea.id}/implement",
                    f"/ideas/{idea.id}/decline", f"/reviews/providers/{small_org.departments['IP1'].id}"):
            assert client.post(url, data={"title": "x", "description": "y", "beneficiary": "external",
                                          "reason": "r", "how_served": "a", "next_month": "b"}).status_code == 400, url
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.get(ServiceIdea, idea.id).status == "submitted"


def test_the_dashboard_lists_the_leading_departments_and_sums_the_others():
    months = [date(2027, 1, 1), date(2027, 2, 1)]
    rows = [queries.DepartmentMonths(i, f"D{i}", "S", {months[0]: 20 - i, months[1]: 1}) for i in range(20)]
    shown = queries.leading_departments(rows, months, 15)
    assert [r.department for r in shown[:15]] == [f"D{i}" for i in range(15)]
    assert (shown[15].department, shown[15].counts, shown[15].total) == (
        "5 other departments", {months[0]: 5 + 4 + 3 + 2 + 1, months[1]: 5}, 20)
    assert queries.implemented_per_month(shown, months) == queries.implemented_per_month(rows, months)
    assert queries.leading_departments(rows[:16], months, 15) == rows[:16]
