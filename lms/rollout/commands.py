"""`plan` commands: solve, check, bound and generate rollout problems (registered under `lms`)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from lms.rollout.bound import lower_bound
from lms.rollout.checker import check_plan
from lms.rollout.diagnose import diagnose, explain_unassigned
from lms.rollout.generate import generate_problem
from lms.rollout.mixing import mixing_stats
from lms.rollout.model import compile_problem
from lms.rollout.plan import load_plan, to_json_text
from lms.rollout.planner import DEFAULT_TIME_LIMIT, search, to_plan
from lms.rollout.problem import RolloutError, load_problem
from lms.rollout.sharp import sharper_bound


def _fail(exc: RolloutError) -> None:
    for message in exc.messages:
        click.echo(f"error: {message}", err=True)
    raise SystemExit(2)


@click.group("plan")
def plan() -> None:
    """Plan the two-day workshop rollout: solve, check, bound, generate."""


@plan.command("solve")
@click.argument("problem_file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the plan (lms.rollout-plan/1).")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=DEFAULT_TIME_LIMIT,
              show_default=True, help="Seconds the search may take.")
def solve(problem_file: str, output: str, time_limit: float) -> None:
    """Plan PROBLEM_FILE and write the plan; print coverage, finish, bound and ratio."""
    try:
        problem = load_problem(problem_file)
    except RolloutError as exc:
        _fail(exc)
    result = search(problem, time_limit)
    the_plan = to_plan(result, explain_unassigned(result) if result.draft.unassigned else None)
    try:
        Path(output).write_text(to_json_text(the_plan), encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc
    total = len(problem.employees)
    stats = the_plan.stats
    bound = result.bound
    click.echo(f"coverage: {stats['assigned']}/{total} "
               f"({100 * stats['assigned'] / total if total else 100:.1f}%)")
    click.echo(f"sessions: {stats['sessions']}")
    click.echo(f"finish: index {stats['finish_index']} ({stats['finish']})")
    if bound.value is None:
        click.echo(f"lower bound: never reached ({bound.binding.describe()})")
    else:
        click.echo(f"lower bound: {bound.value} ({bound.binding.describe()})")
        if result.sharper is not None and result.sharper > bound.value:
            click.echo(f"sharper bound: {result.sharper} (whole sessions per room and per "
                       "trainer: no plan finishes earlier)")
        if the_plan.unassigned:
            click.echo("ratio: n/a (not everyone is assigned)")
        else:
            ratio = stats["finish_index"] / bound.value if bound.value else 1.0
            click.echo(f"ratio: {ratio:.3f}")
    mix = mixing_stats(problem, the_plan)
    click.echo(f"mixing: largest department {mix.mean_largest_share:.0%} of a session on average; "
               f"{mix.mixed_kinds_share:.0%} of sessions mix front line and internal providers "
               f"({mix.mixed_kinds_attainable:.0%} of what the headcounts allow)")
    if the_plan.unassigned:
        for line in diagnose(problem, result, time_limit=time_limit).lines():
            click.echo(line)
    click.echo(f"wrote {output}")


@plan.command("check")
@click.argument("problem_file", type=click.Path(dir_okay=False))
@click.argument("plan_file", type=click.Path(dir_okay=False))
def check(problem_file: str, plan_file: str) -> None:
    """Check PLAN_FILE against PROBLEM_FILE; exit 1 listing every violation."""
    try:
        problem = load_problem(problem_file)
        the_plan = load_plan(plan_file)
    except RolloutError as exc:
        _fail(exc)
    violations = check_plan(problem, the_plan)
    if violations:
        for v in violations:
            click.echo(v)
        click.echo(f"{len(violations)} violation(s)", err=True)
        raise SystemExit(1)
    click.echo(f"valid: {len(the_plan.sessions)} sessions, "
               f"{sum(len(s.attendees) for s in the_plan.sessions)} attendees, "
               f"{len(the_plan.unassigned)} unassigned")


@plan.command("bound")
@click.argument("problem_file", type=click.Path(dir_okay=False))
def bound(problem_file: str) -> None:
    """Print the lower bound on the finish index and the term that binds."""
    try:
        problem = load_problem(problem_file)
    except RolloutError as exc:
        _fail(exc)
    lb = lower_bound(problem)
    if lb.value is None:
        click.echo("lower bound: never reached")
    else:
        when = f" ({lb.finish_date.isoformat()})" if lb.finish_date else ""
        click.echo(f"lower bound: {lb.value}{when}")
    click.echo(f"binding: {lb.binding.describe()}")
    for term in lb.terms:
        click.echo(f"  {term.describe()}")
    fits = "yes" if lb.fits_window else "no"
    click.echo(f"window: {lb.window_days} working days; bound inside the window: {fits}")
    sharper = sharper_bound(compile_problem(problem), lb.value)
    if sharper is not None and lb.value is not None and sharper > lb.value:
        click.echo(f"sharper bound, beside the format's: {sharper} (whole sessions per room and "
                   "per trainer)")


@plan.command("generate")
@click.option("--employees", type=click.IntRange(min=1), required=True, help="How many employees.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--tight", is_flag=True, help="Make one site fall short of rooms and trainers.")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False))
def generate(employees: int, seed: int, tight: bool, output: str) -> None:
    """Write a synthetic problem with about EMPLOYEES people."""
    doc = generate_problem(employees, seed, tight=tight)
    try:
        Path(output).write_text(json.dumps(doc) + "\n", encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc
    click.echo(f"wrote {output}: {len(doc['employees'])} employees, {len(doc['departments'])} "
               f"departments, {len(doc['rooms'])} rooms, {len(doc['trainers'])} trainers")
