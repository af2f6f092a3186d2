"""Every table the insight pages show, as an exportable Table built from the same query functions."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from lms.insights import queries
from lms.insights.exports import Table
from lms.insights.participation import KIND_LABELS
from lms.insights.scope import Scope

FIGURE_COLUMNS = ("Assigned", "Started", "Completed", "Overdue", "Percent complete")


@dataclass(frozen=True)
class Request:
    """What an export needs: whose figures, as of when, and for review tables the month and the provider."""

    scope: Scope
    today: date
    period: date | None = None
    provider_id: int | None = None
    engine: Any = None  # for streamed tables: read through a connection of their own (see people.stream_people)


@dataclass(frozen=True)
class Export:
    title: str
    build: Callable[[Request], Table]
    leaders_only: bool = False  # organization-wide figures that a manager's scope does not narrow


EXPORTS: dict[str, Export] = {}


def export(name: str, title: str, leaders_only: bool = False):
    """Register a table builder under `name`."""

    def decorator(fn: Callable[[Request], Table]):
        EXPORTS[name] = Export(title, fn, leaders_only)
        return fn

    return decorator


def _figures(f: queries.Figures) -> tuple:
    return (f.assigned, f.started, f.completed, f.overdue, round(f.percent, 1) if f.percent is not None else None)


def _participation_table(name: str, title: str, p: queries.Participation) -> Table:
    extra = ("Kind", "Site") if p.dimension == "department" else ()
    heading = {"organization": "Scope", "kind": "Department kind", "site": "Site", "department": "Department",
               "team": "Team of"}[p.dimension]

    def rows():
        for group, course, figures in p.rows():
            detail = (KIND_LABELS.get(group.kind, group.kind), group.site) if extra else ()
            yield (group.label, *detail, group.headcount, course.title, *_figures(figures))

    return Table(name, title, (heading, *extra, "People", "Course", *FIGURE_COLUMNS), rows())


@export("courses", "Participation per course")
def courses_table(r: Request) -> Table:
    p = queries.participation(r.scope, "organization", r.today)
    return Table("courses", "Participation per course", ("Course", "Kind", *FIGURE_COLUMNS),
                 [(c.title, c.kind, *_figures(p.figures(g, c))) for g in p.groups for c in p.courses])


for _dimension, _title in (("kind", "Participation by department kind"), ("site", "Participation by site"),
                           ("department", "Participation by department"), ("team", "Participation by team")):
    def _build(r: Request, dimension=_dimension, title=_title) -> Table:
        return _participation_table(f"by-{dimension}", title, queries.participation(r.scope, dimension, r.today))

    export(f"by-{_dimension}", _title)(_build)


STATE_LABELS = {"completed": "completed", "overdue": "overdue", "started": "started", "assigned": "not started"}


@export("people", "People and their courses")
def people_table(r: Request) -> Table:
    courses = queries.courses_in_scope(r.scope)

    def rows():
        for person in queries.stream_people(r.scope, r.today, courses, r.engine):
            yield (person.employee_no, person.name, person.job_title, person.department,
                   KIND_LABELS.get(person.kind, person.kind), person.site, person.manager,
                   *(STATE_LABELS.get(person.state(c.id)) for c in courses))

    return Table("people", "People and their courses",
                 ("Employee id", "Name", "Job title", "Department", "Kind", "Site", "Manager",
                  *(c.title for c in courses)), rows())


@export("burn-up", "Workshop burn-up")
def burn_up_table(r: Request) -> Table:
    b = queries.burn_up(r.scope, r.today)
    return Table("burn-up", "Workshop burn-up", ("Week of", "Completed", "Booked", "Planned seats", "Everyone"),
                 [(w.week, w.completed, w.booked, w.planned, b.target) for w in b.weeks])


@export("trainer-pipeline", "Trainer pipeline")
def pipeline_table(r: Request) -> Table:
    return Table("trainer-pipeline", "Trainer pipeline",
                 ("Site", "People", "Nominated", "In training", "Certified", "Expiring within 60 days", "Expired",
                  "Certified per 1,000 people"),
                 [(s.site.name, s.headcount, s.nominated, s.in_training, s.certified, s.expiring, s.expired,
                   round(s.per_thousand, 1)) for s in queries.trainer_pipeline(r.scope, r.today)])


@export("quiz-pass-rates", "Quiz pass rates")
def quiz_table(r: Request) -> Table:
    return Table("quiz-pass-rates", "Quiz pass rates",
                 ("Course", "Quiz", "Pass mark", "Learners graded", "Learners passed", "Pass rate", "Graded attempts",
                  "Average score"),
                 [(q.course, q.quiz, q.pass_mark, q.learners, q.passed, _round(q.pass_rate), q.attempts,
                   _round(q.average)) for q in queries.quiz_pass_rates(r.scope)])


@export("hardest-questions", "Hardest questions")
def hardest_table(r: Request) -> Table:
    return Table("hardest-questions", "Hardest questions",
                 ("Course", "Question", "Text", "Graded answers", "Facility (mean score, percent)"),
                 [(h.course, h.name, h.text, h.answers, round(h.facility, 1))
                  for h in queries.hardest_questions(r.scope)])


IDEA_MONTHS = 6
# The dashboard lists the departments that implemented most; the export lists every one.
IDEA_DEPARTMENTS_SHOWN = 15


@export("ideas-implemented", "Service ideas implemented per department and month")
def ideas_table(r: Request) -> Table:
    months = queries.months_back(r.today, IDEA_MONTHS)
    rows = queries.implemented_by_department(r.scope, months)
    return Table("ideas-implemented", "Service ideas implemented per department and month",
                 ("Department", "Site", *(m.strftime("%Y-%m") for m in months), "Total"),
                 [(d.department, d.site, *(d.counts[m] for m in months), d.total) for d in rows])


@export("ideas-by-workshop", "Service ideas and the workshop")
def ideas_workshop_table(r: Request) -> Table:
    return Table("ideas-by-workshop", "Service ideas and the workshop",
                 ("People", "Count", "Ideas submitted", "Ideas implemented", "Submitted per 100 people",
                  "Implemented per 100 people"),
                 [(c.group, c.people, c.submitted, c.implemented, _round(c.submitted_per_100),
                   _round(c.implemented_per_100)) for c in queries.workshop_comparison(r.scope)])


@export("ideas-by-status", "Service ideas by status")
def ideas_status_table(r: Request) -> Table:
    return Table("ideas-by-status", "Service ideas by status", ("Status", "Ideas"),
                 list(queries.ideas_by_status(r.scope).items()))


@export("reviews", "Who reviewed whom", leaders_only=True)
def reviews_table(r: Request) -> Table:
    period = r.period or queries.recent_periods(r.today, 1)[0]
    cells = queries.who_reviewed_whom(period, provider_id=r.provider_id)
    return Table("reviews", f"Who reviewed whom for {period:%B %Y}",
                 ("Month reviewed", "Front-line department", "Internal provider", "Reviewed", "Submitted at", "Actions"),
                 [(period, c.department, c.provider, c.reviewed, c.submitted_at, c.actions) for c in cells])


@export("review-trend", "Internal service reviews by month", leaders_only=True)
def review_trend_table(r: Request) -> Table:
    return Table("review-trend", "Internal service reviews by month",
                 ("Month reviewed", "Reviews due", "Reviews written", "Percent written", "With an action"),
                 [(t.period, t.due, t.submitted, _round(t.percent_submitted), t.with_action)
                  for t in queries.review_trend(r.today, provider_id=r.provider_id)])


@export("provider-reviews", "Reviews received")
def provider_reviews_table(r: Request) -> Table:
    from lms.insights.reviews import reviews_received
    from lms.org.services import get_department

    provider = get_department(r.provider_id) if r.provider_id else None
    reviews = reviews_received(provider) if provider else []
    return Table("provider-reviews", f"Reviews received by {provider.name if provider else 'a provider'}",
                 ("Month reviewed", "From", "How they served us", "What they should do next month", "Actions"),
                 [(rv.period, rv.department.name, rv.how_served, rv.next_month,
                   " | ".join(a.text for a in rv.actions)) for rv in reviews])


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def build(name: str, request: Request) -> Table:
    """The named table for `request`; KeyError for an unknown name."""
    return EXPORTS[name].build(request)
