"""Internal service reviews: dependencies, the monthly round, actions, who reviewed whom and the trend."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms.core.errors import Conflict, PermissionDenied, ValidationFailed
from lms.extensions import db
from lms.insights import queries, reviews
from lms.insights.models import ServiceDependency, ServiceReview

from .conftest import TODAY, at


def test_round_dates():
    assert reviews.review_period(date(2027, 3, 10)) == date(2027, 2, 1)
    assert reviews.review_period(date(2027, 1, 31)) == date(2026, 12, 1)
    opens, closes = reviews.round_window(date(2026, 12, 1))
    assert (opens.date(), closes.date()) == (date(2027, 1, 1), date(2027, 2, 1))
    assert queries.recent_periods(TODAY, 3) == [date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]


@pytest.fixture
def depending(small_org):
    d, boss = small_org.departments, small_org.people["boss"]
    for front in ("FL1", "FL2"):
        dependency = reviews.add_dependency(boss, d[front], d["IP1"])
        dependency.created_at = at(date(2027, 2, 10))
    db.session.commit()
    return small_org


def test_dependencies_join_front_line_to_providers(small_org):
    d, boss = small_org.departments, small_org.people["boss"]
    with pytest.raises(ValidationFailed):
        reviews.add_dependency(boss, d["IP1"], d["FL1"])
    first = reviews.add_dependency(boss, d["FL1"], d["IP1"])
    with pytest.raises(Conflict):
        reviews.add_dependency(boss, d["FL1"], d["IP1"])
    reviews.remove_dependency(boss, first)
    again = reviews.add_dependency(boss, d["FL1"], d["IP1"])  # a removed pair can come back
    db.session.commit()
    assert reviews.providers_of(d["FL1"]) == [d["IP1"]] and again.id != first.id


def test_a_front_line_manager_reviews_once_a_round_and_the_provider_acts(depending):
    d, people = depending.departments, depending.people
    with pytest.raises(PermissionDenied):
        reviews.submit_review(people["a1"], d["FL1"], d["IP1"], how_served="x", next_month="y", today=TODAY)
    with pytest.raises(ValidationFailed):
        reviews.submit_review(people["m1"], d["FL1"], d["IP1"], how_served=" ", next_month="y", today=TODAY)
    review = reviews.submit_review(people["m1"], d["FL1"], d["IP1"], how_served="Late linen.",
                                   next_month="Call us first.", today=TODAY)
    db.session.commit()
    assert review.period == date(2027, 2, 1)
    with pytest.raises(Conflict):
        reviews.submit_review(people["m1"], d["FL1"], d["IP1"], how_served="a", next_month="b", today=TODAY)
    with pytest.raises(PermissionDenied):
        reviews.record_action(people["m1"], review, "Not ours to say.")
    reviews.record_action(people["m2"], review, "A named contact from April.")
    db.session.commit()
    assert [a.text for a in reviews.reviews_received(d["IP1"])[0].actions] == ["A named contact from April."]
    assert [(p.name, r is not None) for p, r in reviews.round_status(d["FL1"], review.period)] == [("Provider one", True)]


def test_who_reviewed_whom_and_the_trend(depending):
    d, people = depending.departments, depending.people
    db.session.add(ServiceReview(department=d["FL1"], provider=d["IP1"], period=date(2027, 1, 1), how_served="a",
                                 next_month="b", submitted_by=people["m1"]))
    review = reviews.submit_review(people["m1"], d["FL1"], d["IP1"], how_served="a", next_month="b", today=TODAY)
    reviews.record_action(people["m2"], review, "Done.")
    db.session.commit()
    cells = queries.who_reviewed_whom(date(2027, 2, 1))
    assert [(c.department, c.provider, c.reviewed, c.actions) for c in cells] == [
        ("Front one", "Provider one", True, 1), ("Front two", "Provider one", False, 0)]
    trend = queries.review_trend(TODAY, count=3)
    # Dependencies created on 10 February are due in the January round (open in February) and after.
    assert [(t.period, t.due, t.submitted, t.with_action) for t in trend] == [
        (date(2026, 12, 1), 0, 0, 0), (date(2027, 1, 1), 2, 1, 0), (date(2027, 2, 1), 2, 1, 1)]
    assert trend[-1].percent_submitted == 50.0
    # A dependency removed on 20 February is still due in the January round (open during February), not after.
    dependency = db.session.execute(
        select(ServiceDependency).where(ServiceDependency.department_id == d["FL2"].id)).scalar_one()
    dependency.removed_at = at(date(2027, 2, 20))
    db.session.commit()
    assert [t.due for t in queries.review_trend(date(2027, 4, 5), count=2)] == [1, 1]
    assert [t.due for t in queries.review_trend(TODAY, count=2)] == [2, 1]


def test_review_pages(client, depending, login, fixed_today):
    d, people = depending.departments, depending.people
    login(people["m1"])
    page = client.get("/reviews").get_data(as_text=True)
    assert "Send the review of Provider one" in page
    assert client.post(f"/reviews/providers/{d['IP1'].id}", data={"how_served": "", "next_month": ""}).status_code == 422
    assert client.post(f"/reviews/providers/{d['IP1'].id}",
                       data={"how_served": "Fine.", "next_month": "Faster."}).status_code == 302
    assert client.post(f"/reviews/providers/{d['IP1'].id}",
                       data={"how_served": "Again.", "next_month": "Again."}).status_code == 409
    client.post("/logout")
    login(people["m2"])
    page = client.get("/reviews").get_data(as_text=True)
    assert "Fine." in page and "Record the action" in page
    review_id = reviews.reviews_received(d["IP1"])[0].id
    assert client.post(f"/reviews/{review_id}/actions", data={"text": "On it."}).status_code == 302
    client.post("/logout")
    login(people["boss"])
    overview = client.get("/insights/reviews").get_data(as_text=True)
    assert "Front two" in overview and "missing" in overview
    department = client.get(f"/insights/departments/{d['IP1'].id}").get_data(as_text=True)
    assert "Fine." in department and "On it." in department
    csv_text = client.get(f"/insights/export/provider-reviews.csv?provider={d['IP1'].id}").get_data(as_text=True)
    assert "Front one" in csv_text and "On it." in csv_text


def test_admin_keeps_the_dependencies(client, small_org, make_employee, login):
    from lms.core.roles import Role

    login(make_employee(roles=(Role.ADMIN,)))
    d = small_org.departments
    assert client.post("/admin/service-dependencies",
                       data={"department_id": d["FL1"].id, "provider_id": d["IP1"].id}).status_code == 302
    assert client.post("/admin/service-dependencies",
                       data={"department_id": d["FL1"].id, "provider_id": d["IP1"].id}).status_code == 409
    [dependency] = reviews.live_dependencies()
    assert client.post(f"/admin/service-dependencies/{dependency.id}/remove").status_code == 302
    assert reviews.live_dependencies() == []
