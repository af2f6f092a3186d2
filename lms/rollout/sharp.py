"""Sharper lower bounds than the format's, for the planner's search and the benchmark.

The format's site-seats term counts seat-days; a room hosts whole sessions, though, so over
working days 1..F it holds at most as many sessions as fit end to end between its
unavailable days. Counting those (earliest start first is the most a room can hold) gives a
finish index below which no plan exists. The same count gives the fewest sessions each site
needs by a day, largest rooms first, so the trainer-days those sessions take (the format
counts full sessions in the largest room only). `lms plan bound` keeps to the format's
definition; this is reported beside it, never instead of it.
"""

from __future__ import annotations

from bisect import bisect_right

from lms.rollout.model import Model


def room_slot_ends(model: Model, room: int, last_day: int) -> list[int]:
    """Last days of the sessions a room holds packed end to end from day 1, up to ``last_day``."""
    ok = model.room_start_ok[room]
    span = model.span
    ends, t = [], 1
    while t + span - 1 <= last_day:
        if ok[t]:
            ends.append(t + span - 1)
            t += span
        else:
            t += 1
    return ends


def site_slot_finish(model: Model, site: int) -> int | None:
    """Smallest F whose whole sessions in the site's rooms seat everyone (None: not in the window)."""
    need = model.site_headcount[site]
    if not need:
        return 0
    min_size = model.site_min_size[site]
    slots = sorted(
        (end, model.room_seats[r])
        for r in model.site_rooms[site]
        if model.room_seats[r] >= min_size
        for end in room_slot_ends(model, r, model.n_days)
    )
    got = 0
    for end, seats in slots:
        got += seats
        if got >= need:
            return end
    return None


def sharper_bound(model: Model, bound: int | None) -> int | None:
    """The format's bound raised to every site's whole-session finish (when inside the window)."""
    if bound is None:
        return None
    out = bound
    for s in range(len(model.sites)):
        f = site_slot_finish(model, s)
        if f is not None:
            out = max(out, f)
    if model.n_trainers and model.trainer_ids:
        f = trainer_slot_finish(model, out)
        if f is not None:
            out = max(out, f)
    return out


def site_min_sessions(model: Model, site: int, last_day: int,
                      ends: dict[int, list[int]] | None = None) -> int | None:
    """Fewest sessions that seat the site's people in its rooms by ``last_day`` (None: cannot).

    ``ends`` caches each room's `room_slot_ends` over the whole window.
    """
    need = model.site_headcount[site]
    if not need:
        return 0
    min_size = model.site_min_size[site]
    rooms = []
    for r in model.site_rooms[site]:
        if model.room_seats[r] < min_size:
            continue
        slots = (bisect_right(ends[r], last_day) if ends is not None
                 else len(room_slot_ends(model, r, last_day)))
        rooms.append((model.room_seats[r], slots))
    # largest rooms first, each as often as it fits end to end
    sessions = 0
    for seats, slots in sorted(rooms, reverse=True):
        take = min(slots, -(-need // seats))
        sessions += take
        need -= take * seats
        if need <= 0:
            return sessions
    return None


def trainer_days(model: Model) -> list[int]:
    """Cumulative trainer-days usable in sessions by each day, capped per ISO week.

    A day counts when some session covering it could start on a day the trainer has free
    throughout (a relaxation: that session may run past the day counted up to).
    """
    span = model.span
    n = model.n_days
    per_day = [0] * (n + 1)
    for i, ok in enumerate(model.trainer_start_ok):
        cap = model.trainer_cap[i]
        used: dict[int, int] = {}
        for d in range(1, n + 1):
            if any(ok[t] for t in range(max(1, d - span + 1), d + 1)):
                w = model.week[d]
                if used.get(w, 0) < cap:
                    used[w] = used.get(w, 0) + 1
                    per_day[d] += 1
    total = 0
    for d in range(1, n + 1):
        total += per_day[d]
        per_day[d] = total
    return per_day


def trainer_slot_finish(model: Model, lo: int = 1) -> int | None:
    """Smallest F >= lo whose trainer-days cover the fewest sessions every site needs by F."""
    ends = {r: room_slot_ends(model, r, model.n_days) for r in range(len(model.room_ids))}
    supply = trainer_days(model)
    for f in range(max(lo, model.span), model.n_days + 1):
        sessions = 0
        for s in range(len(model.sites)):
            n = site_min_sessions(model, s, f, ends)
            if n is None:
                break
            sessions += n
        else:
            if supply[f] >= model.span * model.n_trainers * sessions:
                return f
    return None
