"""``fhirmig deidentify`` and the shared ``--deidentify`` options, through the command line."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from fhirmig.app import RunContext
from fhirmig.cli import cli
from fhirmig.diary import read_diary
from fhirmig.errors import PrivacyError, UsageError
from fhirmig.privacy import pseudonym


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_new_key_then_deidentify(examples: Path, tmp_path: Path) -> None:
    code, _, err = _run("deidentify", "--new-key", "study.key")
    assert code == 0, err
    assert "study.key" in err
    assert stat.S_IMODE(Path("study.key").stat().st_mode) == 0o600
    key_text = Path("study.key").read_text().strip()
    code, out, err = _run(
        "deidentify",
        str(examples / "chronic-overuse.json"),
        "-o",
        "r.json",
        "--key-file",
        "study.key",
    )
    assert code == 0, err
    assert key_text not in out + err
    assert stat.S_IMODE(Path("r.json").stat().st_mode) == 0o600
    data = json.loads(Path("r.json").read_text())
    assert data["deidentified"] is True
    assert data["patient"]["id"] == pseudonym("p-0002", bytes.fromhex(key_text))
    assert "name" not in data["patient"]
    assert len(data["attacks"]) == len(read_diary(examples / "chronic-overuse.json").attacks)
    assert "Παπαδοπούλου" not in Path("r.json").read_text()


def test_new_key_refuses_to_overwrite(key_file: Path) -> None:
    before = key_file.read_bytes()
    code, _, err = _run("deidentify", "--new-key", str(key_file))
    assert code == 1
    assert "never overwritten" in err
    assert key_file.read_bytes() == before


def test_csv_diary_with_patient_id(examples: Path, key_file: Path) -> None:
    code, _, err = _run(
        "deidentify",
        str(examples / "spreadsheet.csv"),
        "-o",
        "r.json",
        "--key-file",
        str(key_file),
        "--patient-id",
        "study-7",
    )
    assert code == 0, err
    data = json.loads(Path("r.json").read_text())
    assert data["patient"]["id"] == pseudonym("study-7", bytes.fromhex(key_file.read_text()))
    assert "Müller" not in Path("r.json").read_text()


def test_keep_notes(examples: Path, key_file: Path) -> None:
    args = ["deidentify", str(examples / "episodic-twitching.json"), "--key-file", str(key_file)]
    assert _run(*args, "-o", "plain.json")[0] == 0
    assert _run(*args, "-o", "notes.json", "--keep-notes")[0] == 0
    assert "Started in a meeting" not in Path("plain.json").read_text()
    assert "Started in a meeting" in Path("notes.json").read_text()
    assert "Silva" not in Path("notes.json").read_text()


@pytest.mark.parametrize("mode", [0o644, 0o640])
def test_a_key_others_can_read_is_refused(examples: Path, key_file: Path, mode: int) -> None:
    os.chmod(key_file, mode)
    code, _, err = _run(
        "deidentify",
        str(examples / "chronic-overuse.json"),
        "-o",
        "r.json",
        "--key-file",
        str(key_file),
    )
    assert code == 1
    assert "chmod 600" in err
    assert "Traceback" not in err
    assert not Path("r.json").exists()


def test_missing_key_writes_nothing(examples: Path) -> None:
    code, _, err = _run(
        "deidentify",
        str(examples / "chronic-overuse.json"),
        "-o",
        "r.json",
        "--key-file",
        "none.key",
    )
    assert code == 1
    assert "no such key file" in err
    assert not Path("r.json").exists()
    assert os.listdir(".") == []


def test_bad_diary_error_names_place_not_patient(key_file: Path) -> None:
    Path("bad.json").write_text(
        json.dumps(
            {
                "format": "fhirmig-diary/1",
                "patient": {"id": "p-9", "name": {"family": "Zebedee"}, "timezone": "UTC"},
                "attacks": [{"id": "a1", "start": "2026-01-01T10:00", "intensity": 11}],
            }
        )
    )
    code, _, err = _run("deidentify", "bad.json", "-o", "r.json", "--key-file", str(key_file))
    assert code == 1
    assert "attacks[0].intensity" in err
    assert "Zebedee" not in err
    assert not Path("r.json").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["deidentify"],
        ["deidentify", "d.json", "-o", "r.json"],
        ["deidentify", "d.json", "--key-file", "k"],
        ["deidentify", "--new-key", "k", "d.json"],
        ["deidentify", "--new-key", "k", "--keep-notes"],
        ["deidentify", "d.json", "-o", "r.csv", "--key-file", "k"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    code, _, err = _run(*args)
    assert code == 2
    assert "Traceback" not in err
    assert not Path("k").exists()


def test_the_run_context_deidentifies_for_other_commands(examples: Path, key_file: Path) -> None:
    diary = read_diary(examples / "episodic-twitching.json")
    assert RunContext.create().prepare(diary) is diary
    result = RunContext.create(deidentify=True, key_file=key_file).prepare(diary)
    assert result.deidentified is True
    assert result.patient.name is None
    with pytest.raises(UsageError, match="deidentify needs key_file"):
        RunContext.create(deidentify=True)
    with pytest.raises(UsageError, match="key_file and keep_notes go with deidentify"):
        RunContext.create(key_file=key_file)
    with pytest.raises(PrivacyError):
        RunContext.create(deidentify=True, key_file=Path("absent.key"))


def test_fhir_input_gives_the_same_result_as_the_diary(examples: Path, key_file: Path) -> None:
    from fhirmig.fhir import collection_bundle, diary_to_resources

    diary = read_diary(examples / "episodic-twitching.json")
    Path("b.json").write_text(json.dumps(collection_bundle(diary_to_resources(diary))))
    args = ["deidentify", "--key-file", str(key_file), "-o"]
    assert _run(*args, "from-fhir.json", "b.json")[0] == 0
    assert _run(*args, "from-diary.json", str(examples / "episodic-twitching.json"))[0] == 0
    assert Path("from-fhir.json").read_bytes() == Path("from-diary.json").read_bytes()


@pytest.mark.parametrize("command", ["convert", "report", "batch", "upload", "deidentify"])
def test_the_keyed_method_is_never_called_safe_harbor(command: str) -> None:
    text = " ".join(CliRunner().invoke(cli, [command, "--help"]).output.split())
    assert "limited data set" in text
    assert "HIPAA Safe Harbor:" not in text and "(HIPAA Safe Harbor)" not in text
    top = " ".join(CliRunner().invoke(cli, ["--help"]).output.split())
    assert "De-identify diaries for research: keyed, or a Safe Harbor export." in top
