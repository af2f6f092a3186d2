"""Demo leading indicators: who depends on which provider, reviews for recent months, and ideas at every stage."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from lms.core.demo import demo_seeder
from lms.extensions import db
from lms.insights.models import ServiceDependency, ServiceIdea, ServiceReview, ServiceReviewAction
from lms.insights.review_figures import recent_periods
from lms.insights.reviews import month_after
from lms.org.models import Department, Employee, EmployeeRole

# front-line department -> the internal providers it depends on
DEPENDENCIES = {
    "GUEST": ("FAC", "LOG", "ITSD", "PEOPLE"),
    "FNB": ("LOG", "FAC", "FIN"),
    "RES": ("ITSD", "FIN"),
    "CC": ("ITSD", "FIN", "LOG"),
    "CHECKIN": ("LOG", "ITSD", "FAC"),
}

SERVED = {
    "LOG": ("Deliveries came on time except two late linen drops that left rooms unready.",
            "Urgent requests were picked up within the hour; the weekend cover was thin.",
            "Stock counts were right and the same-day runs saved us with a guest twice."),
    "ITSD": ("The booking system outage on the 12th took four hours to fix and nobody told us when it would be back.",
             "Password resets were quick; the new handsets arrived without the apps we need.",
             "Desk-side visits within the hour made a real difference at the counter."),
    "FIN": ("Refund approvals took three days; guests called us back twice to ask.",
            "Clear answers on the new recharge rule, but late in the month.",
            "Same-day refunds worked every time we promised one."),
    "FAC": ("Air-conditioning faults in guest rooms took a day to fix in the hot spell.",
            "Fast fixes on anything guests could see; the report-back to the desk was missing.",
            "The night call-out came within 30 minutes every time."),
    "PEOPLE": ("Two pay errors corrected the same day: thank you.",
               "Shift swaps were slow to be approved during the peak weeks.",
               "The course places we lost were given back quickly."),
}
NEXT = ("Tell us when a fix will take longer than promised, before we have to ask.",
        "Give us one named contact for the peak season.",
        "Keep the same-day lane for anything a customer is waiting on.",
        "Report back to the front desk when a job is done.",
        "Join our Monday huddle once a month to hear what customers tell us.")
ACTIONS = ("We now send a text to the requester when a job will run late.",
           "A named contact per front-line team from next month.",
           "Weekend cover doubled for the peak weeks.",
           "Report-back added to our job checklist.",
           "We will join their Monday huddle on the first Monday of each month.")

IDEAS = (
    ("Welcome call before arrival", "Call guests with special occasions two days before arrival to plan the surprise.", "external"),
    ("Spare chargers at the counter", "Keep phone chargers to lend while passengers wait for rebooking.", "external"),
    ("Shared fault board", "A live board of open room faults that front desk and facilities both see.", "internal"),
    ("Refund status text", "Send the customer a text when finance approves their refund.", "external"),
    ("Linen par levels per floor", "Keep a small linen stock on each floor so late deliveries never block a room.", "internal"),
    ("Callback slots", "Let callers pick a callback slot instead of holding in the queue.", "external"),
    ("Menu allergy cards", "Printed allergy cards in four languages at every table.", "external"),
    ("Month-end query clinic", "A weekly half hour where finance answers front-line questions in person.", "internal"),
    ("Lost-item photos", "Photograph found items so guests can recognise them by message.", "external"),
    ("Buddy for new starters", "Pair each new agent with a buddy for their first two weeks on the phones.", "internal"),
    ("Lounge quiet zone", "A quiet corner in the lounge for passengers who need to work.", "external"),
    ("Handset swap shelf", "Three charged spare handsets at the service desk for instant swaps.", "internal"),
)
DECLINE_REASONS = ("It duplicates the callback pilot already running.",
                   "The cost is too high for this year's budget; bring it back in January.")


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


def _heads() -> dict[str, Employee]:
    """Each department's manager: its most senior person holding the manager role."""
    rows = db.session.execute(
        select(Department.code, Employee).join(Employee, Employee.department_id == Department.id)
        .join(EmployeeRole, EmployeeRole.employee_id == Employee.id)
        .where(EmployeeRole.role == "manager").order_by(Employee.id)
    ).all()
    heads: dict[str, Employee] = {}
    for code, employee in rows:
        heads.setdefault(code, employee)
    return heads


@demo_seeder("insights", order=60)
def seed_insights() -> None:
    """Dependencies, reviews for the last few months (the open round half done) and ideas at every stage."""
    rng = random.Random(2027)
    today = date.today()
    departments = {d.code: d for d in db.session.execute(select(Department)).scalars()}
    if not all(code in departments for code in DEPENDENCIES):
        return  # not the demo organization
    heads = _heads()
    admin = db.session.execute(select(Employee).where(Employee.email == "admin@demo.example")).scalar_one_or_none()
    periods = recent_periods(today, 4)
    since = _at(periods[0] - timedelta(days=10))
    for front, providers in DEPENDENCIES.items():
        for provider in providers:
            db.session.add(ServiceDependency(department=departments[front], provider=departments[provider],
                                             created_at=since, created_by_id=admin.id if admin else None))
    db.session.flush()
    _seed_reviews(rng, departments, heads, periods, today)
    _seed_ideas(rng, departments, today)
    db.session.flush()


def _seed_reviews(rng, departments, heads, periods, today) -> None:
    for index, period in enumerate(periods):
        open_round = index == len(periods) - 1
        written_on = month_after(period) + timedelta(days=rng.randint(1, 12))
        if open_round:
            written_on = min(written_on, today)
        for front, providers in DEPENDENCIES.items():
            for provider in providers:
                if rng.random() > (0.4 if open_round else 0.85):
                    continue
                review = ServiceReview(
                    department=departments[front], provider=departments[provider], period=period,
                    how_served=rng.choice(SERVED[provider]), next_month=rng.choice(NEXT),
                    submitted_by=heads[front], submitted_at=_at(written_on),
                )
                db.session.add(review)
                if not open_round and rng.random() < 0.6 and provider in heads:
                    review.actions.append(ServiceReviewAction(
                        text=rng.choice(ACTIONS), recorded_by_id=heads[provider].id,
                        recorded_at=_at(written_on + timedelta(days=3))))


def _seed_ideas(rng, departments, today) -> None:
    authors = db.session.execute(
        select(Employee).where(Employee.password_hash.is_(None), Employee.manager_id.is_not(None), Employee.active)
        .order_by(Employee.id)
    ).scalars().all()
    internal = [d for d in departments.values() if d.kind == "internal_provider"]
    statuses = ["implemented"] * 12 + ["accepted"] * 4 + ["submitted"] * 4 + ["declined"] * 2
    for number, status in enumerate(statuses):
        title, description, beneficiary = IDEAS[number % len(IDEAS)]
        author = rng.choice(authors)
        submitted = today - timedelta(days=rng.randint(20, 170))
        idea = ServiceIdea(
            author=author, department_id=author.department_id, title=title, description=description,
            beneficiary=beneficiary, beneficiary_department=rng.choice(internal) if beneficiary == "internal" else None,
            status=status, submitted_at=_at(submitted), decided_by_id=author.manager_id if status != "submitted" else None,
        )
        if status in ("accepted", "implemented"):
            idea.accepted_at = _at(submitted + timedelta(days=3))
        if status == "implemented":
            idea.implemented_on = min(today, submitted + timedelta(days=rng.randint(10, 40)))
            idea.outcome = "Put into practice across the team; customers noticed within the first week."
        if status == "declined":
            idea.declined_at, idea.declined_reason = _at(submitted + timedelta(days=5)), rng.choice(DECLINE_REASONS)
        db.session.add(idea)
    learner = db.session.execute(select(Employee).where(Employee.email == "learner@demo.example")).scalar_one_or_none()
    if learner is not None:
        db.session.add(ServiceIdea(
            author=learner, department_id=learner.department_id, title="Callback promise in writing",
            description="After a difficult call, e-mail the customer what we agreed and by when, so they never chase us.",
            beneficiary="external", status="submitted", submitted_at=_at(today - timedelta(days=2))))
