"""Every figure on the small hand-built organization (see conftest.py) equals the value worked out by hand."""
from __future__ import annotations

from datetime import date

import pytest

from lms.insights import queries
from lms.insights.scope import NO_MANAGER, Scope

from .conftest import TODAY


def table(p: queries.Participation) -> dict:
    """{(group label, course slug): (assigned, started, completed, overdue)} of the non-empty cells."""
    out = {}
    for group, course, f in p.rows():
        if f.assigned:
            out[(group.label, course.slug)] = (f.assigned, f.started, f.completed, f.overdue)
    return out


def test_whole_organization(small_org):
    p = queries.participation(Scope(), "organization", TODAY)
    # Active people only; p2's unassigned enrolment and the archived course do not count; p1 completed
    # before being unassigned, so counts; the workshop counts every active person (9).
    assert table(p) == {
        ("Organization", "c1"): (6, 4, 2, 2),
        ("Organization", "l1"): (2, 1, 1, 0),
        ("Organization", "w"): (9, 3, 1, 1),
    }
    assert [c.slug for c in p.courses] == ["c1", "l1", "w"]  # online, leadership, then the workshop
    assert p.groups[0].headcount == 9
    assert round(p.figures(p.groups[0], p.courses[0]).percent, 1) == 33.3


def test_by_department_kind(small_org):
    p = queries.participation(Scope(), "kind", TODAY)
    assert [g.label for g in p.groups] == ["Front line", "Internal providers", "Leadership"]
    assert [g.headcount for g in p.groups] == [5, 3, 1]
    assert table(p) == {
        ("Front line", "c1"): (5, 3, 1, 2), ("Front line", "l1"): (1, 0, 0, 0), ("Front line", "w"): (5, 2, 1, 1),
        ("Internal providers", "c1"): (1, 1, 1, 0), ("Internal providers", "w"): (3, 1, 0, 0),
        ("Leadership", "l1"): (1, 1, 1, 0), ("Leadership", "w"): (1, 0, 0, 0),
    }


def test_by_site(small_org):
    p = queries.participation(Scope(), "site", TODAY)
    assert [(g.label, g.headcount) for g in p.groups] == [("Site A", 7), ("Site B", 2)]
    assert table(p) == {
        ("Site A", "c1"): (5, 4, 2, 1), ("Site A", "l1"): (1, 0, 0, 0), ("Site A", "w"): (7, 3, 1, 0),
        ("Site B", "c1"): (1, 0, 0, 1), ("Site B", "l1"): (1, 1, 1, 0), ("Site B", "w"): (2, 0, 0, 1),
    }


def test_by_department(small_org):
    p = queries.participation(Scope(), "department", TODAY)
    assert [(g.label, g.kind, g.site, g.headcount) for g in p.groups] == [
        ("Front one", "front_line", "Site A", 4), ("Provider one", "internal_provider", "Site A", 3),
        ("Front two", "front_line", "Site B", 1), ("Leaders", "leadership", "Site B", 1),
    ]
    assert table(p) == {
        ("Front one", "c1"): (4, 3, 1, 1), ("Front one", "l1"): (1, 0, 0, 0), ("Front one", "w"): (4, 2, 1, 0),
        ("Provider one", "c1"): (1, 1, 1, 0), ("Provider one", "w"): (3, 1, 0, 0),
        ("Front two", "c1"): (1, 0, 0, 1), ("Front two", "w"): (1, 0, 0, 1),
        ("Leaders", "l1"): (1, 1, 1, 0), ("Leaders", "w"): (1, 0, 0, 0),
    }


def test_by_team(small_org):
    p = queries.participation(Scope(), "team", TODAY)
    assert {(g.label, g.headcount) for g in p.groups} == {("Boss", 3), ("Manager One", 3), ("Manager Two", 2),
                                                          ("No manager", 1)}
    cells = table(p)
    assert cells[("Boss", "c1")] == (2, 1, 0, 1)  # m1 started, b1 overdue
    assert cells[("Boss", "w")] == (3, 0, 0, 1)
    assert cells[("Manager One", "c1")] == (3, 2, 1, 1)
    assert cells[("Manager One", "w")] == (3, 2, 1, 0)
    assert cells[("Manager Two", "c1")] == (1, 1, 1, 0)
    assert cells[("No manager", "l1")] == (1, 1, 1, 0)


def test_department_drill_down_to_team_and_people(small_org):
    fl1 = small_org.departments["FL1"]
    teams = queries.participation(Scope(department_id=fl1.id), "team", TODAY)
    assert {(g.label, g.headcount) for g in teams.groups} == {("Boss", 1), ("Manager One", 3)}
    team = Scope(department_id=fl1.id, team_of=small_org.people["m1"].id)
    assert table(queries.participation(team, "organization", TODAY)) == {
        ("Organization", "c1"): (3, 2, 1, 1), ("Organization", "w"): (3, 2, 1, 0)}
    courses = queries.courses_in_scope(team)
    assert courses == queries.participation(team, "organization", TODAY).courses
    page = queries.people_page(team, TODAY, courses)
    c1, w = small_org.courses["C1"].id, small_org.courses["W"].id
    assert [(r.name, r.state(c1), r.state(w)) for r in page.items] == [
        ("Agent a1", "completed", "completed"), ("Agent a2", "overdue", "started"), ("Agent a3", "assigned", "assigned")]
    nobody = Scope(department_id=small_org.departments["LD"].id, team_of=NO_MANAGER)
    assert [r.name for r in queries.people_page(nobody, TODAY, courses).items] == ["Boss"]


def test_person_states_everywhere(small_org):
    c1, l1, w = (small_org.courses[k].id for k in ("C1", "L1", "W"))
    courses = queries.courses_in_scope(Scope())
    assert courses == queries.participation(Scope(), "organization", TODAY).courses
    states = {r.name: r.states for r in queries.stream_people(Scope(), TODAY, courses)}
    assert states == {
        "Agent a1": {c1: "completed", w: "completed"},
        "Agent a2": {c1: "overdue", w: "started"},
        "Agent a3": {c1: "assigned", w: "assigned"},
        "Provider p1": {c1: "completed", w: "assigned"},  # a no-show is back in the pool
        "Provider p2": {w: "started"},  # attended day 1
        "Bea One": {c1: "overdue", w: "overdue"},
        "Manager One": {c1: "started", l1: "assigned", w: "assigned"},
        "Manager Two": {w: "assigned"},
        "Boss": {l1: "completed", w: "assigned"},
    }
    assert list(states) == sorted(states)  # streamed in name order
    # The export's single pass over the enrolments agrees with the page's per-person subqueries, in any scope.
    for scope in (Scope(), Scope(line_of=small_org.people["m1"].id), Scope(department_id=small_org.departments["FL1"].id)):
        streamed = [(r.name, r.states) for r in queries.stream_people(scope, TODAY, courses)]
        assert streamed == [(r.name, r.states) for r in queries.people_page(scope, TODAY, courses, per_page=100).items]
    assert queries.person_row(Scope(line_of=small_org.people["m1"].id), TODAY, small_org.people["p1"].id, courses) is None
    assert queries.person_row(Scope(), TODAY, small_org.people["a2"].id, courses).states == {c1: "overdue", w: "started"}


def test_manager_line_sees_only_their_people(small_org):
    line = Scope(line_of=small_org.people["m1"].id)
    assert table(queries.participation(line, "organization", TODAY)) == {
        ("Organization", "c1"): (3, 2, 1, 1), ("Organization", "w"): (3, 2, 1, 0)}
    assert [g.label for g in queries.participation(line, "department", TODAY).groups] == ["Front one"]
    assert queries.reaches(line.narrowed(department_id=small_org.departments["FL1"].id))
    assert not queries.reaches(line.narrowed(department_id=small_org.departments["IP1"].id))
    assert not queries.reaches(line.narrowed(site_id=small_org.sites["B"].id))
    boss_line = Scope(line_of=small_org.people["boss"].id)
    assert queries.participation(boss_line, "organization", TODAY).groups[0].headcount == 8


def test_paging_groups(small_org):
    first = queries.participation(Scope(), "department", TODAY, page=1, per_page=3)
    second = queries.participation(Scope(), "department", TODAY, page=2, per_page=3)
    assert (first.total, first.pages, second.page) == (4, 2, 2)
    assert [g.label for g in first.groups] == ["Front one", "Provider one", "Front two"]
    assert [g.label for g in second.groups] == ["Leaders"]
    assert table(second) == {("Leaders", "l1"): (1, 1, 1, 0), ("Leaders", "w"): (1, 0, 0, 0)}


def test_burn_up(small_org):
    burn = queries.burn_up(Scope(), TODAY)
    assert [(w.week, w.completed, w.booked, w.planned) for w in burn.weeks] == [
        (date(2027, 3, 1), 1, 1, 10),  # a1 completed; a1's seat in S0 (10 seats)
        (date(2027, 3, 8), 1, 2, 18),  # p2's seat in S1 (8 seats)
        (date(2027, 3, 15), 1, 3, 30),  # a2's seat in S2 (12 seats); S3 is cancelled
    ]
    assert (burn.target, burn.target_date, burn.completed, burn.planned_total) == (9, date(2027, 3, 16), 1, 30)
    line = queries.burn_up(Scope(line_of=small_org.people["m1"].id), TODAY)
    assert line.target == 3 and line.planned_total is None
    assert [(w.completed, w.booked, w.planned) for w in line.weeks] == [(1, 1, None), (1, 1, None), (1, 2, None)]


def test_burn_up_follows_the_published_plan(small_org, db):
    from lms.rollout.models import RolloutPlan

    plan = RolloutPlan(name="Spring", window_start=date(2027, 3, 1), window_end=date(2027, 4, 30), status="published",
                       created_by_id=small_org.people["boss"].id, published_at=queries_at(date(2027, 3, 1)),
                       plan_doc={"format": "lms.rollout-plan/1", "sessions": [
                           {"id": "S1", "site": "A", "room": "R", "days": ["2027-03-10", "2027-03-11"],
                            "trainers": [], "attendees": ["E1", "E2", "E3"]},
                           {"id": "S2", "site": "B", "room": "R", "days": ["2027-03-22", "2027-03-23"],
                            "trainers": [], "attendees": ["E4", "E5"]}],
                           "unassigned": [], "stats": {"finish": "2027-03-23"}})
    db.session.add(plan)
    db.session.commit()
    burn = queries.burn_up(Scope(), TODAY)
    assert burn.plan_name == "Spring" and burn.target_date == date(2027, 3, 23)
    assert [(w.week, w.planned) for w in burn.weeks] == [
        (date(2027, 3, 1), 0), (date(2027, 3, 8), 3), (date(2027, 3, 15), 3), (date(2027, 3, 22), 5)]
    site_b = queries.burn_up(Scope(site_id=small_org.sites["B"].id), TODAY)
    assert site_b.planned_total == 2


def queries_at(day):
    from .conftest import at

    return at(day)


@pytest.mark.parametrize("scope_of", [None, "m1"])
def test_quiz_pass_rates_and_hardest_questions(small_org, db, scope_of):
    from lms.quizzes.models import Quiz, QuizAttempt, QuizQuestion, QuizSlot

    course = small_org.courses["C1"]
    quiz = Quiz(course_id=course.id, title="Check", pass_mark=70)
    easy = QuizQuestion(course_id=course.id, name="easy", qtype="truefalse", data={"text": "<p>Easy one</p>"},
                        content_hash="e")
    hard = QuizQuestion(course_id=course.id, name="hard", qtype="truefalse", data={"text": "Hard one"}, content_hash="h")
    db.session.add_all([quiz, easy, hard])
    db.session.flush()
    people = small_org.people
    # (person, attempt number, percent, passed, fraction on easy, fraction on hard)
    attempts = [("a1", 1, 50.0, False, 1.0, 0.0), ("a1", 2, 100.0, True, 1.0, 1.0), ("a2", 1, 50.0, False, 1.0, 0.0),
                ("p1", 1, 0.0, False, 0.0, 0.0), ("a3", 1, None, None, None, None)]
    for person, number, percent, passed, f_easy, f_hard in attempts:
        graded = percent is not None
        attempt = QuizAttempt(quiz_id=quiz.id, employee_id=people[person].id, number=number,
                              state="graded" if graded else "in_progress", max_score=2.0,
                              score=2 * percent / 100 if graded else None, percent=percent, passed=passed,
                              submitted_at=queries_at(TODAY) if graded else None)
        db.session.add(attempt)
        db.session.flush()
        for position, (question, fraction) in enumerate(((easy, f_easy), (hard, f_hard))):
            db.session.add(QuizSlot(attempt_id=attempt.id, position=position, question_id=question.id, marks=1.0,
                                    fraction=fraction, answered=graded))
    db.session.commit()
    scope = Scope() if scope_of is None else Scope(line_of=people[scope_of].id)
    [rate] = queries.quiz_pass_rates(scope)
    if scope_of is None:
        # a1, a2, p1 graded; a1 passed; four graded attempts averaging 50%.
        assert (rate.learners, rate.passed, rate.attempts, rate.average) == (3, 1, 4, 50.0)
        assert round(rate.pass_rate, 1) == 33.3
    else:
        assert (rate.learners, rate.passed, rate.attempts) == (2, 1, 3)
    hardest = queries.hardest_questions(scope, min_answers=1)
    assert [h.name for h in hardest] == ["hard", "easy"]
    if scope_of is None:
        assert [round(h.facility, 1) for h in hardest] == [25.0, 75.0]  # hard: 1 of 4; easy: 3 of 4
        assert hardest[1].text == "Easy one"
    assert queries.hardest_questions(scope, min_answers=5) == []


def test_trainer_pipeline_scoped_matches_the_trainers_own_figures(small_org, db):
    from lms.trainers.models import Certification

    people = small_org.people
    for person, expires in (("a1", date(2028, 1, 1)), ("p1", date(2027, 4, 1)), ("b1", date(2027, 1, 1))):
        db.session.add(Certification(employee_id=people[person].id, course_id=small_org.courses["W"].id,
                                     issued_on=date(2026, 1, 1), expires_on=expires))
    db.session.commit()
    whole = {s.site.code: (s.headcount, s.certified, s.expiring, s.expired) for s in queries.trainer_pipeline(Scope(), TODAY)}
    assert whole == {"A": (7, 2, 1, 0), "B": (2, 0, 0, 1)}
    from lms.insights.pipeline import _scoped_pipeline

    again = {s.site.code: (s.headcount, s.certified, s.expiring, s.expired)
             for s in _scoped_pipeline(Scope(), small_org.courses["W"], TODAY)}
    assert again == whole
    line = {s.site.code: (s.headcount, s.certified) for s in queries.trainer_pipeline(Scope(line_of=people["m1"].id), TODAY)}
    assert line == {"A": (3, 1)}
