"""Form helpers shared by every domain."""
from __future__ import annotations

from wtforms.fields.choices import SelectChoice


def choices(pairs) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
