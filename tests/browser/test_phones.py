"""Every learner page fits a 390 px phone without horizontal scrolling; the trainer's sign-in sheet works on a tablet."""
from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.own_server import ROLES, build_demo_app, log_in, serve
from tests.browser.quiz_helpers import bank, take_attempt
from tests.browser.test_accessibility import _endpoint, serious_violations

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
TABLET = {"viewport": {"width": 820, "height": 1180}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
QUIZ_SLUG = "service-recovery-last"
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture(scope="module")
def phone_app(tmp_path_factory):
    return build_demo_app(tmp_path_factory, "phones")


@pytest.fixture(scope="module")
def phone_server(phone_app):
    with serve(phone_app) as url:
        yield url


def overflow(page: Page, label: str) -> str | None:
    """A readable complaint when the page shown scrolls sideways or hides its main content, else None."""
    page.wait_for_load_state("load")  # after a click, the page it led to
    expect(page.locator("main h1").first).to_be_attached()
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        wide = page.evaluate("""() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : ''))""")
        return f"{label}: {width[0]} px wide in a {width[1]} px window (wider: {', '.join(wide)})"
    if not page.locator("main h1").first.is_visible():
        return f"{label}: the main heading is not visible"
    return None


def learner_pages(page: Page, app, base: str) -> dict[str, str]:
    """Endpoint -> URL for every learner page reached by links from the learner's home page."""
    seen: dict[str, str] = {}
    queue = deque([f"{base}/my"])
    while queue:
        url = queue.popleft()
        endpoint = _endpoint(app, url, base)
        if endpoint is None or endpoint in seen:
            continue
        response = page.goto(url)
        if response is None or response.status != 200:
            continue
        seen[endpoint] = page.url
        queue.extend(urldefrag(h)[0] for h in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"))
    return seen


def test_every_learner_page_fits_a_phone(browser, phone_app, phone_server):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    problems: list[str] = []
    try:
        log_in(page, phone_server, ROLES["learner"])
        pages = learner_pages(page, phone_app, phone_server)
        for needed in ("learning.my_learning", "learning.course_page", "learning.module_page", "quizzes.quiz_page",
                       "workshops.sessions_list", "workshops.session_page", "workshops.my_bookings",
                       "insights.my_ideas", "insights.new_idea", "auth.change_password"):
            assert needed in pages, f"the learner's links never reach {needed}"
        for endpoint, url in pages.items():
            page.goto(url)
            label = f"{endpoint} {urlsplit(url).path}"
            problems.append(overflow(page, label))
            problems.extend(serious_violations(page, f"phone {label}"))  # folded navigation, stacked layout

        page.goto(f"{phone_server}/courses/{QUIZ_SLUG}/quiz")
        page.get_by_role("button", name="Start the quiz").click()
        problems.append(overflow(page, "quiz attempt"))
        take_attempt(page, bank(QUIZ_SLUG), right=True,
                     on_summary=lambda p: problems.append(overflow(p, "quiz summary")))
        expect(page.get_by_role("status").filter(has_text="Passed")).to_be_visible()
        problems.append(overflow(page, "quiz result"))

        page.goto(f"{phone_server}/verify/{_certificate_code(phone_app) or 'NO-SUCH-CODE'}")
        problems.append(overflow(page, "certificate verification"))
        page.goto(f"{phone_server}/verify")
        problems.append(overflow(page, "certificate verification form"))
    finally:
        context.close()
    problems = [p for p in problems if p]
    assert not problems, "pages that do not fit a phone:\n" + "\n".join(problems)


def _certificate_code(app) -> str | None:
    from lms.extensions import db
    from lms.learning.models import Certificate

    with app.app_context():
        return db.session.execute(select(Certificate.code).limit(1)).scalar()


def _trainer_session_id(app) -> int:
    from lms.extensions import db
    from lms.org.models import Employee
    from lms.workshops.models import Booking, SessionTrainer, WorkshopSession

    with app.app_context():
        trainer = db.session.execute(select(Employee).where(Employee.email == ROLES["trainer"])).scalar_one()
        return db.session.execute(
            select(WorkshopSession.id).join(Booking, Booking.session_id == WorkshopSession.id)
            .join(SessionTrainer, SessionTrainer.session_id == WorkshopSession.id)
            .where(SessionTrainer.employee_id == trainer.id).order_by(WorkshopSession.day1).limit(1)).scalar_one()


def test_trainer_sign_in_sheet_works_on_a_tablet(browser, phone_app, phone_server):
    context = browser.new_context(**TABLET)
    page = context.new_page()
    try:
        log_in(page, phone_server, ROLES["trainer"])
        page.goto(f"{phone_server}/workshops/sessions/{_trainer_session_id(phone_app)}/sign-in")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in sheet")
        assert page.evaluate(FITS), "the sign-in sheet scrolls sideways on a tablet"
        small = page.evaluate("""() => [...document.querySelectorAll('main label.btn, main .form-check-input, main button')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.textContent.trim() || e.id, e.getBoundingClientRect()])
            .filter(([, r]) => r.width < 24 || r.height < 24).map(([name]) => name)""")
        assert not small, f"targets under 24 px on the sign-in sheet: {small}"
        assert page.locator("main label.btn").count() >= 3
    finally:
        context.close()
