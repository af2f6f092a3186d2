"""Envelopes of API lists: {"data", "links", "meta"}; clients follow links.next until it is null.

Lists of records are paged by cursor (stable while rows are added); participation tables, which
are a few hundred groups at most, by page number.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from flask import request, url_for

from lms.api.params import encode_cursor


def _link(**changes) -> str:
    """The current call's URL with some query parameters changed (None removes one)."""
    args = {k: v for k, v in request.args.items()}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args, _external=True)


def cursor_page(rows: Sequence, limit: int, serialize: Callable, key: Callable = lambda row: row.id) -> dict:
    """The envelope of a cursor-paged list: `rows` holds up to limit + 1 rows, the extra one saying there is more."""
    more = len(rows) > limit
    rows = rows[:limit]
    next_link = _link(cursor=encode_cursor(key(rows[-1]))) if more and rows else None
    return {
        "data": [serialize(row) for row in rows],
        "links": {"self": _link(), "next": next_link},
        "meta": {"limit": limit, "count": len(rows)},
    }


def numbered_page(items: list, page: int, limit: int, total: int) -> dict:
    """The envelope of a page-numbered list of `total` items."""
    pages = max(1, math.ceil(total / limit))
    return {
        "data": items,
        "links": {
            "self": _link(page=page),
            "first": _link(page=1),
            "prev": _link(page=page - 1) if page > 1 else None,
            "next": _link(page=page + 1) if page < pages else None,
            "last": _link(page=pages),
        },
        "meta": {"limit": limit, "count": len(items), "page": page, "pages": pages, "total": total},
    }
