"""The lower bound on hand-built problems: each term binding in turn."""

from datetime import date

from lms.rollout.bound import DEPARTMENT, SITE_SEATS, TRAINERS, lower_bound
from tests.rollout.builders import base_doc, problem


def doc(employees: int, max_away: int, capacity: int):
    d = base_doc(employees, max_away=max_away, capacity=capacity)
    d["session"]["max_size"] = 20
    return d


def test_department_term_binds():
    lb = lower_bound(problem(doc(10, 2, 20)))
    assert (lb.value, lb.binding.kind, lb.binding.subject) == (10, DEPARTMENT, "ops")
    assert {t.kind: t.value for t in lb.terms} == {DEPARTMENT: 10, SITE_SEATS: 1, TRAINERS: 2}
    assert lb.fits_window and lb.finish_date == date(2027, 1, 15)


def test_site_seats_term_binds_and_skips_unavailable_room_days():
    d = doc(40, 40, 8)
    d["rooms"][0]["unavailable"] = ["2027-01-05"]
    lb = lower_bound(problem(d))
    # 80 seat-days at 8 a day, day 2 lost: working day 11
    assert (lb.value, lb.binding.kind, lb.binding.subject) == (11, SITE_SEATS, "HQ")


def test_room_capacity_counts_at_most_max_size():
    d = doc(40, 40, 50)
    lb = lower_bound(problem(d))
    assert {t.kind: t.value for t in lb.terms}[SITE_SEATS] == 4  # 80 seat-days at 20 a day


def test_trainer_term_binds_with_weekly_cap():
    d = doc(40, 40, 20)
    d["rooms"].append({"id": "HQ-B", "site": "HQ", "capacity": 20})
    d["trainers"][0]["max_days_per_week"] = 2
    lb = lower_bound(problem(d))
    # two sessions of 20 need 4 trainer-days at 2 a week: Mon and Tue of week 2 = index 7
    assert (lb.value, lb.binding.kind, lb.binding.subject) == (7, TRAINERS, None)


def test_trainer_term_respects_validity_and_leave():
    d = doc(20, 20, 20)
    d["trainers"][0]["available_from"] = "2027-01-06"
    d["trainers"][0]["unavailable"] = ["2027-01-07"]
    lb = lower_bound(problem(d))
    # one session needs 2 trainer-days: Wed 6th (index 3) and, after leave on the 7th, Fri 8th (5)
    assert (lb.value, lb.binding.kind) == (5, TRAINERS)


def test_bound_past_the_window_and_never():
    lb = lower_bound(problem(doc(30, 1, 20)))
    assert lb.value == 60 and not lb.fits_window and lb.finish_date == date(2027, 3, 26)
    d = doc(10, 10, 20)
    d["departments"].append({"id": "air", "site": "AIRPORT", "kind": "front_line", "max_away": 2})
    d["employees"].append({"id": "A1", "department": "air"})
    lb = lower_bound(problem(d))
    assert lb.value is None and lb.binding == next(t for t in lb.terms if t.kind == SITE_SEATS)
    assert lb.binding.subject == "AIRPORT" and not lb.fits_window
