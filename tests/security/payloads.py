"""Script and markup payloads, and a parser that finds any that came out live (as markup, not text)."""
from __future__ import annotations

from html.parser import HTMLParser

PAYLOADS = (
    "<script>alert('xss-1')</script>",
    "\"><img src=x onerror=alert('xss-2')>",
    "'><svg onload=alert('xss-3')>",
    "</textarea></title><script>alert('xss-4')</script>",
    "javascript:alert('xss-5')",
    "{{ 7*7 }}{% raw %}xss-6",
    "<a href=\"javascript:alert('xss-7')\">x</a>",
    "<iframe srcdoc=\"<script>alert('xss-8')</script>\"></iframe>",
    "\" onmouseover=\"alert('xss-9')\" x=\"",
)
ONE_LINE = " ".join(PAYLOADS)
FORMULAS = ("=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1:A2)", "=cmd|' /C calc'!A0")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data")


class _LiveMarkup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag in ("iframe", "object", "embed", "base", "frame"):  # server-drawn <svg> charts are ours
            self.found.append(f"<{tag}>")
        if tag == "script":
            if not dict(attrs).get("src"):
                self.found.append("inline <script>")
            self._in_script = True
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith(("javascript:", "vbscript:", "data:text/html")):
                self.found.append(f"{tag} {name}={value[:20]}")
            if name == "style" and "expression(" in (value or ""):
                self.found.append(f"{tag} style expression")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def live_markers_in(html: str) -> list[str]:
    """Every piece of live script in `html`: inline scripts, event handlers, javascript: URLs, embedded frames."""
    parser = _LiveMarkup()
    parser.feed(html)
    parser.close()
    return parser.found
