"""Delivery backends, chosen by LMS_MAIL_BACKEND: outbox (default), console and smtp."""
from __future__ import annotations

import smtplib
import ssl
import sys
from collections.abc import Callable, Mapping, Sequence
from email.message import EmailMessage
from typing import Protocol

from lms.config import ConfigError


class PermanentFailure(Exception):
    """The server refused the message for good (a 5xx reply): retrying cannot help."""


class MailBackend(Protocol):
    name: str

    def send(self, message: EmailMessage, recipients: Sequence[str]) -> str | None:
        """Hand the message over; return a note for the record (e.g. refused recipients) or None."""


_BACKENDS: dict[str, Callable[[Mapping], MailBackend]] = {}


def register_backend(name: str):
    """Make the decorated factory (called with the app config) available as LMS_MAIL_BACKEND=name."""

    def decorator(factory):
        _BACKENDS[name] = factory
        return factory

    return decorator


def backend_names() -> list[str]:
    """The names LMS_MAIL_BACKEND accepts."""
    return sorted(_BACKENDS)


def get_backend(config: Mapping) -> MailBackend:
    """The backend the configuration names."""
    name = config["LMS_MAIL_BACKEND"]
    if name not in _BACKENDS:
        raise ConfigError(f"LMS_MAIL_BACKEND={name!r} is not one of {', '.join(backend_names())}")
    return _BACKENDS[name](config)


def check_mail_config(config: Mapping) -> None:
    """Refuse mail settings that cannot work, at start-up rather than at the first e-mail."""
    get_backend(config)
    if config["LMS_SMTP_SSL"] and config["LMS_SMTP_STARTTLS"]:
        raise ConfigError("LMS_SMTP_SSL and LMS_SMTP_STARTTLS exclude each other: SSL is TLS from the start")
    if config["LMS_MAIL_MAX_ATTEMPTS"] < 1:
        raise ConfigError("LMS_MAIL_MAX_ATTEMPTS must be at least 1")
    if config["LMS_MAIL_RETRY_SECONDS"] < 0:
        raise ConfigError("LMS_MAIL_RETRY_SECONDS must not be negative")


@register_backend("outbox")
class OutboxBackend:
    """Sends nothing: the outbox row itself, readable on the admin page, is the delivery (for demos)."""

    name = "outbox"

    def __init__(self, config: Mapping):
        pass

    def send(self, message: EmailMessage, recipients: Sequence[str]) -> str | None:
        return None


@register_backend("console")
class ConsoleBackend:
    """Prints the headers, the text body and the attachment names to standard output."""

    name = "console"

    def __init__(self, config: Mapping, stream=None):
        self.stream = stream

    def send(self, message: EmailMessage, recipients: Sequence[str]) -> str | None:
        stream = self.stream or sys.stdout
        lines = ["-" * 72]
        lines += [f"{key}: {message[key]}" for key in ("Message-ID", "From", "To", "Subject") if message[key]]
        lines.append("")
        lines.append(message.get_body(("plain",)).get_content().rstrip("\n"))
        for part in message.iter_attachments():
            lines.append(f"[attachment: {part.get_filename()} ({part.get_content_type()})]")
        lines.append("-" * 72)
        print("\n".join(lines), file=stream, flush=True)
        return None


@register_backend("smtp")
class SmtpBackend:
    """Sends through the SMTP server in LMS_SMTP_* (implicit TLS, STARTTLS or plain; login when a user is set)."""

    name = "smtp"

    def __init__(self, config: Mapping):
        self.host = config["LMS_SMTP_HOST"]
        self.port = config["LMS_SMTP_PORT"]
        self.user = config["LMS_SMTP_USER"]
        self.password = config["LMS_SMTP_PASSWORD"]
        self.use_ssl = config["LMS_SMTP_SSL"]
        self.starttls = config["LMS_SMTP_STARTTLS"]
        self.timeout = config["LMS_SMTP_TIMEOUT"]

    def _connect(self) -> smtplib.SMTP:
        if self.use_ssl:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def send(self, message: EmailMessage, recipients: Sequence[str]) -> str | None:
        try:
            with self._connect() as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password or "")
                refused = smtp.send_message(message, to_addrs=list(recipients))
        except smtplib.SMTPRecipientsRefused as exc:
            if all(code >= 500 for code, _ in exc.recipients.values()):
                raise PermanentFailure(_describe_refused(exc.recipients)) from exc
            raise
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            if exc.smtp_code >= 500:
                raise PermanentFailure(f"{exc.smtp_code} {_text(exc.smtp_error)}") from exc
            raise
        # Some recipients accepted: the message went out, and the refusals are kept on the record.
        return f"refused: {_describe_refused(refused)}" if refused else None


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _describe_refused(refused: dict) -> str:
    return "; ".join(f"{address}: {code} {_text(reply)}" for address, (code, reply) in sorted(refused.items()))
