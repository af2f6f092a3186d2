"""The maintained counters stay equal to a recount through every kind of change, and give the figures the rows give."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select, text, update

from lms.core.roles import Role
from lms.extensions import db as _db


def snapshot() -> dict:
    """Every counter row with a non-zero figure, by table."""
    from lms.insights.counters import COUNTER_TABLES

    out = {}
    for model in COUNTER_TABLES:
        table = model.__table__
        keys = [c.name for c in table.primary_key.columns]
        values = [c.name for c in table.columns if c.name not in keys]
        rows = _db.session.execute(text(f"SELECT {', '.join(keys + values)} FROM {table.name}")).all()
        # Sums of fractions added and taken away again leave float dust: compare to four places.
        figures = {tuple(str(k) for k in row[:len(keys)]): tuple(round(float(v), 4) for v in row[len(keys):])
                   for row in rows}
        out[table.name] = {key: value for key, value in figures.items() if any(value)}
    return out


def assert_counters_match_a_recount() -> None:
    from lms.insights.counters import rebuild_counters

    kept = snapshot()
    rebuild_counters(_db.session.connection())
    recounted = snapshot()
    _db.session.rollback()
    for name in kept:
        assert kept[name] == recounted[name], name


def _people(limit: int, **where):
    from lms.org.models import Employee, EmployeeRole

    return _db.session.execute(
        select(Employee).where(Employee.email.like("%@scale.example"), Employee.active,
                               Employee.id.not_in(select(EmployeeRole.employee_id)))
        .order_by(Employee.id).limit(limit)).scalars().all()


def test_counters_follow_progress_quizzes_bookings_ideas_rules_and_people(generated):
    from lms.insights.ideas import submit_idea
    from lms.insights.models import ServiceIdea
    from lms.learning.assignments import deactivate_rule
    from lms.learning.models import AssignmentRule, CourseModule, Enrolment
    from lms.learning.progress import complete_module
    from lms.org.models import Department, Employee
    from lms.quizzes.assembly import get_quiz
    from lms.quizzes.attempts import save_answers, start_attempt, submit_attempt
    from lms.quizzes.demo import simulated_answer
    from lms.workshops.booking import book_seat, cancel_booking
    from lms.workshops.models import Booking, WorkshopSession

    import random

    generated(150)
    assert_counters_match_a_recount()
    people = _people(40)
    rng = random.Random(1)

    # Progress: every module of a course for some (completing it where no quiz stands in the way), quizzes for others.
    for person in people[:6]:
        enrolment = _db.session.execute(select(Enrolment).where(Enrolment.employee_id == person.id,
                                                                Enrolment.completed_at.is_(None))).scalars().first()
        if enrolment is None:
            continue
        for module in enrolment.course.learner_modules:
            complete_module(person, enrolment, module)
        quiz = get_quiz(enrolment.course)
        attempt = start_attempt(person, quiz)
        save_answers(attempt, {s.position: simulated_answer(s.question.data, s.layout, rng, 1.0)
                               for s in attempt.slots if s.question.has_marks})
        submit_attempt(attempt)
        _db.session.commit()
    assert_counters_match_a_recount()

    # Bookings: a seat taken and one given back; attendance marked on a past session.
    admin = _db.session.execute(select(Employee).where(Employee.email == "admin@demo.example")).scalar_one()
    upcoming = _db.session.execute(select(WorkshopSession).where(WorkshopSession.day1 > date.today() + timedelta(days=3),
                                                                 WorkshopSession.status == "open",
                                                                 WorkshopSession.seats_taken < WorkshopSession.capacity)
                                   .order_by(WorkshopSession.id.desc())).scalars().first()
    unbooked = [p for p in people if p.department.site_id == upcoming.site_id and not _db.session.execute(
        select(Booking.id).where(Booking.employee_id == p.id)).first()]
    booking = book_seat(admin, unbooked[0], upcoming)
    _db.session.commit()
    held = _db.session.execute(select(Booking).where(Booking.status == "booked", Booking.day1_present.is_(None),
                                                     Booking.id != booking.id)).scalars().first()
    cancel_booking(admin, held, "Changed plans")
    _db.session.commit()
    attended = _db.session.execute(select(Booking).where(Booking.day2_present.is_(True))).scalars().first()
    attended.day1_present = False
    attended.status = "no_show"
    _db.session.commit()
    assert_counters_match_a_recount()

    # Ideas: one submitted, one implemented, one deleted.
    submit_idea(people[10], title="Queue tickets", description="Numbered tickets at busy times.", beneficiary="external")
    idea = _db.session.execute(select(ServiceIdea).where(ServiceIdea.status == "accepted")).scalars().first()
    idea.status, idea.implemented_on, idea.outcome = "implemented", date.today(), "Done."
    _db.session.execute(delete(ServiceIdea).where(ServiceIdea.id == _db.session.execute(
        select(ServiceIdea.id).where(ServiceIdea.status == "submitted").order_by(ServiceIdea.id)).scalars().first()))
    _db.session.commit()
    assert_counters_match_a_recount()

    # People: leavers, a return, a move between departments.
    for person in people[20:25]:
        person.active = False
    _db.session.commit()
    people[20].active = True
    other = _db.session.execute(select(Department).where(Department.id != people[30].department_id,
                                                         Department.code.like("G1-%"))).scalars().first()
    people[30].department_id = other.id
    people[31].department_id, people[31].active = other.id, False
    _db.session.commit()
    assert_counters_match_a_recount()

    # Departments: one moves to another site, another becomes an internal provider.
    from lms.org.models import Site

    moving = _db.session.get(Department, people[5].department_id)
    moving.site_id = _db.session.execute(select(Site.id).where(Site.id != moving.site_id)).scalars().first()
    other.kind = "internal_provider" if other.kind != "internal_provider" else "front_line"
    _db.session.commit()
    assert_counters_match_a_recount()

    # Rules: a course stops being assigned (history kept, enrolments unassigned), then a row goes altogether.
    rule = _db.session.execute(select(AssignmentRule).where(AssignmentRule.active.is_(True))
                               .order_by(AssignmentRule.id)).scalars().first()
    deactivate_rule(rule)
    _db.session.commit()
    gone = _db.session.execute(select(Enrolment).where(Enrolment.employee_id == people[35].id)).scalars().first()
    _db.session.execute(delete(Enrolment).where(Enrolment.id == gone.id))
    _db.session.execute(update(CourseModule).where(CourseModule.id == -1).values(title="nothing"))
    _db.session.commit()
    assert_counters_match_a_recount()


def test_bulk_statements_keep_the_counters_too(generated):
    """Core inserts and updates (as roster imports and rule changes make) fire the same triggers."""
    from lms.learning.models import Enrolment
    from lms.org.models import Employee

    generated(80)
    person = _people(1)[0]
    _db.session.execute(update(Enrolment).where(Enrolment.employee_id == person.id)
                        .values(started_at=None, completed_at=None, due_date=date.today() - timedelta(days=3)))
    _db.session.execute(update(Employee).where(Employee.id.in_([p.id for p in _people(10)])).values(active=False))
    _db.session.commit()
    assert_counters_match_a_recount()


@pytest.mark.parametrize("scope_kind", ["organization", "site", "department"])
def test_figures_from_counters_equal_figures_from_rows(generated, scope_kind):
    from lms.insights import queries
    from lms.insights.scope import Scope
    from lms.org.models import Department, Site

    generated(200)
    today = date.today()
    site = _db.session.execute(select(Site.id).where(Site.code == "G1-S01")).scalar_one()
    department = _db.session.execute(select(Department.id).where(Department.code == "G1-D0002")).scalar_one()
    scope = {"organization": Scope(), "site": Scope(site_id=site), "department": Scope(department_id=department)}[scope_kind]

    def table(p):
        return ([(g.key, g.label, g.headcount) for g in p.groups], [c.id for c in p.courses],
                {k: v for k, v in p.cells.items() if v.assigned}, p.total)

    for dimension in ("organization", "kind", "site", "department"):
        assert table(queries.participation(scope, dimension, today)) == table(
            queries.participation(scope, dimension, today, counters=False)), dimension
    for dimension in ("kind", "site", "department"):  # the pages paged (the organization is one group)
        for page in (1, 2, 9):
            assert table(queries.participation(scope, dimension, today, page=page, per_page=2)) == table(
                queries.participation(scope, dimension, today, page=page, per_page=2, counters=False)), dimension
    together = queries.participation_by(scope, ("organization", "kind", "site"), today)
    apart = [queries.participation(scope, d, today, counters=False) for d in ("organization", "kind", "site")]
    assert [table(p) for p in together] == [table(p) for p in apart]
    if scope_kind == "organization":
        assert queries.burn_up(scope, today) == queries.burn_up(scope, today, counters=False)
        rates = queries.quiz_pass_rates(scope)
        assert [(r.quiz, r.learners, r.passed, r.attempts, round(r.average or 0, 6)) for r in rates] == [
            (r.quiz, r.learners, r.passed, r.attempts, round(r.average or 0, 6))
            for r in queries.quiz_pass_rates(scope, counters=False)]
        hardest = queries.hardest_questions(scope)
        assert [(h.name, h.answers, round(h.facility, 6)) for h in hardest] == [
            (h.name, h.answers, round(h.facility, 6)) for h in queries.hardest_questions(scope, counters=False)]
        assert queries.workshop_comparison(scope) == queries.workshop_comparison(scope, counters=False)


def test_managers_still_see_their_line_from_the_rows(generated, client):
    """A manager's scope is not a set of whole departments: their pages count rows, as before."""
    from lms.insights.counted import countable
    from lms.insights.scope import Scope

    assert not countable(Scope(line_of=1)) and not countable(Scope(team_of=1, department_id=1))
    assert countable(Scope(site_id=1)) and not countable(Scope(), "team")
    generated(30)
    assert Role.MANAGER  # the insights tests check a manager's figures on a hand-built organization
