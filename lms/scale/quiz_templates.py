"""Finished quiz attempts made once per quiz by the real grading code, then reused for many learners.

Each template is an attempt as the quiz pages would leave it after submission: drawn questions,
per-attempt layouts, simulated answers, grades, the choices the statistics count and, for essays,
a trainer's mark. Generated attempts copy a passing or a failing template, so that their scores,
slots and statistics agree with what grading would have produced.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass

from lms.quizzes import qtypes
from lms.quizzes.assembly import draw_questions
from lms.quizzes.attempts import response_choices
from lms.quizzes.demo import simulated_answer
from lms.quizzes.marking import MAX_POINTS
from lms.quizzes.models import Quiz

TEMPLATES_PER_QUIZ = 40


@dataclass(frozen=True)
class Template:
    """One finished attempt: scores, and its slots and response choices by position."""

    max_score: float
    score: float
    percent: float
    passed: bool
    # (position, question id, marks, layout, response, answered, fraction, feedback, mark points or None)
    slots: tuple[tuple, ...]
    choices: tuple[tuple[int, int, str], ...]  # (position, question id, choice)


@dataclass(frozen=True)
class QuizTemplates:
    quiz_id: int
    course_id: int
    attempts_allowed: int
    time_limit: int | None
    passing: tuple[Template, ...]
    failing: tuple[Template, ...]

    def pick(self, passed: bool, rng: random.Random) -> Template:
        """A template with the wanted outcome (the other kind when the quiz never gives it)."""
        pool = (self.passing if passed else self.failing) or self.passing or self.failing
        return pool[rng.randrange(len(pool))]


def _blank(raw) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip() == ""
    if isinstance(raw, dict):
        return all(_blank(v) for v in raw.values())
    if isinstance(raw, (list, tuple)):
        return all(_blank(v) for v in raw)
    return False


def make_template(quiz: Quiz, rng: random.Random, skill: float) -> Template:
    """One attempt by someone who gets each thing right with probability `skill`, graded and marked."""
    slots, choices, score, max_score = [], [], 0.0, 0.0
    for position, question in enumerate(draw_questions(quiz, rng), start=1):
        data = question.data
        marks = 1.0 if question.has_marks else 0.0
        layout = qtypes.layout(data, rng)
        raw = simulated_answer(data, layout, rng, skill) if question.has_marks else None
        response = qtypes.decode(data, layout, raw)
        grade = qtypes.grade(data, response)
        points = None
        fraction = grade.fraction
        if grade.needs_marking:
            points = min(MAX_POINTS, max(0, round(skill * MAX_POINTS + rng.uniform(-1, 1))))
            fraction = points / MAX_POINTS
        slots.append((position, question.id, marks, json.dumps(layout), json.dumps(raw), not _blank(raw), fraction,
                      json.dumps(list(grade.feedback)), points))
        choices += [(position, question.id, choice) for choice in sorted(set(response_choices(data, response)))]
        score += marks * fraction
        max_score += marks
    score = min(round(score, 6), max_score)
    percent = round(100.0 * score / max_score, 6) if max_score else 100.0
    return Template(max_score, score, percent, percent >= quiz.pass_mark, tuple(slots), tuple(choices))


def quiz_templates(quiz: Quiz, rng: random.Random, count: int = TEMPLATES_PER_QUIZ) -> QuizTemplates:
    """`count` templates of a quiz across the range of skills."""
    made = [make_template(quiz, rng, 0.35 + 0.6 * n / max(1, count - 1)) for n in range(count)]
    return QuizTemplates(quiz.id, quiz.course_id, quiz.attempts_allowed or 3, quiz.time_limit_minutes,
                         tuple(t for t in made if t.passed), tuple(t for t in made if not t.passed))
