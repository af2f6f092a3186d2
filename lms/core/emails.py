"""E-mail address syntax checks shared by the roster, accounts and forms."""
from __future__ import annotations

import email_validator
from email_validator import EmailNotValidError, validate_email

# Organizations run this platform on intranet and test domains (example.com, *.test,
# *.local); email-validator refuses those special-use names unless told otherwise.
email_validator.SPECIAL_USE_DOMAIN_NAMES = [
    d for d in email_validator.SPECIAL_USE_DOMAIN_NAMES if d not in {"example", "test", "local", "internal"}
]


class InvalidEmail(ValueError):
    """The text is not an e-mail address; the message says why."""


def normalize_email(value: str) -> str:
    """The address lowercased and normalized, or InvalidEmail."""
    try:
        return validate_email(value.strip(), check_deliverability=False, globally_deliverable=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidEmail(str(exc)) from None
