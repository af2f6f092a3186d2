"""Building the MIME message from plain values (pure: no Flask, no database)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import ContentTypeHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime

_HEADERS = HeaderRegistry()


@dataclass(frozen=True)
class Attachment:
    """A file to send: name, MIME type (parameters allowed) and content."""

    filename: str
    mimetype: str
    content: bytes


def parse_mimetype(value: str) -> tuple[str, str, dict[str, str]]:
    """(maintype, subtype, parameters) of a MIME type; ValueError when it is not one."""
    header = _HEADERS("content-type", value)
    if not isinstance(header, ContentTypeHeader) or header.defects or "/" not in value.split(";", 1)[0]:
        raise ValueError(f"not a MIME type: {value!r}")
    return header.maintype, header.subtype, {k.lower(): v for k, v in header.params.items()}


def is_invite(attachment: Attachment) -> bool:
    """True for an iCalendar scheduling message (text/calendar with a METHOD), which mail clients act on."""
    maintype, subtype, params = parse_mimetype(attachment.mimetype)
    return (maintype, subtype) == ("text", "calendar") and bool(params.get("method"))


def build_message(
    *,
    sender: str,
    recipients: Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Sequence[Attachment] = (),
    message_id: str | None = None,
    date: datetime | None = None,
) -> EmailMessage:
    """The e-mail as a stdlib EmailMessage: text, optional HTML, an inline invite and the files."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    if date is not None:
        message["Date"] = format_datetime(date)
    if message_id:
        message["Message-ID"] = message_id
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")

    invite = next((a for a in attachments if is_invite(a)), None)
    if invite is not None:
        # Calendar clients offer accept/decline only for a text/calendar alternative of the body; the
        # same invite also goes along as a file, typed application/ics so that it is not processed twice.
        _, _, params = parse_mimetype(invite.mimetype)
        message.add_alternative(
            invite.content.decode(params.get("charset") or "utf-8"), subtype="calendar",
            params={"method": params["method"].upper()},
        )
    for attachment in attachments:
        maintype, subtype, params = parse_mimetype(attachment.mimetype)
        if attachment is invite:
            maintype, subtype, params = "application", "ics", {}
        params.pop("charset", None)
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype,
                               filename=attachment.filename, params=params)
    return message
