"""Sharper lower bounds than the format's, for the planner's search and the benchmark.

The format's site-seats term counts seat-days; a room hosts whole sessions, though, so over
working days 1..F it holds at most as many sessions as fit end to end between its
unavailable days. Counting those (earliest start first is the most a room can hold) gives a
finish index below which no plan exists. The same count gives the fewest sessions each site
needs by a day, largest rooms first (the format counts full sessions in the largest room
only), and never fewer than its departments need when a session holds at most max_away of
each. Trainers deliver whole sessions too: each trainer's most sessions by F (consecutive
days off leave, within the weekly cap; a lone day left in a week is no use) must, pooled over
the trainers allowed at any site of a group, cover that group's fewest sessions (the format
pools trainer-days over all sites). `lms plan bound` keeps to the format's definition; this
is reported beside it, never instead of it.
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


def dept_sessions(model: Model, site: int) -> int:
    """Fewest sessions the site's departments need: a session holds at most max_away of each.

    All of a session's attendees are away on its first day, so the staffing floor caps each
    department's share of any one session.
    """
    return max((-(-len(model.dept_employees[k]) // model.dept_cap[k]) for k in model.site_depts[site]
                if model.dept_employees[k]), default=0)


def site_slot_finish(model: Model, site: int) -> int | None:
    """Smallest F whose whole sessions in the site's rooms seat everyone (None: not in the window).

    There must also be as many sessions as the site's departments need (`dept_sessions`).
    """
    need = model.site_headcount[site]
    if not need:
        return 0
    fewest = dept_sessions(model, site)
    min_size = model.site_min_size[site]
    slots = sorted(
        (end, model.room_seats[r])
        for r in model.site_rooms[site]
        if model.room_seats[r] >= min_size
        for end in room_slot_ends(model, r, model.n_days)
    )
    got = 0
    for count, (end, seats) in enumerate(slots, start=1):
        got += seats
        if got >= need and count >= fewest:
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

    Never fewer than its departments need (`dept_sessions`). ``ends`` caches each room's
    `room_slot_ends` over the whole window.
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
    fewest = dept_sessions(model, site)
    if sum(slots for _, slots in rooms) < fewest:
        return None
    # largest rooms first, each as often as it fits end to end
    sessions = 0
    for seats, slots in sorted(rooms, reverse=True):
        take = min(slots, -(-need // seats))
        sessions += take
        need -= take * seats
        if need <= 0:
            return max(sessions, fewest)
    return None


def trainer_sessions(model: Model, trainer: int) -> list[int]:
    """Most whole sessions the trainer can deliver ending by each day (index 0..n_days).

    Exact for the trainer alone: sessions of consecutive working days that do not overlap, on
    days the trainer is free, within the weekly cap (a session across a weekend counts its days
    in each ISO week). A trainer-day left over between sessions, or one day short of a session
    at the end, is no use, which counting trainer-days alone misses.
    """
    n, span, week = model.n_days, model.span, model.week
    # best[t]: days already used in week[t] -> most sessions, all ended before day t
    best: list[dict[int, int]] = [{} for _ in range(n + 2)]
    best[1][0] = 0
    for t in range(1, n + 1):
        for used, count in best[t].items():
            _keep(best[t + 1], used if t < n and week[t + 1] == week[t] else 0, count)
            after = session_from(model, trainer, t, used, n)
            if after is not None:
                _keep(best[t + span], after, count + 1)
    return [max(best[f + 1].values(), default=0) for f in range(n + 1)]


def session_from(model: Model, trainer: int, t: int, used: int, last_day: int) -> int | None:
    """Days worked in the ISO week of the day after a session the trainer starts on day ``t``, with ``used`` days
    already worked in t's week; None when it cannot start one then (not free for all of it, it would end after
    ``last_day``, or a week would go over the trainer's cap)."""
    week, end = model.week, t + model.span - 1
    if not model.trainer_start_ok[trainer][t] or end > last_day:
        return None
    days = {w: k + (used if w == week[t] else 0) for w, k in model.start_weeks[t]}
    if max(days.values()) > model.trainer_cap[trainer]:
        return None
    return days.get(week[end + 1], 0) if end < last_day else 0


def _keep(states: dict[int, int], used: int, count: int) -> None:
    if states.get(used, -1) < count:
        states[used] = count


# above this many sites with people, only single sites and all of them are checked (not every group)
HALL_MAX_SITES = 10


def site_groups(model: Model) -> list[tuple[int, ...]]:
    """The groups of sites whose sessions the trainers allowed at any of them must cover."""
    sites = [s for s in range(len(model.sites)) if model.site_headcount[s]]
    if len(sites) > HALL_MAX_SITES:
        return [(s,) for s in sites] + [tuple(sites)]
    return [tuple(s for j, s in enumerate(sites) if mask >> j & 1)
            for mask in range(1, 1 << len(sites))]


def trainer_slot_finish(model: Model, lo: int = 1) -> int | None:
    """Smallest F >= lo whose trainers' whole sessions cover the fewest sessions every site needs by F.

    For every group of sites, the trainers allowed at any of them (each its most whole sessions
    by F) must cover the group's sessions times the trainers a session needs.
    """
    ends = {r: room_slot_ends(model, r, model.n_days) for r in range(len(model.room_ids))}
    per_trainer = [trainer_sessions(model, i) for i in range(len(model.trainer_ids))]
    groups = site_groups(model)
    for f in range(max(lo, model.span), model.n_days + 1):
        need = [site_min_sessions(model, s, f, ends) for s in range(len(model.sites))]
        if any(n is None for n in need):
            continue
        if all(_covered(model, per_trainer, group, need, f) for group in groups):
            return f
    return None


def _covered(model: Model, per_trainer: list[list[int]], group: tuple[int, ...],
             need: list[int | None], f: int) -> bool:
    """Whether the trainers allowed at any site of the group can deliver its sessions by f."""
    members = set(group)
    supply = sum(sessions[f] for i, sessions in enumerate(per_trainer)
                 if model.trainer_sites[i] is None or model.trainer_sites[i] & members)
    return supply >= model.n_trainers * sum(need[s] or 0 for s in group)
