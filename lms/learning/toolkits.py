"""Recovery toolkits: each department's authority limit and its catalogue of recovery offers."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from lms.core.errors import ValidationFailed
from lms.extensions import db
from lms.learning.models import RecoveryOffer, RecoveryToolkit
from lms.org.models import Department

MIN_OFFERS, MAX_OFFERS = 5, 10


def toolkit_for(department: Department) -> RecoveryToolkit | None:
    """The department's toolkit, if it has one."""
    return db.session.execute(
        select(RecoveryToolkit).where(RecoveryToolkit.department_id == department.id)
    ).scalar_one_or_none()


def save_toolkit(department: Department, *, authority_limit: Decimal, currency: str, note: str,
                 offers: list[tuple[str, str, Decimal | None]]) -> RecoveryToolkit:
    """Replace a department's authority limit and offers (5 to 10 offers, blank rows ignored)."""
    offers = [(t.strip(), d.strip(), v) for t, d, v in offers if t and t.strip()]
    problems = []
    if authority_limit is None or authority_limit < 0:
        problems.append("The authority limit must be zero or more.")
    if not (len(currency.strip()) == 3 and currency.strip().isalpha()):
        problems.append("The currency must be a three-letter code such as MUR, EUR or USD.")
    if not MIN_OFFERS <= len(offers) <= MAX_OFFERS:
        problems.append(f"List between {MIN_OFFERS} and {MAX_OFFERS} recovery offers (you listed {len(offers)}).")
    for title, _, value in offers:
        if value is not None and value < 0:
            problems.append(f"The value of '{title}' cannot be negative.")
    if problems:
        raise ValidationFailed(problems[0], problems)
    toolkit = toolkit_for(department) or RecoveryToolkit(department=department)
    toolkit.authority_limit = authority_limit
    toolkit.currency = currency.strip().upper()
    toolkit.note = note.strip()
    toolkit.offers = [RecoveryOffer(position=i, title=t, description=d, typical_value=v)
                      for i, (t, d, v) in enumerate(offers, start=1)]
    db.session.add(toolkit)
    db.session.flush()
    return toolkit
