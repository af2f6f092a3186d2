"""Query parameters of API calls: each parsed strictly, every problem reported at once.

A value that cannot be read (not a number, not a date, a broken cursor) or a parameter the
endpoint does not know is a 400; a readable value outside what is allowed (a limit over the
maximum, a state that does not exist) is a 422.
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timezone

from lms.api.errors import ApiError, problem

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000  # records per page of a cursor-paged list
GROUPS_LIMIT, GROUPS_MAX = 50, 200  # groups per page of a participation table
IDEA_MONTHS, IDEA_MONTHS_MAX = 12, 36  # months back of the idea figures
LARGEST_ID = 2**31 - 1  # ids are 32-bit integers in the database
MAX_TEXT = 100


class Params:
    """The query string of one call, read one parameter at a time; `done()` raises for what was wrong."""

    def __init__(self, args: Mapping[str, str], allowed: Iterable[str]):
        self.args = args
        self.unreadable: list[dict] = []
        self.invalid: list[dict] = []
        unknown = sorted(set(args) - set(allowed))
        for name in unknown:
            self.unreadable.append(problem(name, "This endpoint has no such parameter."))

    def integer(self, name: str, minimum: int | None = None, maximum: int | None = None,
                default: int | None = None) -> int | None:
        """An integer parameter within [minimum, maximum], or `default` when absent."""
        raw = self.args.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            self.unreadable.append(problem(name, "Must be a whole number."))
            return default
        maximum = LARGEST_ID if maximum is None else maximum
        if minimum is not None and value < minimum:
            self.invalid.append(problem(name, f"Must be at least {minimum}."))
        elif maximum is not None and value > maximum:
            self.invalid.append(problem(name, f"Must be at most {maximum}."))
        return value

    def text(self, name: str, max_length: int = MAX_TEXT) -> str | None:
        """A short single-line text (a slug, a code), or None when absent."""
        raw = self.args.get(name)
        if raw is None or raw == "":
            return None
        if len(raw) > max_length or not raw.isprintable():
            self.unreadable.append(problem(name, f"Must be printable text of at most {max_length} characters."))
            return None
        return raw

    def choice(self, name: str, choices: Iterable[str]) -> str | None:
        """One of `choices`, or None when absent."""
        raw = self.args.get(name)
        if raw is None or raw == "":
            return None
        choices = tuple(choices)
        if raw not in choices:
            self.invalid.append(problem(name, f"Must be one of: {', '.join(choices)}."))
            return None
        return raw

    def boolean(self, name: str) -> bool | None:
        """true or false, or None when absent."""
        raw = self.args.get(name)
        if raw is None or raw == "":
            return None
        if raw not in ("true", "false"):
            self.unreadable.append(problem(name, "Must be true or false."))
            return None
        return raw == "true"

    def day(self, name: str) -> date | None:
        """A date as YYYY-MM-DD, or None when absent."""
        raw = self.args.get(name)
        if raw is None or raw == "":
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.unreadable.append(problem(name, "Must be a date as YYYY-MM-DD."))
            return None

    def moment(self, name: str) -> datetime | None:
        """An ISO 8601 date-time (without a zone it is taken as UTC; a bare date is its midnight UTC)."""
        raw = self.args.get(name)
        if raw is None or raw == "":
            return None
        try:
            value = datetime.fromisoformat(raw.replace(" ", "+"))  # a '+' sent unencoded arrives as a space
            return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
        except (ValueError, OverflowError):
            self.unreadable.append(problem(name, "Must be an ISO 8601 date-time, e.g. 2027-03-01T00:00:00Z."))
            return None

    def limit(self, default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT) -> int:
        """How many items a page holds (1 to `maximum`)."""
        value = self.integer("limit", 1, maximum, default)
        return default if value is None or not 1 <= value <= maximum else value

    def cursor(self) -> int:
        """The id after which a cursor-paged list continues (0 from the start)."""
        raw = self.args.get("cursor")
        if raw is None or raw == "":
            return 0
        after = decode_cursor(raw)
        if after is None:
            self.unreadable.append(problem("cursor", "Not a cursor of this list; follow links.next as given."))
            return 0
        return after

    def done(self) -> None:
        """Raise the 400 (or else the 422) listing every problem found so far."""
        if self.unreadable:
            raise ApiError(400, "Some parameters could not be read.", self.unreadable + self.invalid)
        if self.invalid:
            raise ApiError(422, "Some parameters are outside what is allowed.", self.invalid)


def encode_cursor(after_id: int) -> str:
    """An opaque cursor continuing after `after_id`."""
    return base64.urlsafe_b64encode(json.dumps({"after": after_id}).encode()).decode().rstrip("=")


def decode_cursor(raw: str) -> int | None:
    """The id a cursor continues after, or None when it is not one of ours."""
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    after = data.get("after") if isinstance(data, dict) else None
    valid = isinstance(after, int) and not isinstance(after, bool) and 0 <= after <= LARGEST_ID
    return after if valid else None
