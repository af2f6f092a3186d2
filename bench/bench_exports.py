"""Insight exports at 100,000 rows: the CSV and XLSX writers beside a plain csv.writer, then end to end over HTTP.

Run: `.venv/bin/python -m bench.bench_exports [--rows N]`.

1. Writers: the same rows (the people export's shape, 1% of them formula-like) through a bare
   csv.writer (the baseline), the CSV export and the XLSX export; best of three runs each.
2. End to end: a SQLite organization of N active employees (500 departments, 3 sites, two online
   courses and the workshop, an enrolment per person and course) and a leader; the people export
   is downloaded through the application as CSV and XLSX, beside a bare csv.writer of the rows
   it returned and the query alone.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import random
import tempfile
import time
from datetime import date, datetime, timezone

from bench.record import record

TARGET_SECONDS = 3.0


def best_of(runs: int, fn) -> float:
    """The fastest of `runs` timings of fn(), in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def sample_rows(count: int, seed: int = 3) -> list[tuple]:
    rng = random.Random(seed)
    states = ("completed", "overdue", "started", "not started", None)
    rows = []
    for n in range(count):
        name = f"=HYPERLINK(\"x\",\"{n}\")" if n % 100 == 0 else f"Person {n:06d}"
        rows.append((f"E{n:07d}", name, "Guest services agent", f"Department {n % 500:03d}", "Front line",
                     f"Site {n % 3}", f"Manager {n % 500:03d}", *(rng.choice(states) for _ in range(6))))
    return rows


def bench_writers(rows: list[tuple]) -> list[tuple[str, float]]:
    from lms.insights.exports import Table, chunks

    columns = [f"column {i}" for i in range(len(rows[0]))]

    def baseline():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow(row)

    def export(fmt):
        return lambda: sum(len(c) for c in chunks(Table("bench", "Bench", columns, iter(rows)), fmt))

    return [("plain csv.writer (baseline)", best_of(3, baseline)),
            ("CSV export (neutralized, streamed)", best_of(3, export("csv"))),
            ("XLSX export (neutralized, streamed)", best_of(3, export("xlsx")))]


def build_organization(app, employees: int) -> None:
    """Bulk-insert an organization of `employees` active people with enrolments, through Core."""
    from sqlalchemy import insert

    from lms.auth.passwords import make_hasher
    from lms.extensions import db
    from lms.learning.models import Course, Enrolment
    from lms.org.models import Department, Employee, EmployeeRole, Site

    rng = random.Random(11)
    now = datetime.now(timezone.utc)
    with app.app_context():
        db.session.execute(insert(Site), [{"id": i + 1, "code": f"S{i}", "name": f"Site {i}", "created_at": now,
                                           "updated_at": now, "timezone": "UTC", "working_weekdays": [1, 2, 3, 4, 5]}
                                          for i in range(3)])
        kinds = ("front_line", "internal_provider", "leadership")
        db.session.execute(insert(Department), [
            {"id": d + 1, "code": f"D{d:03d}", "name": f"Department {d:03d}", "kind": kinds[0 if d % 4 else 1],
             "site_id": d % 3 + 1, "max_away_fraction": 0.2, "created_at": now, "updated_at": now}
            for d in range(500)])
        hasher = make_hasher(1, 1024)
        people = [{"id": 1, "employee_no": "E0000000", "email": "leader@bench.test", "full_name": "Bench Leader",
                   "job_title": "Chief executive", "department_id": 1, "manager_id": None, "active": True,
                   "password_hash": hasher.hash("bench-password"), "session_token": "t1", "created_at": now,
                   "updated_at": now}]
        for n in range(2, employees + 1):
            department = n % 500 + 1
            people.append({"id": n, "employee_no": f"E{n:07d}", "email": f"e{n}@bench.test",
                           "full_name": f"Person {n:07d}", "job_title": "Agent", "department_id": department,
                           "manager_id": 1 if n <= 501 else department + 1, "active": True, "password_hash": None,
                           "session_token": f"t{n}", "created_at": now, "updated_at": now})
        db.session.execute(insert(Employee), people)
        db.session.execute(insert(EmployeeRole), [{"employee_id": 1, "role": "leader"}])
        db.session.execute(insert(Course), [
            {"id": i + 1, "slug": slug, "title": slug.replace("-", " ").title(), "kind": kind, "created_at": now,
             "updated_at": now, "synced_at": now, "summary": "", "audience": [], "objectives": [], "principles": []}
            for i, (slug, kind) in enumerate((("online-one", "online"), ("online-two", "online"),
                                              ("the-workshop", "workshop")))])
        enrolments = []
        for n in range(1, employees + 1):
            for course in (1, 2, 3):
                roll = rng.random()
                enrolments.append({"employee_id": n, "course_id": course, "assigned_at": now,
                                   "due_date": date(2020, 1, 1) if roll < 0.1 else None,
                                   "started_at": now if roll < 0.6 else None,
                                   "completed_at": now if roll < 0.3 else None})
        db.session.execute(insert(Enrolment), enrolments)
        db.session.commit()


def bench_end_to_end(employees: int) -> list[tuple[str, float]]:
    from flask_migrate import upgrade

    from lms import create_app
    from lms.extensions import db
    from lms.insights import queries
    from lms.insights.scope import Scope

    directory = tempfile.mkdtemp(prefix="bench-exports-")
    os.environ["LMS_INSTANCE_DIR"] = directory
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench.sqlite3", "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "SECRET_KEY": "bench", "RATELIMIT_STORAGE_URI": "memory://",
                      "LMS_INSTANCE_DIR": directory, "LMS_ARGON2_TIME_COST": 1, "LMS_ARGON2_MEMORY_KIB": 1024})
    with app.app_context():
        upgrade(directory=app.config["LMS_MIGRATIONS_DIR"])
    build_organization(app, employees)
    client = app.test_client()
    assert client.post("/login", data={"email": "leader@bench.test", "password": "bench-password"}).status_code == 302

    bodies = {}

    def download(fmt):
        def run():
            response = client.get(f"/insights/export/people.{fmt}")
            assert response.status_code == 200
            bodies[fmt] = b"".join(response.response)
        return run

    csv_seconds = best_of(3, download("csv"))
    xlsx_seconds = best_of(3, download("xlsx"))
    rows = list(csv.reader(io.StringIO(bodies["csv"].decode("utf-8-sig"))))
    assert len(rows) == employees + 1, len(rows)

    def baseline():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow(row)

    def query_only():
        with app.app_context():
            courses = queries.courses_in_scope(Scope())
            for _ in queries.stream_people(Scope(), date.today(), courses, db.engine):
                pass

    return [("plain csv.writer of the exported rows (baseline)", best_of(3, baseline)),
            ("the people query alone (streamed)", best_of(3, query_only)),
            ("GET /insights/export/people.csv", csv_seconds),
            ("GET /insights/export/people.xlsx", xlsx_seconds)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    writers = bench_writers(sample_rows(args.rows))
    for name, seconds in writers:
        print(f"{name}: {seconds:.2f} s", flush=True)
    end_to_end = bench_end_to_end(args.rows)
    for name, seconds in end_to_end:
        print(f"{name}: {seconds:.2f} s", flush=True)

    def table(results):
        baseline = results[0][1]
        lines = ["| what | seconds | × baseline |", "|---|---:|---:|"]
        lines += [f"| {name} | {seconds:.2f} | {seconds / baseline:.1f} |" for name, seconds in results]
        return "\n".join(lines)

    slowest = max(s for name, s in writers[1:] + end_to_end[2:])
    record("Insight exports", f"""
{args.rows:,} rows, best of three runs each. The target is under {TARGET_SECONDS:.0f} s per export of
{args.rows:,} rows; the slowest export here took {slowest:.2f} s ({'met' if slowest < TARGET_SECONDS else 'NOT met'}).

Writers alone, on the same in-memory rows (13 columns, 1% formula-like text):

{table(writers)}

End to end on SQLite: {args.rows:,} active employees in 500 departments, three enrolments each; the
leader downloads everyone with their state in every course (one row per person) through the app:

{table(end_to_end)}
""")


if __name__ == "__main__":
    main()
