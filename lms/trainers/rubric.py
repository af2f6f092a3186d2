"""The teach-back rubric as stored on a course, its score checks and its pass rule (pure)."""
from __future__ import annotations

from collections.abc import Mapping

from lms.learning.content import Rubric, RubricCriterion

LEVELS = (1, 2, 3, 4)


def rubric_from_dict(data: Mapping) -> Rubric:
    """The rubric stored on Course.rubric as a Rubric with its pass rule."""
    criteria = tuple(
        RubricCriterion(id=c["id"], title=c["title"], levels={int(k): v for k, v in c["levels"].items()})
        for c in data.get("criteria", ())
    )
    return Rubric(criteria=criteria, min_each=int(data.get("min_each", 2)), min_average=float(data.get("min_average", 3)))


def score_problems(rubric: Rubric, scores: Mapping[str, int | None]) -> list[str]:
    """Every reason the scores are not a complete scoring of the rubric; empty when they are."""
    problems = []
    known = {c.id for c in rubric.criteria}
    for criterion in rubric.criteria:
        value = scores.get(criterion.id)
        if value is None:
            problems.append(f"Score “{criterion.title}”.")
        elif value not in LEVELS:
            problems.append(f"“{criterion.title}” must be scored 1 to 4, not {value}.")
    for extra in sorted(set(scores) - known):
        problems.append(f"The rubric has no criterion “{extra}”.")
    return problems


def passes(rubric: Rubric, scores: Mapping[str, int]) -> bool:
    """The rubric's pass rule: every criterion at least min_each and an average of at least min_average."""
    return rubric.passes(scores)


def pass_rule_text(rubric: Rubric) -> str:
    """The pass rule in words."""
    return (f"Every criterion at least {rubric.min_each} and an average of at least "
            f"{rubric.min_average:g} across the {len(rubric.criteria)} criteria.")
