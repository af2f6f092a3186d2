"""Calendar buckets computed in the database, the same on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import Date, DateTime
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction


class week_start(GenericFunction):
    """The Monday of the week holding a date or UTC timestamp, as a date."""

    type = Date()
    inherit_cache = True
    name = "week_start"


class month_start(GenericFunction):
    """The first day of the month holding a date or UTC timestamp, as a date."""

    type = Date()
    inherit_cache = True
    name = "month_start"


@compiles(week_start, "sqlite")
def _week_start_sqlite(element, compiler, **kw):
    # Back six days, then forward to the next Monday (inclusive): the Monday on or before the day.
    return f"date({compiler.process(element.clauses, **kw)}, '-6 days', 'weekday 1')"


@compiles(week_start, "postgresql")
def _week_start_postgresql(element, compiler, **kw):
    return f"CAST(date_trunc('week', {_as_utc(element, compiler, **kw)}) AS DATE)"


@compiles(month_start, "sqlite")
def _month_start_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"


@compiles(month_start, "postgresql")
def _month_start_postgresql(element, compiler, **kw):
    return f"CAST(date_trunc('month', {_as_utc(element, compiler, **kw)}) AS DATE)"


def _as_utc(element, compiler, **kw) -> str:
    # Timestamps are bucketed by their UTC day, as on SQLite (which stores them in UTC), whatever the
    # session's time zone; a DATE is cast to a plain timestamp so that no zone can move its day.
    argument = list(element.clauses)[0]
    sql = compiler.process(argument, **kw)
    if argument.type._type_affinity is DateTime:
        return f"(({sql}) AT TIME ZONE 'UTC')"
    return f"CAST(({sql}) AS TIMESTAMP WITHOUT TIME ZONE)"
