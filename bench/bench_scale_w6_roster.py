"""W6 on PostgreSQL: the roster import of 100,000 rows, beside a bare executemany, as bench_roster measures it on SQLite.

Run: `.venv/bin/python -m bench.bench_scale_w6_roster [--rows N]`. A scratch PostgreSQL database is created,
migrated, imported into twice (first load, then the same file unchanged) and dropped; the baseline parses the
same CSV and inserts each row once into a bare table of another scratch database. Target: under 60 seconds.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import tempfile
import time

from bench.bench_roster import make_roster
from bench.bench_scale import load_note, verdict
from bench.record import record
from lms.scale.scratch import ADMIN_URL, postgres_available

TARGET_SECONDS = 60


def _database(name: str):
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _drop(name: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def baseline(data: bytes, url: str) -> float:
    """The least work any import must do: parse the CSV and insert each row once."""
    import psycopg

    started = time.perf_counter()
    rows = list(csv.reader(io.StringIO(data.decode())))[1:]
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE e (no TEXT UNIQUE, email TEXT, name TEXT, dept TEXT, site TEXT, manager TEXT, "
                     "title TEXT, hired TEXT)")
        with conn.cursor() as cursor:
            cursor.executemany("INSERT INTO e VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                               [(r[0], r[1], r[2], r[3], r[6], r[7], r[8], r[10]) for r in rows])
        conn.commit()
    return time.perf_counter() - started


def platform(data: bytes, url: str) -> dict:
    from flask_migrate import upgrade

    from lms import create_app
    from lms.extensions import db
    from lms.org.services import import_roster

    instance = tempfile.mkdtemp(prefix="bench-w6-")
    os.environ["LMS_INSTANCE_DIR"] = instance
    app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1),
                      "SECRET_KEY": "bench", "LMS_INSTANCE_DIR": instance})
    figures = {}
    with app.app_context():
        upgrade(directory=app.config["LMS_MIGRATIONS_DIR"])
        for label in ("first import", "re-import (unchanged)"):
            started = time.perf_counter()
            plan = import_roster(data)
            db.session.commit()
            figures[label] = (time.perf_counter() - started, plan.counts())
        db.session.remove()
        db.engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    if "postgresql" not in os.environ.get("BENCH_DATABASES", "sqlite,postgresql") or not postgres_available():
        print("W6 on PostgreSQL skipped (not chosen, or not answering).", flush=True)
        return
    data = make_roster(args.rows)
    names = (f"lms_w6_base_{os.getpid()}", f"lms_w6_{os.getpid()}")
    try:
        base = baseline(data, _database(names[0]))
        ours = platform(data, _database(names[1]))
    finally:
        for name in names:
            _drop(name)
    import psycopg

    with psycopg.connect(ADMIN_URL) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0].split()[0]
    first, again = ours["first import"], ours["re-import (unchanged)"]
    print(f"W6 postgresql: baseline {base:.2f} s, first {first[0]:.2f} s, again {again[0]:.2f} s", flush=True)
    record("Scale W6: roster import (PostgreSQL)", f"""
`python -m bench.bench_scale_w6_roster --rows {args.rows}`: the roster of bench_roster ({len(data) / 2**20:.1f} MiB,
{args.rows:,} rows) imported with `import_roster` into a freshly migrated PostgreSQL {version} database (the counters'
triggers included), then imported again unchanged; beside a bare executemany into a bare table of another scratch
database in the same run. Target: under {TARGET_SECONDS} s. The SQLite figures are bench_roster's own section.
{load_note()}.

| measurement | seconds | × baseline |
|---|---:|---:|
| baseline: csv.reader + one psycopg executemany into a bare table | {base:.2f} | 1.0 |
| first import (validate every row and e-mail, plan, insert, link managers, roles) | {first[0]:.2f} | {first[0] / base:.1f} |
| re-import of the same file (nothing changes) | {again[0]:.2f} | {again[0] / base:.1f} |

First import: {first[1]}; {verdict(first[0] < TARGET_SECONDS)}. Re-import: {again[1]}.
""")


if __name__ == "__main__":
    main()
