"""W3: learner home, course and module pages under load: gunicorn with 2 workers, locust with 20 users, beside hello.

Run: `.venv/bin/python -m bench.bench_scale_w3_load` (sizes and databases: see bench.bench_scale; needs locust,
`pip install -e '.[bench]'`). Each of 20 users logs in as a generated learner, then asks without pause for
/my (half the time), one of their courses or one of its modules (the module page records the visit, a write).
The baseline is a bare Flask "hello" app under the same gunicorn settings and the same 20 users, in the same
run. Throughput and latency come from the requests of the measured window (logins and the first seconds left
out). Targets: at least 25% of the baseline's throughput, p95 at most 50 ms, no errors.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from sqlalchemy import select

from bench.bench_scale import LABELS, databases, load_note, organizations, percentile, section, verdict
from bench.record import record
from lms.scale.scratch import PASSWORD, give_passwords

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
USERS, WORKERS = 20, 2
SECONDS, WARM_SECONDS = 40, 8
ACCOUNTS = 200
TARGET_SHARE, TARGET_P95_MS = 0.25, 50

LOCUSTFILE = '''
import itertools, json, os, random, re, threading, time
from locust import HttpUser, constant, events, task

ACCOUNTS = [json.loads(line) for line in open(os.environ["SCALE_ACCOUNTS"])] if os.environ.get("SCALE_ACCOUNTS") else []
_accounts, _lock, _seen = itertools.cycle(ACCOUNTS or [None]), threading.Lock(), []
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, **kwargs):
    _seen.append((time.time(), name, response_time, exception is not None))


@events.quitting.add_listener
def _dump(environment, **kwargs):
    with open(os.environ["SCALE_OUT"], "w") as out:
        json.dump(_seen, out)


class Visitor(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        with _lock:
            self.account = next(_accounts)
        if self.account is None:
            return
        token = TOKEN.search(self.client.get("/login", name="login").text).group(1)
        response = self.client.post("/login", name="login", allow_redirects=False, data={
            "email": self.account["email"], "password": os.environ["SCALE_PASSWORD"], "csrf_token": token})
        assert response.status_code == 302, response.status_code

    @task(2)
    def home(self):
        self.client.get("/my" if self.account else "/", name="/my" if self.account else "hello")

    @task(1)
    def course(self):
        if self.account:
            slug, _ = random.choice(self.account["modules"])
            self.client.get(f"/courses/{slug}", name="/courses/[slug]")

    @task(1)
    def module(self):
        if self.account:
            slug, stem = random.choice(self.account["modules"])
            self.client.get(f"/courses/{slug}/modules/{stem}", name="/courses/[slug]/modules/[stem]")
'''
HELLO = 'from flask import Flask\napp = Flask(__name__)\n\n\n@app.get("/")\ndef hello():\n    return "Hello"\n'


def _accounts(org, path: Path) -> int:
    """Generated learners with their online courses' modules, written one JSON object a line; passwords set."""
    from lms.extensions import db
    from lms.learning.models import Course, CourseModule, Enrolment
    from lms.org.models import Employee, EmployeeRole

    app = org.app()
    with app.app_context():
        learners = (select(Employee.id).where(Employee.email.like("%@scale.example"),
                                              Employee.id.not_in(select(EmployeeRole.employee_id)))
                    .order_by(Employee.id).limit(ACCOUNTS))
        rows = db.session.execute(
            select(Employee.id, Employee.email, Course.slug, CourseModule.stem)
            .join(Enrolment, Enrolment.employee_id == Employee.id).join(Course, Enrolment.course_id == Course.id)
            .join(CourseModule, CourseModule.course_id == Course.id)
            .where(Employee.id.in_(learners), Course.kind == "online", CourseModule.counts_for_completion)
        ).all()
        db.session.remove()
        db.engine.dispose()
    people: dict[int, dict] = {}
    for employee_id, email, slug, stem in rows:
        people.setdefault(employee_id, {"email": email, "modules": []})["modules"].append((slug, stem))
    give_passwords(org, list(people))
    path.write_text("\n".join(json.dumps(p) for p in people.values()))
    return len(people)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(target: str, env: dict, cwd: Path, log: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    process = subprocess.Popen([str(BIN / "gunicorn"), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "--timeout", "60",
                                target], cwd=cwd, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=5)
            return process, port
        except requests.RequestException:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("gunicorn did not start: " + log.read_text()[-2000:])


def _load(port: int, work: Path, env: dict) -> dict:
    """Run locust against the port; throughput, latency and errors of the measured window."""
    out = work / f"requests-{port}.json"
    subprocess.run([str(BIN / "locust"), "-f", str(work / "scale_locustfile.py"), "--headless", "-u", str(USERS),
                    "-r", str(USERS), "-t", f"{SECONDS}s", "--host", f"http://127.0.0.1:{port}", "--only-summary",
                    "--stop-timeout", "5"], env={**env, "SCALE_OUT": str(out)}, check=False, capture_output=True)
    seen = json.loads(out.read_text())
    measured = [r for r in seen if r[1] != "login"]
    start = min(r[0] for r in measured) + WARM_SECONDS
    window = [r for r in measured if r[0] >= start]
    span = max(r[0] for r in window) - start
    times = [r[2] for r in window]
    return {"requests": len(window), "rps": len(window) / span, "p50": percentile(times, 0.5),
            "p95": percentile(times, 0.95), "errors": sum(1 for r in seen if r[3])}


def measure(org) -> dict:
    """The learner pages and the hello baseline, each under the same load."""
    work = Path(tempfile.mkdtemp(prefix="bench-w3-"))
    try:
        (work / "scale_locustfile.py").write_text(LOCUSTFILE)
        (work / "hello_app.py").write_text(HELLO)
        people = _accounts(org, work / "accounts.jsonl")
        results = {"accounts": people}
        for name, target, cwd, env in (
                ("hello", "hello_app:app", work, {**os.environ}),
                ("pages", "wsgi:app", ROOT, {**org.env(), "SCALE_ACCOUNTS": str(work / "accounts.jsonl"),
                                              "SCALE_PASSWORD": PASSWORD})):
            server, port = _serve(target, env, cwd, work / f"{name}.log")
            try:
                results[name] = _load(port, work, env)
            finally:
                server.terminate()
                server.wait(20)
            print(f"W3 {org.database} {org.employees:,} {name}: {results[name]}", flush=True)
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    if shutil.which("locust", path=str(BIN)) is None:
        raise SystemExit("W3 needs locust: .venv/bin/pip install -e '.[bench]'")
    for database in databases():
        results = [(org, measure(org)) for org in organizations(database)]
        lines = ["| employees | pages: requests/s | pages: p50 ms | pages: p95 ms | pages: errors | hello: requests/s | "
                 "hello: p95 ms | share of hello's throughput | target |", "|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for org, r in results:
            pages, hello = r["pages"], r["hello"]
            share = pages["rps"] / hello["rps"]
            met = share >= TARGET_SHARE and pages["p95"] <= TARGET_P95_MS and pages["errors"] == 0
            lines.append(f"| {org.employees:,} | {pages['rps']:.0f} | {pages['p50']:.0f} | {pages['p95']:.0f} | "
                         f"{pages['errors']} | {hello['rps']:.0f} | {hello['p95']:.0f} | {100 * share:.0f}% | "
                         f">= {100 * TARGET_SHARE:.0f}%, p95 <= {TARGET_P95_MS} ms, no errors: {verdict(met)} |")
        record(section("W3: learner pages under load", database), f"""
gunicorn ({WORKERS} sync workers) serving the app on {LABELS[database]} {results[0][0].version}, driven by locust on the
same machine: {USERS} users without think time, each logged in as one of {results[0][1]['accounts']} generated learners,
asking for /my (half the requests), one of their courses or one of its modules (which records the visit); {SECONDS} s,
the first {WARM_SECONDS} s and the logins left out. Baseline: a bare Flask "hello" app under the same gunicorn settings
and the same {USERS} users in the same run. {load_note()}.

{chr(10).join(lines)}

With {USERS} users and no think time, each user waits for its answer before asking again, so the mean response time
is {USERS} / throughput (Little's law): a p95 of {TARGET_P95_MS} ms needs well over {USERS * 1000 // TARGET_P95_MS} pages a second,
which leaves the server and the load generator together about {2 * 1000 * TARGET_P95_MS // (USERS * 1000)} ms of CPU per page on
this machine's 2 cores.
""")


if __name__ == "__main__":
    main()
