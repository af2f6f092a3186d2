"""Demo quiz data: attempts by people who finished a course's modules, some essays marked, some waiting."""
from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from lms.core.demo import demo_seeder
from lms.core.models import utcnow
from lms.extensions import db
from lms.learning.models import Course, Enrolment
from lms.learning.progress import completed_module_count
from lms.org.models import Employee
from lms.quizzes import qtypes
from lms.quizzes.attempts import close_expired, save_answers, start_attempt, submit_attempt
from lms.quizzes.gift import WILDCARD
from lms.quizzes.marking import MAX_POINTS, mark_essay
from lms.quizzes.models import Quiz, QuizAttempt, QuizSlot

ESSAYS = (
    "I would listen to the whole story first without interrupting, then apologise for the organization and "
    "agree with the guest exactly what happens next and by when. I would call back myself to check it worked.",
    "First I make sure the colleague waiting on us is helped today, even if it means a loan item. Then I fix "
    "the cause so the same request does not come back next week, and I tell the front line what changed.",
    "Say sorry, fix it, and give something small like a coffee voucher.",
    "I think the manager should deal with it because they have more authority.",
    "Own it from start to finish: listen, apologise, solve it on the spot within my authority limit, then thank "
    "the customer for telling us. Afterwards I log what went wrong so the team can stop it happening again.",
)
UNMARKED_SITE = "BMR"  # the demo trainer's site keeps a queue to work through


@demo_seeder("quizzes", order=30)
def seed_quiz_attempts() -> None:
    """Attempts for about two thirds of the people who finished a course's modules; essays partly marked."""
    rng = random.Random(2027)
    now = utcnow()
    marker = db.session.execute(select(Employee).where(Employee.email == "lead.trainer@demo.example")).scalar_one_or_none()
    quizzes = db.session.execute(
        select(Quiz).join(Course, Quiz.course_id == Course.id).where(Quiz.active.is_(True), Course.archived.is_(False))
        .order_by(Quiz.id)
    ).scalars().all()
    for quiz in quizzes:
        enrolments = db.session.execute(
            select(Enrolment).join(Employee, Enrolment.employee_id == Employee.id)
            .where(Enrolment.course_id == quiz.course_id, Employee.password_hash.is_(None), Employee.active)
            .order_by(Enrolment.id)
        ).scalars().all()
        total = len(quiz.course.learner_modules)
        for enrolment in enrolments:
            if completed_module_count(enrolment) < total or rng.random() > 0.65:
                continue
            _take_quiz(quiz, enrolment.employee, rng, now - timedelta(days=rng.randint(2, 30)))
    close_expired(now)
    if marker is not None:
        _mark_some_essays(marker, rng, now)
    db.session.flush()


def _take_quiz(quiz: Quiz, employee: Employee, rng: random.Random, when) -> None:
    skill = rng.betavariate(5, 2)
    allowed = quiz.attempts_allowed or 3
    for _ in range(allowed):
        attempt = start_attempt(employee, quiz, now=when)
        spent = timedelta(minutes=rng.randint(4, (quiz.time_limit_minutes or 30) - 2))
        answers = {slot.position: simulated_answer(slot.question.data, slot.layout, rng, skill)
                   for slot in attempt.slots if slot.question.has_marks}
        save_answers(attempt, answers, now=when + spent)
        if rng.random() < 0.05:
            return  # the browser was closed and never came back: the attempt times out
        submit_attempt(attempt, now=when + spent)
        if attempt.passed or attempt.state == "needs_marking" or rng.random() < 0.3:
            return
        skill = min(0.98, skill + 0.15)  # they went back over the modules
        when += timedelta(days=rng.randint(1, 5))


def simulated_answer(question: dict[str, Any], layout: dict[str, Any], rng: random.Random, skill: float) -> Any:
    """What the browser would send from someone who gets each thing right with probability `skill`."""
    qtype = question["type"]
    knows = rng.random() < skill
    if qtype == "multichoice":
        keys = {index: key for key, index in layout["choices"]}
        answers = question["answers"]
        if question["single"]:
            best = max(range(len(answers)), key=lambda i: answers[i]["fraction"])
            others = [i for i in range(len(answers)) if i != best]
            return keys[best if knows or not others else rng.choice(others)]
        return [keys[i] for i, a in enumerate(answers)
                if rng.random() < (skill if a["fraction"] > 0 else (1 - skill) / 2)]
    if qtype == "truefalse":
        return "true" if question["answer"] == knows else "false"
    if qtype == "shortanswer":
        best = max(question["answers"], key=lambda a: a["fraction"])["text"].replace("*", "")
        return best if knows else rng.choice(["not sure", "listen", ""])
    if qtype == "numerical":
        exact = [a for a in question["answers"] if a["value"] != WILDCARD]
        value = float(max(exact, key=lambda a: a["fraction"])["value"]) if exact else 1.0
        return f"{value:g}" if knows else f"{value * 2 + 3:g}"
    if qtype == "matching":
        choices = qtypes.get_type("matching").choices(question)
        keys = {index: key for key, index in layout["choices"]}
        pairs = question["pairs"]
        return {stem_key: keys[choices.index(pairs[pair]["answer"])] if rng.random() < skill else rng.choice(list(keys.values()))
                for stem_key, pair in layout["stems"]}
    if qtype == "essay":
        return rng.choice(ESSAYS)
    return None


def _mark_some_essays(marker: Employee, rng: random.Random, now) -> None:
    """Mark most waiting essays, but leave those from the demo trainer's site in the queue."""
    slots = db.session.execute(
        select(QuizSlot).join(QuizAttempt, QuizSlot.attempt_id == QuizAttempt.id)
        .where(QuizSlot.needs_marking.is_(True), QuizAttempt.state == "needs_marking").order_by(QuizSlot.id)
    ).scalars().all()
    for slot in slots:
        learner = slot.attempt.employee
        if learner.department.site.code == UNMARKED_SITE or learner.id == marker.id or rng.random() < 0.3:
            continue
        points = rng.choice([1, 2, 3, 3, 4, MAX_POINTS])
        mark_essay(marker, slot, points, rng.choice(["Clear and practical.", "Good start; name the next step.",
                                                     "Say what you would offer the customer.", ""]), now=now)
