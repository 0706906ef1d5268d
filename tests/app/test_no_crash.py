"""No exit 70 for anything a user can cause: each crash seen in use gets a clear message,
and every command is fed a closed pipe and a full disk as its standard output."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from fhirmig.cli import cli
from fhirmig.errors import AuthError, ImportSourceError, ReportError
from fhirmig.upload import RetryPolicy, upload_resources
from fhirmig.upload.auth import BearerAuth, read_token
from fhirmig.upload.client import FhirClient
from tests.conftest import EXAMPLES, ROOT
from tests.upload.mockserver import MockFhir

DATA = ROOT / "tests" / "importers" / "data"
DIARY = EXAMPLES / "chronic-overuse.json"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_an_unknown_xml_encoding_is_a_clear_import_error(tmp_path: Path) -> None:
    from fhirmig.importers import import_apple_health

    export = tmp_path / "export.xml"
    export.write_text('<?xml version="1.0" encoding="x-klingon"?>\n<HealthData/>\n')
    with pytest.raises(ImportSourceError, match="declares an encoding that cannot be read"):
        import_apple_health(export, patient_id="p")
    code, _, err = run("import", "apple-health", str(export), "-o", "d.json", "--patient-id", "p")
    assert code == 1 and "save it as UTF-8" in err and "internal error" not in err


def test_a_recursive_template_is_a_report_error(tmp_path: Path) -> None:
    from fhirmig.diary import read_diary
    from fhirmig.report import render_report

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "methods.md.j2").write_text('{% include "methods.md.j2" %}\n')
    with pytest.raises(ReportError, match="recursive template"):
        render_report(read_diary(DIARY), tmp_path / "r.pdf", templates=folder)
    code, _, err = run("report", str(DIARY), "-o", "r.pdf", "--templates", str(folder))
    assert code == 1 and "recursive template" in err
    assert not Path("r.pdf").exists()


@pytest.mark.parametrize("token", ["tökén", "abc\x07def", "two words"])
def test_a_token_an_http_header_cannot_carry_is_refused(token: str) -> None:
    with pytest.raises(AuthError, match="FHIRMIG_TOKEN: the token holds") as info:
        read_token(environ={"FHIRMIG_TOKEN": token})
    assert token not in str(info.value)


def test_a_non_ascii_token_from_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FHIRMIG_TOKEN", "tökén")
    code, _, err = run(
        "upload", str(DIARY), "--server", "https://ehr.example/fhir", "--auth", "bearer"
    )
    assert code == 3 and "not ASCII" in err and "tökén" not in err


def _resources() -> list[dict[str, Any]]:
    from fhirmig.diary import read_diary
    from fhirmig.fhir import diary_to_resources

    return diary_to_resources(read_diary(DIARY), summaries=False)[:3]


@pytest.mark.parametrize("entries", [[1, 2, 3], ["a", "b", "c"], "entries", [{}, None, {}]])
def test_a_server_answer_whose_entries_are_not_objects(entries: Any) -> None:
    fhir = MockFhir()
    fhir.hooks.append(
        lambda request: (
            httpx.Response(
                200,
                json={"resourceType": "Bundle", "type": "transaction-response", "entry": entries},
            )
            if request.method == "POST"
            else None
        )
    )
    policy = RetryPolicy(attempts=1, sleep=lambda s: None, rng=random.Random(1))
    with FhirClient(fhir.base, BearerAuth("t"), retry=policy, transport=fhir.transport()) as c:
        summary = upload_resources(_resources(), fhir.base, client=c)
    assert summary.exit_code == 1
    assert {r.outcome for r in summary.results} <= {"failed", "skipped"}
    assert any(r.status == "unclear answer" for r in summary.results)


def _key(folder: Path) -> Path:
    key = folder / "k.key"
    if not key.exists():
        assert run("deidentify", "--new-key", str(key))[0] == 0
    return key


COMMAND_NAMES = [
    "validate", "convert", "convert-file", "stats", "stats-json", "report", "deidentify",
    "batch", "import", "upload", "help",
]  # fmt: skip


def _every_command(tmp: Path) -> dict[str, list[str]]:
    """One invocation per command that prints to standard output."""
    csv = tmp / "watch.csv"
    shutil.copy(DATA / "daily_wearable.csv", csv)
    return {
        "validate": ["validate", str(DIARY)],
        "convert": ["convert", str(DIARY), "-o", "-"],
        "convert-file": ["convert", str(DIARY), "-o", str(tmp / "b.json")],
        "stats": ["stats", str(DIARY)],
        "stats-json": ["stats", str(DIARY), "--json"],
        "report": ["report", str(DIARY), "-o", "-"],
        "deidentify": ["deidentify", str(DIARY), "-o", "-", "--key-file", str(_key(tmp))],
        "batch": ["batch", str(DIARY), "-o", str(tmp / "out"), "-j", "1"],
        "import": [
            "import",
            "daily-csv",
            str(csv),
            "-o",
            str(tmp / "days.json"),
            "--patient-id",
            "p",
        ],
        "upload": ["upload", str(DIARY), "--server", "https://ehr.example/fhir", "--dry-run"],
        "help": ["--help"],
    }


def _fhirmig(args: list[str], stdout: Any) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000"}
    env.pop("FHIRMIG_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "fhirmig", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("name", COMMAND_NAMES)
def test_every_command_on_a_closed_pipe(tmp_path: Path, name: str) -> None:
    args = _every_command(tmp_path)[name]
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written (| head -0)
    try:
        proc = _fhirmig(args, write_end)
    finally:
        os.close(write_end)
    err = proc.stderr.decode()
    # 141 as for SIGPIPE; click's own help ends with 1, also without a word
    assert proc.returncode in ((0, 1) if name == "help" else (0, 141)), err
    assert "Traceback" not in err and "internal error" not in err and "Exception" not in err


@pytest.mark.parametrize("name", COMMAND_NAMES)
def test_every_command_on_a_full_disk(tmp_path: Path, name: str) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    args = _every_command(tmp_path)[name]
    with open("/dev/full", "wb") as full:
        proc = _fhirmig(args, full)
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert err.strip().splitlines()[-1] == "standard output: cannot write (No space left on device)"
    assert "Traceback" not in err
