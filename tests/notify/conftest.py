"""Notify fixtures: mail settings per test, a real local SMTP server (aiosmtpd), an isolated daily-job registry."""
from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from lms.notify.models import OutboxMessage


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Received:
    """One message as the SMTP server got it."""

    def __init__(self, envelope):
        self.mail_from = envelope.mail_from
        self.rcpt_tos = list(envelope.rcpt_tos)
        self.message: EmailMessage = message_from_bytes(envelope.original_content or envelope.content,
                                                        policy=policy.default)


class Handler:
    """Accepts everything except the addresses in `refuse` (550) and `defer` (451) at RCPT."""

    def __init__(self):
        self.received: list[Received] = []
        self.refuse: set[str] = set()
        self.defer: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        if address in self.defer:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(Received(envelope))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free localhost port; `.handler.received` lists what arrived."""
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture
def mail(app, monkeypatch):
    """Set mail settings for one test: mail(LMS_MAIL_BACKEND="smtp", ...)."""

    def configure(**settings):
        for key, value in settings.items():
            monkeypatch.setitem(app.config, key, value)

    return configure


@pytest.fixture
def smtp_backend(mail, smtp_server):
    """The smtp backend pointed at the local server; returns the server's handler."""
    mail(LMS_MAIL_BACKEND="smtp", LMS_SMTP_HOST="127.0.0.1", LMS_SMTP_PORT=smtp_server.port,
         LMS_SMTP_STARTTLS=False, LMS_SMTP_SSL=False, LMS_SMTP_USER=None, LMS_SMTP_TIMEOUT=10)
    return smtp_server.handler


@pytest.fixture
def daily_registry(monkeypatch):
    """An empty daily-job registry for the test (the real one is restored afterwards)."""
    from lms.notify import daily

    registry: dict = {}
    monkeypatch.setattr(daily, "_JOBS", registry)
    return registry


def outbox_count(db, **filters) -> int:
    stmt = select(func.count()).select_from(OutboxMessage)
    for key, value in filters.items():
        stmt = stmt.where(getattr(OutboxMessage, key) == value)
    return db.session.execute(stmt).scalar_one()


def only_message(db) -> OutboxMessage:
    db.session.expire_all()
    return db.session.execute(select(OutboxMessage)).scalar_one()
