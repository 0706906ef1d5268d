"""Hostile input on the way out: the PDF report, its templates, batch inputs and FHIR input."""

from __future__ import annotations

import json
import os
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from fhirmig.batch import run_batch
from fhirmig.cli import cli
from fhirmig.diary import parse_diary_json, read_diary
from fhirmig.errors import FhirmigError, MappingError
from fhirmig.fhir import collection_bundle, diary_to_resources, load_input, read_fhir
from fhirmig.privacy import deidentify_diary
from fhirmig.report import render_report

from .fuzzing import KEY

CONTROL = "".join(chr(c) for c in range(1, 32) if chr(c) not in "\t\n\r")
MARKUP = '<b>bold</b> </para><para> <font size="90">big</font> &amp;lt; <img src="x"/>'
CANARY = "ZQXJ-canary-ZQXJ"


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def _free_text_diary(text: str) -> dict[str, Any]:
    """A diary with ``text`` in every free-text field the format has."""
    return {
        "format": "fhirmig-diary/1",
        "patient": {
            "id": "p-1",
            "name": {"given": [text], "family": text},
            "identifiers": [{"system": "urn:x", "value": text}],
            "timezone": "Europe/Lisbon",
        },
        "conditions": [{"id": "c", "text": text, "note": text}],
        "medications": [{"id": "m", "name": text, "class": "triptan"}],
        "attacks": [
            {
                "id": "a",
                "start": "2026-05-03T13:20",
                "end": "2026-05-03T17:35",
                "intensity": 7,
                "painLocations": [text],
                "painQualities": [text],
                "symptoms": [text],
                "triggers": [text],
                "twitching": [{"location": text, "description": text}],
                "medications": [{"medication": "m", "dose": text}],
                "reliefMethods": [{"method": text}],
                "notes": text,
            }
        ],
        "days": [{"date": "2026-05-03", "notes": text}],
        "treatments": [{"id": "t", "name": text, "notes": text}],
    }


@pytest.mark.parametrize("payload", [MARKUP, CONTROL + "tail", "\u202e" + MARKUP])
def test_report_prints_hostile_text_literally(tmp_path: Path, payload: str) -> None:
    diary = parse_diary_json(json.dumps(_free_text_diary(CANARY + payload)).encode(), "h.json")
    out = render_report(diary, tmp_path / "r.pdf", generated=date(2026, 11, 25))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = _text(out)
    assert CANARY in text
    if payload == MARKUP:
        assert "<b>bold</b>" in text
        assert "</para>" in text


def test_deidentified_report_shows_no_identity(tmp_path: Path, examples: Path) -> None:
    diary = read_diary(examples / "episodic-twitching.json")
    out = render_report(
        deidentify_diary(diary, KEY), tmp_path / "r.pdf", generated=date(2026, 11, 25)
    )
    text = _text(out)
    for word in ("Silva", "PT-998877", "1988-04-12", "Started in a meeting"):
        assert word not in text


def _templates(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "methods.md.j2").write_text(body)
    return folder


@pytest.mark.parametrize(
    "body",
    [
        "{% include '../secret.txt' %}",
        "{% include '/etc/passwd' %}",
        "{% extends '../secret.txt' %}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ self._TemplateReference__context }}",
    ],
)
def test_templates_cannot_reach_outside_their_folder(
    tmp_path: Path, examples: Path, body: str
) -> None:
    (tmp_path / "secret.txt").write_text(CANARY)
    folder = _templates(tmp_path, body)
    diary = read_diary(examples / "chronic-overuse.json")
    out = tmp_path / "r.pdf"
    try:
        render_report(diary, out, templates=folder, generated=date(2026, 11, 25))
    except FhirmigError:
        assert not out.exists()
        return
    text = _text(out)
    assert CANARY not in text
    assert "uid=" not in text


def test_report_cli_with_a_hostile_template_fails_cleanly(tmp_path: Path, examples: Path) -> None:
    folder = _templates(tmp_path, "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    result = CliRunner().invoke(
        cli,
        [
            "report",
            str(examples / "chronic-overuse.json"),
            "-o",
            "r.pdf",
            "--templates",
            str(folder),
        ],
    )
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert not Path("r.pdf").exists()


def test_batch_refuses_symlinks_and_writes_only_in_outdir(tmp_path: Path, examples: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    outside = tmp_path / "outside.json"
    outside.write_bytes((examples / "chronic-overuse.json").read_bytes())
    (inputs / "link.json").symlink_to(outside)
    evil = json.loads((examples / "episodic-twitching.json").read_text())
    evil["patient"]["id"] = "../../escaped"
    (inputs / "evil.json").write_text(json.dumps(evil))
    outdir = tmp_path / "out"
    before = set(tmp_path.rglob("*"))
    summary = run_batch(
        [str(inputs), str(tmp_path / "in" / ".." / "outside.json")],
        outdir,
        format="bundles",
        jobs=1,
    )
    created = set(tmp_path.rglob("*")) - before
    assert created and all(p.is_relative_to(outdir) for p in created)
    assert not (tmp_path / "escaped.json").exists()
    assert summary.converted >= 1
    for path in outdir.rglob("*"):
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
    ledger = (outdir / summary.ledger.relative_to(outdir)).read_text()
    assert "link.json" in ledger


def test_fhir_reference_to_a_missing_resource(tmp_path: Path, examples: Path) -> None:
    resources = diary_to_resources(read_diary(examples / "episodic-twitching.json"))
    kept = [r for r in resources if r["resourceType"] != "Medication"]
    path = tmp_path / "b.json"
    path.write_text(json.dumps(collection_bundle(kept)))
    with pytest.raises(
        MappingError, match=r"MedicationStatement/[^:]+: reference '[^']+' points at no resource"
    ):
        read_fhir(path)
    result = CliRunner().invoke(cli, ["report", str(path), "-o", "r.pdf"])
    assert result.exit_code == 1
    assert "points at no resource" in result.stderr
    assert not Path("r.pdf").exists()


def test_fhir_patient_missing(tmp_path: Path, examples: Path) -> None:
    resources = diary_to_resources(read_diary(examples / "chronic-overuse.json"))
    path = tmp_path / "b.json"
    path.write_text(
        json.dumps(collection_bundle([r for r in resources if r["resourceType"] != "Patient"]))
    )
    with pytest.raises(MappingError):
        load_input(path)


def test_convert_deidentify_labels_every_resource(tmp_path: Path, examples: Path) -> None:
    key = tmp_path / "k.key"
    key.write_text(KEY.hex())
    os.chmod(key, 0o600)
    result = CliRunner().invoke(
        cli,
        [
            "convert",
            str(examples / "episodic-twitching.json"),
            "-o",
            "b.json",
            "--deidentify",
            "--key-file",
            str(key),
        ],
    )
    assert result.exit_code == 0, result.output
    text = Path("b.json").read_text()
    assert stat.S_IMODE(Path("b.json").stat().st_mode) == 0o600
    for word in ("Silva", "PT-998877", "p-0001", "Started in a meeting", "1988-04-12"):
        assert word not in text
    bundle = json.loads(text)
    for entry in bundle["entry"]:
        security = entry["resource"].get("meta", {}).get("security", [])
        assert security, entry["resource"]["resourceType"]
