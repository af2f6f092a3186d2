"""axe-core on every page type each demo role reaches: no serious or critical violation anywhere.

Each role gets one browser context. Its pages are found by walking the links of its own
pages from its home page (one page per endpoint: a page type), plus the pages a link does
not reach: a quiz attempt and its result, certificate verification, 403, 404 and the login page.
"""
from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from tests.browser.own_server import ROLES, build_demo_app, log_in, serve
from tests.browser.quiz_helpers import bank, take_attempt

pytestmark = pytest.mark.browser

AXE = Axe()
SERIOUS = {"serious", "critical"}
# WCAG 2.2's 24 px target size (2.5.8) is off by default in axe: switched on here.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
# Endpoints that answer with a file or change data on GET-less paths: never crawled.
NOT_PAGES = ("static", "api.", "auth.sso", "auth.logout")
MAX_PAGES = 80  # per role: far more page types than any role has
FORBIDDEN_PROBES = ["/admin", "/audit", "/insights", "/trainers/cohorts/new", "/quiz/marking", "/team", "/rollout"]


@pytest.fixture(scope="module")
def a11y_app(tmp_path_factory):
    return build_demo_app(tmp_path_factory, "a11y")


@pytest.fixture(scope="module")
def a11y_server(a11y_app):
    with serve(a11y_app) as url:
        yield url


def serious_violations(page, label: str) -> list[str]:
    """Readable lines for each serious or critical axe violation on the page now shown."""
    results = AXE.run(page, options=AXE_OPTIONS)
    lines = []
    for violation in results.response["violations"]:
        if violation["impact"] not in SERIOUS:
            continue
        for node in violation["nodes"][:3]:
            target = " ".join(map(str, node["target"]))
            why = next((check["message"] for check in node["any"] + node["all"] + node["none"]), "")
            lines.append(f"{label}: [{violation['impact']}] {violation['id']} at {target}: {why}")
    return lines


def page_basics(page, label: str) -> list[str]:
    """A page title of its own (not only the site's name) and the favicon."""
    problems = []
    title = page.title()
    if not title or title.startswith("·") or title.strip() == "Service Excellence":
        problems.append(f"{label}: the page has no title of its own ({title!r})")
    if not page.locator("head link[rel=icon]").count():
        problems.append(f"{label}: no favicon link")
    return problems


def _endpoint(app, url: str, base: str) -> str | None:
    """The GET endpoint a same-site URL resolves to, or None for files, off-site links and non-pages."""
    if not url.startswith(base):
        return None
    parts = urlsplit(url)
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(parts.path, method="GET")
    except HTTPException:
        return None
    rule = next(r for r in app.url_map.iter_rules(endpoint) if "GET" in r.methods)
    if endpoint.startswith(NOT_PAGES) or "." in rule.rule.rsplit("/", 1)[-1]:
        return None  # exports, calendars, PDFs, JSON documents: files, not pages
    return endpoint


def crawl_and_check(page, app, base: str, start: str) -> tuple[list[str], list[str]]:
    """Walk links breadth first from `start`, running axe once on the first page of each endpoint.

    Returns the endpoints checked and the problems found."""
    seen: set[str] = set()
    problems: list[str] = []
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        endpoint = _endpoint(app, url, base)
        if endpoint is None or endpoint in seen:
            continue
        response = page.goto(url)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        endpoint = _endpoint(app, page.url, base) or endpoint  # after any redirect
        if endpoint in seen:
            continue
        seen.add(endpoint)
        label = f"{endpoint} {urlsplit(page.url).path}"
        problems += serious_violations(page, label)
        problems += page_basics(page, label)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            queue.append(urldefrag(href)[0])
    return sorted(seen), problems


def _certificate_code(app) -> str | None:
    from lms.extensions import db
    from lms.learning.models import Certificate

    with app.app_context():
        return db.session.execute(select(Certificate.code).limit(1)).scalar()


def _quiz_pages(page, base: str, problems: list[str]) -> None:
    """Take the first course quiz offered: check the attempt page, the summary before submitting and the result."""
    page.goto(f"{base}/my")
    for href in page.eval_on_selector_all("a[href*='/courses/']", "els => els.map(e => e.href)"):
        slug = urlsplit(href).path.split("/")[2]
        page.goto(f"{base}/courses/{slug}/quiz")
        start = page.locator("form[action$='/quiz/start'] button[type=submit]")
        if not start.count():
            continue
        start.first.click()
        page.wait_for_load_state("domcontentloaded")
        problems += serious_violations(page, "quiz attempt")

        def summary(p):
            p.wait_for_load_state("load")
            problems.extend(serious_violations(p, "quiz summary"))

        take_attempt(page, bank(slug), right=False, on_summary=summary)
        page.get_by_role("status").filter(has_text="Not passed").wait_for()
        problems += serious_violations(page, "quiz result")
        return
    raise AssertionError("no course of this learner offers a quiz")


def _rollout_pages(page, base: str, problems: list[str]) -> None:
    """Create a rollout plan from the form's defaults, check its draft page, solve it and check the plan."""
    page.goto(f"{base}/rollout/new")
    page.get_by_label("Name").fill("Accessibility check")
    page.get_by_role("button", name="Create plan and see the bound").click()
    page.get_by_role("button", name="Solve", exact=True).wait_for()
    problems += serious_violations(page, "rollout plan (draft)")
    page.get_by_role("button", name="Solve", exact=True).click()
    page.get_by_role("heading", name="The plan").wait_for()
    problems += serious_violations(page, "rollout plan (solved)")


@pytest.mark.parametrize("role", list(ROLES))
def test_no_serious_axe_violation_on_any_page_of_role(role, browser, a11y_app, a11y_server):
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    try:
        page.goto(f"{a11y_server}/login")
        problems += serious_violations(page, "login")
        log_in(page, a11y_server, ROLES[role])
        pages, found = crawl_and_check(page, a11y_app, a11y_server, page.url)
        problems += found
        page.goto(f"{a11y_server}/no-such-page")
        problems += serious_violations(page, "404")
        for probe in FORBIDDEN_PROBES:
            if page.goto(f"{a11y_server}{probe}").status == 403:
                problems += serious_violations(page, f"403 {probe}")
                break
        code = _certificate_code(a11y_app)
        page.goto(f"{a11y_server}/verify/{code or 'NO-SUCH-CODE'}")
        problems += serious_violations(page, "certificate verification")
        if role in ("learner", "backoffice"):
            _quiz_pages(page, a11y_server, problems)
        if role == "leader":
            _rollout_pages(page, a11y_server, problems)
        print(f"{role}: {len(pages)} page types checked: {pages}")
    finally:
        context.close()
    assert not problems, f"{len(problems)} serious or critical axe violations:\n" + "\n".join(problems)


def test_learner_pages_in_french_have_no_serious_axe_violation(browser, a11y_app, a11y_server):
    """The same checks on the learner's pages in French (chosen from the browser's languages)."""
    context = browser.new_context(locale="fr-FR", extra_http_headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    page = context.new_page()
    try:
        page.goto(f"{a11y_server}/login")
        assert page.evaluate("document.documentElement.lang").startswith("fr")
        problems = serious_violations(page, "login (fr)")
        log_in_fr = page.locator("form").filter(has=page.locator("input[type=password]"))
        log_in_fr.locator("input[type=email], input[name=email]").first.fill(ROLES["learner"])
        log_in_fr.locator("input[type=password]").fill("demo-pass-2027")
        log_in_fr.locator("button[type=submit]").first.click()
        page.wait_for_load_state("domcontentloaded")
        pages, found = crawl_and_check(page, a11y_app, a11y_server, page.url)
        problems += found
    finally:
        context.close()
    assert "learning.module_page" in pages
    assert not problems, f"{len(problems)} serious or critical axe violations:\n" + "\n".join(problems)
