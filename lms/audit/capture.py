"""Capture changes generically from SQLAlchemy session events, with the actor from the request or CLI command.

Flushed inserts, updates and deletes become one event per row, with the changed columns before and
after; UPDATE/DELETE/INSERT statements run through the session become one "bulk" event each. Only
actors holding an audited role (admin, leader, lead trainer) and command-line runs are recorded.
"""
from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

import click

from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_login import current_user
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from lms.audit.models import AuditEvent

AUDITED_ROLES = frozenset({"admin", "leader", "lead_trainer"})
NOT_AUDITED_TABLES = frozenset({"audit_event", "login_failure", "alembic_version"})
SECRET_COLUMN = re.compile(r"password|secret|(^|_)token$|^token|_hash$|^hash$", re.I)
KEEP_HASH_COLUMNS = frozenset({"content_hash"})
MAX_TEXT = 1000
DEFAULT_BULK_THRESHOLD = 500
REDACTED = "[redacted]"


@dataclass(frozen=True)
class Actor:
    """Who is acting: an employee in a request, or an operator at the command line."""

    employee_id: int | None
    label: str
    roles: tuple[str, ...]
    source: str

    @property
    def audited(self) -> bool:
        """True when this actor's changes go into the audit log."""
        return self.source.startswith("cli") or bool(AUDITED_ROLES & set(self.roles))


_cli_actor: ContextVar[Actor | None] = ContextVar("lms_audit_actor", default=None)


@contextmanager
def acting_as(actor: Actor):
    """Attribute every change inside the block to `actor` (used by CLI commands and jobs)."""
    token = _cli_actor.set(actor)
    try:
        yield actor
    finally:
        _cli_actor.reset(token)


CLI_SOURCE = "cli"


def cli_actor() -> Actor:
    """The actor for a command-line run; the command's full name is filled in when it changes something."""
    return Actor(None, "command line", ("operator",), CLI_SOURCE)


def _with_command(actor: Actor) -> Actor:
    """The CLI actor with the running command's path ("cli: lms user create")."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return actor
    words = ctx.command_path.split()
    start = len(words) - 1 - words[::-1].index("lms") if "lms" in words else 0  # "flask lms ..." or "lms ..."
    path = " ".join(words[start:])
    return replace(actor, source=f"{CLI_SOURCE}: {path}"[:300])


def current_actor() -> Actor | None:
    """The actor of this request or command, if any."""
    explicit = _cli_actor.get()
    if explicit is not None:
        return _with_command(explicit) if explicit.source == CLI_SOURCE else explicit
    if has_app_context():
        return g.get("_audit_actor")
    return None


def _remember_request_actor() -> None:
    """Before each request: note the logged-in employee (plain values, safe to read during a flush)."""
    if request.endpoint == "static" or "_user_id" not in session:
        return
    user = current_user
    if user.is_authenticated:
        g._audit_actor = Actor(user.id, f"{user.full_name} <{user.email}>"[:300], tuple(sorted(user.roles)),
                               f"{request.method} {request.path}"[:300])


def _plain(column: str, value):
    """A JSON-safe, secret-free rendering of one column value."""
    if value is None:
        return None
    if SECRET_COLUMN.search(column) and column not in KEEP_HASH_COLUMNS:
        return REDACTED
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(value)} bytes>"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (dict, list, tuple, set)):
        text = json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)
        return json.loads(text) if len(text) <= MAX_TEXT else text[:MAX_TEXT] + f"… ({len(text)} characters)"
    text = str(value)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + f"… ({len(text)} characters)"


def _row_event(actor: Actor, action: str, obj) -> dict | None:
    state = inspect(obj)
    table = state.mapper.local_table
    if table is None or table.name in NOT_AUDITED_TABLES:
        return None
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        column = attr.columns[0].name
        history = state.attrs[attr.key].history
        if action == "insert":
            value = state.dict.get(attr.key)
            if value is not None:
                after[column] = _plain(column, value)
        elif action == "delete":
            if attr.key in state.dict:
                before[column] = _plain(column, state.dict[attr.key])
        elif history.added or history.deleted:
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                before[column], after[column] = _plain(column, old), _plain(column, new)
    if action == "update" and not after:
        return None
    identity = state.identity or ()
    return {
        "at": dt.datetime.now(dt.timezone.utc), "actor_id": actor.employee_id, "actor_label": actor.label,
        "actor_roles": ",".join(actor.roles)[:200], "source": actor.source, "action": action, "table_name": table.name,
        "row_id": ":".join(str(part) for part in identity)[:100], "before": before or None, "after": after or None,
    }


def _summarise(actor: Actor, rows: list[dict]) -> list[dict]:
    """Too many rows in one flush: one event per table and action with the count and the first ids."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["table_name"], row["action"]), []).append(row)
    return [{
        "at": dt.datetime.now(dt.timezone.utc), "actor_id": actor.employee_id, "actor_label": actor.label,
        "actor_roles": ",".join(actor.roles)[:200], "source": actor.source, "action": "bulk", "table_name": table,
        "row_id": "", "before": None,
        "after": {"operation": action, "rows": len(group), "first_ids": [r["row_id"] for r in group[:20]]},
    } for (table, action), group in groups.items()]


def _bulk_threshold() -> int:
    return current_app.config.get("LMS_AUDIT_BULK_THRESHOLD", DEFAULT_BULK_THRESHOLD) if has_app_context() \
        else DEFAULT_BULK_THRESHOLD


def _after_flush(session: Session, _context) -> None:
    actor = current_actor()
    if actor is None or not actor.audited:
        return
    rows = [_row_event(actor, "insert", obj) for obj in session.new]
    rows += [_row_event(actor, "update", obj) for obj in session.dirty if session.is_modified(obj, include_collections=False)]
    rows += [_row_event(actor, "delete", obj) for obj in session.deleted]
    rows = [row for row in rows if row is not None]
    if len(rows) > _bulk_threshold():
        rows = _summarise(actor, rows)
    if rows:
        session.connection().execute(insert(AuditEvent.__table__), rows)


def _statement_table(statement) -> str | None:
    table = getattr(statement, "table", None)
    return getattr(table, "name", None)


def _statement_text(state) -> str:
    """The statement's SQL with placeholders (never the values); ORM bulk inserts only compile when run."""
    try:
        return " ".join(str(state.statement.compile(dialect=state.session.get_bind().dialect)).split())
    except Exception:  # noqa: BLE001 (an ORM-enabled INSERT of many rows compiles only inside execution)
        operation = "INSERT INTO" if state.is_insert else "UPDATE" if state.is_update else "DELETE FROM"
        return f"{operation} {_statement_table(state.statement)}"


def _on_execute(state) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    actor = current_actor()
    table = _statement_table(state.statement)
    if actor is None or not actor.audited or table is None or table in NOT_AUDITED_TABLES:
        return
    params = state.parameters
    count = len(params) if isinstance(params, list) else 1
    operation = "update" if state.is_update else "delete" if state.is_delete else "insert"
    sql = _statement_text(state)
    state.session.connection().execute(insert(AuditEvent.__table__), [{
        "at": dt.datetime.now(dt.timezone.utc), "actor_id": actor.employee_id, "actor_label": actor.label,
        "actor_roles": ",".join(actor.roles)[:200], "source": actor.source, "action": "bulk", "table_name": table,
        "row_id": "", "before": None,
        "after": {"operation": operation, "parameter_sets": count, "statement": sql[:MAX_TEXT]},
    }])


_installed = False


def init_audit(app: Flask) -> None:
    """Note the request's actor before each request and listen to every session's flushes and statements."""
    global _installed
    app.before_request(_remember_request_actor)
    if not _installed:
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _on_execute)
        _installed = True
