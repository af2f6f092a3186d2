"""Rows as tuples, written in chunks: executemany on SQLite, COPY on PostgreSQL; ids handed out here.

Values are given as the database stores them (text timestamps in UTC, ISO dates, 0/1 booleans,
JSON as text), so that the writer does no per-value work: `stamp()` formats a timestamp for the
connection's dialect.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from itertools import islice

from sqlalchemy import text
from sqlalchemy.engine import Connection

CHUNK = 20_000


class BulkWriter:
    """Inserts rows into tables through one connection (and its transaction)."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.dialect = connection.dialect.name
        self.counts: Counter[str] = Counter()
        self._next_id: dict[str, int] = {}
        # PostgreSQL reads a zone-less timestamp in the session's zone; the suffix pins it to UTC.
        self._zone = "+00" if self.dialect == "postgresql" else ""

    def stamp(self, moment: datetime) -> str:
        """A UTC timestamp (naive or aware in UTC) as this database's column text."""
        return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} {moment.hour:02d}:{moment.minute:02d}:" \
               f"{moment.second:02d}.{moment.microsecond:06d}{self._zone}"

    def ids(self, table: str, count: int) -> int:
        """Reserve `count` consecutive ids in `table`; returns the first."""
        if table not in self._next_id:
            current = self.connection.execute(text(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')).scalar_one()
            self._next_id[table] = current + 1
        first = self._next_id[table]
        self._next_id[table] += count
        return first

    def insert(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        """Insert every row (a tuple in `columns` order); returns how many."""
        iterator = iter(rows)
        written = 0
        while chunk := list(islice(iterator, CHUNK)):
            if self.dialect == "postgresql":
                self._copy(table, columns, chunk)
            else:
                marks = ", ".join("?" for _ in columns)
                names = ", ".join(f'"{c}"' for c in columns)
                self.connection.exec_driver_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', chunk)
            written += len(chunk)
        self.counts[table] += written
        return written

    def _copy(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        cursor = self.connection.connection.dbapi_connection.cursor()
        with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)

    def finish(self) -> None:
        """Move PostgreSQL's id sequences past the ids handed out here."""
        if self.dialect != "postgresql":
            return
        for table in self._next_id:
            self.connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"
                f" WHERE EXISTS (SELECT 1 FROM \"{table}\")"))

    @property
    def total(self) -> int:
        return sum(self.counts.values())
