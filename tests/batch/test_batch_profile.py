"""``fhirmig batch --profile us-core``: every diary's resources claim US Core 6.1.0."""

from __future__ import annotations

import json
from pathlib import Path

from batch_helpers import write_diaries
from click.testing import CliRunner

from fhirmig.cli import cli


def _profiles(folder: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for part in folder.glob("*.ndjson"):
        for line in part.read_text("utf-8").splitlines():
            res = json.loads(line)
            out.setdefault(res["resourceType"], set()).update(
                res.get("meta", {}).get("profile", [])
            )
    return out


def test_batch_us_core_claims_profiles_and_plain_claims_none(tmp_path: Path) -> None:
    write_diaries(tmp_path / "in", 2)
    runner = CliRunner()
    result = runner.invoke(
        cli, ["batch", "in/*.json", "-o", "us", "-j", "1", "--profile", "us-core"]
    )
    assert result.exit_code == 0, result.output
    claims = _profiles(tmp_path / "us")
    assert claims["Patient"] == {"http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"}
    assert "Device" not in claims
    result = runner.invoke(cli, ["batch", "in/*.json", "-o", "plain", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert not any(_profiles(tmp_path / "plain").values())
