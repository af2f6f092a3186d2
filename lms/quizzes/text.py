"""Question and choice text as safe HTML, following the question's GIFT text format."""
from __future__ import annotations

from markupsafe import Markup, escape
from markdown_it import MarkdownIt

from lms.learning.content import sanitize_html

_MD = MarkdownIt("js-default")  # raw HTML off, like module bodies


def render_text(text: str, text_format: str, inline: bool = False) -> Markup:
    """`text` in its format (moodle, html, markdown, plain) as sanitized HTML; `inline` drops the paragraph."""
    text = text or ""
    if text_format == "plain":
        html = str(escape(text)).replace("\n", "<br>")
    elif text_format == "markdown":
        html = _MD.renderInline(text) if inline else _MD.render(text)
    elif text_format == "moodle":
        # Moodle's own format is HTML in which line breaks count.
        html = text.replace("\r\n", "\n").replace("\n", "<br>")
    else:
        html = text
    return Markup(sanitize_html(html))
