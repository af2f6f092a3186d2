"""The xAPI settings of the app config, checked once at start-up."""
from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from lms.config import ConfigError


def _is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def check_settings(config: Mapping) -> None:
    """Refuse an endpoint or home page that is not an http(s) URL, a password without a user, a bad timeout."""
    endpoint, home = config.get("LMS_XAPI_ENDPOINT"), config.get("LMS_XAPI_HOMEPAGE")
    if endpoint and not _is_web_url(endpoint):
        raise ConfigError(f"LMS_XAPI_ENDPOINT={endpoint!r} is not an http(s) URL")
    if home and not _is_web_url(home):
        raise ConfigError(f"LMS_XAPI_HOMEPAGE={home!r} is not an http(s) URL")
    if config.get("LMS_XAPI_PASSWORD") and not config.get("LMS_XAPI_USERNAME"):
        raise ConfigError("LMS_XAPI_PASSWORD is set without LMS_XAPI_USERNAME")
    if not config.get("LMS_XAPI_TIMEOUT", 0) > 0:
        raise ConfigError("LMS_XAPI_TIMEOUT is a number of seconds above 0")


def base_url(config: Mapping) -> str:
    """The platform's base URL, which activity ids are built from."""
    return config["LMS_BASE_URL"].rstrip("/")


def home_page(config: Mapping) -> str:
    """The organization's home page, which identifies accounts (defaults to the platform's base URL)."""
    return (config.get("LMS_XAPI_HOMEPAGE") or config["LMS_BASE_URL"]).rstrip("/")
