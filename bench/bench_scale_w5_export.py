"""W5: the people CSV export of the whole generated organization: seconds and peak memory, beside a plain csv.writer.

Run: `.venv/bin/python -m bench.bench_scale_w5_export` (sizes and databases: see bench.bench_scale).
Each export runs in a fresh process (the app, a leader's login, GET /insights/export/people.csv read to the end as
it streams), so that its peak resident memory is its own; the baseline writes the same rows with a bare
csv.writer in that process. Targets at 100,000 rows: under 3 seconds and under 200 MB peak memory.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.bench_scale import LABELS, databases, load_note, organizations, section, verdict
from bench.record import record

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS, TARGET_MIB = 3.0, 200
LEADER = ("leader@demo.example", "demo-pass-2027")


def _memory_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def worker(config: dict) -> None:
    """In a fresh process: export once, then write the same rows with csv.writer; print the figures as JSON."""
    from lms import create_app

    os.environ["LMS_INSTANCE_DIR"] = config["LMS_INSTANCE_DIR"]
    app = create_app({**config, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    assert client.post("/login", data={"email": LEADER[0], "password": LEADER[1]}).status_code == 302
    assert client.get("/insights").status_code == 200  # everything imported and warmed before measuring
    before = _memory_kib("VmRSS")
    started = time.perf_counter()
    response = client.get("/insights/export/people.csv")
    size, lines, tail = 0, 0, b""
    for chunk in response.response:  # streamed: read as a browser would, never held whole
        size += len(chunk)
        lines += chunk.count(b"\n")
        tail = chunk[-2000:]
    seconds = time.perf_counter() - started
    peak = _memory_kib("VmHWM")
    assert response.status_code == 200 and tail.endswith(b"\n")
    rows = list(csv.reader(io.StringIO(client.get("/insights/export/people.csv").get_data(as_text=True))))

    def baseline():
        writer = csv.writer(io.StringIO())
        for row in rows:
            writer.writerow(row)

    begun = time.perf_counter()
    baseline()
    print(json.dumps({"seconds": seconds, "bytes": size, "rows": lines - 1, "rss_before_mib": before / 1024,
                      "peak_mib": peak / 1024, "baseline_seconds": time.perf_counter() - begun}))


def measure(org) -> dict:
    config = {k: v for k, v in org.config().items() if isinstance(v, (str, int, float))}
    out = subprocess.run([sys.executable, "-m", "bench.bench_scale_w5_export", "--worker", json.dumps(config)],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(json.loads(args.worker))
        return
    for database in databases():
        results = [(org, measure(org)) for org in organizations(database)]
        lines = ["| employees | rows | MiB written | seconds | peak MiB (process) | MiB before the export | "
                 "baseline: csv.writer seconds | × baseline | target |", "|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for org, r in results:
            print(f"W5 {database} {org.employees:,}: {r}", flush=True)
            target = "(set at 100,000 rows)"
            if r["rows"] >= 100_000:
                met = r["seconds"] < TARGET_SECONDS and r["peak_mib"] < TARGET_MIB
                target = f"< {TARGET_SECONDS:.0f} s and < {TARGET_MIB} MB: {verdict(met)}"
            lines.append(f"| {org.employees:,} | {r['rows']:,} | {r['bytes'] / 2**20:.1f} | {r['seconds']:.2f} | "
                         f"{r['peak_mib']:.0f} | {r['rss_before_mib']:.0f} | {r['baseline_seconds']:.2f} | "
                         f"{r['seconds'] / r['baseline_seconds']:.1f} | {target} |")
        record(section("W5: CSV export", database), f"""
The leader's people export (everyone active, one row each with their state in every course) from the demo and a
generated organization on {LABELS[database]} {results[0][0].version}: GET /insights/export/people.csv through the
app in a fresh process, read to the end as it streams. Peak memory is that process's peak resident set (the app
and its imports included); the baseline writes the same rows with a bare csv.writer in the same process.
{load_note()}.

{chr(10).join(lines)}
""")


if __name__ == "__main__":
    main()
