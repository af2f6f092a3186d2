"""Scale benchmarks: the generated organizations they share, and the generator's own figures.

Run: `.venv/bin/python -m bench.bench_scale` (or `make bench`, which runs every bench module in one
process, so that the W1-W5 modules reuse the organizations built here). Choose with
`BENCH_SIZES=1000,100000` and `BENCH_DATABASES=sqlite,postgresql` (the defaults); PostgreSQL is a
scratch database on 127.0.0.1:5432 (LMS_SCRATCH_PG), created and dropped by the run.
"""
from __future__ import annotations

import os
import statistics
import time

from bench.record import record
from lms.scale.scratch import DATABASES, ScratchOrg, postgres_available, scratch_org

LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
GENERATOR_TARGET_SECONDS = 180  # 100,000 employees on SQLite


def sizes() -> list[int]:
    """The organization sizes to measure (BENCH_SIZES)."""
    return [int(n) for n in os.environ.get("BENCH_SIZES", "1000,100000").split(",") if n.strip()]


def databases() -> list[str]:
    """The databases to measure (BENCH_DATABASES); PostgreSQL is left out, with a note, when it does not answer."""
    wanted = [d.strip() for d in os.environ.get("BENCH_DATABASES", ",".join(DATABASES)).split(",") if d.strip()]
    if "postgresql" in wanted and not postgres_available():
        print("PostgreSQL does not answer on 127.0.0.1:5432: measuring SQLite only.", flush=True)
        wanted.remove("postgresql")
    return wanted


def organizations(database: str) -> list[ScratchOrg]:
    """The generated organizations of every chosen size on one database (built once per process)."""
    return [scratch_org(database, n) for n in sizes()]


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def timed(fn, runs: int, warm: int = 3) -> list[float]:
    """Milliseconds of each of `runs` calls of fn(), after `warm` untimed ones."""
    for _ in range(warm):
        fn()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(1000 * (time.perf_counter() - started))
    return out


def p50_p95(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), percentile(values, 0.95)


def load_note() -> str:
    """The machine's load when the figures were taken (other work on it slows every figure alike)."""
    try:
        one, five, _ = os.getloadavg()
        return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"
    except OSError:
        return "load average unknown"


def section(workload: str, database: str) -> str:
    return f"Scale {workload} ({LABELS[database]})"


def verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def main() -> None:
    for database in databases():
        rows = []
        for org in organizations(database):
            rate = org.generated_rows / org.generation_seconds
            print(f"{database} {org.employees:,}: {org.generated_rows:,} rows in {org.generation_seconds:.1f} s", flush=True)
            rows.append(f"| {org.employees:,} | {org.generated_rows:,} | {org.generated_rows / org.employees:.0f} | "
                        f"{org.generation_seconds:.1f} | {rate:,.0f} | "
                        + ", ".join(f"{name} {seconds:.1f}" for name, seconds in org.stage_seconds.items()) + " |")
        largest = max(organizations(database), key=lambda o: o.employees)
        target = ""
        if database == "sqlite" and largest.employees >= 100_000:
            met = largest.generation_seconds < GENERATOR_TARGET_SECONDS
            target = (f"Target: 100,000 employees in under {GENERATOR_TARGET_SECONDS // 60} minutes on SQLite: "
                      f"{largest.generation_seconds:.0f} s, {verdict(met)}.")
        record(section("generator", database), f"""
`lms generate --employees N` (seed 1) on a fresh {LABELS[database]} {largest.version} database holding the demo
organization; rows are every row written (bulk inserts: {'executemany' if database == 'sqlite' else 'COPY'}),
seconds include rebuilding the counters and the planner statistics. {load_note()}.

| employees | rows | rows per employee | seconds | rows/s | stages (s) |
|---:|---:|---:|---:|---:|---|
{chr(10).join(rows)}

{target}
""")


if __name__ == "__main__":
    main()
