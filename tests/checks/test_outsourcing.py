"""Rules of Art. 9 (outsourcing), each with a passing and a failing fixture.

The fixture is the minimal firm plus one vendor supporting the core system ``oms`` (RTO 2h,
RPO 0) whose contract carries every catalogue clause and who took part in drill d2026-01
(2026-05-16). Tests run on 2026-09-21 (SOURCE_DATE_EPOCH in conftest).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.vendors.contracts import shipped_catalogue

VENDORS = """\
vendors:
- id: acme
  name: 頂峰資訊
  services: [委託下單系統維護]
  systems: [oms]
  contract: {id: C-1, start: 2025-01-01, end: 2027-12-31}
  products:
  - {name: 下單核心, version: "1.0", end_of_support: 2029-12-31}
  clauses:
  - {key: bcm_requirements, section: 第1條}
  - {key: recovery_disaster_or_cyber, section: 第2條}
  - {key: recovery_equipment_failure_or_change, section: 第3條}
  - {key: recovery_function_or_architecture_change, section: 第4條}
  - {key: recovery_eol_no_support, section: 第5條}
  - {key: drill_participation, section: 第6條}
  - {key: incident_notification, section: 第7條}
  - {key: change_and_eos_notice, section: 第8條}
  - {key: data_protection, section: 第9條}
  - {key: subcontracting_consent, section: 第10條}
  - {key: audit_rights, section: 第11條}
  - {key: exit_assistance, section: 第12條}
  commitments:
  - {cause: disaster_or_cyber, system: oms, rto: 1h, rpo: 0}
  - {cause: equipment_failure_or_change, system: oms, rto: 1h, rpo: 0}
  - {cause: function_or_architecture_change, system: oms, rto: 1h, rpo: 0}
  - {cause: eol_no_support, system: oms, rto: 2h, rpo: 0}
  contacts:
  - {name: 王小明, role: 專案經理, phones: [{number: "02-0000-0000"}]}
"""
NAME = "供應商「頂峰資訊」"
EOL_TITLE = "產品生命週期結束或不再提供技術協助之復原水準"


def edit(project: Path, name: str, old: str, new: str) -> None:
    path = project / "firm_data" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def vendor_project(minimal_project: Path) -> Path:
    (minimal_project / "firm_data" / "vendors.yaml").write_text(VENDORS, encoding="utf-8")
    edit(minimal_project, "drills.yaml", "  status: done", "  vendors: [acme]\n  status: done")
    return minimal_project


def check(project: Path, run_cli: Callable[..., Any]) -> Any:
    return run_cli("check", cwd=project)


def lines(result: Any) -> list[str]:
    return [str(line) for line in result.stderr.splitlines()]


def test_the_fixture_vendor_passes_every_rule(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    result = check(vendor_project, run_cli)
    assert result.exit_code == 0
    assert "TSA-9" not in result.stderr
    assert "0 個錯誤、0 個警告" in result.stdout


# ---------------------------------------------------------------- required clauses


def test_unlisted_required_clause_is_an_error_at_the_vendor_clauses(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(vendor_project, "vendors.yaml", "  - {key: recovery_eol_no_support, section: 第5條}\n", "")
    result = check(vendor_project, run_cli)
    assert result.exit_code == 1
    assert lines(result)[:2] == [
        f"firm_data/vendors.yaml:10:3: error[TSA-9.2-required-clauses]: 第9條：{NAME}的委外契約"
        f"缺少必要條款「{EOL_TITLE}」（recovery_eol_no_support，第九條第一款第(四)目）",
        "    提示：於契約（或增補協議）納入該條款並在 vendors 的 clauses 記下條次；"
        "尚在協商時請標示 status: missing 並填寫 remediation 與 due。",
    ]


def test_required_clause_marked_missing_without_plan_is_an_error_at_its_entry(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(
        vendor_project,
        "vendors.yaml",
        "{key: recovery_eol_no_support, section: 第5條}",
        "{key: recovery_eol_no_support, status: missing}",
    )
    result = check(vendor_project, run_cli)
    assert result.exit_code == 1
    assert lines(result)[0] == (
        f"firm_data/vendors.yaml:14:44: error[TSA-9.2-required-clauses]: 第9條：{NAME}的委外契約"
        f"缺少必要條款「{EOL_TITLE}」（recovery_eol_no_support，第九條第一款第(四)目）"
    )


def test_required_clause_with_pending_remediation_is_a_warning(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(
        vendor_project,
        "vendors.yaml",
        "{key: recovery_eol_no_support, section: 第5條}",
        "{key: recovery_eol_no_support, status: missing, remediation: 續約時補入, due: 2027-03-31}",
    )
    result = check(vendor_project, run_cli)
    assert result.exit_code == 0
    assert lines(result)[:2] == [
        f"firm_data/vendors.yaml:14:44: warning[TSA-9.2-clause-remediation]: 第9條：{NAME}的委外"
        f"契約缺少必要條款「{EOL_TITLE}」（recovery_eol_no_support，第九條第一款第(四)目）；"
        "改善中，預定 2027-03-31 前：續約時補入",
        "    提示：於預定日前完成契約增補，完成後將該條款改為已納入（填寫 section）。",
    ]
    assert "TSA-9.2-required-clauses" not in result.stderr


def test_remediation_past_its_due_date_is_an_error(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(
        vendor_project,
        "vendors.yaml",
        "{key: recovery_eol_no_support, section: 第5條}",
        "{key: recovery_eol_no_support, status: missing, remediation: 續約時補入, due: 2026-06-30}",
    )
    result = check(vendor_project, run_cli)
    assert result.exit_code == 1
    first = lines(result)[0]
    assert first.startswith("firm_data/vendors.yaml:14:44: error[TSA-9.2-required-clauses]: ")
    assert first.endswith("，改善預定完成日 2026-06-30 已過")
    assert "TSA-9.2-clause-remediation" not in result.stderr


def test_required_clause_not_applicable_with_reason_passes(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(
        vendor_project,
        "vendors.yaml",
        "{key: recovery_eol_no_support, section: 第5條}",
        "{key: recovery_eol_no_support, status: not_applicable, reason: 自行開發無產品週期}",
    )
    result = check(vendor_project, run_cli)
    assert result.exit_code == 0
    assert "TSA-9" not in result.stderr


def test_not_applicable_without_reason_is_a_located_data_error(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(
        vendor_project,
        "vendors.yaml",
        "{key: recovery_eol_no_support, section: 第5條}",
        "{key: recovery_eol_no_support, status: not_applicable}",
    )
    result = check(vendor_project, run_cli)
    assert result.exit_code == 1
    assert lines(result)[:2] == [
        "firm_data/vendors.yaml:14:5: error[missing-field]: 供應商「頂峰資訊」的契約條款"
        "「recovery_eol_no_support」標示為不適用，但缺少必填欄位「reason」",
        "    提示：請說明不適用之理由。",
    ]


def test_missing_recommended_clause_is_reported_as_info(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(vendor_project, "vendors.yaml", "  - {key: exit_assistance, section: 第12條}\n", "")
    result = check(vendor_project, run_cli)
    assert result.exit_code == 0
    assert lines(result)[0] == (
        f"firm_data/vendors.yaml:10:3: info[TSA-9.2-recommended-clauses]: 第9條：{NAME}的委外契約"
        "缺少建議條款「契約終止之移轉協助」（exit_assistance，第九條）"
    )


# ---------------------------------------------------------------- clause keys and the catalogue


def test_unknown_clause_key_is_a_located_error_with_a_suggestion(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(vendor_project, "vendors.yaml", "{key: audit_rights,", "{key: audit_right,")
    result = check(vendor_project, run_cli)
    assert result.exit_code == 1
    assert lines(result)[:2] == [
        "firm_data/vendors.yaml:20:11: error[unknown-clause]: 供應商「頂峰資訊」引用了不存在的"
        "契約條款「audit_right」",
        "    提示：你是不是要寫「audit_rights」？條款代碼見委外契約條款目錄；"
        "公司自訂條款請加在 contract_clauses 區段。",
    ]


def test_clause_listed_twice_is_a_located_error(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(vendor_project, "vendors.yaml", "{key: exit_assistance,", "{key: audit_rights,")
    result = check(vendor_project, run_cli)
    assert result.exit_code == 1
    assert lines(result)[0] == (
        "firm_data/vendors.yaml:21:11: error[duplicate-id]: 供應商「頂峰資訊」的契約條款"
        "「audit_rights」重複列出"
    )


FIRM_CLAUSE = """\
contract_clauses:
- key: sla
  title: 服務水準協議及罰則
  article: 本公司委外管理辦法第8條
  required: true
"""


def test_firm_added_required_clause_is_checked(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    (vendor_project / "firm_data" / "clauses.yaml").write_text(FIRM_CLAUSE, encoding="utf-8")
    result = check(vendor_project, run_cli)
    assert result.exit_code == 1
    assert lines(result)[0] == (
        f"firm_data/vendors.yaml:10:3: error[TSA-9.2-required-clauses]: 第9條：{NAME}的委外契約"
        "缺少必要條款「服務水準協議及罰則」（sla，本公司委外管理辦法第8條）"
    )
    edit(
        vendor_project,
        "vendors.yaml",
        "  commitments:",
        "  - {key: sla, section: 附件}\n  commitments:",
    )
    assert check(vendor_project, run_cli).exit_code == 0


def test_firm_clause_reusing_a_catalogue_key_is_an_error(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    text = FIRM_CLAUSE.replace("key: sla", "key: audit_rights")
    (vendor_project / "firm_data" / "clauses.yaml").write_text(text, encoding="utf-8")
    result = check(vendor_project, run_cli)
    assert result.exit_code == 1
    assert lines(result)[0] == (
        "firm_data/clauses.yaml:2:8: error[duplicate-id]: 契約條款代碼「audit_rights」已存在於條款目錄"
    )


def test_reserved_vendor_id_is_an_error(vendor_project: Path, run_cli: Callable[..., Any]) -> None:
    edit(vendor_project, "vendors.yaml", "id: acme", "id: index")
    edit(vendor_project, "drills.yaml", "vendors: [acme]", "vendors: [index]")
    result = check(vendor_project, run_cli)
    assert result.exit_code == 1
    assert lines(result)[0] == (
        "firm_data/vendors.yaml:2:7: error[reserved-id]: "
        "識別碼「index」產生的頁面 vendors/index.md 會取代「委外廠商總覽」頁面（vendors/index.md）"
    )


def test_catalogue_has_the_keys_the_data_uses() -> None:
    keys = [c.key for c in shipped_catalogue()]
    assert len(keys) == len(set(keys))
    assert set(keys) >= {
        "bcm_requirements",
        "recovery_disaster_or_cyber",
        "recovery_equipment_failure_or_change",
        "recovery_function_or_architecture_change",
        "recovery_eol_no_support",
        "drill_participation",
        "incident_notification",
        "change_and_eos_notice",
        "data_protection",
        "subcontracting_consent",
        "audit_rights",
        "exit_assistance",
    }
    required = {c.key for c in shipped_catalogue() if c.required}
    assert required == {
        "bcm_requirements",
        "recovery_disaster_or_cyber",
        "recovery_equipment_failure_or_change",
        "recovery_function_or_architecture_change",
        "recovery_eol_no_support",
        "drill_participation",
    }


# ---------------------------------------------------------------- recovery commitments


def test_cause_without_commitment_is_an_error(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(
        vendor_project,
        "vendors.yaml",
        "  - {cause: eol_no_support, system: oms, rto: 2h, rpo: 0}\n",
        "",
    )
    result = check(vendor_project, run_cli)
    assert result.exit_code == 1
    assert lines(result)[:3] == [
        f"firm_data/vendors.yaml:23:3: error[TSA-9.1-commitment-causes]: 第9條：{NAME}對核心系統"
        "「委託下單系統」未載明「產品生命週期結束且不再提供技術協助」之復原承諾",
        "    另見 firm_data/systems.yaml:2:7",
        "    提示：在 vendors 的 commitments 為每個支援之核心系統列出四類 cause，各填 rto 與 rpo。",
    ]


def test_commitment_without_rto_is_an_error(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(vendor_project, "vendors.yaml", "system: oms, rto: 2h, rpo: 0}", "system: oms, rpo: 0}")
    result = check(vendor_project, run_cli)
    assert result.exit_code == 1
    assert lines(result)[0] == (
        f"firm_data/vendors.yaml:26:5: error[TSA-9.1-commitment-causes]: 第9條：{NAME}對核心系統"
        "「委託下單系統」「產品生命週期結束且不再提供技術協助」之復原承諾未載明 RTO"
    )


def test_commitment_longer_than_system_rto_is_an_error(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(
        vendor_project,
        "vendors.yaml",
        "system: oms, rto: 2h, rpo: 0}",
        "system: oms, rto: 3h, rpo: 0}",
    )
    result = check(vendor_project, run_cli)
    assert result.exit_code == 1
    assert lines(result)[:3] == [
        f"firm_data/vendors.yaml:26:47: error[TSA-9.1-commitment-rto-rpo]: 第9條：{NAME}對"
        "「產品生命週期結束且不再提供技術協助」承諾之 RTO（3 小時）未滿足核心系統「委託下單系統」"
        "的 RTO（2 小時）",
        "    另見 firm_data/systems.yaml:6:8",
        "    提示：與供應商協商縮短承諾之復原時間或資料復原點，或調整備援架構。",
    ]


def test_commitment_longer_than_system_rpo_is_an_error(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(
        vendor_project,
        "vendors.yaml",
        "system: oms, rto: 1h, rpo: 0}",
        "system: oms, rto: 1h, rpo: 5m}",
    )
    result = check(vendor_project, run_cli)
    assert result.exit_code == 1
    assert lines(result)[:2] == [
        f"firm_data/vendors.yaml:23:59: error[TSA-9.1-commitment-rto-rpo]: 第9條：{NAME}對"
        "「天然災害、人為災害與資通訊安全事件」承諾之 RPO（5 分鐘）未滿足核心系統「委託下單系統」"
        "的 RPO（0 分鐘）",
        "    另見 firm_data/systems.yaml:7:8",
    ]


def test_non_core_system_needs_no_commitment(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(vendor_project, "vendors.yaml", "systems: [oms]", "systems: [oms, mail]")
    assert check(vendor_project, run_cli).exit_code == 0


# ---------------------------------------------------------------- drills


def test_vendor_that_never_drilled_is_an_error(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(vendor_project, "drills.yaml", "  vendors: [acme]\n", "")
    result = check(vendor_project, run_cli)
    assert result.exit_code == 1
    assert lines(result)[0] == (
        f"firm_data/vendors.yaml:2:7: error[TSA-9.1-vendor-drill]: 第9條：{NAME}（支援 委託下單系統）"
        "近 12 個月內未配合或自行辦理演練（從未參與演練）"
    )


def test_vendor_own_drill_with_evidence_counts(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(vendor_project, "drills.yaml", "  vendors: [acme]\n", "")
    edit(
        vendor_project,
        "vendors.yaml",
        "  contacts:",
        "  own_drills:\n  - {date: 2026-03-10, title: 機房切換演練, evidence: 演練報告 AC-2026-01}\n"
        "  contacts:",
    )
    assert check(vendor_project, run_cli).exit_code == 0


def test_drill_older_than_the_drill_period_is_an_error(
    vendor_project: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BCP_TODAY", "2027-06-01")
    result = check(vendor_project, run_cli)
    assert result.exit_code == 1
    found = [line for line in lines(result) if "TSA-9.1-vendor-drill" in line]
    assert found == [
        f"firm_data/vendors.yaml:2:7: error[TSA-9.1-vendor-drill]: 第9條：{NAME}（支援 委託下單系統）"
        "近 12 個月內未配合或自行辦理演練（最近一次為 2026-05-16）"
    ]
    assert "    另見 firm_data/drills.yaml:11:12" in lines(result)


def test_drill_period_comes_from_policy(
    vendor_project: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BCP_TODAY", "2027-06-01")
    edit(
        vendor_project,
        "firm.yaml",
        "  date_style:",
        "  policy: {drill_period_months: 24}\n  date_style:",
    )
    result = check(vendor_project, run_cli)
    assert "TSA-9.1-vendor-drill" not in result.stderr


# ---------------------------------------------------------------- contract and products


def test_expired_contract_is_an_error(vendor_project: Path, run_cli: Callable[..., Any]) -> None:
    edit(vendor_project, "vendors.yaml", "end: 2027-12-31", "end: 2026-06-30")
    result = check(vendor_project, run_cli)
    assert result.exit_code == 1
    assert lines(result)[:2] == [
        f"firm_data/vendors.yaml:6:47: error[TSA-9.2-contract-expired]: 第9條：{NAME}的委外契約 C-1 "
        "已於 2026-06-30 到期",
        "    提示：完成續約並更新 contract 的 end（或新契約之 id、start、end）。",
    ]


def test_missing_contract_is_an_error(vendor_project: Path, run_cli: Callable[..., Any]) -> None:
    edit(
        vendor_project,
        "vendors.yaml",
        "  contract: {id: C-1, start: 2025-01-01, end: 2027-12-31}\n",
        "",
    )
    result = check(vendor_project, run_cli)
    assert result.exit_code == 1
    assert lines(result)[0] == (
        f"firm_data/vendors.yaml:2:7: error[TSA-9.2-contract-expired]: 第9條：{NAME}未記錄委外契約"
    )


def test_open_ended_contract_passes(vendor_project: Path, run_cli: Callable[..., Any]) -> None:
    edit(vendor_project, "vendors.yaml", ", end: 2027-12-31}", "}")
    assert check(vendor_project, run_cli).exit_code == 0


def test_product_past_end_of_support_without_plan_is_an_error(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(vendor_project, "vendors.yaml", "end_of_support: 2029-12-31", "end_of_support: 2026-01-31")
    result = check(vendor_project, run_cli)
    assert result.exit_code == 1
    assert lines(result)[:2] == [
        f"firm_data/vendors.yaml:8:50: error[TSA-9.1-product-eos]: 第9條：{NAME}的產品「下單核心」"
        "已於 2026-01-31停止支援，且無汰換計畫",
        "    提示：在 products 的 replacement_plan 說明汰換或升級計畫與時程。",
    ]


def test_product_past_end_of_support_with_plan_passes(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(
        vendor_project,
        "vendors.yaml",
        "end_of_support: 2029-12-31}",
        "end_of_support: 2026-01-31, replacement_plan: 2026 年底前升級至 2.0 版}",
    )
    assert check(vendor_project, run_cli).exit_code == 0


def test_product_near_end_of_support_without_plan_is_a_warning(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(vendor_project, "vendors.yaml", "end_of_support: 2029-12-31", "end_of_support: 2027-03-31")
    result = check(vendor_project, run_cli)
    assert result.exit_code == 0
    assert lines(result)[0] == (
        f"firm_data/vendors.yaml:8:50: warning[TSA-9.1-product-eos-near]: 第9條：{NAME}的產品"
        "「下單核心」將於 2027-03-31停止支援（12 個月內），尚無汰換計畫"
    )
    strict = run_cli("check", "--strict", cwd=vendor_project)
    assert strict.exit_code == 1


def test_vendor_without_core_systems_is_not_checked(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(vendor_project, "vendors.yaml", "systems: [oms]", "systems: [mail]")
    edit(vendor_project, "vendors.yaml", "end: 2027-12-31", "end: 2026-06-30")
    result = check(vendor_project, run_cli)
    assert result.exit_code == 0
    assert "TSA-9" not in result.stderr


# ---------------------------------------------------------------- the example firm


def test_example_firm_reports_the_huiliu_gap_with_file_and_line(
    example_project: Path, run_cli: Callable[..., Any]
) -> None:
    result = check(example_project, run_cli)
    assert result.exit_code == 0
    found = [line for line in lines(result) if "TSA-9" in line]
    assert found == [
        "firm_data/vendors.yaml:193:7: info[TSA-9.2-recommended-clauses]: 第9條："
        "供應商「匯流資訊股份有限公司」的委外契約缺少建議條款「契約終止之移轉協助」"
        "（exit_assistance，第九條）",
        # the example firm waives this known gap until the contract is renewed (waivers.yaml)
        "firm_data/vendors.yaml:198:17: info[TSA-9.2-clause-remediation]: 第9條："
        f"供應商「匯流資訊股份有限公司」的委外契約缺少必要條款「{EOL_TITLE}」"
        "（recovery_eol_no_support，第九條第一款第(四)目）；改善中，預定 2027-03-31 前："
        "已列入 d-2026-07 演練改善事項，於 2027 年 3 月續約時以增補協議補入"
        "（已豁免至 2027-03-31，原嚴重度 warning；理由：匯流資訊契約於 2027-03-31 到期，"
        "換約時增訂產品停止支援之復原條款；換約前已由供應商出具承諾書（d-2026-07 演練改善事項）。"
        "；核准：副總經理兼資訊安全長 張家豪）",
    ]
    vendors = (example_project / "firm_data" / "vendors.yaml").read_text(encoding="utf-8")
    assert vendors.splitlines()[197].strip() == "status: missing"
