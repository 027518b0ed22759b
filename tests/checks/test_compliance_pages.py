"""The compliance pages: dashboard, per-article results, rules reference; builds with findings."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.compliance.registry import all_rules
from generator.compliance.views import rule_anchor
from generator.pipeline import generate
from generator.project import Project
from tests.test_cli_errors import apply_changes

RTO_DEFECT = {"replace": [{"file": "firm_data/systems.yaml", "old": "rto: 2h", "new": "rto: 5h"}]}


def test_build_with_errors_shows_them_and_strict_refuses(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    apply_changes(minimal_project, RTO_DEFECT)
    strict = run_cli("build", "--strict", cwd=minimal_project)
    assert strict.exit_code == 1
    assert "error[TSA-2.5-system-rto]" in strict.stderr
    assert not (minimal_project / "site").exists(), "--strict must not build the site"

    result = run_cli("build", cwd=minimal_project)
    assert result.exit_code == 0
    assert "注意：有 1 個規則錯誤" in result.stdout
    site = minimal_project / "site"
    dashboard = (site / "compliance" / "index.html").read_text(encoding="utf-8")
    assert "（5 小時）長於核心業務「證券經紀委託」的" in dashboard
    assert "firm_data/systems.yaml:6:8" in dashboard
    anchor = rule_anchor("TSA-2.5-system-rto")
    assert f'href="../rules/#{anchor}"' in dashboard
    assert f'id="{anchor}"' in (site / "rules" / "index.html").read_text(encoding="utf-8")
    assert 'href="../systems/oms/"' in dashboard  # the page of the record concerned
    article = (site / "articles" / "02-definitions" / "index.html").read_text(encoding="utf-8")
    assert 'id="compliance-results"' in article
    assert "（5 小時）長於核心業務「證券經紀委託」的" in article
    assert "不符合" in article


def test_dashboard_counts_statuses_and_freshness(example_project: Path) -> None:
    apply_changes(
        example_project,
        {
            "replace": [
                {
                    "file": "firm_data/vendors.yaml",
                    "old": "end: 2027-12-31}",
                    "new": "end: 2026-08-31}",
                }
            ]
        },
    )
    generate(Project.at(example_project))
    page = (example_project / "build/docs/compliance.md").read_text(encoding="utf-8")
    assert "| 1 | 1 | 2 | 1 |" in page  # errors, warnings, infos, waived
    rows = {
        m[0]: m[1] for m in re.findall(r"^\| \[(第.條[^\]]*)\]\([^)]*\) \| (\S+) \|", page, re.M)
    }
    assert rows["第九條 核心系統委外之管理"] == "不符合"
    assert rows["第七條 災害應變機制"] == "需注意"
    assert rows["第二條 名詞定義"] == "符合"
    assert rows["第十條 施行程序"] == "無自動檢查規則"
    freshness = page.split("## 時效檢查")[1].split("## 豁免")[0]
    assert "CX-IT-2024-017 已於 2026-08-31 到期" in freshness
    assert "張雅琪" in freshness
    assert "開發自動比對程式" in freshness  # open corrective actions with due dates
    waivers = page.split("## 豁免")[1]
    assert "TSA-9.2-clause-remediation" in waivers and "生效中" in waivers


def test_rules_page_is_generated_from_the_pack(example_project: Path) -> None:
    apply_changes(
        example_project,
        {
            "replace": [
                {
                    "file": "firm_data/firm.yaml",
                    "old": "  date_style: roc\n",
                    "new": "  date_style: roc\n  policy: {restore_test_months: 6}\n",
                }
            ]
        },
    )
    generate(Project.at(example_project))
    page = (example_project / "build/docs/rules.md").read_text(encoding="utf-8")
    for r in all_rules():
        assert f"### {r.id} {{ #{rule_anchor(r.id)} }}" in page
    section = page.split("### TSA-5.1-restore-test")[1].split("###")[0]
    assert "`restore_test_months`：6" in section
    assert "第一類：錯誤；第二類：錯誤；外國：錯誤" in section
    assert "| 依據 | P |" in section
    standby = page.split("### TSA-5.2-standby-rto")[1].split("###")[0]
    assert "熱備援 15 分鐘、溫備援 4 小時、冷備援 2 天" in standby
