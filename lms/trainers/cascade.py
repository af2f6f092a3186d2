"""The cascade tree: who certified whom, built from flat rows (pure)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class CascadeRow:
    employee_id: int
    name: str
    site: str
    certified_by_id: int | None
    since: date | None
    until: date | None  # furthest unrevoked expiry; None when never certified or revoked
    revoked: bool
    lead: bool


@dataclass
class CascadeNode:
    row: CascadeRow
    children: list[CascadeNode] = field(default_factory=list)
    reach: int | None = None

    @property
    def certified(self) -> int:
        """How many people this person certified directly."""
        return len(self.children)

    @property
    def descendants(self) -> int:
        """How many people the cascade reached below this person."""
        return sum(1 + child.descendants for child in self.children)

    def status(self, today: date) -> str:
        if self.row.revoked:
            return "revoked"
        if self.row.until is None:
            return "founding" if self.row.since is None else "not certified"
        return "certified" if self.row.until >= today else "expired"


def build_cascade(rows: list[CascadeRow], reach: dict[int, int] | None = None) -> list[CascadeNode]:
    """Roots (people nobody in the list certified) with their children, each level by name."""
    nodes = {row.employee_id: CascadeNode(row, reach=(reach or {}).get(row.employee_id, 0) if reach is not None else None)
             for row in rows}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.row.certified_by_id) if node.row.certified_by_id is not None else None
        # A person cannot be their own ancestor; a broken chain starts its own root rather than vanishing.
        if parent is None or _is_ancestor(node, parent, nodes):
            roots.append(node)
        else:
            parent.children.append(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: (n.row.name, n.row.employee_id))
    return sorted(roots, key=lambda n: (-n.descendants, n.row.name, n.row.employee_id))


def _is_ancestor(node: CascadeNode, parent: CascadeNode, nodes: dict[int, CascadeNode]) -> bool:
    seen, current = set(), parent
    while current is not None and current.row.employee_id not in seen:
        if current.row.employee_id == node.row.employee_id:
            return True
        seen.add(current.row.employee_id)
        by = current.row.certified_by_id
        current = nodes.get(by) if by is not None else None
    return False


def flatten(roots: list[CascadeNode]) -> list[tuple[int, CascadeNode]]:
    """(depth, node) in display order, depth first."""
    out: list[tuple[int, CascadeNode]] = []

    def walk(node: CascadeNode, depth: int) -> None:
        out.append((depth, node))
        for child in node.children:
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return out
