"""Machine-readable reports: JSON against its documented schema, SARIF against SARIF 2.1.0."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.test_cli_errors import apply_changes

REPO = Path(__file__).resolve().parent.parent.parent
SARIF_SCHEMA = REPO / "tests" / "data" / "sarif-2.1.0.json"
MULTITOOL = (
    REPO / ".tools" / "node_modules" / "@microsoft" / "sarif-multitool-linux" / ("Sarif.Multitool")
)


def report_schema() -> Any:
    text = resources.files("generator").joinpath("data", "check-report.schema.json").read_text()
    return json.loads(text)


def broken(project: Path) -> None:
    """A system RTO beyond its business's (an error with a related place), waived until 2027."""
    apply_changes(
        project,
        {
            "replace": [{"file": "firm_data/systems.yaml", "old": "rto: 2h", "new": "rto: 5h"}],
            "write": {
                "firm_data/waivers.yaml": (
                    "waivers:\n- {rule: TSA-2.5-system-rto, record: oms, reason: 改版中,"
                    " approved_by: 總經理, until: 2027-01-31}\n"
                )
            },
        },
    )


def test_json_report_validates_and_counts(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    broken(minimal_project)
    apply_changes(
        minimal_project,
        {
            "replace": [
                {"file": "firm_data/backups.yaml", "old": "frequency: 0", "new": "frequency: 1h"}
            ]
        },
    )
    result = run_cli("check", "--format", "json", cwd=minimal_project)
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, report_schema())
    assert result.stderr == ""
    assert result.exit_code == 0  # the only error is waived; a warning remains
    assert doc["summary"] == {"errors": 0, "warnings": 1, "infos": 0, "waived": 1}
    waived = next(f for f in doc["findings"] if f["rule"] == "TSA-2.5-system-rto")
    assert waived["severity"] == "error" and waived["effective_severity"] == "info"
    assert waived["location"] == {"path": "firm_data/systems.yaml", "line": 6, "column": 8}
    assert waived["related"] == [{"path": "firm_data/businesses.yaml", "line": 6, "column": 8}]
    assert waived["record"] == {"section": "systems", "id": "oms"}
    assert waived["waiver"]["approved_by"] == "總經理"
    assert {r["id"] for r in doc["rules"]} >= {"TSA-2.5-system-rto", "TSA-9.1-commitment-causes"}


def test_json_report_of_unloadable_data(minimal_project: Path, run_cli: Callable[..., Any]) -> None:
    (minimal_project / "firm_data/sites.yaml").unlink()
    result = run_cli("check", "--format", "json", cwd=minimal_project)
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, report_schema())
    assert result.exit_code == 1
    assert doc["firm"] is None and doc["findings"] == []
    assert [i["code"] for i in doc["issues"]] == ["missing-section"]


def sarif_of(project: Path, run_cli: Callable[..., Any], exit_code: int = 0) -> dict[str, Any]:
    result = run_cli("check", "--format", "sarif", cwd=project)
    assert result.exit_code == exit_code
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def test_sarif_validates_against_the_official_schema(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    broken(minimal_project)
    apply_changes(
        minimal_project,
        {
            "replace": [
                {
                    "file": "firm_data/backups.yaml",
                    "old": "encrypted: true",
                    "new": "encrypted: false",
                }
            ]
        },
    )
    doc = sarif_of(minimal_project, run_cli, 1)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    run = doc["runs"][0]
    results = {r["ruleId"]: r for r in run["results"]}
    rules = run["tool"]["driver"]["rules"]
    encryption = results["TSA-5.3-encryption"]
    assert encryption["level"] == "error"
    assert rules[encryption["ruleIndex"]]["id"] == "TSA-5.3-encryption"
    region = encryption["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (8, 14)
    assert results["TSA-2.5-system-rto"]["suppressions"][0]["kind"] == "external"
    assert (
        results["TSA-2.5-system-rto"]["relatedLocations"][0]["physicalLocation"][
            "artifactLocation"
        ]["uri"]
        == "firm_data/businesses.yaml"
    )


@pytest.mark.skipif(not MULTITOOL.exists(), reason="make test installs the SARIF Multitool")
def test_sarif_multitool_accepts_the_log(
    minimal_project: Path, run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    """Microsoft's SARIF Multitool (the SARIF SDK's validator) finds no error in our log."""
    broken(minimal_project)
    log = tmp_path / "check.sarif"
    log.write_text(json.dumps(sarif_of(minimal_project, run_cli)), encoding="utf-8")
    out = tmp_path / "validation.sarif"
    env = {**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1"}
    done = subprocess.run(
        [str(MULTITOOL), "validate", str(log), "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    validation = json.loads(out.read_text(encoding="utf-8"))
    levels = [r.get("level", "warning") for r in validation["runs"][0]["results"]]
    assert "error" not in levels, validation["runs"][0]["results"]
    shutil.rmtree(tmp_path, ignore_errors=True)
