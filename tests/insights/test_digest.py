"""The weekly digest: on Mondays only, once per leader and week, with the dashboard's figures."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms.extensions import db
from lms.insights.digest import send_weekly_digest
from lms.notify.daily import daily_jobs, run_daily_jobs
from lms.notify.models import OutboxMessage

MONDAY = date(2027, 3, 8)


def messages():
    return db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()


def test_registered_as_a_daily_job():
    assert daily_jobs()["insights_weekly_digest"] is send_weekly_digest


def test_sent_on_mondays_once_per_leader_and_week(small_org, make_employee):
    from lms.core.roles import Role

    make_employee("second.leader@org.test", roles=(Role.LEADER,), full_name="Second Leader")
    make_employee("former.leader@org.test", roles=(Role.LEADER,), active=False)
    assert send_weekly_digest(date(2027, 3, 9)) == 0  # a Tuesday
    results = {r.name: r for r in run_daily_jobs(MONDAY, ["insights_weekly_digest"])}
    assert results["insights_weekly_digest"].count == 2
    assert send_weekly_digest(MONDAY) == 0  # the same week again: deduplicated
    sent = messages()
    assert sorted(m.recipients[0] for m in sent) == ["boss@org.test", "second.leader@org.test"]
    text = sent[0].text_body
    assert "Course one: 2 of 6 completed (33%), 2 overdue" in text
    assert "1 of 10 people have completed the workshop; 1 in the week before this one" in text  # a1, on 3 March
    assert "Front line (6 people)" in text
    assert "<table" in sent[0].html_body and "Course one" in sent[0].html_body
    assert send_weekly_digest(date(2027, 3, 15)) == 2  # next Monday, a new week
