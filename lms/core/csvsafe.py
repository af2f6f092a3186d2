"""Spreadsheet-safe CSV cells: text that a spreadsheet would run as a formula gets a leading apostrophe."""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """The value with formula-like text made inert by a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unneutralize(text: str) -> str:
    """Undo `neutralize` when a neutralized export is read back in."""
    if text[:1] == "'" and text[1:2] and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
