"""`lms generate`: a consistent organization (every invariant the services keep holds), deterministic, and a CLI."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from lms.extensions import db as _db

TODAY = date(2027, 3, 10)


def _scalar(sql: str) -> int:
    return _db.session.execute(text(sql)).scalar_one()


def test_the_generated_organization_keeps_every_invariant(generated, client):
    from lms.learning.assignments import apply_assignment_rules
    from lms.learning.completion import outstanding
    from lms.learning.models import Enrolment
    from lms.org.models import Department, Employee

    report = generated(150)
    assert report.employees == 150
    assert 25 <= report.rows / report.employees <= 80
    generated_people = Employee.email.like("%@scale.example")
    kinds = dict(_db.session.execute(select(Department.kind, func.count()).where(Department.code.like("G1-%"))
                                     .group_by(Department.kind)).all())
    assert set(kinds) == {"front_line", "internal_provider", "leadership"}
    sizes = _db.session.execute(select(func.count()).select_from(Employee).where(generated_people)
                                .group_by(Employee.department_id)).scalars().all()
    assert min(sizes) <= 5 and max(sizes) >= 5 * min(sizes)  # Zipf-like: a few large departments and small ones
    leader = _db.session.execute(select(Employee.id).where(Employee.email == "leader@demo.example")).scalar_one()
    tops = _db.session.execute(select(Employee.manager_id).where(generated_people, Employee.manager_id.not_in(
        select(Employee.id).where(generated_people)))).scalars().all()
    assert tops and set(tops) == {leader}  # only the site directors report outside, to the demo leader

    # Workshops: seats and department days as the booking service keeps them, within every staffing floor.
    # (The demo's own past session counts its no-show, as the attendance sheet leaves a seat taken.)
    assert _scalar("""SELECT count(*) FROM workshop_session s WHERE s.seats_taken <> (SELECT count(*) FROM booking b
                      WHERE b.session_id = s.id AND b.status = 'booked')
                      AND s.site_id IN (SELECT id FROM site WHERE code LIKE 'G1-%')""") == 0
    assert _scalar("""SELECT count(*) FROM (SELECT e.department_id AS d, x.day AS day, count(*) AS n FROM booking b
                      JOIN employee e ON e.id = b.employee_id
                      JOIN (SELECT id, day1 AS day FROM workshop_session UNION ALL SELECT id, day2 FROM workshop_session) x
                        ON x.id = b.session_id
                      WHERE b.status = 'booked' AND e.email LIKE '%@scale.example' GROUP BY e.department_id, x.day) c
                      LEFT JOIN department_day dd ON dd.department_id = c.d AND dd.day = c.day
                      WHERE dd.away IS NULL OR dd.away <> c.n""") == 0
    assert _scalar("""SELECT count(*) FROM department_day dd JOIN department d ON d.id = dd.department_id
                      WHERE d.code LIKE 'G1-%' AND dd.away > (SELECT count(*) FROM employee e
                      WHERE e.department_id = d.id AND e.active) * d.max_away_fraction + 1""") == 0

    # Completion as the platform decides it: every requirement met, a certificate each.
    completed = _db.session.execute(select(Enrolment).join(Employee, Enrolment.employee_id == Employee.id)
                                    .where(generated_people, Enrolment.completed_at.is_not(None))).scalars().all()
    assert completed
    assert [e.id for e in completed if outstanding(e)] == []
    assert _scalar("""SELECT count(*) FROM enrolment e WHERE e.completed_at IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM certificate c WHERE c.enrolment_id = e.id)""") == 0
    assert _scalar("""SELECT count(*) FROM quiz_attempt a WHERE a.state = 'graded' AND abs(a.score - (SELECT
                      sum(s.marks * coalesce(s.fraction, 0)) FROM quiz_slot s WHERE s.attempt_id = a.id)) > 0.000001""") == 0

    # The assignments are exactly what the live rules give.
    report = apply_assignment_rules()
    assert (report.enrolled, report.due_changed, report.unassigned, report.reassigned) == (0, 0, 0, 0)
    _db.session.rollback()

    # The demo accounts still work.
    assert client.post("/login", data={"email": "leader@demo.example", "password": "demo-pass-2027"}).status_code == 302


def _digest() -> list:
    rows = []
    mine = "employee_id IN (SELECT id FROM employee WHERE email LIKE '%@scale.example')"
    for sql in ("SELECT full_name, job_title, hire_date, manager_id FROM employee WHERE email LIKE '%@scale.example' ORDER BY id",
                f"SELECT employee_id, course_id, due_date, started_at, completed_at FROM enrolment WHERE {mine} ORDER BY id",
                f"SELECT employee_id, quiz_id, number, score FROM quiz_attempt WHERE {mine} ORDER BY id",
                f"SELECT session_id, employee_id, status, requested_at FROM booking WHERE {mine} ORDER BY id",
                "SELECT author_id, status, title, submitted_at FROM service_idea WHERE author_id IN "
                "(SELECT id FROM employee WHERE email LIKE '%@scale.example') ORDER BY id"):
        rows.append([tuple(str(v) for v in row) for row in _db.session.execute(text(sql))])
    return rows


def test_the_same_seed_makes_the_same_organization(generated, db):
    from tests.scale.conftest import clear_database

    generated(60, seed=5, today=TODAY)
    first = _digest()
    _db.session.remove()
    clear_database(_db.engine)
    generated(60, seed=5, today=TODAY)
    assert _digest() == first


def test_runs_add_up_beside_each_other(generated):
    from lms.org.models import Site

    generated(20)
    from lms.scale.generate import generate_organization

    second = generate_organization(_db.session, 20, 1)
    _db.session.commit()
    assert second.tag == "g2"
    assert set(_db.session.execute(select(Site.code).where(Site.code.like("G%"))).scalars()) == {"G1-S01", "G2-S01"}


def test_the_command_generates_and_says_what_it_made(runner, demo_org):
    result = runner.invoke(args=["lms", "generate", "--employees", "40", "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert "Generated 40 employees" in result.output and "rows in" in result.output
    assert "enrolment" in result.output and "quiz_slot" in result.output


def test_the_command_needs_the_courses(runner, db):
    result = runner.invoke(args=["lms", "generate", "--employees", "10"])
    assert result.exit_code != 0 and "Sync the courses first" in result.output


@pytest.mark.parametrize("env", ["production"])
def test_the_command_is_refused_in_production(runner, db, app, monkeypatch, env):
    monkeypatch.setitem(app.config, "LMS_ENV", env)
    result = runner.invoke(args=["lms", "generate", "--employees", "10"])
    assert result.exit_code != 0 and "refused" in result.output
