"""Art. 9: outsourced core systems — contract clauses, recovery commitments, drills, products.

Every rule looks only at vendors supporting at least one core system (核心系統委外).
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.compliance.rule import CheckContext, Hit, rule
from generator.dates import add_months
from generator.labels import label
from generator.model import Product, Record, Vendor
from generator.render import format_minutes
from generator.vendors.contracts import (
    ClauseRow,
    clause_rows,
    commitment_rows,
    contract_state,
    core_systems_of,
    drill_history,
    eos_state,
    is_core_vendor,
    last_participation,
)


def _core_vendors(ctx: CheckContext) -> Iterator[Vendor]:
    return (v for v in ctx.firm.vendors if is_core_vendor(ctx.firm, v))


def _clause_place(vendor: Vendor, row: ClauseRow) -> tuple[Record, str | None]:
    """The clause's entry when the vendor lists it, else the vendor's ``clauses`` (or ``id``)."""
    if row.clause is not None:
        return row.clause, "status" if row.clause.status != "present" else None
    return vendor, "clauses" if vendor.clauses else "id"


def _gap_message(vendor: Vendor, row: ClauseRow, kind: str) -> str:
    d = row.definition
    return f"供應商「{vendor.name}」的委外契約缺少{kind}條款「{d.title}」（{d.key}，{d.citation}）"


@rule("TSA-9.2-required-clauses")
def required_clauses(ctx: CheckContext) -> Iterator[Hit]:
    """A required clause is missing and no remediation is planned (or its due date passed)."""
    for vendor in _core_vendors(ctx):
        for row in clause_rows(ctx.firm, vendor):
            if not row.definition.required or row.state != "missing":
                continue
            if _remediation_pending(ctx, row):
                continue
            message = _gap_message(vendor, row, "必要")
            if row.clause is not None and row.clause.remediation and row.clause.due is not None:
                message += f"，改善預定完成日 {row.clause.due.isoformat()} 已過"
            yield Hit(message, *_clause_place(vendor, row))


def _remediation_pending(ctx: CheckContext, row: ClauseRow) -> bool:
    """A gap the vendor's data marks with a remediation whose due date has not passed."""
    clause = row.clause
    if clause is None or not clause.remediation:
        return False
    return clause.due is None or clause.due >= ctx.today


@rule("TSA-9.2-clause-remediation")
def clause_remediation(ctx: CheckContext) -> Iterator[Hit]:
    """A required clause is missing but a remediation with a future (or no) due date exists."""
    for vendor in _core_vendors(ctx):
        for row in clause_rows(ctx.firm, vendor):
            clause = row.clause
            if not row.definition.required or row.state != "missing" or clause is None:
                continue
            if not _remediation_pending(ctx, row):
                continue
            due = f"，預定 {clause.due.isoformat()} 前" if clause.due else "，未訂完成日"
            yield Hit(
                f"{_gap_message(vendor, row, '必要')}；改善中{due}：{clause.remediation}",
                clause,
                "status",
            )


@rule("TSA-9.2-recommended-clauses")
def recommended_clauses(ctx: CheckContext) -> Iterator[Hit]:
    """A recommended (not required) clause is missing from a core vendor's contract."""
    for vendor in _core_vendors(ctx):
        for row in clause_rows(ctx.firm, vendor):
            if not row.definition.required and row.state == "missing":
                record, field = _clause_place(vendor, row)
                yield Hit(_gap_message(vendor, row, "建議"), record, field)


@rule("TSA-9.1-commitment-causes")
def commitment_causes(ctx: CheckContext) -> Iterator[Hit]:
    """Each cause × supported core system has a commitment stating both RTO and RPO."""
    for vendor in _core_vendors(ctx):
        for row in commitment_rows(ctx.firm, vendor):
            cause = label("cause", row.cause)
            where = f"供應商「{vendor.name}」對核心系統「{row.system.name}」"
            if row.commitment is None:
                place: tuple[Record, str | None] = (
                    (vendor, "commitments") if vendor.commitments else (vendor, "id")
                )
                yield Hit(f"{where}未載明「{cause}」之復原承諾", *place, ((row.system, "id"),))
                continue
            for measure in ("rto", "rpo"):
                if getattr(row.commitment, measure) is None:
                    yield Hit(
                        f"{where}「{cause}」之復原承諾未載明 {measure.upper()}",
                        row.commitment,
                        None,
                        ((row.system, "id"),),
                    )


@rule("TSA-9.1-commitment-rto-rpo")
def commitment_meets_targets(ctx: CheckContext) -> Iterator[Hit]:
    """Committed RTO ≤ system RTO and committed RPO ≤ system RPO, for every cause."""
    for vendor in _core_vendors(ctx):
        for row in commitment_rows(ctx.firm, vendor):
            for measure, verdict in (("rto", row.rto), ("rpo", row.rpo)):
                if verdict != "not_met" or row.commitment is None:
                    continue
                promised = format_minutes(getattr(row.commitment, measure))
                target = format_minutes(getattr(row.system, measure))
                yield Hit(
                    f"供應商「{vendor.name}」對「{label('cause', row.cause)}」承諾之 "
                    f"{measure.upper()}（{promised}）未滿足核心系統「{row.system.name}」的 "
                    f"{measure.upper()}（{target}）",
                    row.commitment,
                    measure,
                    ((row.system, measure),),
                )


@rule("TSA-9.1-vendor-drill")
def vendor_drill(ctx: CheckContext) -> Iterator[Hit]:
    """The vendor took part in (or ran) a completed drill within the drill period."""
    months = ctx.policy.drill_period_months
    since = add_months(ctx.today, -months)
    for vendor in _core_vendors(ctx):
        last = last_participation(ctx.firm, vendor, ctx.today)
        if last is not None and last.date > since:
            continue
        when = f"最近一次為 {last.date.isoformat()}" if last else "從未參與演練"
        systems = "、".join(s.name for s in core_systems_of(ctx.firm, vendor))
        related = tuple(
            (p.drill, "vendors") for p in drill_history(ctx.firm, vendor)[:1] if p.drill
        )
        yield Hit(
            f"供應商「{vendor.name}」（支援 {systems}）近 {months} 個月內未配合或自行辦理演練"
            f"（{when}）",
            vendor,
            "id",
            related,
        )


@rule("TSA-9.2-contract-expired")
def contract_expired(ctx: CheckContext) -> Iterator[Hit]:
    """A core vendor has no contract on record, or its contract has ended."""
    months = ctx.policy.contract_warning_months
    for vendor in _core_vendors(ctx):
        state = contract_state(vendor, ctx.today, months)
        if state == "none":
            yield Hit(f"供應商「{vendor.name}」未記錄委外契約", vendor, "id")
        elif state == "expired" and vendor.contract and vendor.contract.end:
            yield Hit(
                f"供應商「{vendor.name}」的委外契約 {vendor.contract.id} 已於 "
                f"{vendor.contract.end.isoformat()} 到期",
                vendor.contract,
                "end",
            )


def _unplanned_products(ctx: CheckContext, state: str) -> Iterator[tuple[Vendor, Product]]:
    """Products of core vendors in end-of-support ``state`` ("past"/"near") with no plan."""
    months = ctx.policy.eos_warning_months
    for vendor in _core_vendors(ctx):
        for product in vendor.products:
            if eos_state(product, ctx.today, months) == state and not product.replacement_plan:
                yield vendor, product


@rule("TSA-9.1-product-eos")
def product_past_eos(ctx: CheckContext) -> Iterator[Hit]:
    """A product of a core vendor is past its end of support without a replacement plan."""
    for vendor, product in _unplanned_products(ctx, "past"):
        yield Hit(
            f"供應商「{vendor.name}」的產品「{product.name}」已於 "
            f"{product.end_of_support}停止支援，且無汰換計畫",
            product,
            "end_of_support",
        )


@rule("TSA-9.1-product-eos-near")
def product_near_eos(ctx: CheckContext) -> Iterator[Hit]:
    """A product reaches its end of support within the policy window without a plan."""
    months = ctx.policy.eos_warning_months
    for vendor, product in _unplanned_products(ctx, "near"):
        yield Hit(
            f"供應商「{vendor.name}」的產品「{product.name}」將於 "
            f"{product.end_of_support}停止支援（{months} 個月內），尚無汰換計畫",
            product,
            "end_of_support",
        )
