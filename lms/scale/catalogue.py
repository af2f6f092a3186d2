"""What the generator reads from the database before writing: courses, their learner modules, quizzes and the live rules."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.learning.due import due_date_for, earliest
from lms.learning.models import AssignmentRule, Course
from lms.quizzes.models import Quiz
from lms.scale.context import Person
from lms.scale.quiz_templates import QuizTemplates, quiz_templates


@dataclass(frozen=True)
class CourseInfo:
    id: int
    slug: str
    kind: str
    title: str
    modules: tuple[int, ...]  # live learner modules, in order
    quiz: QuizTemplates | None


@dataclass(frozen=True)
class RuleInfo:
    """A live assignment rule, flattened for matching people who exist only in memory."""

    id: int
    course_id: int
    everyone: bool
    targets: dict[str, frozenset[str]]
    due_kind: str
    due_date: date | None
    due_days: int | None

    def matches(self, person: Person) -> bool:
        """The same audience as lms.learning.assignments.rule_audience, for one active person."""
        if self.everyone:
            return True
        t = self.targets
        return bool(person.kind in t.get("department_kind", ()) or str(person.site) in t.get("site", ())
                    or str(person.department) in t.get("department", ()) or str(person.id) in t.get("employee", ())
                    or "learner" in t.get("role", ()) or person.roles & t.get("role", frozenset()))

    def due(self, person: Person, assigned_on: date) -> date | None:
        return due_date_for(self.due_kind, due_date=self.due_date, due_days=self.due_days, hire_date=person.hired,
                            assigned_on=assigned_on)


@dataclass(frozen=True)
class Catalogue:
    courses: dict[int, CourseInfo]
    rules: tuple[RuleInfo, ...]

    def by_kind(self, kind: str) -> CourseInfo | None:
        """The first live course of a kind (the workshop, the trainer course)."""
        return next((c for c in sorted(self.courses.values(), key=lambda c: c.id) if c.kind == kind), None)

    def assigned(self, person: Person, assigned_on: date) -> dict[int, tuple[int, date | None]]:
        """course id -> (rule id, due date) for every course live rules give this person."""
        matched: dict[int, list[RuleInfo]] = {}
        for rule in self.rules:
            if rule.matches(person):
                matched.setdefault(rule.course_id, []).append(rule)
        return {course_id: (rules[0].id, earliest(r.due(person, assigned_on) for r in rules))
                for course_id, rules in matched.items()}


def load_catalogue(session: Session, rng: random.Random) -> Catalogue:
    """Courses with their modules and quiz templates, and the live rules (a handful of queries)."""
    courses = {}
    for course in session.execute(select(Course).where(Course.archived.is_(False)).order_by(Course.id)).scalars():
        quiz = session.execute(select(Quiz).where(Quiz.course_id == course.id, Quiz.active.is_(True))).scalar_one_or_none()
        courses[course.id] = CourseInfo(course.id, course.slug, course.kind, course.title,
                                        tuple(m.id for m in course.learner_modules),
                                        quiz_templates(quiz, rng) if quiz is not None else None)
    rules = []
    for rule in session.execute(select(AssignmentRule).where(AssignmentRule.active.is_(True))
                                .order_by(AssignmentRule.id)).scalars():
        if rule.course_id not in courses:
            continue
        targets: dict[str, set[str]] = {}
        for target in rule.targets:
            targets.setdefault(target.kind, set()).add(target.value)
        rules.append(RuleInfo(rule.id, rule.course_id, rule.everyone, {k: frozenset(v) for k, v in targets.items()},
                              rule.due_kind, rule.due_date, rule.due_days))
    return Catalogue(courses, tuple(rules))
