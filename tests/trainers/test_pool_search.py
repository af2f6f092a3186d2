"""The trainer pool on the demo organization: searchable by name or site, the pager keeping the search."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms.core.demo import DEMO_PASSWORD, seed_demo
from lms.org.models import Employee
from lms.trainers import queries
from lms.trainers.courses import delivery_course


def test_pool_search_by_name_or_site(db, app, trainer_courses):
    seed_demo(db.session, "development")
    db.session.commit()
    today = date.today()
    everyone = queries.trainer_pool(delivery_course(), today)
    airport = queries.trainer_pool(delivery_course(), today, q="airport")
    assert 0 < airport.total < everyone.total
    assert {e.department.site.name for e, *_ in airport.items} == {"Airport"}
    sophie = queries.trainer_pool(delivery_course(), today, q="lagesse")
    assert [e.email for e, *_ in sophie.items] == ["trainer@demo.example"]

    client = app.test_client()
    client.post("/login", data={"email": "leader@demo.example", "password": DEMO_PASSWORD})
    html = client.get("/trainers?q=Lagesse").get_data(as_text=True)
    assert "Sophie Lagesse" in html and 'role="search"' in html
    lead = db.session.execute(select(Employee).where(Employee.email == "lead.trainer@demo.example")).scalar_one()
    assert lead.full_name not in html
    missing = client.get("/trainers?q=zzz").get_data(as_text=True)
    assert "No trainer matches “zzz”" in missing
