"""The departments list: paginated and searchable by code, name or site."""
from __future__ import annotations

from lms.org import queries


def test_departments_page_and_search(client, db, make_site, make_department, make_employee, login):
    north = make_site("NORTH")
    for n in range(3):
        make_department(site=north, code=f"DESK{n}", name=f"Desk {n}")
    make_department(site=north, code="LOG", name="Logistics")
    db.session.commit()

    first = queries.department_page(1, per_page=2)
    assert first.total >= 4 and len(first.items) == 2
    assert [d.code for d, _ in queries.department_page(1, q="logist").items] == ["LOG"]

    login(make_employee(roles=("admin",)))
    html = client.get("/admin/departments?q=desk").get_data(as_text=True)
    assert "Desk 1" in html and "Logistics" not in html and 'role="search"' in html
    missing = client.get("/admin/departments?q=zzz").get_data(as_text=True)
    assert "No department matches “zzz”" in missing
