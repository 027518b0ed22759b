"""Art. 4 and 7: call trees, deputies (代理人), phone numbers and how fresh contact data is.

Unknown people in a tree are dangling references, reported by ``refs.py`` before any rule runs.
A tree is nested data, so a "cycle" can only arise through references: a person who appears
among their own callers (A calls B, B calls A). Any other repeat of a person is a duplicate.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from generator import phones
from generator.compliance.rule import CheckContext, Hit, rule
from generator.contacts.trees import effective_deputy, roles_of
from generator.labels import label
from generator.model import ContactTree, FirmData, Phone, Record, TreeNode


@dataclass(frozen=True)
class Placed:
    """A tree node with the nodes above it (root first)."""

    node: TreeNode
    ancestors: tuple[TreeNode, ...]


def placed_nodes(tree: ContactTree) -> Iterator[Placed]:
    """Every node of the tree in pre-order, with its line of callers."""
    stack: list[Placed] = [Placed(tree.root, ())]
    while stack:
        item = stack.pop()
        yield item
        line = (*item.ancestors, item.node)
        stack.extend(Placed(child, line) for child in reversed(item.node.calls))


def _name(firm: FirmData, person_id: str) -> str:
    return next((p.name for p in firm.people if p.id == person_id), person_id)


def _chain(firm: FirmData, nodes: tuple[TreeNode, ...]) -> str:
    return " → ".join(_name(firm, n.person) for n in nodes)


@rule("TSA-7.2-tree-cycle")
def tree_cycle(ctx: CheckContext) -> Iterator[Hit]:
    """A person who is called again further down their own line of calls."""
    for tree in ctx.firm.contact_trees:
        for item in placed_nodes(tree):
            first = next((a for a in item.ancestors if a.person == item.node.person), None)
            if first is None:
                continue
            start = item.ancestors.index(first)
            path = _chain(ctx.firm, (*item.ancestors[start:], item.node))
            yield Hit(
                f"緊急聯絡樹「{tree.name}」形成循環：{path}",
                item.node,
                "person",
                ((first, "person"),),
            )


@rule("TSA-7.2-tree-duplicate")
def tree_duplicate(ctx: CheckContext) -> Iterator[Hit]:
    """The same person in two branches of one tree (not on their own line: that is a cycle)."""
    for tree in ctx.firm.contact_trees:
        seen: dict[str, Placed] = {}
        for item in placed_nodes(tree):
            person = item.node.person
            on_own_line = any(a.person == person for a in item.ancestors)
            if person in seen and not on_own_line:
                first = seen[person]
                yield Hit(
                    f"「{_name(ctx.firm, person)}」在緊急聯絡樹「{tree.name}」出現兩次："
                    f"{_chain(ctx.firm, (*first.ancestors, first.node))} 與 "
                    f"{_chain(ctx.firm, (*item.ancestors, item.node))}",
                    item.node,
                    "person",
                    ((first.node, "person"),),
                )
            seen.setdefault(person, item)


@rule("TSA-7.2-tree-fanout")
def tree_fanout(ctx: CheckContext) -> Iterator[Hit]:
    """A caller with more callees than ``policy.call_tree_max_fanout``."""
    limit = ctx.policy.call_tree_max_fanout
    for tree in ctx.firm.contact_trees:
        for item in placed_nodes(tree):
            if len(item.node.calls) > limit:
                yield Hit(
                    f"緊急聯絡樹「{tree.name}」中「{_name(ctx.firm, item.node.person)}」"
                    f"須聯絡 {len(item.node.calls)} 人，超過上限 {limit} 人",
                    item.node,
                    "calls",
                )


@rule("TSA-4.0-role-deputy")
def role_deputy(ctx: CheckContext) -> Iterator[Hit]:
    """Every task-force role names at least one deputy (R-ORG-01)."""
    for role in ctx.firm.roles():
        if not role.deputies:
            yield Hit(f"任務編組角色「{role.title}」沒有代理人", role, "person")


@rule("TSA-7.2-tree-deputy-missing")
def tree_deputy_missing(ctx: CheckContext) -> Iterator[Hit]:
    """A caller, or a task-force role holder, with no deputy in the tree nor in their role."""
    for tree in ctx.firm.contact_trees:
        for item in placed_nodes(tree):
            node = item.node
            roles = roles_of(ctx.firm, node.person)
            if effective_deputy(ctx.firm, node)[0] or not (node.calls or roles):
                continue
            why = f"擔任「{roles[0].title}」" if roles else f"須聯絡 {len(node.calls)} 人"
            yield Hit(
                f"緊急聯絡樹「{tree.name}」中「{_name(ctx.firm, node.person)}」{why}，"
                "但沒有代理人；聯絡不到本人時，其下的聯絡就會中斷",
                node,
                "person",
            )


@rule("TSA-7.2-tree-deputy-branch")
def tree_deputy_branch(ctx: CheckContext) -> Iterator[Hit]:
    """A deputy who is the person, one of their callers, or someone they (indirectly) call."""
    for tree in ctx.firm.contact_trees:
        for item in placed_nodes(tree):
            node = item.node
            deputy = effective_deputy(ctx.firm, node)[0]
            if deputy is None:
                continue
            above = [a for a in item.ancestors if a.person == deputy]
            below = [d for d in _descendants(node) if d.person == deputy]
            if deputy == node.person:
                where = "就是本人"
            elif above:
                where = "是本人的上層撥號人"
            elif below:
                where = "由本人（直接或間接）聯絡"
            else:
                continue
            field = "deputy" if node.deputy else "person"
            related = tuple((n, "person") for n in (*above, *below))
            yield Hit(
                f"緊急聯絡樹「{tree.name}」中「{_name(ctx.firm, node.person)}」的代理人"
                f"「{_name(ctx.firm, deputy)}」{where}",
                node,
                field,
                related,
            )


def _descendants(node: TreeNode) -> list[TreeNode]:
    return [d for child in node.calls for d in (child, *_descendants(child))]


def _phones(firm: FirmData) -> Iterator[tuple[Record, str, Phone]]:
    for person in firm.people:
        yield from ((person, person.name, p) for p in person.phones)
    for party in firm.parties:
        yield from ((party, party.name, p) for p in party.phones)
    for vendor in firm.vendors:
        for contact in vendor.contacts:
            yield from ((contact, f"{vendor.name} {contact.name}", p) for p in contact.phones)


@rule("TSA-7.2-phone-invalid")
def phone_invalid(ctx: CheckContext) -> Iterator[Hit]:
    """Every number parses and is valid (libphonenumber); personal numbers are not quoted."""
    for _owner, who, phone in _phones(ctx.firm):
        if phones.is_valid(phone.number, phone.kind):
            continue
        shown = "" if phone.personal else f"「{phone.number}」"
        yield Hit(
            f"{who}的{label('phone', phone.kind)}電話號碼{shown}不是有效的臺灣或國際電話號碼",
            phone,
            "number",
        )


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the month's last day when it has fewer days)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@rule("TSA-7.2-contact-stale")
def contact_stale(ctx: CheckContext) -> Iterator[Hit]:
    """People and parties whose ``last_verified`` is missing or older than the policy allows.

    Parties reached only by emergency numbers (110, 119) need no verification.
    """
    months = ctx.policy.contact_verify_months
    cutoff = months_before(ctx.today, months)
    records: list[tuple[Record, str, dt.date | None]] = [
        (p, p.name, p.last_verified) for p in ctx.firm.people
    ]
    records += [
        (p, p.name, p.last_verified)
        for p in ctx.firm.parties
        if not all(phones.is_emergency(ph.number) for ph in p.phones)
    ]
    for record, name, verified in records:
        if verified is None:
            yield Hit(f"「{name}」的聯絡資料從未確認（沒有 last_verified）", record, None)
        elif verified < cutoff:
            yield Hit(
                f"「{name}」的聯絡資料最後確認於 {verified.isoformat()}，已超過 {months} 個月",
                record,
                "last_verified",
            )
