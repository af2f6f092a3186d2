"""W1: the leader's dashboard, warm, through the WSGI app, beside the bare aggregate SQL query for its figures.

Run: `.venv/bin/python -m bench.bench_scale_w1_dashboard` (sizes and databases: see bench.bench_scale).
Server time is the WSGI call of GET /insights by the demo leader (the leader's home), rendering included.
The baseline is one plain SQL statement that computes the participation figures per department and course
(headcount, assigned, started, completed, overdue; the workshop counting everyone) straight from the rows,
timed on the same database in the same run. Targets at 100,000 employees: p95 <= 150 ms (SQLite) or
100 ms (PostgreSQL), and at most 1.5 times the baseline's p95.
"""
from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from sqlalchemy import event, text

from bench.bench_scale import LABELS, databases, load_note, organizations, p50_p95, section, timed, verdict
from bench.record import record

RUNS = 40
# The code just before the counters (the commit before fa41c00): its page is timed on the same database.
BEFORE = os.environ.get("BENCH_BEFORE", "fa41c00~1")
BEFORE_RUNS = 5
TARGET_MS = {"sqlite": 150, "postgresql": 100}
TARGET_RATIO = 1.5
ROOT = Path(__file__).resolve().parent.parent
LEADER = ("leader@demo.example", "demo-pass-2027")

LIVE = "(en.unassigned_at IS NULL OR en.completed_at IS NOT NULL)"
BEGUN = "(en.started_at IS NOT NULL OR en.completed_at IS NOT NULL)"
OVERDUE = "(en.completed_at IS NULL AND en.unassigned_at IS NULL AND en.due_date < :today)"
BASELINE_SQL = f"""
SELECT e.department_id, NULL AS course_id, COUNT(*) AS assigned, 0 AS started, 0 AS completed, 0 AS overdue
FROM employee e WHERE e.active GROUP BY e.department_id
UNION ALL
SELECT e.department_id, en.course_id, SUM(CASE WHEN {LIVE} THEN 1 ELSE 0 END),
       SUM(CASE WHEN {LIVE} AND {BEGUN} THEN 1 ELSE 0 END), SUM(CASE WHEN en.completed_at IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN {OVERDUE} THEN 1 ELSE 0 END)
FROM employee e JOIN enrolment en ON en.employee_id = e.id JOIN course c ON c.id = en.course_id
WHERE e.active AND c.kind <> 'workshop' AND NOT c.archived GROUP BY e.department_id, en.course_id
UNION ALL
SELECT e.department_id, c.id, COUNT(*),
       SUM(CASE WHEN {BEGUN} OR EXISTS (SELECT 1 FROM booking b WHERE b.employee_id = e.id AND b.course_id = c.id
                                       AND (b.status = 'booked' OR b.day1_present)) THEN 1 ELSE 0 END),
       SUM(CASE WHEN en.completed_at IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN {OVERDUE} THEN 1 ELSE 0 END)
FROM employee e JOIN course c ON c.kind = 'workshop' AND NOT c.archived
LEFT JOIN enrolment en ON en.employee_id = e.id AND en.course_id = c.id
WHERE e.active GROUP BY e.department_id, c.id
"""


def _figures(today: date, counters: bool) -> dict:
    """Each dashboard figure computed from the counters or from the rows: name -> function of no arguments."""
    from lms.insights import queries
    from lms.insights.scope import Scope

    scope = Scope()
    return {
        "participation (organization, kind, site)":
            lambda: queries.participation_by(scope, ("organization", "kind", "site"), today, counters=counters),
        "participation by department (first page)":
            lambda: queries.participation(scope, "department", today, page=1, counters=counters),
        "workshop burn-up": lambda: queries.burn_up(scope, today, counters=counters),
        "quiz pass rates": lambda: queries.quiz_pass_rates(scope, counters=counters),
        "hardest questions": lambda: queries.hardest_questions(scope, counters=counters),
        "workshop and ideas": lambda: queries.workshop_comparison(scope, counters=counters),
    }


def measure(org) -> dict:
    """Page and baseline timings, statements per page, and each figure from rows and from counters."""
    app = org.app(WTF_CSRF_ENABLED=False)
    client = app.test_client()
    assert client.post("/login", data={"email": LEADER[0], "password": LEADER[1]}).status_code == 302

    def page():
        response = client.get("/insights")
        assert response.status_code == 200, response.status_code

    page_ms = timed(page, RUNS)
    # What a full garbage collection of the app's startup objects costs the tail: the same requests once those
    # objects are frozen out of the collector (gc.freeze(), which the app itself does not call).
    gc.collect()
    gc.freeze()
    frozen_ms = timed(page, RUNS)
    gc.unfreeze()
    statements = []
    with app.app_context():
        from lms.extensions import db

        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        page()
        event.remove(db.engine, "before_cursor_execute", listener)
        today = date.today()
        with db.engine.connect() as connection:
            baseline_ms = timed(lambda: connection.execute(text(BASELINE_SQL), {"today": today.isoformat()}).all(), RUNS)
        figures = {}
        for name in _figures(today, True):
            rows_ms = timed(_figures(today, False)[name], 5, warm=1)
            counters_ms = timed(_figures(today, True)[name], 5, warm=1)
            figures[name] = (p50_p95(rows_ms)[0], p50_p95(counters_ms)[0])
            db.session.remove()
        db.engine.dispose()
    return {"page": p50_p95(page_ms), "statements": len(statements), "baseline": p50_p95(baseline_ms),
            "figures": figures, "before": page_before(org), "frozen": p50_p95(frozen_ms)}


def page_before(org) -> tuple[float, float] | None:
    """p50 and p95 of the same page served by the code at BEFORE (git archive), in a process of its own."""
    tree = Path(tempfile.mkdtemp(prefix="bench-w1-before-"))
    try:
        archive = subprocess.run(["git", "archive", BEFORE], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        config = {k: v for k, v in org.config().items() if isinstance(v, (str, int, float))}
        out = subprocess.run([sys.executable, "-c", BEFORE_SCRIPT, json.dumps(config), str(BEFORE_RUNS)], cwd=tree,
                             env={**os.environ, "PYTHONPATH": str(tree)}, capture_output=True, text=True, check=True)
        return tuple(json.loads(out.stdout.strip().splitlines()[-1]))
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"W1: the page before ({BEFORE}) could not be timed: {exc}", flush=True)
        return None
    finally:
        shutil.rmtree(tree, ignore_errors=True)


BEFORE_SCRIPT = """
import json, os, statistics, sys, time
config = json.loads(sys.argv[1])
os.environ["LMS_INSTANCE_DIR"] = config["LMS_INSTANCE_DIR"]
from lms import create_app
app = create_app({**config, "WTF_CSRF_ENABLED": False})
client = app.test_client()
assert client.post("/login", data={"email": "leader@demo.example", "password": "demo-pass-2027"}).status_code == 302
client.get("/insights")
times = []
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    assert client.get("/insights").status_code == 200
    times.append(1000 * (time.perf_counter() - started))
print(json.dumps([statistics.median(times), max(times)]))
"""


def report(database: str, results: list[tuple]) -> str:
    lines = ["| employees | page p50 ms | page p95 ms | statements | baseline p50 ms | baseline p95 ms | "
             "page p95 / baseline p95 | target |", "|---:|---:|---:|---:|---:|---:|---:|---|"]
    for org, r in results:
        ratio = r["page"][1] / r["baseline"][1]
        if org.employees >= 100_000:
            met = r["page"][1] <= TARGET_MS[database] and ratio <= TARGET_RATIO
            target = f"p95 <= {TARGET_MS[database]} ms and <= {TARGET_RATIO}x: {verdict(met)}"
        else:
            target = "(set at 100,000)"
        lines.append(f"| {org.employees:,} | {r['page'][0]:.1f} | {r['page'][1]:.1f} | {r['statements']} | "
                     f"{r['baseline'][0]:.1f} | {r['baseline'][1]:.1f} | {ratio:.2f} | {target} |")
    lines += ["", "Every few requests a full garbage collection of the app's ~240,000 startup objects adds about "
              "120 ms. The same requests with those objects frozen out of the collector (`gc.freeze()` once the app is "
              "warm; the app does not do this today), ms:", "",
              "| employees | frozen: p50 | frozen: p95 | as served: p95 |", "|---:|---:|---:|---:|"]
    for org, r in results:
        lines.append(f"| {org.employees:,} | {r['frozen'][0]:.1f} | {r['frozen'][1]:.1f} | {r['page'][1]:.1f} |")
    lines += ["", f"The same page served by the code before this work (commit {BEFORE}, no counters), {BEFORE_RUNS} warm "
              "requests in a process of its own on the same database, ms (median, slowest):", "",
              "| employees | before: p50 | before: slowest | now: p50 |", "|---:|---:|---:|---:|"]
    for org, r in results:
        before = r["before"]
        lines.append(f"| {org.employees:,} | " + (f"{before[0]:.0f} | {before[1]:.0f}" if before else "- | -")
                     + f" | {r['page'][0]:.1f} |")
    lines += ["", "Each figure of the dashboard computed from the rows (as before the counters) and from the maintained "
              "counters (migration 0011_scale), median of 5 calls in the same run, ms:", "",
              "| figure | " + " | ".join(f"{o.employees:,}: rows | {o.employees:,}: counters" for o, _ in results) + " |",
              "|---|" + "---:|---:|" * len(results)]
    for name in results[0][1]["figures"]:
        cells = " | ".join(f"{r['figures'][name][0]:.1f} | {r['figures'][name][1]:.1f}" for _, r in results)
        lines.append(f"| {name} | {cells} |")
    version = results[0][0].version
    return (f"GET /insights by the demo leader through the WSGI app (Flask test client: server time, rendering "
            f"included), {RUNS} warm requests after 3 untimed, on {LABELS[database]} {version} holding the demo and a "
            f"generated organization. Baseline: the bare aggregate SQL statement for the participation figures per "
            f"department and course, from the rows, {RUNS} runs on the same database. {load_note()}.\n\n"
            + "\n".join(lines))


def main() -> None:
    for database in databases():
        results = [(org, measure(org)) for org in organizations(database)]
        for org, r in results:
            print(f"W1 {database} {org.employees:,}: page p50/p95 {r['page'][0]:.1f}/{r['page'][1]:.1f} ms, "
                  f"{r['statements']} statements; baseline {r['baseline'][0]:.1f}/{r['baseline'][1]:.1f} ms", flush=True)
        record(section("W1: the leader's dashboard", database), report(database, results))


if __name__ == "__main__":
    main()
