"""One front door: every command reads every input kind it documents, refuses the others
in one line naming the kind and the command that reads it, and reads a file one way."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fhirmig.app import InputKind, detect_input, open_diary, validate_inputs
from fhirmig.cli import cli
from fhirmig.errors import InputError, UsageError
from tests.conftest import EXAMPLES, ROOT

DATA = ROOT / "tests" / "importers" / "data"
DIARY = EXAMPLES / "episodic-twitching.json"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def fhir_inputs(tmp_path: Path) -> dict[str, Path]:
    """The example diary as fhirmig's Bundle, NDJSON folder and one NDJSON file."""
    bundle = tmp_path / "diary.bundle.json"
    folder = tmp_path / "ndjson"
    assert run("convert", str(DIARY), "-o", str(bundle))[0] == 0
    assert run("convert", str(DIARY), "--format", "ndjson", "-o", str(folder))[0] == 0
    single = tmp_path / "all.ndjson"
    single.write_bytes(b"".join(p.read_bytes() for p in sorted(folder.glob("*.ndjson"))))
    return {"bundle": bundle, "folder": folder, "single": single}


def test_every_kind_is_recognised(tmp_path: Path, fhir_inputs: dict[str, Path]) -> None:
    diaries = tmp_path / "diaries"
    diaries.mkdir()
    shutil.copy(DIARY, diaries)
    patient = tmp_path / "patient.json"
    patient.write_text(json.dumps({"resourceType": "Patient", "id": "x"}))
    (tmp_path / "empty").mkdir()
    assert detect_input(DIARY) is InputKind.DIARY_JSON
    assert detect_input(EXAMPLES / "spreadsheet.csv") is InputKind.DIARY_CSV
    assert detect_input(EXAMPLES / "spreadsheet.patient.json") is InputKind.CSV_SIDECAR
    assert detect_input(fhir_inputs["bundle"]) is InputKind.FHIR_BUNDLE
    assert detect_input(fhir_inputs["folder"]) is InputKind.FHIR_NDJSON
    assert detect_input(fhir_inputs["single"]) is InputKind.FHIR_NDJSON
    assert detect_input(patient) is InputKind.FHIR_RESOURCE
    assert detect_input(diaries) is InputKind.DIARY_FOLDER
    assert detect_input(tmp_path / "empty") is InputKind.EMPTY_FOLDER
    assert detect_input(DATA / "mb_standard.csv") is InputKind.MIGRAINE_BUDDY
    assert detect_input(DATA / "mb_semicolon.csv") is InputKind.MIGRAINE_BUDDY
    assert detect_input(DATA / "mb_us_variant.csv") is InputKind.MIGRAINE_BUDDY
    assert detect_input(DATA / "apple_export.xml") is InputKind.APPLE_HEALTH
    assert detect_input(DATA / "daily_wearable.csv") is InputKind.DAILY_CSV


def test_a_bundle_written_with_its_type_first_is_a_bundle(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text('{"resourceType": "Bundle", "type": "collection", "entry": []}')
    assert detect_input(path) is InputKind.FHIR_BUNDLE


@pytest.mark.parametrize("kind", ["bundle", "folder", "single"])
@pytest.mark.parametrize("command", ["stats", "validate", "report", "deidentify", "batch"])
def test_every_diary_command_reads_fhirmig_fhir(
    tmp_path: Path, fhir_inputs: dict[str, Path], kind: str, command: str
) -> None:
    source = str(fhir_inputs[kind])
    if command == "batch" and kind != "bundle":
        pytest.skip("batch reads diaries and Bundles (NDJSON is its output)")
    extra = {
        "stats": ["--json"],
        "validate": [],
        "report": ["-o", str(tmp_path / "r.pdf")],
        "deidentify": ["-o", str(tmp_path / "d.json"), "--key-file", str(_key(tmp_path))],
        "batch": ["-o", str(tmp_path / "out"), "-j", "1"],
    }[command]
    code, out, err = run(command, source, *extra)
    assert code == 0, err
    if command == "stats":
        same = run("stats", str(DIARY), "--json")[1]
        assert json.loads(out) == json.loads(same)
    if command == "batch":
        assert "1 of 1 diary converted" in out


def _key(folder: Path) -> Path:
    key = folder / "study.key"
    if not key.exists():
        assert run("deidentify", "--new-key", str(key))[0] == 0
    return key


REFUSALS = [
    (DATA / "mb_standard.csv", "a Migraine Buddy export", "fhirmig import migraine-buddy"),
    (DATA / "apple_export.xml", "an Apple Health export", "fhirmig import apple-health"),
    (DATA / "daily_wearable.csv", "a daily CSV", "fhirmig import daily-csv"),
    (EXAMPLES, "a folder of diaries", "fhirmig batch"),
]


@pytest.mark.parametrize(("path", "kind", "reader"), REFUSALS, ids=lambda v: str(v)[-20:])
@pytest.mark.parametrize("command", ["stats", "report", "convert", "upload", "deidentify"])
def test_other_inputs_are_refused_in_one_line(
    tmp_path: Path, path: Path, kind: str, reader: str, command: str
) -> None:
    extra = {
        "stats": [],
        "report": ["-o", str(tmp_path / "r.pdf")],
        "convert": ["-o", str(tmp_path / "b.json")],
        "upload": ["--server", "http://127.0.0.1:9/fhir", "--dry-run"],
        "deidentify": ["-o", str(tmp_path / "d.json"), "--key-file", str(_key(tmp_path))],
    }[command]
    code, _, err = run(command, str(path), *extra)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"{command}: {path}: is {kind}")
    assert reader in lines[0]
    assert list(tmp_path.iterdir()) in ([], [tmp_path / "study.key"])


def test_a_sidecar_given_alone_points_to_its_csv() -> None:
    with pytest.raises(
        InputError, match=r"is the patient file of a CSV diary; give .*spreadsheet\.csv"
    ):
        open_diary(EXAMPLES / "spreadsheet.patient.json", command="stats")


def test_validate_examples_star_exits_0() -> None:
    # what the shell gives for examples/*: the folder examples/imports too, whose sample
    # exports of other apps are skipped, not failed
    paths = sorted(str(p) for p in EXAMPLES.iterdir() if not p.name.startswith("."))
    assert str(EXAMPLES / "imports") in paths
    code, out, err = run("validate", *paths)
    assert code == 0, err
    assert "spreadsheet.patient.json: OK (the patient file of spreadsheet.csv)" in out
    assert "MigraineBuddy_20260301_20260430.csv: skipped: is a Migraine Buddy export" in out


def test_validate_counts_in_the_right_number(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text(
        json.dumps(
            {
                "format": "fhirmig-diary/1",
                "patient": {"id": "p"},
                "attacks": [{"id": "a", "start": "2026-01-01T10:00:00Z", "intensity": 5}],
                "days": [{"date": "2026-01-02", "sleepHours": 7}],
            }
        )
    )
    [checked] = validate_inputs([one])
    assert checked.summary == "OK (1 attack, 1 day)"
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    code, _, err = run("validate", str(bad))
    assert code == 1 and "1 of 1 file invalid" in err


def test_patient_options_are_refused_for_inputs_naming_their_patient() -> None:
    with pytest.raises(UsageError, match="timezone apply to CSV diaries only"):
        open_diary(DIARY, command="stats", timezone="Europe/Paris")
    code, _, err = run("stats", str(DIARY), "--patient-id", "someone-else")
    assert code == 2
    assert "--patient-id apply to CSV diaries only" in err


def test_patient_options_still_set_a_csv_diary() -> None:
    diary = open_diary(EXAMPLES / "spreadsheet.csv", command="stats", timezone="Asia/Tokyo")
    assert diary.patient.timezone == "Asia/Tokyo"


def test_the_importers_refuse_a_fhirmig_diary(tmp_path: Path) -> None:
    code, _, err = run(
        "import", "migraine-buddy", str(EXAMPLES / "spreadsheet.csv"), "-o", "x.json",
        "--patient-id", "p",
    )  # fmt: skip
    assert code == 1
    assert "import migraine-buddy:" in err and "is a diary (CSV)" in err
    assert not Path("x.json").exists()


def test_validate_checks_a_folder_of_diaries_file_by_file(tmp_path: Path) -> None:
    folder = tmp_path / "diaries"
    folder.mkdir()
    for name in ("episodic-twitching.json", "spreadsheet.csv", "spreadsheet.patient.json"):
        shutil.copy(EXAMPLES / name, folder / name)
    (folder / "sub").mkdir()
    (folder / "sub" / "bad.json").write_text("{}")
    shutil.copy(DATA / "mb_standard.csv", folder / "sub" / "export.csv")
    code, out, err = run("validate", str(folder))
    assert code == 1
    assert f"{folder / 'episodic-twitching.json'}: OK" in out
    assert f"{folder / 'spreadsheet.patient.json'}: OK (the patient file" in out
    assert f"{folder / 'sub' / 'bad.json'}: format: required field is missing" in err
    assert f"{folder / 'sub' / 'export.csv'}: skipped: is a Migraine Buddy export" in out
    assert "1 of 4 files invalid" in err


def test_an_export_named_on_the_command_line_is_invalid_not_skipped() -> None:
    code, _, err = run("validate", str(DATA / "mb_standard.csv"))
    assert code == 1 and "is a Migraine Buddy export" in err


@pytest.fixture
def other_inputs(tmp_path: Path) -> dict[str, Path]:
    """Inputs no diary command reads, beyond the exports of REFUSALS."""
    import zipfile

    (tmp_path / "empty").mkdir()
    patient = tmp_path / "patient.json"
    patient.write_text(json.dumps({"resourceType": "Patient", "id": "x"}))
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    photos = tmp_path / "photos.zip"
    with zipfile.ZipFile(photos, "w") as z:
        z.writestr("a.txt", "hello")
    return {
        "empty": tmp_path / "empty",
        "resource": patient,
        "pdf": pdf,
        "zip": photos,
        "mb-html": DATA / "mb_report_dmy.html",
        "fitbit": DATA / "fitbit_sleep.csv",
        "sidecar": EXAMPLES / "spreadsheet.patient.json",
    }


#: input -> words of the one line: what it is, and who reads it (or what it looks like)
OTHER_WORDS = {
    "empty": ("is a folder without diaries or NDJSON", "fhirmig batch"),
    "resource": ("is a single FHIR resource", "Bundle or NDJSON"),
    "pdf": ("looks like a PDF document", "fhirmig import migraine-buddy"),
    "zip": ("looks like a zip archive", "fhirmig import apple-health"),
    "mb-html": ("is a Migraine Buddy export", "fhirmig import migraine-buddy reads it"),
    "fitbit": ("is a Fitbit sleep export", "fhirmig import fitbit-sleep reads it"),
    "sidecar": ("is the patient file of a CSV diary", "spreadsheet.csv instead"),
}


@pytest.mark.parametrize("name", sorted(OTHER_WORDS))
@pytest.mark.parametrize("command", ["stats", "report", "convert", "upload", "deidentify"])
def test_every_other_kind_is_refused_in_one_line(
    tmp_path: Path, other_inputs: dict[str, Path], name: str, command: str
) -> None:
    out = tmp_path / "out"
    extra = {
        "stats": [],
        "report": ["-o", str(out)],
        "convert": ["-o", str(out)],
        "upload": ["--server", "http://127.0.0.1:9/fhir", "--dry-run"],
        "deidentify": ["-o", str(out), "--key-file", str(_key(tmp_path))],
    }[command]
    path = other_inputs[name]
    code, _, err = run(command, str(path), *extra)
    assert code == 1, err
    (line,) = err.strip().splitlines()
    what, reader = OTHER_WORDS[name]
    assert line.startswith(f"{command}: {path}: {what}"), line
    assert reader in line
    assert not out.exists()


@pytest.mark.parametrize("kind", ["bundle", "folder", "single"])
def test_convert_reads_fhirmig_fhir_back_into_the_diary(
    tmp_path: Path, fhir_inputs: dict[str, Path], kind: str
) -> None:
    back = tmp_path / "back.json"
    code, _, err = run("convert", str(fhir_inputs[kind]), "--to", "diary", "-o", str(back))
    assert code == 0, err
    from fhirmig.diary import read_diary

    assert read_diary(back) == read_diary(DIARY)
