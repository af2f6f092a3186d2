"""Load scenario: 80% browsing, 15% quiz attempts, 5% bookings, by learners logged in through the real form.

Run by bench/bench_load.py (gunicorn on PostgreSQL); the accounts come from LMS_LOAD_ACCOUNTS (a file of e-mails).
"""
from __future__ import annotations

import itertools
import os
import random
import re
import threading

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LMS_LOAD_PASSWORD", "load-test-passphrase-2027")
# Online courses with a quiz; each user browses the courses on their own "My learning" page.
COURSES = ("service-recovery-last", "service-excellence-for-everyone", "empowered-to-solve")
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_SESSION_LINK = re.compile(r'href="/workshops/sessions/(\d+)"')
_MODULE_LINK = re.compile(r'href="(/courses/[^"/]+/modules/[^"]+)"')
_COURSE_LINK = re.compile(r'href="/courses/([a-z0-9-]+)"')
_accounts = itertools.cycle(open(os.environ["LMS_LOAD_ACCOUNTS"]).read().split()) if os.environ.get("LMS_LOAD_ACCOUNTS") else None
_lock = threading.Lock()


def _token(html: str) -> str | None:
    match = _TOKEN.search(html)
    return match.group(1) if match else None


class Learner(HttpUser):
    """One employee going about their learning: reading takes a while between clicks."""

    wait_time = between(5, 15)

    def on_start(self):
        with _lock:
            self.email = next(_accounts)
        token = _token(self.client.get("/login", name="/login").text)
        self.client.post("/login", data={"email": self.email, "password": PASSWORD, "csrf_token": token}, name="/login [POST]")
        self.modules = []
        self.courses = sorted(set(_COURSE_LINK.findall(self.client.get("/my", name="/my").text))) or list(COURSES)

    # ---- 80%: browsing
    @task(40)
    def home(self):
        self.client.get("/my", name="/my")

    @task(20)
    def course(self):
        page = self.client.get(f"/courses/{random.choice(self.courses)}", name="/courses/[slug]")
        self.modules = _MODULE_LINK.findall(page.text) or self.modules

    @task(12)
    def module(self):
        if self.modules:
            self.client.get(random.choice(self.modules), name="/courses/[slug]/modules/[stem]")

    @task(8)
    def workshops(self):
        self.client.get("/workshops", name="/workshops")

    # ---- 15%: quiz attempts
    @task(15)
    def quiz(self):
        quizzes = [c for c in self.courses if c in COURSES]
        if not quizzes:
            return
        slug = random.choice(quizzes)
        page = self.client.get(f"/courses/{slug}/quiz", name="/courses/[slug]/quiz")
        token = _token(page.text)
        if not token:
            return
        started = self.client.post(f"/courses/{slug}/quiz/start", data={"csrf_token": token}, name="/quiz/start [POST]")
        match = re.search(r"/quiz/attempts/(\d+)", started.url)
        if not match:
            return  # no attempts left: the quiz page says so
        attempt = match.group(1)
        form = self.client.get(f"/quiz/attempts/{attempt}", name="/quiz/attempts/[id]").text
        token = _token(form) or token
        self.client.post(f"/quiz/attempts/{attempt}", data={"csrf_token": token, "page": "1", "go": "finish"},
                         name="/quiz/attempts/[id] [POST]")
        self.client.post(f"/quiz/attempts/{attempt}/submit", data={"csrf_token": token}, name="/quiz/attempts/[id]/submit")

    # ---- 5%: bookings
    @task(5)
    def booking(self):
        listing = self.client.get("/workshops?site=0", name="/workshops")
        sessions = _SESSION_LINK.findall(listing.text)
        if not sessions:
            return
        session = random.choice(sessions)
        page = self.client.get(f"/workshops/sessions/{session}", name="/workshops/sessions/[id]")
        token = _token(page.text)
        if token:
            self.client.post(f"/workshops/sessions/{session}/book", data={"csrf_token": token},
                             name="/workshops/sessions/[id]/book")
