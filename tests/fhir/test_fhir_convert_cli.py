"""``fhirmig convert``: every shape, the way back, and errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from fhirmig.cli import cli
from fhirmig.diary import read_diary

GOLDEN = Path(__file__).parent / "golden"


def test_convert_default_is_a_transaction(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["convert", str(GOLDEN / "small-diary.json"), "-o", "b.json"])
    assert result.exit_code == 0, result.output
    bundle = json.loads(Path("b.json").read_bytes())
    assert bundle["type"] == "transaction"
    assert f"b.json: {len(bundle['entry'])} resources (transaction)" in result.output


def test_convert_ndjson_and_back(examples: Path) -> None:
    runner = CliRunner()
    src = examples / "chronic-overuse.json"
    result = runner.invoke(cli, ["convert", str(src), "-o", "nd", "--format", "ndjson"])
    assert result.exit_code == 0, result.output
    assert Path("nd/Patient.ndjson").read_text().count("\n") == 1
    result = runner.invoke(cli, ["convert", "nd", "--to", "diary", "-o", "back.json"])
    assert result.exit_code == 0, result.output
    assert read_diary("back.json") == read_diary(src)


def test_convert_csv_with_patient_options(examples: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["convert", str(examples / "spreadsheet.csv"), "-o", "c.json", "--format", "collection",
         "--patient-id", "csv-9", "--identifier-system", "urn:oid:1.2"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    patient = json.loads(Path("c.json").read_bytes())["entry"][0]["resource"]
    assert patient["identifier"][0] == {"system": "urn:oid:1.2", "value": "csv-9"}


def test_bad_diary_fails_cleanly_and_writes_nothing(tmp_path: Path) -> None:
    Path("bad.json").write_text(
        '{"format": "fhirmig-diary/1", "patient": {"id": "x"}, "attacks": [{"id": "a"}]}'
    )
    result = CliRunner().invoke(cli, ["convert", "bad.json", "-o", "out.json"])
    assert result.exit_code == 1
    assert "bad.json: attacks[0].start" in result.output
    assert "Traceback" not in result.output
    assert not Path("out.json").exists()


def test_to_diary_refuses_non_fhir_and_option_mix(examples: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["convert", str(examples / "chronic-overuse.json"), "--to", "diary", "-o", "d.json"]
    )
    assert result.exit_code == 1
    assert "is a diary (JSON), which convert --to diary does not read" in result.output
    result = runner.invoke(
        cli, ["convert", "x", "--to", "diary", "--format", "ndjson", "-o", "d.json"]
    )
    assert result.exit_code == 2
    assert not Path("d.json").exists()


def test_no_summaries_leaves_out_the_figures(examples: Path) -> None:
    runner = CliRunner()
    src = str(examples / "episodic-twitching.json")
    assert runner.invoke(cli, ["convert", src, "-o", "with.json"]).exit_code == 0
    assert (
        runner.invoke(cli, ["convert", src, "-o", "without.json", "--no-summaries"]).exit_code == 0
    )

    def kinds(name: str) -> set[str]:
        entries = json.loads(Path(name).read_bytes())["entry"]
        return {
            e["resource"].get("identifier", [{}])[0].get("system", "").rsplit("/", 1)[-1]
            for e in entries
        }

    assert "summary" in kinds("with.json")
    assert "summary" not in kinds("without.json")
    assert kinds("with.json") - kinds("without.json") == {"summary"}


def test_convert_us_core_and_back(examples: Path) -> None:
    runner = CliRunner()
    src = examples / "episodic-twitching.json"
    result = runner.invoke(cli, ["convert", str(src), "-o", "us.json", "--profile", "us-core"])
    assert result.exit_code == 0, result.output
    assert "(transaction, US Core 6.1.0)" in result.output
    bundle = json.loads(Path("us.json").read_bytes())
    patient = bundle["entry"][0]["resource"]
    assert patient["meta"]["profile"] == [
        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"
    ]
    result = runner.invoke(cli, ["convert", "us.json", "--to", "diary", "-o", "back.json"])
    assert result.exit_code == 0, result.output
    assert read_diary("back.json") == read_diary(src)


def test_convert_unknown_profile_is_a_usage_error(examples: Path) -> None:
    src = str(examples / "episodic-twitching.json")
    result = CliRunner().invoke(cli, ["convert", src, "-o", "x.json", "--profile", "ipa"])
    assert result.exit_code == 2 and "Traceback" not in result.output
