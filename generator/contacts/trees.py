"""Emergency contacts: call-tree pages, call lists, external parties and wallet cards.

Everything here is computed from the model as the audience may see it (``audience.visible``);
the templates only lay it out.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.model import ContactTree, FirmData, Notification, Party, Person, Role, Scenario
from generator.model import TreeNode as TreeRecord
from generator.nav import NavSection, PageSpec

WIDE_COLUMNS = 4
"""A tree drawn with at least this many columns is printed on an A4 landscape page."""


@dataclass
class Node:
    """One person in a drawn call tree, with who calls them and whom they call."""

    number: str
    level: int
    person: Person
    roles: list[Role]
    deputy: Person | None
    deputy_from_role: bool
    caller: Node | None = None
    children: list[Node] = field(default_factory=list)

    @property
    def stack(self) -> bool:
        """Children that call nobody are drawn as a column under their caller, not a row."""
        return bool(self.children) and all(not c.children for c in self.children)

    @property
    def columns(self) -> int:
        """How many box columns the drawing of this subtree needs."""
        if not self.children or self.stack:
            return 1
        return sum(child.columns for child in self.children)

    def walk(self) -> list[Node]:
        """This node and every node below it, in pre-order."""
        return [self, *(n for child in self.children for n in child.walk())]


@dataclass(frozen=True)
class PartyDeadline:
    """An external party the tree's scenarios require notifying, with each deadline."""

    party: Party
    notices: list[tuple[Scenario, Notification]]

    @property
    def shortest(self) -> int:
        """The earliest deadline in minutes."""
        return min(n.deadline for _, n in self.notices)


def roles_of(firm: FirmData, person_id: str) -> list[Role]:
    """Task-force roles a person holds."""
    return [role for role in firm.roles() if role.person == person_id]


def effective_deputy(firm: FirmData, record: TreeRecord) -> tuple[str | None, bool]:
    """The node's deputy, else the first deputy of a task-force role the person holds."""
    if record.deputy:
        return record.deputy, False
    for role in roles_of(firm, record.person):
        if role.deputies:
            return role.deputies[0], True
    return None, False


def build_tree(firm: FirmData, tree: ContactTree) -> Node:
    """The drawn tree: numbered nodes (root "", then 1, 2, 1.1 …) linked both ways."""
    people = {p.id: p for p in firm.people}

    def make(record: TreeRecord, number: str, level: int, caller: Node | None) -> Node:
        deputy_id, from_role = effective_deputy(firm, record)
        node = Node(
            number,
            level,
            people[record.person],
            roles_of(firm, record.person),
            people.get(deputy_id) if deputy_id else None,
            from_role,
            caller,
        )
        prefix = f"{number}." if number else ""
        node.children = [
            make(child, f"{prefix}{i}", level + 1, node)
            for i, child in enumerate(record.calls, start=1)
        ]
        return node

    return make(tree.root, "", 0, None)


def call_order(root: Node) -> list[Node]:
    """Everyone the cascade reaches, level by level, each caller's list in its order."""
    order: list[Node] = []
    queue = deque([root])
    while queue:
        node = queue.popleft()
        order.extend(node.children)
        queue.extend(node.children)
    return order


def tree_scenarios(firm: FirmData, tree: ContactTree) -> list[Scenario]:
    """Scenarios that activate the tree: listed on the tree or naming it, in data order."""
    return [s for s in firm.scenarios if s.id in tree.activation or s.contact_tree == tree.id]


def party_deadlines(firm: FirmData, scenarios: list[Scenario]) -> list[PartyDeadline]:
    """External parties to notify in these scenarios, the most urgent first."""
    parties = {p.id: p for p in firm.parties}
    found: dict[str, list[tuple[Scenario, Notification]]] = {}
    for scenario in scenarios:
        for notice in scenario.notifications:
            if notice.to in parties:
                found.setdefault(notice.to, []).append((scenario, notice))
    rows = [PartyDeadline(parties[pid], notices) for pid, notices in found.items()]
    return sorted(rows, key=lambda r: (r.shortest, r.party.name))


def tree_view(firm: FirmData, tree: ContactTree) -> dict[str, Any]:
    """What the tree page and the wallet cards need about one tree, precomputed."""
    root = build_tree(firm, tree)
    scenarios = tree_scenarios(firm, tree)
    deadlines = party_deadlines(firm, scenarios)
    notified = {row.party.id for row in deadlines}
    emergency = [p for p in firm.parties if p.kind == "emergency" and p.id not in notified]
    return {
        "tree": tree,
        "root": root,
        "nodes": root.walk(),
        "calls": call_order(root),
        "columns": root.columns,
        "wide": root.columns >= WIDE_COLUMNS,
        "scenarios": scenarios,
        "deadlines": deadlines,
        "other_parties": [p for p in firm.parties if p.id not in notified],
        "emergency": emergency,
    }


def contact_sections(firm: FirmData, shared: Mapping[str, Any]) -> list[NavSection]:
    """The 緊急聯絡 section: overview and directory, a page and a wallet-card page per tree."""
    if not firm.contact_trees:
        return []
    views = {tree.id: tree_view(firm, tree) for tree in firm.contact_trees}
    pages = [
        PageSpec(
            "contacts/index.md",
            "緊急聯絡總覽",
            ["pages/contacts.md.j2"],
            {"tree_views": list(views.values())},
        )
    ]
    for tree in firm.contact_trees:
        context = views[tree.id]
        pages.append(
            PageSpec(
                f"contacts/{tree.id}.md",
                tree.name,
                [f"pages/contact-tree-{tree.id}.md.j2", "pages/contact-tree.md.j2"],
                context,
            )
        )
        pages.append(
            PageSpec(
                f"contacts/{tree.id}-cards.md",
                f"{tree.name}皮夾卡",
                [f"pages/contact-cards-{tree.id}.md.j2", "pages/contact-cards.md.j2"],
                context,
            )
        )
    return [NavSection("緊急聯絡", pages, order=40)]
