"""Languages: which one a request is served in, and the template helpers that localize dates and numbers."""
from __future__ import annotations

from functools import lru_cache

from babel import numbers
from flask import Flask, g, has_request_context, request
from flask_babel import format_date, format_time, get_locale, get_translations
from flask_login import current_user

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"
# Each language named in itself, so that anyone can find their own in the switch.
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
# The locale that formats dates and numbers for each language: English dates read "1 Mar 2027" and times
# "14:05", as the platform always wrote them (and as in Mauritius), not the US "Mar 1, 2027, 2:05 PM".
FORMAT_LOCALES = {"en": "en_GB", "fr": "fr"}
LANGUAGE_COOKIE = "lms_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def is_language(code: str | None) -> bool:
    """Whether `code` is one of the languages the platform speaks."""
    return code in LANGUAGES


def request_language() -> str:
    """The signed-in person's choice, else the anonymous switch's cookie, else the browser's best match, else English."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    chosen = getattr(current_user, "language", None) if current_user.is_authenticated else None
    if is_language(chosen):
        return chosen
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if is_language(cookie):
        return cookie
    return browser_language(request.accept_languages)


def browser_language(accepted) -> str:
    """The first language the browser accepts (by its weights) that the platform speaks, by primary tag.

    Werkzeug's best_match prefers any exact match, so "mfe-MU, fr-FR;q=0.8, en;q=0.5" (Kreol Morisien, then
    French) would get English; here French wins, as the reader asked.
    """
    for value, quality in accepted:
        primary = value.replace("_", "-").split("-")[0].lower()
        if quality > 0 and primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def select_locale() -> str:
    """Flask-Babel's locale selector: the request's language, as the locale that formats it."""
    return FORMAT_LOCALES[request_language()]


def current_language() -> str:
    """The language of the current request, as a two-letter code."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def percent(value, digits: int = 0) -> str:
    """A number on a 0-100 scale written as a percentage in the current language ("42 %" in French)."""
    if value is None:
        return "—"
    return _percent(get_locale(), float(value), digits)


def number(value, digits: int | None = None) -> str:
    """A number with the current language's separators; `digits` fixes the decimals."""
    if value is None:
        return "—"
    return _number(get_locale(), value, digits)


# A dashboard writes the same few hundred figures thousands of times a page, and Babel's formatting (decimal
# arithmetic) cost a third of its rendering: each distinct (locale, value, digits) is formatted once.
@lru_cache(maxsize=16384, typed=True)
def _percent(locale, value: float, digits: int) -> str:
    pattern = None
    if digits:
        base = locale.percent_formats[None].pattern
        last = base.rfind("0")
        pattern = base[:last + 1] + "." + "0" * digits + base[last + 1:]
    return numbers.format_percent(value / 100, format=pattern, locale=locale)


@lru_cache(maxsize=16384, typed=True)
def _number(locale, value, digits: int | None) -> str:
    if digits is None:
        return numbers.format_decimal(value, locale=locale)
    return numbers.format_decimal(value, format="#,##0." + "0" * digits if digits else "#,##0", locale=locale)


def when(value) -> str:
    """A date and time in the current language, without seconds ("1 Mar 2027, 14:05"; "1 mars 2027, 14:05")."""
    if value is None:
        return "—"
    return f"{format_date(value, 'medium')}, {format_time(value, 'short')}"


_TRANSLATIONS: dict = {}


def _translations():
    """Flask-Babel's catalog for the request's locale, found with one lookup (a page translates dozens of texts)."""
    state = g.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    if locale is None:  # the first text of the request: let Flask-Babel select the locale
        return get_translations()
    found = _TRANSLATIONS.get(locale)
    if found is None:
        found = _TRANSLATIONS[locale] = get_translations()
    return found


def init_i18n(app: Flask) -> None:
    """Install Flask-Babel with the locale selector, and the number filters and `page_lang` for templates."""
    from lms.extensions import babel

    app.config.setdefault("BABEL_DEFAULT_LOCALE", FORMAT_LOCALES[DEFAULT_LANGUAGE])
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.filters.update(percent=percent, number=number, when=when)

    @app.context_processor
    def _language_context():
        return {"page_lang": current_language(), "languages": LANGUAGE_NAMES}
