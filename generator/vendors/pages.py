"""Pages of the outsourcing feature: 委外廠商總覽, a page per vendor, and A4 clause checklists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from generator.dates import today
from generator.model import FirmData, Vendor
from generator.nav import NavSection, PageSpec
from generator.vendors.contracts import (
    CAUSES,
    catalogue,
    clause_rows,
    commitment_rows,
    contract_state,
    drill_history,
    eos_state,
    last_done,
    supported_systems,
)

OVERVIEW = "vendors/index.md"
BLANK_CHECKLIST = "vendors/checklists/new-contract.md"


def vendor_page(vendor_id: str) -> str:
    """Where the page of one vendor goes."""
    return f"vendors/{vendor_id}.md"


def checklist_page(vendor_id: str) -> str:
    """Where the filled clause checklist of one vendor goes."""
    return f"vendors/checklists/{vendor_id}.md"


def vendor_view(firm: FirmData, vendor: Vendor, on: dt.date) -> dict[str, Any]:
    """What the vendor page, its checklist and the overview need about one vendor."""
    policy = firm.firm.policy
    clauses = clause_rows(firm, vendor)
    supported = supported_systems(firm, vendor)
    core_supported = [s for s in supported if s.core]  # ``core_systems_of``, without asking again
    commitments = commitment_rows(firm, vendor, core_supported)
    products = [(p, eos_state(p, on, policy.eos_warning_months)) for p in vendor.products]
    history = drill_history(firm, vendor)
    return {
        "vendor": vendor,
        "core_vendor": bool(core_supported),  # ``is_core_vendor``, without asking again
        "supported": supported,
        "core_supported": core_supported,
        "contract_state": contract_state(vendor, on, policy.contract_warning_months),
        "products": products,
        "eos_alerts": [(p, s) for p, s in products if s in ("past", "near")],
        "commitments": commitments,
        "commitment_problems": [r for r in commitments if r.verdict != "met"],
        "clauses": clauses,
        "present": [r for r in clauses if r.state == "present"],
        "applicable": [r for r in clauses if r.state != "not_applicable"],
        "required_gaps": [r for r in clauses if r.state == "missing" and r.definition.required],
        "recommended_gaps": [
            r for r in clauses if r.state == "missing" and not r.definition.required
        ],
        "history": history,
        "last_drill": last_done(history, on),  # ``last_participation``, without asking again
        "page": vendor_page(vendor.id),
        "checklist": checklist_page(vendor.id),
    }


def vendor_sections(firm: FirmData, shared: Mapping[str, Any]) -> list[NavSection]:
    """委外廠商 (overview and a page per vendor) and 委外契約檢核表 (printable checklists)."""
    on = today()
    views = [vendor_view(firm, v, on) for v in firm.vendors]
    common = {
        "status_date": on,
        "causes": CAUSES,
        "catalogue": catalogue(firm),
        "overview_page": OVERVIEW,
        "blank_checklist": BLANK_CHECKLIST,
    }
    overview = PageSpec(
        OVERVIEW, "委外廠商總覽", ["pages/vendors.md.j2"], {**common, "views": views}
    )
    pages = [
        PageSpec(
            view["page"],
            view["vendor"].name,
            [f"pages/vendor-{view['vendor'].id}.md.j2", "pages/vendor.md.j2"],
            {**common, **view},
        )
        for view in views
    ]
    blank = PageSpec(
        BLANK_CHECKLIST, "新約審閱用（空白）", ["pages/contract-checklist.md.j2"], common
    )
    checklists = [
        PageSpec(
            view["checklist"],
            f"年度檢視：{view['vendor'].name}",
            [f"pages/vendor-checklist-{view['vendor'].id}.md.j2", "pages/vendor-checklist.md.j2"],
            {**common, **view},
        )
        for view in views
    ]
    return [
        NavSection("委外廠商", [overview, *pages], order=40),
        NavSection("委外契約檢核表", [blank, *checklists], order=41),
    ]
