"""Plain helpers shared by tests (fixtures live in conftest.py)."""
from __future__ import annotations

import re

TEST_PASSWORD = "correct-horse-battery"


def csrf_token_from(html: str) -> str:
    """The CSRF token embedded in a rendered form."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)
