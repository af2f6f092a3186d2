"""Demo learning data: recovery toolkits for every department, enrolments by rule, some progress."""
from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from lms.core.demo import demo_seeder
from lms.core.models import utcnow
from lms.extensions import db
from lms.learning.assignments import apply_assignment_rules
from lms.learning.models import CourseModule, Enrolment, ModuleProgress
from lms.learning.toolkits import save_toolkit
from lms.org.models import Department

# department code -> (authority limit in MUR, note, offers: (title, description, typical value))
TOOLKITS = {
    "GUEST": (15000, "Act first, tell your supervisor at the end of the shift.", [
        ("Room upgrade for the rest of the stay", "When the room fell short of what was booked.", 6000),
        ("Late check-out until 16:00", "For any guest whose stay was disturbed.", None),
        ("Dinner for two at the beach restaurant", "When a special occasion went wrong.", 4500),
        ("Spa treatment", "After noise, delays or a failed request.", 3500),
        ("Airport transfer on us", "When check-in or the room was late.", 2500),
        ("Welcome amenity and handwritten note", "Always, with any recovery.", 800),
    ]),
    "FNB": (5000, "You can comp any item on the bill that was wrong, without asking.", [
        ("Remove the dish from the bill", "Cold, late or not what was ordered.", None),
        ("A round of drinks for the table", "When the wait was long.", 1500),
        ("Dessert on the house", "Any small disappointment.", 400),
        ("Reserved table for the next visit", "When the booking was lost.", None),
        ("Chef's tasting plate", "Birthday or anniversary that went wrong.", 1200),
    ]),
    "RES": (8000, "You can change any booking without a fee when we made the mistake.", [
        ("Waive change fees", "Our error or the guest's emergency.", None),
        ("Complimentary breakfast package", "When the booking details were wrong.", 2400),
        ("Room upgrade on arrival", "Lost or duplicated booking.", 6000),
        ("Free night on a future stay", "When the stay could not happen as booked.", 7500),
        ("Priority call-back within the hour", "When the guest had to call twice.", None),
    ]),
    "CC": (5000, "Solve it on this call: you never need a supervisor below the limit.", [
        ("Refund the charge on the call", "Double charges and billing mistakes.", None),
        ("A month of the membership free", "Repeated problems with the same service.", 1200),
        ("Voucher for a future booking", "Service that fell short.", 2500),
        ("Courier the replacement today", "Lost or damaged items.", 900),
        ("Waive the late fee", "When our reminder never reached the customer.", 500),
        ("Personal follow-up call", "Always, when the fix takes more than a day.", None),
    ]),
    "CHECKIN": (10000, "At the counter you decide: do not send the passenger elsewhere.", [
        ("Lounge access", "Delays over two hours.", 2000),
        ("Meal voucher", "Any delay or missed connection.", 600),
        ("Seat change or upgrade if available", "Split families, broken seats.", None),
        ("Rebook on the next flight without a fee", "Missed connections caused by us.", None),
        ("Credit towards a future flight", "Serious disruption.", 2300),
    ]),
    "LOG": (3000, "Internal customers come first: move their request to the front when a guest is waiting.", [
        ("Same-day priority delivery", "A front-line team has a guest waiting.", None),
        ("Loan item from stock", "While the replacement is on its way.", None),
        ("Courier at our cost", "When our delay caused the problem.", 1500),
        ("Named contact until it is solved", "Any repeated request.", None),
        ("Weekly check-in with the team we failed", "For a month after a serious miss.", None),
    ]),
    "ITSD": (2000, "Fix it for the caller first; open the problem record afterwards.", [
        ("Loan laptop or handset today", "When a device fails on shift.", None),
        ("Desk-side visit within the hour", "Front-line systems down while customers wait.", None),
        ("Priority queue for the team", "After a repeated outage.", None),
        ("Access restored first, paperwork after", "Locked accounts at the front line.", None),
        ("Follow-up call to confirm it works", "Always.", None),
    ]),
    "FIN": (4000, "A colleague waiting on finance is a customer waiting on us.", [
        ("Same-day refund approval", "When the front line promised a refund.", None),
        ("Waive an internal recharge", "When our process caused the cost.", None),
        ("Fast-track supplier payment", "When a late payment blocks service.", None),
        ("Named finance partner for the team", "Teams with repeated queries.", None),
        ("Explain the rule and the way round it", "Any time the answer is no.", None),
    ]),
    "FAC": (6000, "Guest-facing faults jump the queue.", [
        ("Fix within two hours", "Anything a guest can see or feel.", None),
        ("Move the guest's room with porter help", "When a fault cannot be fixed quickly.", None),
        ("Portable air-conditioner or heater", "While a repair waits for parts.", 1200),
        ("Night shift call-out", "Safety or comfort issues after hours.", 3000),
        ("Report back to the front desk", "Always, when the job is done.", None),
    ]),
    "PEOPLE": (3000, "Staff are our customers too.", [
        ("Correct a pay error the same day", "When we made the mistake.", None),
        ("Priority place in a course", "When a course was cancelled at short notice.", None),
        ("Flexible shift swap", "When our scheduling caused a clash.", None),
        ("One-to-one with a people partner", "Any complaint about how we handled something.", None),
        ("Follow-up within a week", "Always.", None),
    ]),
    "EXEC": (50000, "Back your teams: approve in the moment, in front of the customer if need be.", [
        ("Complimentary stay", "Serious failures a guest will remember.", 25000),
        ("Personal letter and call from a director", "Any escalation that reached us.", None),
        ("Gesture for the whole party", "Events and groups.", 15000),
        ("Invite the guest back as our guest", "Loyal customers we let down.", 20000),
        ("Change the rule that failed", "When a policy caused the problem.", None),
    ]),
}


@demo_seeder("learning", order=20)
def seed_learning() -> None:
    """Toolkits for every demo department, enrolments by the default rules, and some progress."""
    for department in db.session.execute(select(Department)).scalars():
        limit, note, offers = TOOLKITS.get(department.code, TOOLKITS["PEOPLE"])
        save_toolkit(department, authority_limit=Decimal(limit), currency="MUR", note=note,
                     offers=[(t, d, Decimal(v) if v else None) for t, d, v in offers])
    apply_assignment_rules()
    _seed_progress()


def _seed_progress() -> None:
    """Spread progress so that dashboards and team pages have something to show."""
    rng = random.Random(2027)
    now = utcnow()
    modules_by_course: dict[int, list[int]] = {}
    for course_id, module_id in db.session.execute(
        select(CourseModule.course_id, CourseModule.id)
        .where(CourseModule.counts_for_completion).order_by(CourseModule.position)
    ):
        modules_by_course.setdefault(course_id, []).append(module_id)
    for enrolment in db.session.execute(select(Enrolment)).scalars():
        if enrolment.employee.password_hash:
            continue  # the named demo accounts start fresh
        modules = modules_by_course.get(enrolment.course_id, [])
        done = rng.choice([0, 0, 1, 2, len(modules)]) if modules else 0
        for position, module_id in enumerate(modules[:done]):
            when = now - timedelta(days=rng.randint(1, 40), minutes=position)
            db.session.add(ModuleProgress(employee_id=enrolment.employee_id, module_id=module_id,
                                          first_viewed_at=when, last_viewed_at=when, completed_at=when))
        if done:
            enrolment.started_at = now - timedelta(days=rng.randint(20, 45))
            enrolment.last_module_id = modules[done - 1]
    db.session.flush()
