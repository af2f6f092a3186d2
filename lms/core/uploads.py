"""Upload checks for every route: a size limit, an allowed file name ending per route, and text content only."""
from __future__ import annotations

import logging

from flask import Flask, current_app, request

log = logging.getLogger("lms.security")

# The routes that take files and the name endings they accept; any other route receiving a file refuses it.
ALLOWED_SUFFIXES = {
    "org.roster_upload": (".csv", ".txt"),
    "quizzes.bank_upload": (".gift", ".txt"),
}
# Starts of binary formats that are never a roster or a question bank, whatever the file is called.
BINARY_MAGIC = (b"PK\x03\x04", b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"MZ", b"\x7fELF", b"\xd0\xcf\x11\xe0",
                b"\x1f\x8b", b"BZh", b"7z\xbc\xaf")
SNIFF_BYTES = 8192


class UploadRefused(Exception):
    """An uploaded file breaks the upload rules; the message says which."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _size(storage) -> int:
    stream = storage.stream
    position = stream.tell()
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(position)
    return size


def looks_binary(head: bytes) -> bool:
    """True when the first bytes of a file show it is not text."""
    return b"\x00" in head or head.startswith(BINARY_MAGIC)


def check_file(endpoint: str | None, storage, max_bytes: int) -> None:
    """Refuse a file this route does not take, that is too large, or that is not text."""
    allowed = ALLOWED_SUFFIXES.get(endpoint or "")
    if allowed is None:
        raise UploadRefused(400, "This page does not take files.")
    name = (storage.filename or "").lower()
    if not name.endswith(allowed):
        raise UploadRefused(415, f"Choose a file ending in {' or '.join(allowed)}.")
    if _size(storage) > max_bytes:
        raise UploadRefused(413, f"The file is larger than {max_bytes // (1024 * 1024)} MiB.")
    head = storage.stream.read(SNIFF_BYTES)
    storage.stream.seek(0)
    if looks_binary(head):
        raise UploadRefused(415, "The file is not a text file. Export it as CSV or plain text (UTF-8) and try again.")


def check_request_files() -> None:
    """Before each request: apply check_file to every uploaded file."""
    if request.method not in ("POST", "PUT", "PATCH") or not request.files:
        return
    for storage in request.files.values():
        if storage.filename == "" and _size(storage) == 0:
            continue  # an empty file input sent by the browser
        try:
            check_file(request.endpoint, storage, current_app.config["LMS_UPLOAD_MAX_BYTES"])
        except UploadRefused as exc:
            log.warning("upload refused on %s: %s", request.endpoint, exc.message)
            raise


def init_uploads(app: Flask) -> None:
    """Check uploads before any view sees them; a refusal is an error page with its status."""
    from lms.core.web import render_error

    app.before_request(check_request_files)
    app.register_error_handler(UploadRefused, lambda exc: render_error(exc.status, exc.message))
