"""Pure rules: the rubric's pass rule, certification dates and the reminder window, the cascade tree."""
from __future__ import annotations

from datetime import date

import pytest

from lms.trainers.cascade import CascadeRow, build_cascade, flatten
from lms.trainers.rubric import pass_rule_text, passes, rubric_from_dict, score_problems
from lms.trainers.validity import (add_months, days_left, expiry_for, in_recertification_window, reminder_due,
                                   renewal_expiry)

RUBRIC = {
    "criteria": [{"id": c, "title": c.title(), "levels": {str(n): f"level {n}" for n in (1, 2, 3, 4)}}
                 for c in ("listen", "options", "time", "groups")],
    "min_each": 2, "min_average": 3,
}


def scores(*values):
    return dict(zip(("listen", "options", "time", "groups"), values, strict=True))


@pytest.mark.parametrize("values, expected", [
    ((3, 3, 3, 3), True),       # exactly the average
    ((4, 4, 2, 2), True),       # 2 is the lowest allowed, average 3
    ((4, 4, 4, 1), False),      # average 3.25, but one criterion at 1
    ((3, 3, 3, 2), False),      # every criterion >= 2, average 2.75
    ((2, 2, 2, 2), False),
    ((4, 4, 4, 4), True),
])
def test_pass_rule(values, expected):
    assert passes(rubric_from_dict(RUBRIC), scores(*values)) is expected


def test_pass_rule_comes_from_the_rubric_file():
    strict = rubric_from_dict(dict(RUBRIC, min_each=3, min_average=3.5))
    assert not passes(strict, scores(4, 4, 4, 2))
    assert passes(strict, scores(4, 4, 3, 3))
    assert pass_rule_text(strict) == "Every criterion at least 3 and an average of at least 3.5 across the 4 criteria."


def test_real_rubric_pass_rule(trainer_courses):
    _, trainer_course = trainer_courses
    rubric = rubric_from_dict(trainer_course.rubric)
    assert len(rubric.criteria) >= 5 and rubric.min_each == 2 and rubric.min_average == 3
    ids = [c.id for c in rubric.criteria]
    assert passes(rubric, dict.fromkeys(ids, 3))
    assert not passes(rubric, dict(dict.fromkeys(ids, 4), **{ids[0]: 1}))


def test_score_problems_name_each_criterion():
    rubric = rubric_from_dict(RUBRIC)
    problems = score_problems(rubric, {"listen": 3, "options": 5, "extra": 2})
    assert "Score “Time”." in problems and "Score “Groups”." in problems
    assert "“Options” must be scored 1 to 4, not 5." in problems
    assert "The rubric has no criterion “extra”." in problems
    assert score_problems(rubric, scores(1, 2, 3, 4)) == []
    assert not passes(rubric, {"listen": 4})  # missing criteria never pass


def test_months_and_expiry():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2027, 11, 15), 24) == date(2029, 11, 15)
    assert expiry_for(date(2027, 3, 10), 24) == date(2029, 3, 9)  # 24 months, both ends included


def test_renewal_runs_on_from_the_current_expiry():
    assert renewal_expiry(date(2029, 2, 1), date(2029, 3, 9), 24) == date(2031, 3, 9)
    assert renewal_expiry(date(2029, 5, 1), date(2029, 3, 9), 24) == date(2031, 4, 30)  # lapsed: from the renewal
    assert renewal_expiry(date(2029, 5, 1), None, 24) == date(2031, 4, 30)


def test_reminder_and_recertification_windows():
    expires = date(2029, 3, 9)
    assert days_left(expires, date(2029, 3, 9)) == 0
    assert not reminder_due(expires, date(2029, 1, 7))   # 61 days before
    assert reminder_due(expires, date(2029, 1, 8))       # 60 days before
    assert reminder_due(expires, expires)
    assert not reminder_due(expires, date(2029, 3, 10))  # expired: too late for a reminder
    assert not in_recertification_window(expires, date(2029, 1, 7))
    assert in_recertification_window(expires, date(2029, 1, 8))
    assert in_recertification_window(expires, date(2030, 1, 1))


def row(i, by=None, name=None, until=date(2030, 1, 1), since=date(2028, 1, 1), revoked=False):
    return CascadeRow(i, name or f"P{i}", "S", by, since, until, revoked, False)


def test_cascade_tree():
    rows = [row(1, since=None, until=None, name="Root"), row(2, 1, "Bea"), row(3, 1, "Al"), row(4, 3, "Cy"),
            row(5, 4, "Di", until=date(2020, 1, 1)), row(6, None, "Solo", revoked=True, until=None)]
    roots = build_cascade(rows, reach={2: 40})
    assert [r.row.name for r in roots] == ["Root", "Solo"]
    root = roots[0]
    assert [c.row.name for c in root.children] == ["Al", "Bea"]
    assert root.certified == 2 and root.descendants == 4
    assert [(d, n.row.name) for d, n in flatten(roots)] == [(0, "Root"), (1, "Al"), (2, "Cy"), (3, "Di"), (1, "Bea"), (0, "Solo")]
    today = date(2025, 1, 1)
    statuses = {n.row.name: n.status(today) for _, n in flatten(roots)}
    assert statuses == {"Root": "founding", "Al": "certified", "Bea": "certified", "Cy": "certified", "Di": "expired",
                        "Solo": "revoked"}
    assert root.children[1].reach == 40 and root.children[0].reach == 0
    assert build_cascade(rows)[0].reach is None


def test_cascade_survives_a_cycle():
    roots = build_cascade([row(1, 2), row(2, 1)])
    assert sorted(r.row.employee_id for r in roots) == [1, 2]
