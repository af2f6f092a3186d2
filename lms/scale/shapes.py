"""The shape of a synthetic organization (pure): how many sites, departments of which kind and size, names."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

FIRST_NAMES = ("Aarav", "Amélie", "Bruno", "Chloé", "Dev", "Elodie", "Fabrice", "Geeta", "Hans", "Ishaan", "Jade",
               "Kamal", "Laura", "Mehdi", "Nirmala", "Olivier", "Pooja", "Quentin", "Rohan", "Sarah", "Thierry", "Uma",
               "Vikash", "Wendy", "Xavier", "Yasmine", "Zoé", "Ashwin", "Brigitte", "Cédric", "Deepa", "Emile",
               "Fatima", "Gilles", "Hema", "Ivan", "Joëlle", "Kiran", "Lina", "Marc")
LAST_NAMES = ("Appadoo", "Bhugun", "Chan Kin", "Dabee", "Etienne", "Fok", "Gungah", "Hosany", "Jugnauth", "Koenig",
              "Labonne", "Mootoosamy", "Noël", "Oozeer", "Perrine", "Ramdin", "Seewoo", "Tse", "Uteem", "Valaydon",
              "Wong", "Yerrigadoo", "Zuel", "Ah-Kee", "Baissac", "Curpen", "Dookhun", "Elahee", "Foo Kune", "Goburdhun")
PLACES = ("North", "South", "East", "West", "Harbour", "Airport", "Central", "Lagoon", "Hills", "Riverside",
          "Old Town", "Bay", "Park", "Market", "Station", "Coast")
FRONT_LINE = ("Guest services", "Reservations", "Contact centre", "Check-in", "Food and beverage", "Retail",
              "Concierge", "Housekeeping", "Customer care", "Front desk", "Sales floor", "Boarding")
PROVIDERS = ("Logistics", "IT service desk", "Finance", "Facilities", "People and learning", "Procurement",
             "Maintenance", "Payroll", "Security", "Stores", "Engineering", "Quality")
TITLES = {"front_line": "Service agent", "internal_provider": "Coordinator", "leadership": "Director"}

TEAM_SIZE = 12  # people per team lead in a large department
ZIPF_EXPONENT = 1.0


@dataclass(frozen=True)
class DepartmentShape:
    site: int  # index into the sites
    kind: str
    name: str
    size: int


def site_count(employees: int) -> int:
    """About one site per 8,000 people, from 1 to 12."""
    return max(1, min(12, round(math.sqrt(employees) / 25)))


def department_sizes(total: int, count: int) -> list[int]:
    """`count` Zipf-like sizes (largest first, at least 2 each when possible) summing to `total`."""
    count = max(1, min(count, total // 2 or 1))
    weights = [1 / rank ** ZIPF_EXPONENT for rank in range(1, count + 1)]
    scale = total / sum(weights)
    sizes = [max(2, int(w * scale)) if total >= 2 * count else max(1, int(w * scale)) for w in weights]
    # Hand the rounding difference to (or take it from) the largest departments.
    difference, index = total - sum(sizes), 0
    while difference:
        step = 1 if difference > 0 else -1
        if sizes[index % count] + step >= 2 or step > 0:
            sizes[index % count] += step
            difference -= step
        index += 1
    return sizes


def organization_shape(employees: int, rng: random.Random) -> tuple[int, list[DepartmentShape]]:
    """(number of sites, departments): a leadership team per site, then front-line and provider departments."""
    sites = site_count(employees)
    # About 60 people a department in a large organization; small ones have fewer, smaller departments.
    count = max(3 * sites, round(math.sqrt(employees)), round(employees / 60))
    sizes = department_sizes(employees, count)
    # Small leadership teams: one per site, taken from the small end of the distribution.
    leadership = sorted(range(len(sizes)), key=lambda i: abs(sizes[i] - 6))[:sites]
    departments, used = [], set()
    others = [i for i in range(len(sizes)) if i not in leadership]
    # Spread sizes and kinds over the sites independently, so that every site has providers and front line.
    site_of = [n % sites for n in range(len(others))]
    rng.shuffle(site_of)
    for site, index in enumerate(leadership):
        departments.append(DepartmentShape(site, "leadership", f"Leadership team, {PLACES[site % len(PLACES)]}",
                                           sizes[index]))
    for number, index in enumerate(others):
        kind = "internal_provider" if number % 3 == 1 else "front_line"
        names = PROVIDERS if kind == "internal_provider" else FRONT_LINE
        base = names[rng.randrange(len(names))]
        name = base
        while name in used:
            name = f"{base} {rng.randint(2, 999)}"
        used.add(name)
        departments.append(DepartmentShape(site_of[number], kind, name, sizes[index]))
    return sites, departments


def person_name(rng: random.Random) -> str:
    """A plausible full name."""
    return f"{FIRST_NAMES[rng.randrange(len(FIRST_NAMES))]} {LAST_NAMES[rng.randrange(len(LAST_NAMES))]}"
