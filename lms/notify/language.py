"""E-mails in the language of the person who receives them, whoever (or whatever job) sends them."""
from __future__ import annotations

from contextlib import contextmanager

from flask_babel import force_locale

from lms.core.i18n import DEFAULT_LANGUAGE, FORMAT_LOCALES, is_language


def language_of(person) -> str:
    """The language the person chose for the platform, else English (a job has no browser to ask)."""
    chosen = getattr(person, "language", None)
    return chosen if is_language(chosen) else DEFAULT_LANGUAGE


@contextmanager
def in_language_of(person):
    """Translate and format everything inside in `person`'s language, then go back to the request's."""
    with force_locale(FORMAT_LOCALES[language_of(person)]):
        yield
