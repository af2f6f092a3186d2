"""Every service idea, searchable by title or description; the search survives the status filter and the pager."""
from __future__ import annotations

from lms.extensions import db
from lms.insights import ideas


def submit(person, title, description="Do it better."):
    ideas.submit_idea(person, title=title, description=description, beneficiary="external")
    db.session.commit()


def test_leader_searches_every_idea(client, small_org, make_employee, login):
    a1 = small_org.people["a1"]
    submit(a1, "Faster refunds at the desk")
    submit(a1, "Quieter waiting room", description="Less noise while guests wait for REFUNDS.")
    submit(a1, "Better signs")
    login(make_employee(roles=("leader",)))

    html = client.get("/insights/ideas?q=refunds").get_data(as_text=True)
    assert "Faster refunds at the desk" in html and "Quieter waiting room" in html
    assert "Better signs" not in html
    assert 'role="search"' in html and 'value="refunds"' in html

    filtered = client.get("/insights/ideas?q=refunds&status=declined").get_data(as_text=True)
    assert "Faster refunds" not in filtered

    missing = client.get("/insights/ideas?q=helicopter").get_data(as_text=True)
    assert "No idea matches “helicopter”" in missing and "clear the search" in missing
