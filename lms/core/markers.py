"""Marks a message for translation without translating it (pure: no Flask)."""


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Return `message` unchanged; `pybabel extract -k N_` collects it, and the page that shows it translates it."""
    return message
