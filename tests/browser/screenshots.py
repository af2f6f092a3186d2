"""Screenshots of each role's main page, for the README: `make screenshots`.

Starts the demo platform on a temporary SQLite database, logs in as each demo role
with the system Chromium and saves docs/screenshots/<role>.png (1280x800), plus the
learner's home on a 390 px phone (learner-phone.png).
"""
from __future__ import annotations

import sys
import tempfile
from itertools import count
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.browser.own_server import ROLES, build_demo_app, log_in, serve

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


class _TempDirs:
    """The slice of pytest's tmp_path_factory that build_demo_app uses."""

    def __init__(self, root: Path):
        self.root, self._n = root, count()

    def mktemp(self, name: str) -> Path:
        path = self.root / f"{name}{next(self._n)}"
        path.mkdir()
        return path


def shoot(base_url: str, out: Path) -> list[Path]:
    """Log in as each role and save its home page; returns the files written."""
    if not CHROMIUM:
        raise SystemExit("No chromium found: apt-get install -y chromium")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        shots = [(role, email, DESKTOP) for role, email in ROLES.items()] + [("learner-phone", ROLES["learner"], PHONE)]
        for name, email, device in shots:
            context = browser.new_context(**device)
            page = context.new_page()
            log_in(page, base_url, email)
            page.wait_for_load_state("networkidle")
            path = out / f"{name.replace('_', '-')}.png"
            page.screenshot(path=str(path))
            written.append(path)
            context.close()
        browser.close()
    return written


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="lms-shots-") as tmp:
        app = build_demo_app(_TempDirs(Path(tmp)), "screenshots")
        with serve(app) as url:
            for path in shoot(url, OUT):
                print(path.relative_to(OUT.parents[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
