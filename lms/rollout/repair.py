"""Repair a draft that left a few people out, looking back over the whole horizon.

A day-by-day attempt can leave a site a session short while elsewhere two half-empty
sessions spend two trainers' days on what one could hold. This pass (1) merges a site's
small sessions into its others' spare seats, freeing their rooms and trainers; (2) seats
people left out in spare seats; (3) opens sessions for the rest where a room and trainers
are free, moving people from the site's larger sessions to reach the minimum size. Every
move keeps the validity rules (room and trainer clashes, weekly caps, max_away, leave) and
no department takes more than half of a session it joins.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from lms.rollout.model import Model
from lms.rollout.planner import Draft


class _Ledger:
    """Who uses which room, trainer and department places on each day."""

    def __init__(self, m: Model, sessions: list) -> None:
        self.m = m
        self.room_days: set[tuple[int, int]] = set()
        self.trainer_days: set[tuple[int, int]] = set()
        self.trainer_week: Counter[tuple[int, int]] = Counter()
        self.away: Counter[tuple[int, int]] = Counter()
        for start, room, trainers, attendees in sessions:
            self.book(start, room, trainers, +1)
            for e in attendees:
                self.move(e, start, +1)

    def days(self, start: int) -> range:
        return range(start, start + self.m.span)

    def book(self, start: int, room: int, trainers, sign: int) -> None:
        for d in self.days(start):
            if sign > 0:
                self.room_days.add((room, d))
                self.trainer_days.update((i, d) for i in trainers)
            else:
                self.room_days.discard((room, d))
                self.trainer_days.difference_update((i, d) for i in trainers)
        for i in trainers:
            for w, n in self.m.start_weeks[start]:
                self.trainer_week[i, w] += sign * n

    def move(self, e: int, start: int, sign: int) -> None:
        k = self.m.emp_dept[e]
        for d in self.days(start):
            self.away[k, d] += sign

    def can_attend(self, e: int, start: int, extra: int = 0) -> bool:
        """Whether e may join a session starting then (``extra`` colleagues joining too)."""
        m = self.m
        blocked = m.emp_blocked[e]
        if blocked is not None and start in blocked:
            return False
        k = m.emp_dept[e]
        return all(self.away[k, d] + extra < m.dept_cap[k] for d in self.days(start))

    def room_free(self, room: int, start: int) -> bool:
        return bool(self.m.room_start_ok[room][start]) and not any(
            (room, d) in self.room_days for d in self.days(start))

    def free_trainers(self, site: int, start: int) -> list[int]:
        """Trainers allowed at the site, free on the days and within their weekly caps."""
        m = self.m
        out = []
        for i in range(len(m.trainer_ids)):
            sites = m.trainer_sites[i]
            if (sites is not None and site not in sites) or not m.trainer_start_ok[i][start]:
                continue
            if any((i, d) in self.trainer_days for d in self.days(start)):
                continue
            if any(self.trainer_week[i, w] + n > m.trainer_cap[i] for w, n in m.start_weeks[start]):
                continue
            out.append(i)
        # the least flexible first: they are the least use to other sites
        out.sort(key=lambda i: (len(m.sites) + 1 if m.trainer_sites[i] is None else len(m.trainer_sites[i]), i))
        return out


def repair(m: Model, draft: Draft, target: int) -> Draft:
    """A draft with as many of the unassigned seated as spare places and idle resources allow."""
    if not draft.unassigned:
        return draft
    last_start = min(target, m.n_days) - m.span + 1
    sessions = [[s, r, tuple(tr), list(att)] for s, r, tr, att in draft.sessions]
    ledger = _Ledger(m, sessions)
    left: dict[int, list[int]] = defaultdict(list)
    for e in draft.unassigned:
        left[m.dept_site[m.emp_dept[e]]].append(e)
    for site in range(len(m.sites)):
        _merge_small(m, ledger, sessions, site)
    sessions = [s for s in sessions if s[3]]
    out = []
    for site, people in left.items():
        _fill_spare(m, ledger, sessions, site, people)
        while people and _open_one(m, ledger, sessions, site, people, last_start):
            pass
        out.extend(people)
    return Draft(draft.target, [tuple(s) for s in sessions], out, draft.trace, draft.span)


def _room_for(m: Model, ledger: _Ledger, session: list, e: int) -> bool:
    """Whether e can join the session: a seat, no leave, the floor, half the session at most."""
    start, room, _, attendees = session
    if len(attendees) >= m.room_seats[room] or not ledger.can_attend(e, start):
        return False
    k = m.emp_dept[e]
    same = sum(1 for a in attendees if m.emp_dept[a] == k)
    return 2 * (same + 1) <= len(attendees) + 1 or len(m.site_depts[m.room_site[room]]) == 1


def _merge_small(m: Model, ledger: _Ledger, sessions: list, site: int) -> None:
    """Empty a site's smallest sessions into its others' spare seats, freeing rooms and trainers."""
    here = [s for s in sessions if m.room_site[s[1]] == site and s[3]]
    for small in sorted(here, key=lambda s: len(s[3])):
        spare = sum(m.room_seats[s[1]] - len(s[3]) for s in here if s is not small and s[3])
        if len(small[3]) > spare:
            break
        start = small[0]
        for e in small[3]:
            ledger.move(e, start, -1)
        plan = []
        for e in small[3]:
            dest = next((s for s in here if s is not small and s[3] and _room_for(m, ledger, s, e)), None)
            if dest is None:
                break
            dest[3].append(e)
            ledger.move(e, dest[0], +1)
            plan.append((e, dest))
        if len(plan) == len(small[3]):
            ledger.book(start, small[1], small[2], -1)
            small[3] = []
            continue
        for e, dest in plan:  # undo
            dest[3].remove(e)
            ledger.move(e, dest[0], -1)
        for e in small[3]:
            ledger.move(e, start, +1)


def _fill_spare(m: Model, ledger: _Ledger, sessions: list, site: int, people: list[int]) -> None:
    """Seat people left out in their site's sessions with spare seats."""
    for session in sessions:
        if not people:
            return
        if m.room_site[session[1]] != site:
            continue
        for e in list(people):
            if _room_for(m, ledger, session, e):
                session[3].append(e)
                ledger.move(e, session[0], +1)
                people.remove(e)


def _open_one(m: Model, ledger: _Ledger, sessions: list, site: int, people: list[int],
              last_start: int) -> bool:
    """Open the session that seats most of the people left out at the site; False if none."""
    min_size = m.site_min_size[site]
    rooms = sorted((r for r in m.site_rooms[site] if m.room_seats[r] >= min_size),
                   key=lambda r: -m.room_seats[r])
    best = None
    for start in range(1, last_start + 1):
        room = next((r for r in rooms if ledger.room_free(r, start)), None)
        if room is None:
            continue
        trainers = ledger.free_trainers(site, start)[: m.n_trainers]
        swaps: list = []
        if len(trainers) < m.n_trainers:
            swaps = _swaps(m, ledger, sessions, site, start, m.n_trainers - len(trainers), trainers)
            if swaps is None:
                continue
        group = _pick(m, ledger, people, start, m.room_seats[room])
        if best is None or len(group) > len(best[3]):
            best = (start, room, trainers, group, swaps)
            if len(group) >= min(m.room_seats[room], len(people)):
                break
    if best is None or not best[3]:
        return False
    start, room, trainers, group, swaps = best
    moved: list[tuple[list, int]] = []
    if len(group) < min_size:
        moved = _borrow(m, ledger, sessions, site, start, group, min_size - len(group))
        if moved is None:
            return False
    # each swap hands a busy trainer's session to an idle stand-in, freeing the trainer
    for i, session, other in swaps:
        ledger.book(session[0], session[1], (i,), -1)
        ledger.book(session[0], session[1], (other,), +1)
        session[2] = tuple(other if x == i else x for x in session[2])
    trainers = tuple(trainers) + tuple(i for i, _, _ in swaps)
    ledger.book(start, room, trainers, +1)
    attendees = []
    for e in group:
        ledger.move(e, start, +1)
        people.remove(e)
        attendees.append(e)
    for session, e in moved:
        session[3].remove(e)
        ledger.move(e, session[0], -1)
        ledger.move(e, start, +1)
        attendees.append(e)
    sessions.append([start, room, trainers, attendees])
    return True


def _pick(m: Model, ledger: _Ledger, people: list[int], start: int, seats: int) -> list[int]:
    """People left out who can attend from ``start``: the floor kept, half the seats each."""
    taken: Counter[int] = Counter()
    group = []
    half = max(1, seats // 2)
    for e in people:
        if len(group) >= seats:
            break
        k = m.emp_dept[e]
        if taken[k] < half and ledger.can_attend(e, start, taken[k]):
            group.append(e)
            taken[k] += 1
    return group


def _borrow(m: Model, ledger: _Ledger, sessions: list, site: int, start: int, group: list[int],
            need: int) -> list[tuple[list, int]] | None:
    """People of the site's sessions above the minimum size who can move to ``start``."""
    min_size = m.site_min_size[site]
    taken = Counter(m.emp_dept[e] for e in group)
    moved: list[tuple[list, int]] = []
    for session in sessions:
        s0, room, _, attendees = session
        if m.room_site[room] != site or s0 == start:
            continue
        spare = len(attendees) - min_size
        for e in attendees:
            if spare <= 0 or len(moved) >= need:
                break
            k = m.emp_dept[e]
            blocked = m.emp_blocked[e]
            if blocked is not None and start in blocked:
                continue
            # its old days are freed only where they are not the new session's days too
            old = set(ledger.days(s0))
            if not all(ledger.away[k, d] + taken[k] - (d in old) < m.dept_cap[k]
                       for d in ledger.days(start)):
                continue
            moved.append((session, e))
            taken[k] += 1
            spare -= 1
        if len(moved) >= need:
            return moved
    return None


def _swaps(m: Model, ledger: _Ledger, sessions: list, site: int, start: int, need: int,
           free: list[int]) -> list | None:
    """Trainers freed for a session from ``start`` by handing each one's session to a stand-in.

    Returns (trainer, its session, stand-in) triples, or None when too few are found.
    """
    days = set(ledger.days(start))
    out: list = []
    taken = set(free)
    for session in sessions:
        if len(out) >= need:
            break
        s0, r0, tr0, _ = session
        if not days & set(ledger.days(s0)):
            continue
        for i in tr0:
            sites = m.trainer_sites[i]
            if i in taken or (sites is not None and site not in sites) or not m.trainer_start_ok[i][start]:
                continue
            ledger.book(s0, r0, (i,), -1)
            stand_in = None
            if not ledger.free_trainers(site, start).count(i):
                pass
            else:
                for o in ledger.free_trainers(m.room_site[r0], s0):
                    if o != i and o not in taken and o not in tr0:
                        # the stand-in must stay free for the new session's own needs
                        ledger.book(s0, r0, (o,), +1)
                        ok = i in ledger.free_trainers(site, start)
                        ledger.book(s0, r0, (o,), -1)
                        if ok:
                            stand_in = o
                            break
            ledger.book(s0, r0, (i,), +1)
            if stand_in is not None:
                out.append((i, session, stand_in))
                taken.update((i, stand_in))
                break
    return out if len(out) >= need else None
