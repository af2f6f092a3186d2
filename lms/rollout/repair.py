"""Repair a draft that left a few people out, looking back over the whole horizon.

A day-by-day attempt can leave a site a session short while elsewhere two half-empty
sessions spend two trainers' days on what one could hold. This pass (1) merges a site's
small sessions into its others' spare seats, freeing their rooms and trainers; (2) seats
people left out in spare seats; (3) opens sessions for the rest where a room is free and
trainers are free or can be freed (their sessions handed to others, who may in turn hand
theirs on: a short chain), moving people from the site's larger sessions to reach the
minimum size; (4) for whom that leaves out, moves the site's sessions a day earlier where
room, people and trainers allow, so that lone free room days gather into one long enough
for a session, and opens sessions again. Every move keeps the validity rules (room and
trainer clashes, weekly caps, max_away, leave) and no department takes more than half of a
session it joins.
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
        self._allowed: dict[tuple[int, int], list[int]] = {}
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
        key = (site, start)
        allowed = self._allowed.get(key)
        if allowed is None:
            # the least flexible first: they are the least use to other sites
            allowed = [i for i in range(len(m.trainer_ids))
                       if (m.trainer_sites[i] is None or site in m.trainer_sites[i])
                       and m.trainer_start_ok[i][start]]
            allowed.sort(key=lambda i: (len(m.sites) + 1 if m.trainer_sites[i] is None
                                        else len(m.trainer_sites[i]), i))
            self._allowed[key] = allowed
        days = range(start, start + m.span)
        weeks = m.start_weeks[start]
        busy, used, caps = self.trainer_days, self.trainer_week, m.trainer_cap
        return [i for i in allowed
                if not any((i, d) in busy for d in days)
                and all(used[i, w] + n <= caps[i] for w, n in weeks)]


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
    handover = _Handover(m, ledger, sessions)
    for site, people in left.items():
        _fill_spare(m, ledger, sessions, site, people)
        _open_all(m, ledger, handover, sessions, site, people, last_start)
        if people:
            # lone free room days, gathered, may hold one more session
            _compact(m, ledger, handover, sessions, site)
            _open_all(m, ledger, handover, sessions, site, people, last_start)
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


def _open_all(m: Model, ledger: _Ledger, handover: "_Handover", sessions: list, site: int,
              people: list[int], last_start: int) -> None:
    """Open sessions for the people left out at the site while any can be opened."""
    while people and _open_one(m, ledger, handover, sessions, site, people, last_start):
        pass


def _compact(m: Model, ledger: _Ledger, handover: "_Handover", sessions: list, site: int) -> None:
    """Move the site's sessions a day earlier while they can, so lone free room days join up.

    A room left free on single days between sessions hosts nothing there; moved up, those
    days gather after the last session, where a new session may fit.
    """
    for session in sorted((x for x in sessions if m.room_site[x[1]] == site), key=lambda x: x[0]):
        while _shift_earlier(m, ledger, handover, session):
            pass


def _shift_earlier(m: Model, ledger: _Ledger, handover: "_Handover", session: list) -> bool:
    """Start the session a day earlier if its room, people and trainers (or stand-ins) allow."""
    start, room, trainers, attendees = session
    new = start - 1
    if new < 1 or not m.room_start_ok[room][new] or (room, new) in ledger.room_days:
        return False
    # its people stay away on the days it keeps and leave on the day it gains
    for k, q in Counter(m.emp_dept[e] for e in attendees).items():
        if ledger.away[k, new] + q > m.dept_cap[k]:
            return False
    if any(m.emp_blocked[e] is not None and new in m.emp_blocked[e] for e in attendees):
        return False
    ledger.book(start, room, trainers, -1)
    for i in trainers:
        handover.index[i].remove(session)
    got = handover.trainers_for(m.room_site[room], new, 0)
    if got is None:
        ledger.book(start, room, trainers, +1)
        for i in trainers:
            handover.index[i].append(session)
        return False
    for e in attendees:
        ledger.move(e, start, -1)
        ledger.move(e, new, +1)
    session[0], session[2] = new, got
    ledger.book(new, room, got, +1)
    handover.added(session)
    return True


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


def _open_one(m: Model, ledger: _Ledger, handover: "_Handover", sessions: list, site: int,
              people: list[int], last_start: int) -> bool:
    """Open the session that seats most of the people left out at the site; False if none."""
    min_size = m.site_min_size[site]
    rooms = sorted((r for r in m.site_rooms[site] if m.room_seats[r] >= min_size),
                   key=lambda r: -m.room_seats[r])
    options = []
    for start in range(1, last_start + 1):
        room = next((r for r in rooms if ledger.room_free(r, start)), None)
        if room is None:
            continue
        group = _pick(m, ledger, people, start, m.room_seats[room])
        if group:
            options.append((-len(group), start, room, group))
    options.sort(key=lambda o: o[:2])
    # direct hand-overs at every start before longer chains at any
    for depth, (_, start, room, group) in ((d, o) for d in range(CHAIN_DEPTH + 1) for o in options):
        moved: list[tuple[list, int]] = []
        if len(group) < min_size:
            moved = _borrow(m, ledger, sessions, site, start, group, min_size - len(group))
            if moved is None:
                continue
        trainers = handover.trainers_for(site, start, depth)
        if trainers is None:
            continue
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
        handover.added(sessions[-1])
        return True
    return False


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


# how deep a chain of hand-overs may go, how many trainers each link tries, and how many
# trainers one new session may try to free (the search grows fast on large problems)
CHAIN_DEPTH = 2
CHAIN_WIDTH = 6
CHAIN_BUDGET = 300
# ... and in one repair in all (then only trainers already free are taken)
REPAIR_BUDGET = 3000


class _Handover:
    """Frees busy trainers for a new session by handing their sessions to others, in chains."""

    def __init__(self, m: Model, ledger: _Ledger, sessions: list) -> None:
        self.m = m
        self.ledger = ledger
        self.budget = CHAIN_BUDGET
        self.total = REPAIR_BUDGET
        self._allowed: dict[tuple[int, int], list[int]] = {}
        self.index: dict[int, list[list]] = defaultdict(list)  # each trainer's sessions
        for session in sessions:
            for i in session[2]:
                self.index[i].append(session)

    def trainers_for(self, site: int, start: int, depth: int) -> tuple[int, ...] | None:
        """Trainers for a new session, handing busy trainers' sessions to others if need be.

        Hand-overs made for a session that still lacks trainers are undone; None then.
        """
        m = self.m
        self.budget = CHAIN_BUDGET
        trainers = self.ledger.free_trainers(site, start)[: m.n_trainers]
        moves: list = []
        for i in self.allowed(site, start):
            if len(trainers) >= m.n_trainers:
                break
            if i in trainers:
                continue
            got = self.make_free(i, start, depth, {i, *trainers})
            if got is not None:
                moves += got
                trainers.append(i)
        if len(trainers) < m.n_trainers:
            self.undo(moves)
            return None
        return tuple(trainers)

    def added(self, session: list) -> None:
        """Record a session opened with the trainers found."""
        for i in session[2]:
            self.index[i].append(session)

    def allowed(self, site: int, start: int) -> list[int]:
        """Trainers who may deliver at the site from ``start`` (busy or not), least flexible first."""
        out = self._allowed.get((site, start))
        if out is None:
            m = self.m
            out = [i for i in range(len(m.trainer_ids))
                   if (m.trainer_sites[i] is None or site in m.trainer_sites[i]) and m.trainer_start_ok[i][start]]
            out.sort(key=lambda i: (len(m.sites) + 1 if m.trainer_sites[i] is None else len(m.trainer_sites[i]), i))
            self._allowed[site, start] = out
        return out

    def make_free(self, i: int, start: int, depth: int, banned: set[int]) -> list | None:
        """Hand-overs that leave trainer i free for a session from ``start``; None (and no change) if none.

        Its sessions on those days go to other trainers, and if its weekly cap still has no
        room, one more of its sessions in that week does too. A stand-in may itself be freed
        the same way, ``depth`` links deep.
        """
        if self.budget <= 0 or self.total <= 0:
            return None
        self.budget -= 1
        self.total -= 1
        m = self.m
        days = set(self.ledger.days(start))
        clash = [x for x in self.index[i] if days & set(self.ledger.days(x[0]))]
        weeks = {w for w, _ in m.start_weeks[start]}
        options = [clash] + [clash + [y] for y in self.index[i] if y not in clash
                             and weeks & {w for w, _ in m.start_weeks[y[0]]}][:CHAIN_WIDTH]
        for handed in options:
            if not self.cap_ok(i, start, handed):
                continue
            moves: list = []
            for session in handed:
                got = self.hand_off(session, i, depth, banned)
                if got is None:
                    break
                moves += got
            else:
                return moves
            self.undo(moves)
        return None

    def cap_ok(self, i: int, start: int, handed: list) -> bool:
        """Whether a session from ``start`` fits i's weekly cap once the ``handed`` sessions are gone."""
        m = self.m
        used = Counter({w: self.ledger.trainer_week[i, w] for w, _ in m.start_weeks[start]})
        for session in handed:
            for w, n in m.start_weeks[session[0]]:
                used[w] -= n
        return all(used[w] + n <= m.trainer_cap[i] for w, n in m.start_weeks[start])

    def hand_off(self, session: list, i: int, depth: int, banned: set[int]) -> list | None:
        """Give i's place in the session to another trainer (freed in turn if need be); the moves, or None."""
        start, room = session[0], session[1]
        site = self.m.room_site[room]
        for j in self.ledger.free_trainers(site, start):
            if j not in banned and j not in session[2]:
                return [self.move(session, i, j)]
        if depth <= 0:
            return None
        tried = 0
        for j in self.allowed(site, start):
            if j in banned or j in session[2]:
                continue
            tried += 1
            if tried > CHAIN_WIDTH:
                break
            got = self.make_free(j, start, depth - 1, banned | {j})
            if got is not None:
                return got + [self.move(session, i, j)]
        return None

    def move(self, session: list, i: int, j: int) -> tuple[list, int, int]:
        """Trainer j takes i's place in the session."""
        self.ledger.book(session[0], session[1], (i,), -1)
        self.ledger.book(session[0], session[1], (j,), +1)
        session[2] = tuple(j if x == i else x for x in session[2])
        self.index[i].remove(session)
        self.index[j].append(session)
        return session, i, j

    def undo(self, moves: list) -> None:
        """Reverse hand-overs, last first."""
        for session, i, j in reversed(moves):
            self.move(session, j, i)
