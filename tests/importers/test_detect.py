"""One detector of inputs: the importers' sniffer tells every kind, and the application
layer opens inputs by what it says (it has no content rules of its own)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fhirmig.app import InputKind, detect_input
from fhirmig.cli import cli
from fhirmig.importers.sniff import detect, sniff

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
EXAMPLES = ROOT / "examples"


@pytest.fixture
def made(tmp_path: Path) -> dict[str, Path]:
    """Inputs of every kind the shipped files do not cover."""
    files: dict[str, bytes | str] = {
        "bundle-first.json": '{"resourceType": "Bundle", "type": "collection", "entry": []}',
        # fhirmig writes keys sorted: a long streamed Bundle names its type only at the end
        "bundle-last.json": '{"entry":['
        + ",".join(['{"resource":{"id":"x"}}'] * 4000)
        + '],"resourceType":"Bundle","type":"collection"}',
        "patient.json": json.dumps({"resourceType": "Patient", "id": "x"}),
        "all.ndjson": '{"resourceType":"Patient","id":"x"}\n',
        "other.json": '{"name": "not a diary"}',
        "broken-diary.json": '{"format": "fhirmig-diary/1", "patient": {',
        "plain.csv": "when,what\n2026-01-01,x\n",
        "notes.txt": "just some words\n",
        "empty.json": "",
        "blob.bin": b"\x00\x01\x02" * 100,
        "report.pdf": b"%PDF-1.7\n",
        "page.html": "<!DOCTYPE html><html><body>x</body></html>",
        "other.xml": "<root/>",
    }
    out = {}
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        out[name] = path
    for folder, inner in (("nd", "Patient.ndjson"), ("diaries", "d.json"), ("nothing", None)):
        (tmp_path / folder).mkdir()
        if inner:
            (tmp_path / folder / inner).write_text("{}")
        out[folder] = tmp_path / folder
    return out


EXPECTED = {
    "bundle-first.json": ("fhir-bundle", InputKind.FHIR_BUNDLE),
    "bundle-last.json": ("fhir-bundle", InputKind.FHIR_BUNDLE),
    "patient.json": ("fhir-resource", InputKind.FHIR_RESOURCE),
    "all.ndjson": ("fhir-ndjson", InputKind.FHIR_NDJSON),
    "other.json": ("json", InputKind.DIARY_JSON),
    "broken-diary.json": ("fhirmig-diary", InputKind.DIARY_JSON),
    "plain.csv": ("csv", InputKind.CSV),
    "notes.txt": ("text", InputKind.DIARY_JSON),
    "empty.json": ("empty", InputKind.DIARY_JSON),
    "blob.bin": ("binary", InputKind.DIARY_JSON),
    "report.pdf": ("pdf", InputKind.OTHER),
    "page.html": ("html", InputKind.OTHER),
    "other.xml": ("xml", InputKind.OTHER),
    "nd": ("ndjson-folder", InputKind.FHIR_NDJSON),
    "diaries": ("diary-folder", InputKind.DIARY_FOLDER),
    "nothing": ("empty-folder", InputKind.EMPTY_FOLDER),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_detector_and_the_input_kind_agree(made: dict[str, Path], name: str) -> None:
    sniffed, kind = EXPECTED[name]
    assert detect(made[name]) == sniffed
    assert detect_input(made[name]) is kind


SHIPPED = {
    EXAMPLES / "episodic-twitching.json": ("fhirmig-diary", InputKind.DIARY_JSON),
    EXAMPLES / "spreadsheet.csv": ("diary-csv", InputKind.DIARY_CSV),
    EXAMPLES / "spreadsheet.patient.json": ("diary-sidecar", InputKind.CSV_SIDECAR),
    DATA / "mb_standard.csv": ("migraine-buddy-csv", InputKind.MIGRAINE_BUDDY),
    DATA / "mb_semicolon.csv": ("migraine-buddy-csv", InputKind.MIGRAINE_BUDDY),
    DATA / "mb_report_dmy.html": ("migraine-buddy-html", InputKind.MIGRAINE_BUDDY),
    DATA / "apple_export.xml": ("apple-health-xml", InputKind.APPLE_HEALTH),
    DATA / "daily_wearable.csv": ("daily-csv", InputKind.DAILY_CSV),
    DATA / "fitbit_sleep.csv": ("fitbit-sleep-csv", InputKind.FITBIT_SLEEP),
}


@pytest.mark.parametrize("path", sorted(SHIPPED), ids=lambda p: p.name)
def test_shipped_files_are_told_by_their_content(path: Path, tmp_path: Path) -> None:
    sniffed, kind = SHIPPED[path]
    assert detect(path) == sniffed and detect_input(path) is kind
    if path.name.endswith(".patient.json"):
        return
    renamed = tmp_path / "upload.dat"  # the name says nothing: the content decides
    renamed.write_bytes(path.read_bytes())
    assert detect(renamed) == sniffed


def test_a_missing_path_gets_the_kind_its_name_suggests(tmp_path: Path) -> None:
    assert detect(tmp_path / "gone.csv") is None
    assert detect_input(tmp_path / "gone.csv") is InputKind.CSV
    assert detect_input(tmp_path / "gone.ndjson") is InputKind.FHIR_NDJSON
    assert detect_input(tmp_path / "gone.json") is InputKind.DIARY_JSON


def test_a_zip_without_an_export_is_not_an_apple_health_export(tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.txt", "hello")
    assert sniff(archive).kind == "zip" and detect_input(archive) is InputKind.OTHER
    result = CliRunner().invoke(cli, ["stats", str(archive)])
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"stats: {archive}: looks like a zip archive, not a diary")


def test_a_pdf_given_to_report_is_named_in_one_line(made: dict[str, Path], tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["report", str(made["report.pdf"]), "-o", str(tmp_path / "r.pdf")]
    )
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert "looks like a PDF document, not a diary or fhirmig FHIR" in line
    assert not (tmp_path / "r.pdf").exists()


def test_the_application_layer_has_no_content_rules_of_its_own() -> None:
    """app/inputs.py reads no bytes and parses nothing: the importers' detector does."""
    tree = ast.parse((ROOT / "fhirmig" / "app" / "inputs.py").read_text("utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
        )
    }
    assert not imported & {"csv", "json", "re", "zipfile", "io"}, imported
    calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert not calls & {"read", "open", "scandir", "read_bytes"}, calls
