"""xAPI 1.0.3 statements the platform emits, built from plain values (pure: no Flask, no database).

Actors are accounts: the organization's home page and the employee id, never a name or an
e-mail. Verbs come from the ADL vocabulary. Activity ids are the platform's own URLs.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

XAPI_VERSION = "1.0.3"
PLATFORM = "Service Excellence"
LANGUAGE = "en"

ADL_VERBS = {
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "attended": "http://adlnet.gov/expapi/verbs/attended",
    "voided": "http://adlnet.gov/expapi/verbs/voided",
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "meeting": "http://adlnet.gov/expapi/activities/meeting",
}


@dataclass(frozen=True)
class Activity:
    """An xAPI activity: its IRI, display name and ADL type."""

    id: str
    name: str
    type: str

    def as_object(self) -> dict:
        """The activity as a statement object (or a context activity)."""
        return {"objectType": "Activity", "id": self.id,
                "definition": {"name": {LANGUAGE: self.name}, "type": ACTIVITY_TYPES[self.type]}}


def new_statement_id() -> str:
    """A fresh statement id (a UUID, as xAPI requires)."""
    return str(uuid.uuid4())


def timestamp(moment: datetime) -> str:
    """An instant as xAPI wants it: ISO 8601 in UTC, to the millisecond, ending in Z."""
    if moment.tzinfo is None:
        raise ValueError("xAPI timestamps need a time zone")
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def duration(length: timedelta) -> str:
    """A length of time as an ISO 8601 duration (PT#H#M#S, seconds to 0.01)."""
    centiseconds = max(0, round(length.total_seconds() * 100))
    hours, rest = divmod(centiseconds, 360_000)
    minutes, rest = divmod(rest, 6_000)
    seconds = f"{rest // 100}" if rest % 100 == 0 else f"{rest // 100}.{rest % 100:02d}"
    return f"PT{hours}H{minutes}M{seconds}S"


def actor(home_page: str, employee_no: str) -> dict:
    """An agent identified by an account on the organization's home page: the employee id."""
    return {"objectType": "Agent", "account": {"homePage": home_page, "name": employee_no}}


def verb(name: str) -> dict:
    """An ADL verb with its English display."""
    return {"id": ADL_VERBS[name], "display": {"en-US": name}}


def course_activity(base_url: str, slug: str, title: str) -> Activity:
    """A course, identified by its page."""
    return Activity(f"{_base(base_url)}/courses/{slug}", title, "course")


def quiz_activity(base_url: str, slug: str, title: str) -> Activity:
    """A course's quiz, identified by its page."""
    return Activity(f"{_base(base_url)}/courses/{slug}/quiz", title, "assessment")


def session_activity(base_url: str, session_id: int, title: str) -> Activity:
    """A two-day workshop session, identified by its page."""
    return Activity(f"{_base(base_url)}/workshops/sessions/{session_id}", title, "meeting")


def _base(base_url: str) -> str:
    return base_url.rstrip("/")


def _statement(statement_id: str, who: dict, verb_name: str, activity: Activity, when: datetime,
               result: dict | None = None, parents: tuple[Activity, ...] = ()) -> dict:
    context: dict = {"platform": PLATFORM, "language": LANGUAGE}
    if parents:
        context["contextActivities"] = {"parent": [p.as_object() for p in parents]}
    statement = {"id": statement_id, "actor": who, "verb": verb(verb_name), "object": activity.as_object()}
    if result is not None:
        statement["result"] = result
    statement["context"] = context
    statement["timestamp"] = timestamp(when)
    return statement


def completion_statement(statement_id: str, who: dict, course: Activity, completed_at: datetime) -> dict:
    """`who` completed a course."""
    return _statement(statement_id, who, "completed", course, completed_at, {"completion": True})


def quiz_statement(statement_id: str, who: dict, quiz: Activity, course: Activity, *, score: float,
                   max_score: float, percent: float, passed: bool, submitted_at: datetime,
                   started_at: datetime | None = None) -> dict:
    """`who` passed or failed a graded quiz attempt, with its score (scaled, raw, min and max)."""
    score_part = {"scaled": min(1.0, max(0.0, round(percent / 100.0, 6))), "raw": round(score, 6)}
    if max_score > 0:  # xAPI wants min below max; a quiz of unmarked items has neither
        score_part.update({"min": 0, "max": round(max_score, 6)})
    result = {"score": score_part, "success": passed, "completion": True}
    if started_at is not None:
        result["duration"] = duration(submitted_at - started_at)
    return _statement(statement_id, who, "passed" if passed else "failed", quiz, submitted_at, result, (course,))


def attendance_statement(statement_id: str, who: dict, session: Activity, course: Activity,
                         ended_at: datetime) -> dict:
    """`who` attended both days of a workshop session."""
    return _statement(statement_id, who, "attended", session, ended_at, {"completion": True}, (course,))


def voiding_statement(statement_id: str, who: dict, voided_id: str, when: datetime) -> dict:
    """Voids an earlier statement (e.g. attendance that a trainer corrected)."""
    return {"id": statement_id, "actor": who, "verb": verb("voided"),
            "object": {"objectType": "StatementRef", "id": voided_id}, "timestamp": timestamp(when)}
