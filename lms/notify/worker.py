"""The job consumer's entry point: `huey_consumer lms.notify.worker.huey -k thread -w 2`.

Importing this module builds the application from the environment (jobs never immediate here), which
points the queue at the same SQLite file or Redis as the web processes.
"""
from __future__ import annotations

from flask import Flask

from lms.notify.jobs import huey

__all__ = ["get_app", "huey"]

_app: Flask | None = None


def get_app() -> Flask:
    """The worker's application, created on first use."""
    global _app
    if _app is None:
        from lms import create_app

        _app = create_app({"LMS_JOBS_IMMEDIATE": False})
    return _app


get_app()
