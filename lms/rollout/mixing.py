"""Mixing statistics of a plan: how much sessions mix departments and kinds of department."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from lms.rollout.plan import Plan
from lms.rollout.problem import FRONT_LINE, INTERNAL_PROVIDER, Problem


@dataclass(frozen=True)
class MixingStats:
    """Mean share of a session's largest department; share of sessions mixing the two kinds."""

    mean_largest_share: float
    mixed_kinds_share: float  # among sessions at sites that have both kinds
    mixed_kinds_attainable: float  # mixed sessions / the most that the sites' headcounts allow
    over_half_share: float  # sessions whose largest department holds more than half the seats taken
    sessions: int

    def as_dict(self) -> dict[str, float | int]:
        """Rounded figures for JSON and reports."""
        return {
            "mean_largest_share": round(self.mean_largest_share, 4),
            "mixed_kinds_share": round(self.mixed_kinds_share, 4),
            "mixed_kinds_attainable": round(self.mixed_kinds_attainable, 4),
            "over_half_share": round(self.over_half_share, 4),
            "sessions": self.sessions,
        }


def mixing_stats(problem: Problem, plan: Plan) -> MixingStats:
    """Compute the mixing figures of a plan (attendees not in the problem are ignored)."""
    dept_of = {e.id: e.department for e in problem.employees}
    depts = problem.department_by_id
    kinds_at_site: dict[str, set[str]] = {}
    for d in depts.values():
        kinds_at_site.setdefault(d.site, set()).add(d.kind)
    people_of_kind: Counter[tuple[str, str]] = Counter(
        (depts[e.department].site, depts[e.department].kind) for e in problem.employees
    )
    sessions_at: Counter[str] = Counter(s.site for s in plan.sessions)
    # a session mixes the kinds only if it has one of each: no more than the rarer kind's people
    attainable = sum(
        min(n, people_of_kind[site, FRONT_LINE], people_of_kind[site, INTERNAL_PROVIDER])
        for site, n in sessions_at.items()
    )
    both = {FRONT_LINE, INTERNAL_PROVIDER}
    shares = []
    over = 0
    eligible = mixed = 0
    for s in plan.sessions:
        counts = Counter(dept_of[a] for a in s.attendees if a in dept_of)
        size = sum(counts.values())
        if not size:
            continue
        largest = max(counts.values())
        shares.append(largest / size)
        over += largest * 2 > size
        if both <= kinds_at_site.get(s.site, set()):
            eligible += 1
            mixed += both <= {depts[d].kind for d in counts}
    n = len(shares)
    return MixingStats(
        mean_largest_share=sum(shares) / n if n else 0.0,
        mixed_kinds_share=mixed / eligible if eligible else 0.0,
        mixed_kinds_attainable=mixed / attainable if attainable else 1.0,
        over_half_share=over / n if n else 0.0,
        sessions=n,
    )
