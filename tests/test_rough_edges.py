"""The edges a new user meets first: help with examples, one date format, counts in the
right number, a warning for an empty period, `make help`, completion, scripts' --help, and
an upload summary that says what was not sent."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import click
import httpx
import pytest
from click.testing import CliRunner

from fhirmig.cli import cli
from tests.conftest import EXAMPLES, ROOT

DIARY = EXAMPLES / "episodic-twitching.json"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _commands() -> list[list[str]]:
    ctx = click.Context(cli, info_name="fhirmig")
    found = []
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        found.append([name])
        if isinstance(command, click.Group):
            sub_ctx = click.Context(command, info_name=name, parent=ctx)
            found += [[name, sub] for sub in command.list_commands(sub_ctx)]
    return found


@pytest.mark.parametrize("args", _commands(), ids=" ".join)
def test_every_help_has_examples_and_one_date_format(args: list[str]) -> None:
    code, out, _ = run(*args, "--help")
    assert code == 0
    assert "Examples:" in out
    assert "%Y" not in out and "[%" not in out
    if "--from" in out:
        assert "--from YYYY-MM-DD" in out and "--to YYYY-MM-DD" in out


def test_the_top_level_help_is_true_for_a_wheel_install() -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert "examples/" not in out  # a wheel has no examples folder
    assert "fhirmig validate DIARY.json" in out and "Completion:" in out


def test_completion_completes_commands() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from fhirmig.cli import main; main()"],
        env={"_FHIRMIG_COMPLETE": "bash_complete", "COMP_WORDS": "fhirmig re", "COMP_CWORD": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert "plain,report" in proc.stdout.splitlines()


def test_a_period_without_diary_data_warns(tmp_path: Path) -> None:
    code, out, err = run("stats", str(DIARY), "--from", "2030-01-01", "--to", "2030-01-31")
    assert code == 0
    assert "warning: the period asked for holds no diary data" in err
    assert "(31 days)" in out
    code, _, err = run("stats", str(DIARY), "--from", "2030-01-01", "--to", "2030-01-01")
    assert code == 0 and "warning:" in err
    code, out, _ = run("stats", str(DIARY), "--from", "2030-01-01", "--to", "2030-01-01")
    assert "(1 day)" in out
    code, _, err = run("report", str(DIARY), "-o", str(tmp_path / "r.pdf"), "--from", "2030-01-01")
    assert code == 0 and "warning: the period asked for holds no diary data" in err
    code, _, err = run("stats", str(DIARY))
    assert "warning" not in err


def test_plain_make_prints_the_targets() -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    proc = subprocess.run(
        ["make", "--no-print-directory"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert proc.stdout.startswith("make TARGET, where TARGET is one of:")
    for target in ("help", "demo", "test", "examples", "clean"):
        assert f"\n  {target} " in proc.stdout


SCRIPTS = sorted([*(ROOT / "scripts").glob("*.py"), *(ROOT / "benchmarks").glob("*.py")])


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_script_answers_help_and_writes_nothing(tmp_path: Path, script: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(script), "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage:")
    assert list(tmp_path.iterdir()) == []


def test_an_upload_stopped_by_sign_in_says_not_sent() -> None:
    from fhirmig.diary import read_diary
    from fhirmig.fhir import diary_to_resources
    from fhirmig.upload import RetryPolicy, upload_resources
    from fhirmig.upload.auth import BearerAuth
    from fhirmig.upload.client import FhirClient
    from tests.upload.mockserver import MockFhir

    fhir = MockFhir()
    fhir.hooks.append(
        lambda request: httpx.Response(401, json={"resourceType": "OperationOutcome"})
    )
    resources = diary_to_resources(read_diary(DIARY), summaries=False)
    policy = RetryPolicy(attempts=1, sleep=lambda s: None, rng=random.Random(1))
    with FhirClient(fhir.base, BearerAuth("t"), retry=policy, transport=fhir.transport()) as c:
        summary = upload_resources(resources, fhir.base, client=c)
    assert summary.exit_code == 3
    head = summary.lines()[0]
    assert head == f"created 0, updated 0, failed 0, not sent {len(resources)}", head
    assert json.dumps(summary.to_json())  # the receipt still records every resource
