"""Roster import at 100,000 rows on SQLite, beside a bare executemany baseline in the same run.

Run: `.venv/bin/python -m bench.bench_roster [--rows N]`.
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.record import record

KINDS = ("front_line", "internal_provider", "leadership")


def make_roster(rows: int, seed: int = 7) -> bytes:
    """A realistic roster: sites, departments of varied sizes, a manager per department."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["employee_id", "email", "full_name", "department_code", "department_name", "department_kind",
                     "site", "manager_employee_id", "job_title", "roles", "hire_date"])
    departments = []
    remaining = rows
    while remaining > 0:
        size = min(remaining, max(2, int(rng.lognormvariate(3.5, 1.0))))
        departments.append(size)
        remaining -= size
    n = 0
    for d, size in enumerate(departments):
        code, site, kind = f"D{d:04d}", f"SITE{d % 12:02d}", KINDS[0 if d % 3 else 1] if d % 17 else KINDS[2]
        head = None
        for i in range(size):
            n += 1
            no = f"{n:07d}"
            writer.writerow([no, f"p{no}@corp.example", f"Person {no}", code, f"Department {d}", kind, site,
                             head or "", "Head" if head is None else "Agent", "manager" if head is None else "",
                             f"{2010 + n % 15}-{1 + n % 12:02d}-{1 + n % 28:02d}"])
            head = head or no
    return out.getvalue().encode()


def baseline_executemany(data: bytes, path: Path) -> float:
    """The least work any import must do: parse the CSV and insert each row once."""
    start = time.perf_counter()
    rows = list(csv.reader(io.StringIO(data.decode())))[1:]
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE e (no TEXT UNIQUE, email TEXT, name TEXT, dept TEXT, site TEXT, manager TEXT, title TEXT, hired TEXT)")
    conn.executemany("INSERT INTO e VALUES (?,?,?,?,?,?,?,?)", [(r[0], r[1], r[2], r[3], r[6], r[7], r[8], r[10]) for r in rows])
    conn.commit()
    conn.close()
    return time.perf_counter() - start


def platform_import(data: bytes, workdir: Path) -> dict[str, float]:
    """Our import into a freshly migrated SQLite database: first load, then an unchanged re-import."""
    from flask_migrate import upgrade

    from lms import create_app
    from lms.extensions import db
    from lms.org.services import import_roster

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}", "SECRET_KEY": "bench"})
    figures = {}
    with app.app_context():
        upgrade(directory=app.config["LMS_MIGRATIONS_DIR"])
        for label in ("first import", "re-import (unchanged)"):
            start = time.perf_counter()
            plan = import_roster(data)
            db.session.commit()
            figures[label] = time.perf_counter() - start
            figures[label + " counts"] = plan.counts()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    data = make_roster(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        baseline = baseline_executemany(data, workdir / "baseline.sqlite3")
        ours = platform_import(data, workdir)
    first, again = ours["first import"], ours["re-import (unchanged)"]
    body = f"""
`python -m bench.bench_roster --rows {args.rows}`: a {len(data) / 2**20:.1f} MiB roster of {args.rows:,} rows
imported with `import_roster` into a freshly migrated SQLite database (WAL). Target: under 60 s.

| measurement | seconds | × baseline |
|---|---:|---:|
| baseline: csv.reader + one sqlite3 executemany into a bare table | {baseline:.2f} | 1.0 |
| first import (validate every row and e-mail, plan, insert, link managers, roles) | {first:.2f} | {first / baseline:.1f} |
| re-import of the same file (nothing changes) | {again:.2f} | {again / baseline:.1f} |

First import: {ours['first import counts']}. Re-import: {ours['re-import (unchanged) counts']}.
"""
    record("Roster import", body)
    print(body)


if __name__ == "__main__":
    main()
