"""Team learning for a manager with a large reporting line: paginated in SQL and searchable."""
from __future__ import annotations

from datetime import date

from lms.learning import queries
from lms.org.queries import reports_subquery


def test_team_learning_pages_and_search(client, db, make_employee, login):
    manager = make_employee(roles=("manager",))
    people = [make_employee(full_name=f"Report {n:02d}", manager=manager) for n in range(5)]
    db.session.commit()

    first = queries.team_learning_page(reports_subquery(manager.id), date.today(), 1, per_page=2)
    assert (first.total, first.pages) == (5, 3)
    assert [e.full_name for e, *_ in first.items] == ["Report 00", "Report 01"]
    last = queries.team_learning_page(reports_subquery(manager.id), date.today(), 3, per_page=2)
    assert [e.full_name for e, *_ in last.items] == ["Report 04"]
    found = queries.team_learning_page(reports_subquery(manager.id), date.today(), 1, q="report 03")
    assert [e.id for e, *_ in found.items] == [people[3].id]

    login(manager)
    html = client.get("/team/learning?q=Report 02").get_data(as_text=True)
    assert "Report 02" in html and "Report 01" not in html and 'role="search"' in html
    missing = client.get("/team/learning?q=nobody").get_data(as_text=True)
    assert "Nobody in your team matches “nobody”" in missing


def test_team_learning_empty_state_has_no_search_box(client, db, make_employee, login):
    login(make_employee(roles=("manager",)))
    html = client.get("/team/learning").get_data(as_text=True)
    assert "Nobody reports to you yet" in html and 'role="search"' not in html
