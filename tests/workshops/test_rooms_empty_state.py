"""A site without rooms tells the admin what to do next."""
from __future__ import annotations


def test_site_without_rooms_points_to_the_add_form(client, db, make_site, make_employee, login):
    make_site("EMPTY")
    login(make_employee(roles=("admin",)))
    html = client.get("/admin/workshops/rooms").get_data(as_text=True)
    assert 'No rooms yet: <a href="#add-room">add the first room</a> below' in html
    assert 'id="add-room"' in html
