"""A real server for concurrency tests: gunicorn with 4 workers on the test database, and logged-in HTTP clients."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, instance_dir: Path, workers: int = 4, **env):
    """Serve wsgi:app with `workers` processes on `database_url`; yields the base URL and stops the server after."""
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": database_url, "LMS_INSTANCE_DIR": str(instance_dir),
                   "SECRET_KEY": "live-test-secret", "LMS_ARGON2_TIME_COST": "1", "LMS_ARGON2_MEMORY_KIB": "1024",
                   "LMS_JOBS_IMMEDIATE": "1", "LMS_MAIL_BACKEND": "outbox", "LMS_ENV": "development"}
    environment.pop("REDIS_URL", None)
    environment.update({k: str(v) for k, v in env.items()})
    log = open(instance_dir / "gunicorn.log", "w")
    process = subprocess.Popen([str(GUNICORN), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "120",
                                "--graceful-timeout", "5", "wsgi:app"], cwd=ROOT, env=environment, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/login", timeout=10).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start:\n" + (instance_dir / "gunicorn.log").read_text()[-3000:])
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def csrf_token(html: str) -> str:
    """The CSRF token embedded in a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def logged_in(base: str, email: str, password: str) -> requests.Session:
    """A requests session logged in through the login form (CSRF on, as in production)."""
    http = requests.Session()
    token = csrf_token(http.get(f"{base}/login", timeout=30).text)
    response = http.post(f"{base}/login", data={"email": email, "password": password, "csrf_token": token},
                         allow_redirects=False, timeout=30)
    assert response.status_code == 302, f"{email}: {response.status_code}"
    return http


def post_form(http: requests.Session, base: str, page: str, action: str, data: dict | None = None) -> requests.Response:
    """Read a CSRF token from `page`, then POST `data` with it to `action`."""
    token = csrf_token(http.get(f"{base}{page}", timeout=60).text)
    return http.post(f"{base}{action}", data={**(data or {}), "csrf_token": token}, allow_redirects=False, timeout=120)
