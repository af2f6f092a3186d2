"""The demo organization: three sites, eleven departments of all kinds, about 150 people."""
from __future__ import annotations

import random
from datetime import date, timedelta

from flask import current_app

from lms.auth.passwords import make_hasher
from lms.core.demo import DEMO_PASSWORD, demo_seeder
from lms.extensions import db
from lms.org.models import Department, Employee, Site

SITES = (
    ("PLU", "Port Louis head office", "Indian/Mauritius"),
    ("AIR", "Airport", "Indian/Mauritius"),
    ("BMR", "Belle Mare resort", "Indian/Mauritius"),
)

# code, name, kind, site, headcount (including the department's manager)
DEPARTMENTS = (
    ("EXEC", "Leadership team", "leadership", "PLU", 8),
    ("GUEST", "Guest services", "front_line", "BMR", 22),
    ("FNB", "Food and beverage", "front_line", "BMR", 16),
    ("RES", "Reservations", "front_line", "PLU", 12),
    ("CC", "Contact centre", "front_line", "PLU", 20),
    ("CHECKIN", "Check-in and lounges", "front_line", "AIR", 16),
    ("LOG", "Logistics", "internal_provider", "AIR", 12),
    ("ITSD", "IT service desk", "internal_provider", "PLU", 10),
    ("FIN", "Finance", "internal_provider", "PLU", 10),
    ("FAC", "Facilities", "internal_provider", "BMR", 11),
    ("PEOPLE", "People and learning", "internal_provider", "PLU", 13),
)

JOB_TITLES = {
    "EXEC": "Director",
    "GUEST": "Guest services agent",
    "FNB": "Restaurant host",
    "RES": "Reservations agent",
    "CC": "Contact centre agent",
    "CHECKIN": "Check-in agent",
    "LOG": "Logistics coordinator",
    "ITSD": "Service desk analyst",
    "FIN": "Accounts officer",
    "FAC": "Maintenance technician",
    "PEOPLE": "People partner",
}

# e-mail, name, department, job title, roles, is the department's manager
ACCOUNTS = (
    ("leader@demo.example", "Priya Ramgoolam", "EXEC", "Chief executive", ("leader", "manager"), True),
    ("admin@demo.example", "Kevin Li Wan Po", "PEOPLE", "Learning systems administrator", ("admin",), False),
    ("lead.trainer@demo.example", "Anne-Marie Duval", "PEOPLE", "Head of learning", ("lead_trainer", "trainer", "manager"), True),
    ("manager@demo.example", "Rajesh Doorgakant", "CC", "Contact centre manager", ("manager",), True),
    ("trainer@demo.example", "Sophie Lagesse", "GUEST", "Guest experience trainer", ("trainer",), False),
    ("learner@demo.example", "Yannick Bégué", "CC", "Contact centre agent", (), False),
    ("backoffice@demo.example", "Nadia Joomun", "LOG", "Logistics coordinator", (), False),
)

FIRST_NAMES = ("Aarav", "Amélie", "Bruno", "Chloé", "Dev", "Elodie", "Fabrice", "Geeta", "Hans", "Ishaan",
               "Jade", "Kamal", "Laura", "Mehdi", "Nirmala", "Olivier", "Pooja", "Quentin", "Rohan", "Sarah",
               "Thierry", "Uma", "Vikash", "Wendy", "Xavier", "Yasmine", "Zoé", "Ashwin", "Brigitte", "Cédric")
LAST_NAMES = ("Appadoo", "Bhugun", "Chan Kin", "Dabee", "Etienne", "Fok", "Gungah", "Hosany", "Jugnauth",
              "Koenig", "Labonne", "Mootoosamy", "Noël", "Oozeer", "Perrine", "Ramdin", "Seewoo", "Tse",
              "Uteem", "Valaydon", "Wong", "Yerrigadoo", "Zuel", "Ah-Kee", "Baissac")


@demo_seeder("org", order=10)
def seed_organization() -> None:
    """Create the demo company, its managers and the demo accounts."""
    rng = random.Random(2027)
    cfg = current_app.config
    password_hash = make_hasher(cfg["LMS_ARGON2_TIME_COST"], cfg["LMS_ARGON2_MEMORY_KIB"]).hash(DEMO_PASSWORD)
    sites = {code: Site(code=code, name=name, timezone=tz) for code, name, tz in SITES}
    db.session.add_all(sites.values())
    departments = {
        code: Department(code=code, name=name, kind=kind, site=sites[site],
                         max_away_fraction=0.3 if kind == "internal_provider" else 0.25)
        for code, name, kind, site, _ in DEPARTMENTS
    }
    db.session.add_all(departments.values())
    db.session.flush()

    numbers = iter(range(1, 10_000))
    used_names: set[str] = set()

    def new_employee(department: str, *, email=None, name=None, title=None, roles=(), manager=None):
        no = f"E{next(numbers):06d}"
        if name is None:
            while (name := f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}") in used_names:
                pass
        used_names.add(name)
        employee = Employee(
            employee_no=no, email=email or f"{no.lower()}@demo.example", full_name=name,
            job_title=title or JOB_TITLES[department], department=departments[department], manager=manager,
            hire_date=date(2014, 1, 6) + timedelta(days=rng.randrange(0, 12 * 365)),
            password_hash=password_hash if email else None,
        )
        employee.set_roles(roles)
        db.session.add(employee)
        return employee

    accounts = {a[2]: [] for a in ACCOUNTS}
    for account in ACCOUNTS:
        accounts[account[2]].append(account)

    leader = None
    heads: dict[str, Employee] = {}
    for code, _, _, _, headcount in DEPARTMENTS:
        named = accounts.get(code, [])
        head_account = next((a for a in named if a[5]), None)
        if head_account:
            email, name, _, title, roles, _ = head_account
            head = new_employee(code, email=email, name=name, title=title, roles=roles, manager=leader)
        else:
            head = new_employee(code, title=f"Head of {dict((d[0], d[1]) for d in DEPARTMENTS)[code].lower()}",
                                roles=("manager",), manager=leader)
        if code == "EXEC":
            leader = head
        else:
            head.manager = leader
        heads[code] = head
        for email, name, _, title, roles, is_head in named:
            if not is_head:
                new_employee(code, email=email, name=name, title=title, roles=roles, manager=head)
        for _ in range(headcount - 1 - sum(1 for a in named if not a[5])):
            roles = ("leader", "manager") if code == "EXEC" else ()
            new_employee(code, roles=roles, manager=head)
    db.session.flush()
