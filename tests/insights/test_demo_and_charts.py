"""The demo's leading indicators, its pages for each role, and the chart geometry."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lms.insights import charts, queries
from lms.insights.models import ServiceDependency, ServiceIdea, ServiceReview, ServiceReviewAction
from lms.insights.scope import Scope


def test_demo_has_every_stage(synced, demo_org):
    db = demo_org
    statuses = dict(db.session.execute(select(ServiceIdea.status, func.count()).group_by(ServiceIdea.status)).all())
    assert set(statuses) == {"submitted", "accepted", "implemented", "declined"}
    assert db.session.execute(select(func.count()).select_from(ServiceDependency)).scalar_one() >= 10
    periods = {p for (p,) in db.session.execute(select(ServiceReview.period).distinct())}
    assert len(periods) >= 3
    assert db.session.execute(select(func.count()).select_from(ServiceReviewAction)).scalar_one() > 0
    trend = queries.review_trend(date.today())
    assert sum(t.submitted for t in trend) > 0 and all(t.submitted <= t.due for t in trend)


def test_demo_pages(synced, demo_org, client):
    def login(email):
        client.post("/logout")
        return client.post("/login", data={"email": email, "password": "demo-pass-2027"})

    assert login("leader@demo.example").headers["Location"].endswith("/insights")
    html = client.get("/insights").get_data(as_text=True)
    for heading in ("Participation per course", "Workshop rollout", "Trainer pipeline", "Quiz pass rates",
                    "Service ideas implemented per department and month", "Internal service reviews"):
        assert heading in html
    assert client.get("/insights/reviews").status_code == 200
    login("manager@demo.example")
    html = client.get("/insights").get_data(as_text=True)
    assert "Your line" in html and "Internal service reviews by month" not in html
    assert "Callback promise in writing" in client.get("/ideas").get_data(as_text=True)  # to decide
    login("backoffice@demo.example")
    assert "Reviews of Logistics" in client.get("/reviews").get_data(as_text=True)


def test_percent_bars_scale_to_the_plot():
    chart = charts.percent_bars([("All done", 100.0), ("Half", 50.0), ("Nobody assigned", None)])
    full, half, none = chart.bars
    assert half.width * 2 == full.width and none.width == 0 and none.value_text == "–"
    assert chart.ticks[0][0] == chart.axis_x


def test_line_chart_places_points_and_target():
    chart = charts.line_chart(["w1", "w2", "w3"], [("Completed", [0, 5, 10]), ("Planned", [None, 10, 20])], 20)
    completed, planned = chart.series
    assert completed.points.split()[0] == f"{chart.plot_left:.1f},{chart.plot_bottom:.1f}"
    assert len(planned.points.split()) == 2
    assert chart.target_y == chart.plot_bottom - 220  # the target is the top of the scale
    assert completed.dash != planned.dash  # told apart without colour


def test_columns_scale_to_the_largest():
    chart = charts.column_bars([("Jan", 2), ("Feb", 4), ("Mar", 0)])
    assert chart.bars[1].height == 2 * chart.bars[0].height and chart.bars[2].height == 0


def test_scope_helpers():
    assert Scope().is_organization and not Scope(site_id=1).is_organization
    assert Scope(line_of=3).narrowed(site_id=2) == Scope(line_of=3, site_id=2)
