"""Leading indicators: service ideas moved along by managers, and front-line departments reviewing their providers."""
from __future__ import annotations

from datetime import timedelta

from lms.insights.reviews import review_period, round_window
from lms.scale.context import Build

IDEAS_PER_PERSON = 0.08
ROUNDS = 6
TITLES = ("Call back within the hour", "Spare chargers at the counter", "Same-day lane for urgent requests",
          "Welcome note in the guest's language", "Text when the job is done", "Loan kit for delayed guests",
          "One number for every internal request", "Daily huddle on yesterday's complaints")


def build_ideas(build: Build) -> None:
    """Ideas at every status, dependencies of front-line departments on providers, and monthly reviews."""
    rng = build.rng("ideas")
    w = build.writer
    providers: dict[int, list[int]] = {}
    heads: dict[int, int] = {}
    for person in build.people:
        heads.setdefault(person.department, person.id)  # the first person of a department is its head
    for department in build.departments.values():
        if department.kind == "internal_provider":
            providers.setdefault(department.site, []).append(department.id)
    ideas = []
    for person in rng.sample(build.people, int(len(build.people) * IDEAS_PER_PERSON)):
        submitted = build.at(build.today - timedelta(days=rng.randint(1, 200)), rng)
        status = rng.choices(("submitted", "accepted", "implemented", "declined"), (4, 2, 3, 1))[0]
        internal = providers.get(person.site) and rng.random() < 0.3
        decided = submitted + timedelta(days=rng.randint(1, 10))
        if decided >= build.now:
            status = "submitted"
        accepted = build.stamp(decided) if status in ("accepted", "implemented") else None
        implemented = min(build.today, decided.date() + timedelta(days=rng.randint(3, 30)))
        stamp = build.stamp(submitted)
        ideas.append((w.ids("service_idea", 1), person.id, person.department, TITLES[rng.randrange(len(TITLES))],
                      "Seen from the counter: a small change that saves the customer a second contact.",
                      "internal" if internal else "external",
                      rng.choice(providers[person.site]) if internal else None, status, stamp, accepted,
                      implemented.isoformat() if status == "implemented" else None,
                      "Put into practice across the team." if status == "implemented" else "",
                      build.stamp(decided) if status == "declined" else None,
                      "Already covered by the new process." if status == "declined" else "",
                      person.manager if status != "submitted" else None, stamp, stamp))
    w.insert("service_idea", ("id", "author_id", "department_id", "title", "description", "beneficiary",
                              "beneficiary_department_id", "status", "submitted_at", "accepted_at", "implemented_on",
                              "outcome", "declined_at", "declined_reason", "decided_by_id", "created_at", "updated_at"),
             ideas)
    _reviews(build, rng, providers, heads)


def _reviews(build: Build, rng, providers: dict[int, list[int]], heads: dict[int, int]) -> None:
    w = build.writer
    periods, period = [], review_period(build.today)
    for _ in range(ROUNDS):
        periods.append(period)
        period = review_period(period)
    since = round_window(periods[-1])[0] - timedelta(days=20)
    dependencies, reviews, actions = [], [], []
    for department in build.departments.values():
        if department.kind != "front_line" or not providers.get(department.site):
            continue
        chosen = rng.sample(providers[department.site], min(len(providers[department.site]), rng.randint(1, 2)))
        for provider in chosen:
            dependencies.append((w.ids("service_dependency", 1), department.id, provider, build.stamp(since),
                                 heads.get(department.id)))
            for period in periods:
                opens, closes = round_window(period)
                if rng.random() > 0.7 or opens >= build.now:
                    continue
                written = min(opens + timedelta(days=rng.randint(0, 20), hours=9), build.now - timedelta(hours=1))
                review = w.ids("service_review", 1)
                reviews.append((review, department.id, provider, period.isoformat(),
                                "Requests were answered, but we chased twice for updates.",
                                "Tell us when a job is done.", heads[department.id], build.stamp(written)))
                if rng.random() < 0.5:
                    actions.append((w.ids("service_review_action", 1), review, "We now send a note when we close a job.",
                                    heads[provider], build.stamp(min(written + timedelta(days=3), build.now))))
    w.insert("service_dependency", ("id", "department_id", "provider_id", "created_at", "created_by_id"), dependencies)
    w.insert("service_review", ("id", "department_id", "provider_id", "period", "how_served", "next_month",
                                "submitted_by_id", "submitted_at"), reviews)
    w.insert("service_review_action", ("id", "review_id", "text", "recorded_by_id", "recorded_at"), actions)
