"""Every endpoint's figures on the small hand-built organization (tests/insights/conftest.py), worked out by hand.

"Today" is Wednesday 10 March 2027. Every response is checked against the OpenAPI document by the client.
"""
from __future__ import annotations

from datetime import date

import pytest

from lms.insights.models import ServiceIdea
from lms.workshops.models import SessionTrainer

from .conftest import at


def figures(group: dict) -> dict:
    """{course slug: (assigned, started, completed, overdue, percent)} of one group."""
    return {c["course"]["slug"]: (c["assigned"], c["started"], c["completed"], c["overdue"], c["percent"])
            for c in group["courses"]}


def test_participation_of_the_whole_organization(boss_api):
    response, body = boss_api.get("/api/v1/participation/organization")
    assert response.status_code == 200
    [group] = body["data"]
    assert group["group"] == {"dimension": "organization", "id": None, "name": "Organization", "kind": None,
                              "site": None, "headcount": 9}
    # p2's unassigned enrolment, the leaver and the archived course do not count; all 9 are assigned the workshop
    assert figures(group) == {"c1": (6, 4, 2, 2, 33.33), "l1": (2, 1, 1, 0, 50.0), "w": (9, 3, 1, 1, 11.11)}
    assert [c["course"]["kind"] for c in group["courses"]] == ["online", "leadership", "workshop"]
    assert body["meta"] == {"limit": 50, "count": 1, "page": 1, "pages": 1, "total": 1, "as_of": "2027-03-10"}
    assert body["links"]["next"] is None and body["links"]["prev"] is None


def test_participation_by_department_kind(boss_api):
    body = boss_api.get("/api/v1/participation/kind")[1]
    assert [(g["group"]["kind"], g["group"]["name"], g["group"]["headcount"]) for g in body["data"]] == [
        ("front_line", "Front line", 5), ("internal_provider", "Internal providers", 3), ("leadership", "Leadership", 1)]
    front, providers, leaders = (figures(g) for g in body["data"])
    assert front == {"c1": (5, 3, 1, 2, 20.0), "l1": (1, 0, 0, 0, 0.0), "w": (5, 2, 1, 1, 20.0)}
    assert providers == {"c1": (1, 1, 1, 0, 100.0), "l1": (0, 0, 0, 0, None), "w": (3, 1, 0, 0, 0.0)}
    assert leaders == {"c1": (0, 0, 0, 0, None), "l1": (1, 1, 1, 0, 100.0), "w": (1, 0, 0, 0, 0.0)}


def test_participation_by_site(boss_api, small_org):
    body = boss_api.get("/api/v1/participation/site")[1]
    assert [(g["group"]["id"], g["group"]["name"], g["group"]["headcount"]) for g in body["data"]] == [
        (small_org.sites["A"].id, "Site A", 7), (small_org.sites["B"].id, "Site B", 2)]
    assert figures(body["data"][0]) == {"c1": (5, 4, 2, 1, 40.0), "l1": (1, 0, 0, 0, 0.0), "w": (7, 3, 1, 0, 14.29)}
    assert figures(body["data"][1]) == {"c1": (1, 0, 0, 1, 0.0), "l1": (1, 1, 1, 0, 100.0), "w": (2, 0, 0, 1, 0.0)}


def test_participation_by_department_in_pages(boss_api, small_org):
    response, first = boss_api.get("/api/v1/participation/department", limit=2)
    assert [(g["group"]["name"], g["group"]["site"], g["group"]["kind"], g["group"]["headcount"])
            for g in first["data"]] == [("Front one", "Site A", "front_line", 4),
                                        ("Provider one", "Site A", "internal_provider", 3)]
    assert first["data"][0]["group"]["id"] == small_org.departments["FL1"].id
    assert figures(first["data"][0]) == {"c1": (4, 3, 1, 1, 25.0), "l1": (1, 0, 0, 0, 0.0), "w": (4, 2, 1, 0, 25.0)}
    assert figures(first["data"][1]) == {"c1": (1, 1, 1, 0, 100.0), "l1": (0, 0, 0, 0, None), "w": (3, 1, 0, 0, 0.0)}
    assert first["meta"] == {"limit": 2, "count": 2, "page": 1, "pages": 2, "total": 4, "as_of": "2027-03-10"}
    assert first["links"]["prev"] is None and "page=2" in first["links"]["next"] and "limit=2" in first["links"]["next"]

    second = boss_api.follow(first["links"]["next"])[1]
    assert [g["group"]["name"] for g in second["data"]] == ["Front two", "Leaders"]
    assert figures(second["data"][0])["c1"] == (1, 0, 0, 1, 0.0)
    assert figures(second["data"][1])["l1"] == (1, 1, 1, 0, 100.0)
    assert second["links"]["next"] is None and "page=1" in second["links"]["prev"]


def test_participation_narrowed_to_a_site_or_department(boss_api, small_org):
    body = boss_api.get("/api/v1/participation/department", site=small_org.sites["B"].id)[1]
    assert [g["group"]["name"] for g in body["data"]] == ["Front two", "Leaders"]
    body = boss_api.get("/api/v1/participation/organization", department=small_org.departments["IP1"].id)[1]
    assert body["data"][0]["group"]["headcount"] == 3
    assert figures(body["data"][0]) == {"c1": (1, 1, 1, 0, 100.0), "w": (3, 1, 0, 0, 0.0)}


# --------------------------------------------------------------------------- enrolments

ALL_ENROLMENTS = {
    ("a1", "c1"): "completed", ("a2", "c1"): "overdue", ("a3", "c1"): "assigned", ("p1", "c1"): "completed",
    ("p2", "c1"): "unassigned", ("b1", "c1"): "overdue", ("gone", "c1"): "completed", ("m1", "c1"): "started",
    ("boss", "l1"): "completed", ("m1", "l1"): "assigned", ("a1", "old"): "completed", ("a1", "w"): "completed",
    ("a2", "w"): "started",  # a seat held in S2 starts the workshop
    ("b1", "w"): "overdue",
}


def enrolment_keys(small_org, items) -> dict:
    names = {p.employee_no: name for name, p in small_org.people.items()}
    return {(names[e["employee"]["employee_id"]], e["course"]["slug"]): e["state"] for e in items}


def test_enrolments_with_their_states(boss_api, small_org):
    items = boss_api.all_pages("/api/v1/enrolments")
    assert enrolment_keys(small_org, items) == ALL_ENROLMENTS
    a1 = next(e for e in items if e["employee"]["employee_id"] == small_org.people["a1"].employee_no
              and e["course"]["slug"] == "c1")
    assert a1["employee"] == {"id": small_org.people["a1"].id, "employee_id": small_org.people["a1"].employee_no,
                              "name": "Agent a1", "active": True}
    assert a1["department"] == {"id": small_org.departments["FL1"].id, "code": "FL1", "name": "Front one",
                                "kind": "front_line"}
    assert a1["site"] == {"id": small_org.sites["A"].id, "code": "A", "name": "Site A"}
    assert (a1["assigned_at"], a1["started_at"], a1["completed_at"], a1["due_date"], a1["updated_at"]) == (
        "2027-01-04T10:00:00Z", "2027-02-01T10:00:00Z", "2027-02-10T10:00:00Z", None, "2027-02-10T10:00:00Z")
    old = next(e for e in items if e["course"]["slug"] == "old")
    assert old["course"]["archived"] is True


@pytest.mark.parametrize("params, expected", [
    ({"course": "c1"}, {k for k in ALL_ENROLMENTS if k[1] == "c1"}),
    ({"state": "overdue"}, {("a2", "c1"), ("b1", "c1"), ("b1", "w")}),
    ({"state": "unassigned"}, {("p2", "c1")}),
    ({"active": "false"}, {("gone", "c1")}),
    ({"updated_since": "2027-02-01T00:00:00Z"},
     {("a1", "c1"), ("a2", "c1"), ("p1", "c1"), ("p2", "c1"), ("m1", "c1"), ("a1", "w")}),
    ({"updated_since": "2027-02-01T12:00:00+01:00"}, {("a1", "c1"), ("m1", "c1"), ("a1", "w")}),
    ({"course": "w", "state": "started"}, {("a2", "w")}),
])
def test_enrolment_filters(boss_api, small_org, params, expected):
    assert set(enrolment_keys(small_org, boss_api.all_pages("/api/v1/enrolments", **params))) == expected


def test_enrolments_by_department_and_site(boss_api, small_org):
    by_department = boss_api.all_pages("/api/v1/enrolments", department=small_org.departments["FL1"].id)
    assert set(enrolment_keys(small_org, by_department)) == {
        k for k in ALL_ENROLMENTS if k[0] in ("a1", "a2", "a3", "gone", "m1")}
    by_site = boss_api.all_pages("/api/v1/enrolments", site=small_org.sites["B"].id)
    assert set(enrolment_keys(small_org, by_site)) == {("b1", "c1"), ("b1", "w"), ("boss", "l1")}


def test_enrolments_page_by_cursor_without_gaps_or_repeats(boss_api, small_org):
    response, first = boss_api.get("/api/v1/enrolments", limit=5)
    assert first["meta"] == {"limit": 5, "count": 5, "as_of": "2027-03-10"}
    assert "cursor=" in first["links"]["next"] and "limit=5" in first["links"]["next"]
    items = boss_api.all_pages("/api/v1/enrolments", limit=5)
    ids = [e["id"] for e in items]
    assert len(ids) == 14 and ids == sorted(set(ids))
    last = boss_api.all_pages("/api/v1/enrolments", limit=14)
    assert [e["id"] for e in last] == ids
    assert boss_api.get("/api/v1/enrolments", limit=14)[1]["links"]["next"] is None


# --------------------------------------------------------------------------- workshop


def test_workshop_sessions_with_booking_counts_and_trainers(boss_api, small_org, db, make_employee):
    trainer = make_employee(department=small_org.departments["IP1"], full_name="Trainer T", roles=("trainer",))
    db.session.add(SessionTrainer(session_id=small_org.sessions["S0"].id, employee_id=trainer.id))
    db.session.commit()
    items = boss_api.all_pages("/api/v1/workshop/sessions")
    by_id = {s["id"]: s for s in items}
    s0 = by_id[small_org.sessions["S0"].id]
    assert (s0["status"], s0["day1"], s0["day2"], s0["start_time"], s0["end_time"], s0["capacity"]) == (
        "completed", "2027-03-02", "2027-03-03", "09:00", "17:00", 10)
    assert s0["bookings"] == {"booked": 1, "waitlisted": 0, "cancelled": 0, "no_show": 1, "attended_both_days": 1}
    assert s0["trainers"] == [{"id": trainer.id, "employee_id": trainer.employee_no, "name": "Trainer T"}]
    assert s0["site"]["name"] == "Site A" and s0["room"]["name"] == "Room" and s0["course"]["slug"] == "w"
    assert by_id[small_org.sessions["S1"].id]["bookings"]["booked"] == 1
    assert by_id[small_org.sessions["S2"].id]["bookings"]["booked"] == 1
    assert by_id[small_org.sessions["S3"].id]["bookings"] == {
        "booked": 0, "waitlisted": 0, "cancelled": 0, "no_show": 0, "attended_both_days": 0}
    assert by_id[small_org.sessions["S3"].id]["trainers"] == []


@pytest.mark.parametrize("params, keys", [
    ({"status": "cancelled"}, {"S3"}),
    ({"status": "open"}, {"S1", "S2"}),
    ({"from": "2027-03-10", "to": "2027-03-15"}, {"S1", "S2"}),
    ({"from": "2027-03-16"}, {"S3"}),
])
def test_workshop_session_filters(boss_api, small_org, params, keys):
    ids = {s["id"] for s in boss_api.all_pages("/api/v1/workshop/sessions", **params)}
    assert ids == {small_org.sessions[k].id for k in keys}


def test_workshop_sessions_by_site(boss_api, small_org):
    assert len(boss_api.all_pages("/api/v1/workshop/sessions", site=small_org.sites["A"].id)) == 4
    assert boss_api.all_pages("/api/v1/workshop/sessions", site=small_org.sites["B"].id) == []


def test_workshop_bookings(boss_api, small_org):
    names = {p.id: name for name, p in small_org.people.items()}
    items = boss_api.all_pages("/api/v1/workshop/bookings", limit=3)
    assert {(names[b["employee"]["id"]], b["status"], b["attended_both_days"]) for b in items} == {
        ("a1", "booked", True), ("p1", "no_show", False), ("p2", "booked", False), ("a2", "booked", False)}
    p2 = next(b for b in items if names[b["employee"]["id"]] == "p2")
    assert (p2["session_id"], p2["day1_present"], p2["day2_present"], p2["department"]["code"]) == (
        small_org.sessions["S1"].id, True, None, "IP1")
    by_session = boss_api.all_pages("/api/v1/workshop/bookings", session=small_org.sessions["S0"].id)
    assert {names[b["employee"]["id"]] for b in by_session} == {"a1", "p1"}
    no_shows = boss_api.all_pages("/api/v1/workshop/bookings", status="no_show")
    assert [names[b["employee"]["id"]] for b in no_shows] == ["p1"]
    providers = boss_api.all_pages("/api/v1/workshop/bookings", department=small_org.departments["IP1"].id)
    assert {names[b["employee"]["id"]] for b in providers} == {"p1", "p2"}
    assert boss_api.all_pages("/api/v1/workshop/bookings", site=small_org.sites["B"].id) == []


# --------------------------------------------------------------------------- service ideas


@pytest.fixture
def ideas(db, small_org):
    """a1's idea implemented on 5 March for Provider one; a2's submitted; p1's declined; gone's (a leaver) accepted."""
    p, d = small_org.people, small_org.departments

    def idea(person, title, status, submitted, **fields):
        row = ServiceIdea(author_id=p[person].id, department_id=p[person].department_id, title=title,
                          description=f"{title}, described.", status=status, submitted_at=at(submitted),
                          beneficiary=fields.pop("beneficiary", "external"), **fields)
        db.session.add(row)
        return row

    rows = {
        "a1": idea("a1", "Refund at the desk", "implemented", date(2027, 2, 1), beneficiary="internal",
                   beneficiary_department_id=d["IP1"].id, accepted_at=at(date(2027, 2, 3)),
                   implemented_on=date(2027, 3, 5), outcome="Refunds in a day."),
        "a2": idea("a2", "Call back", "submitted", date(2027, 3, 8)),
        "p1": idea("p1", "Stock alerts", "declined", date(2027, 1, 15), declined_at=at(date(2027, 1, 20)),
                   declined_reason="Done already."),
        "gone": idea("gone", "Old idea", "accepted", date(2026, 12, 1), accepted_at=at(date(2026, 12, 2))),
    }
    db.session.commit()
    return rows


def test_service_ideas(boss_api, small_org, ideas):
    items = boss_api.all_pages("/api/v1/ideas", limit=2)
    assert [i["title"] for i in items] == ["Refund at the desk", "Call back", "Stock alerts", "Old idea"]
    refund = items[0]
    assert refund == {
        "id": ideas["a1"].id, "title": "Refund at the desk", "description": "Refund at the desk, described.",
        "status": "implemented",
        "author": {"id": small_org.people["a1"].id, "employee_id": small_org.people["a1"].employee_no,
                   "name": "Agent a1", "active": True},
        "department": {"id": small_org.departments["FL1"].id, "code": "FL1", "name": "Front one", "kind": "front_line"},
        "beneficiary": "internal",
        "beneficiary_department": {"id": small_org.departments["IP1"].id, "code": "IP1", "name": "Provider one",
                                   "kind": "internal_provider"},
        "submitted_at": "2027-02-01T10:00:00Z", "accepted_at": "2027-02-03T10:00:00Z", "implemented_on": "2027-03-05",
        "outcome": "Refunds in a day.", "declined_at": None, "declined_reason": None,
    }
    assert items[2]["declined_reason"] == "Done already." and items[1]["beneficiary_department"] is None
    assert [i["title"] for i in boss_api.all_pages("/api/v1/ideas", status="declined")] == ["Stock alerts"]
    assert [i["title"] for i in boss_api.all_pages("/api/v1/ideas", department=small_org.departments["IP1"].id)] == [
        "Stock alerts"]
    assert [i["title"] for i in boss_api.all_pages("/api/v1/ideas", submitted_since="2027-02-01T10:00:00Z")] == [
        "Refund at the desk", "Call back"]


def test_service_idea_figures(boss_api, small_org, ideas):
    body = boss_api.get("/api/v1/ideas/summary", months=3)[1]["data"]
    assert body["by_status"] == {"submitted": 1, "accepted": 1, "implemented": 1, "declined": 1}
    assert body["months"] == ["2027-01-01", "2027-02-01", "2027-03-01"]
    assert body["implemented_per_month"] == [{"month": "2027-01-01", "implemented": 0},
                                             {"month": "2027-02-01", "implemented": 0},
                                             {"month": "2027-03-01", "implemented": 1}]
    assert body["implemented_by_department"] == [{
        "department": {"id": small_org.departments["FL1"].id, "name": "Front one", "site": "Site A"}, "total": 1,
        "months": [{"month": "2027-01-01", "implemented": 0}, {"month": "2027-02-01", "implemented": 0},
                   {"month": "2027-03-01", "implemented": 1}]}]
    # Active people only: a1 completed the workshop (1 idea, implemented); the 8 others submitted a2's and p1's.
    assert body["workshop_comparison"] == [
        {"group": "completed", "label": "Completed the workshop", "people": 1, "submitted": 1, "implemented": 1},
        {"group": "not_completed", "label": "Not completed yet", "people": 8, "submitted": 2, "implemented": 0}]
    assert len(boss_api.get("/api/v1/ideas/summary")[1]["data"]["months"]) == 12


@pytest.mark.parametrize("dimension", ["organization", "kind", "site", "department"])
def test_participation_of_nobody(boss_api, dimension):
    response, body = boss_api.get(f"/api/v1/participation/{dimension}", department=2147483646)
    assert response.status_code == 200
    assert all(g["group"]["headcount"] == 0 for g in body["data"])
    assert all(c["assigned"] == 0 for g in body["data"] for c in g["courses"])
