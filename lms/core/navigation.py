"""The navigation: each domain registers its entries with the roles that see them."""
from __future__ import annotations

from dataclasses import dataclass

from lms.core.markers import N_  # templates translate the labels when they show them
from lms.core.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: tuple[Role, ...]
    order: int


_ITEMS: dict[str, NavItem] = {}

# The home page of a person is that of their first role in this order.
HOME_PRIORITY = (Role.LEADER, Role.ADMIN, Role.LEAD_TRAINER, Role.TRAINER, Role.MANAGER, Role.LEARNER)
_HOMES: dict[Role, str] = {}


def nav_item(label: str, endpoint: str, *roles: Role, order: int = 100) -> None:
    """Show `label` linking to `endpoint` to anyone holding one of `roles`; `pybabel extract -k nav_item:1` finds it."""
    _ITEMS[endpoint] = NavItem(label, endpoint, tuple(roles), order)


def home_page(role: Role, endpoint: str) -> None:
    """Make `endpoint` the home page of `role`."""
    _HOMES[role] = endpoint


def nav_for(user) -> list[NavItem]:
    """The entries `user` may use, in display order."""
    if not getattr(user, "is_authenticated", False):
        return []
    held = user.roles  # once, not once per entry and role
    return sorted((i for i in _ITEMS.values() if any(str(r) in held for r in i.roles)), key=lambda i: (i.order, i.label))


# Menus for people with many entries; each endpoint's menu, by the job it serves.
MENUS = (
    (N_("Learn"), ("learning.my_learning", "workshops.sessions_list", "workshops.my_bookings", "trainers.my_record",
               "insights.my_ideas", "insights.reviews_home")),
    (N_("My team"), ("org.team", "learning.team_learning", "trainers.nominees")),
    (N_("Deliver"), ("workshops.teaching", "trainers.my_cohorts", "trainers.pool", "trainers.certified",
                 "quizzes.marking_queue", "quizzes.statistics_index")),
    (N_("Lead"), ("insights.dashboard", "org.leader_home", "rollout.plans", "trainers.pipeline", "learning.admin_courses",
              "learning.admin_assignments")),
    (N_("Admin"), ("org.admin_home", "org.employees", "org.roster_upload", "workshops.admin_rooms", "quizzes.bank_upload",
               "insights.dependencies", "notify.outbox")),
)
MORE = N_("More")
FLAT_LIMIT = 6
_MENU_OF = {endpoint: menu for menu, endpoints in MENUS for endpoint in endpoints}


def menus_for(user) -> list[tuple[str | None, list[NavItem]]]:
    """The navigation as (menu label or None for a plain link, entries); flat when there are few entries."""
    items = nav_for(user)
    if len(items) <= FLAT_LIMIT:
        return [(None, [item]) for item in items]
    grouped: dict[str, list[NavItem]] = {}
    for item in items:
        grouped.setdefault(_MENU_OF.get(item.endpoint, MORE), []).append(item)
    order = [menu for menu, _ in MENUS] + [MORE]
    return [(menu if len(entries) > 1 else None, entries)
            for menu in order if (entries := grouped.get(menu))]


def home_endpoint(user) -> str:
    """The endpoint of `user`'s home page."""
    for role in HOME_PRIORITY:
        if user.has_role(role) and role in _HOMES:
            return _HOMES[role]
    return _HOMES[Role.LEARNER]
