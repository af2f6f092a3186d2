"""Log records on one line each, stamped in UTC, with line breaks encoded and secrets masked."""
from __future__ import annotations

import logging
import re
import sys
import time

from flask import Flask

# key=value, key: value and "key": "value" forms of anything secret, and bearer tokens.
_SECRET = re.compile(
    r"""(?ix)
    (?P<key>["']?(?:password|passwd|secret|token|api[_-]?key|session[_-]?token|csrf[_-]?token|authorization|cookie)["']?
       \s*[:=]\s*(?:bearer\s+)?["']?)
    (?P<value>[^\s"'&,;]+)
    """)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")
MASK = "[redacted]"


def encode_line(text: str) -> str:
    """Encode CR, LF and other control characters so that one record stays one line."""
    text = text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", text)


def mask_secrets(text: str) -> str:
    """Replace the values of password, token, secret, cookie and authorization fields."""
    return _SECRET.sub(lambda m: m.group("key") + MASK, text)


class OneLineUTCFormatter(logging.Formatter):
    """ISO-8601 UTC time, level, logger and the message with its traceback, all on one line."""

    converter = time.gmtime

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s", "%Y-%m-%dT%H:%M:%SZ")

    def format(self, record: logging.LogRecord) -> str:
        """The record as one masked, encoded line."""
        return encode_line(mask_secrets(super().format(record)))


def init_logging(app: Flask) -> None:
    """Send the platform's logs (lms.*) to stderr through the one-line UTC formatter, once per process."""
    logger = logging.getLogger("lms")
    if any(getattr(h, "_lms_handler", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineUTCFormatter())
    handler._lms_handler = True
    logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    app.logger.handlers[:] = [handler]
