"""Train-the-trainer: a closed cohort per site whose members are certified, and a running one with nominees."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from lms.learning.models import Course
from lms.scale.context import Build, Person

PATH = (("nominate", None, "nominated"), ("accept", "nominated", "accepted"), ("attend", "accepted", "in_training"),
        ("co_deliver", "in_training", "co_delivered"), ("observe", "co_delivered", "teach_back_observed"),
        ("pass", "teach_back_observed", "certified"))
CERTIFICATION_DAYS = 730


def build_trainers(build: Build, workshop: Course, training: Course) -> None:
    """Cohorts, meetings, members with their path, teach-backs and certifications for every site."""
    rng = build.rng("trainers")
    w = build.writer
    people = {p.id: p for p in build.people}
    online = list(build.writer.connection.execute(
        select(Course.id).where(Course.kind == "online", Course.archived.is_(False)).order_by(Course.id)).scalars())
    criteria = [c["id"] for c in (training.rubric or {}).get("criteria", [])]
    stamp = build.stamp(build.now)
    cohorts, leads, prerequisites, meetings, attendance, members, steps = [], [], [], [], [], [], []
    teach_backs, scores, certifications = [], [], []
    lead = build.lead_trainer
    for site_id, trainer_ids in sorted(build.trainers.items()):
        issued = build.today - timedelta(days=rng.randint(230, 300))
        closed = w.ids("cohort", 2)
        running = closed + 1
        for cohort_id, status, name in ((closed, "closed", "Site trainers"), (running, "running", "Next wave")):
            cohorts.append((cohort_id, f"{name}, {build.sites[site_id]}", workshop.id, training.id, site_id,
                            max(12, len(trainer_ids) + 2), status, lead, stamp, stamp))
            leads.append((cohort_id, lead))
            prerequisites += [(cohort_id, course_id) for course_id in online]
        meeting_days = [issued - timedelta(days=40), issued - timedelta(days=20)]
        first_meeting = w.ids("cohort_meeting", 3)
        for n, day in enumerate(meeting_days):
            meetings.append((first_meeting + n, closed, f"Session {n + 1}", day.isoformat(), "09:00:00.000000",
                             "16:00:00.000000", "Training room"))
        meetings.append((first_meeting + 2, running, "Kick-off", (build.today + timedelta(days=14)).isoformat(),
                         "09:00:00.000000", "12:00:00.000000", "Training room"))
        for trainer_id in trainer_ids:
            person = people[trainer_id]
            build.certified_on[trainer_id] = issued
            if trainer_id == lead:
                build.certified_until[trainer_id] = issued + timedelta(days=CERTIFICATION_DAYS)
                certifications.append((w.ids("certification", 1), trainer_id, workshop.id, issued.isoformat(),
                                       build.certified_until[trainer_id].isoformat(), None, None, stamp))
                continue
            member = w.ids("cohort_member", 1)
            nominated = issued - timedelta(days=60)
            members.append((member, closed, trainer_id, "certification", "certified",
                            build.stamp(_at(issued, 11)), person.manager, "Colleagues turn to them with upset customers."))
            for n, (event, source, target) in enumerate(PATH):
                when = nominated + timedelta(days=12 * n)
                steps.append((w.ids("path_step", 1), member, event, source, target,
                              person.manager if event == "nominate" else lead, build.stamp(_at(when, 10)), ""))
            attendance += [(first_meeting + n, member, 1, lead, build.stamp(_at(day, 17))) for n, day in enumerate(meeting_days)]
            teach_back = w.ids("teach_back", 1)
            marks = [rng.choice((3, 3, 4)) for _ in criteria]
            teach_backs.append((teach_back, member, lead, None, "full", (issued - timedelta(days=2)).isoformat(),
                                json.dumps(training.rubric or {}), "", 1, build.stamp(_at(issued, 9))))
            scores += [(teach_back, criterion, n, mark, "") for n, (criterion, mark) in enumerate(zip(criteria, marks))]
            # A few certifications run out within the reminder window, so the pipeline shows some expiring.
            length = CERTIFICATION_DAYS if rng.random() > 0.1 else (build.today - issued).days + rng.randint(20, 55)
            build.certified_until[trainer_id] = issued + timedelta(days=length)
            certifications.append((w.ids("certification", 1), trainer_id, workshop.id, issued.isoformat(),
                                   build.certified_until[trainer_id].isoformat(), lead, teach_back, stamp))
        for nominee in _nominees(build, site_id, rng):
            member = w.ids("cohort_member", 1)
            state = rng.choice(("nominated", "accepted", "in_training"))
            members.append((member, running, nominee.id, "certification", state, stamp, nominee.manager, ""))
            for event, source, target in PATH:
                steps.append((w.ids("path_step", 1), member, event, source, target,
                              nominee.manager if event == "nominate" else lead, stamp, ""))
                if target == state:
                    break
    w.insert("cohort", ("id", "name", "course_id", "training_course_id", "site_id", "capacity", "status",
                        "created_by_id", "created_at", "updated_at"), cohorts)
    w.insert("cohort_lead", ("cohort_id", "employee_id"), leads)
    w.insert("cohort_prerequisite", ("cohort_id", "course_id"), prerequisites)
    w.insert("cohort_meeting", ("id", "cohort_id", "title", "day", "starts_at", "ends_at", "place"), meetings)
    w.insert("cohort_member", ("id", "cohort_id", "employee_id", "track", "state", "state_since", "nominated_by_id",
                               "reason"), members)
    w.insert("meeting_attendance", ("meeting_id", "member_id", "present", "recorded_by_id", "recorded_at"), attendance)
    w.insert("path_step", ("id", "member_id", "event", "from_state", "to_state", "actor_id", "at", "note"), steps)
    w.insert("teach_back", ("id", "member_id", "observer_id", "second_observer_id", "kind", "observed_on", "rubric",
                            "comments", "passed", "recorded_at"), teach_backs)
    w.insert("teach_back_score", ("teach_back_id", "criterion_id", "position", "score", "note"), scores)
    w.insert("certification", ("id", "employee_id", "course_id", "issued_on", "expires_on", "certified_by_id",
                               "teach_back_id", "created_at"), certifications)


def _nominees(build: Build, site_id: int, rng) -> list[Person]:
    """A few people at the site with no role, nominated for the next wave (they may still attend a workshop)."""
    pool = [p for p in build.people if p.site == site_id and not p.roles and p.manager is not None]
    return rng.sample(pool, min(len(pool), max(1, len(build.trainers[site_id]) // 3)))


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)
