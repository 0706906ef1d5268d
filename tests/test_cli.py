"""The command line: version, help, validate's exit codes, and no traceback for bad input."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from fhirmig import __version__
from fhirmig.cli import COMMANDS, cli
from tests.conftest import EXAMPLES, ROOT


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.strip() == f"fhirmig, version {__version__}"


def test_help_lists_commands_with_their_short_help() -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert re.search(r"validate +Check diaries and list every problem\.", out)
    assert "Exit codes:" in out


def test_validate_valid_files_exit_0() -> None:
    code, out, err = run(
        "validate", str(EXAMPLES / "episodic-twitching.json"), str(EXAMPLES / "spreadsheet.csv")
    )
    assert code == 0, err
    assert f"{EXAMPLES / 'episodic-twitching.json'}: OK (33 attacks, 184 days)" in out
    assert "spreadsheet.csv: OK" in out


def test_validate_prints_every_problem_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "format": "fhirmig-diary/1",
                "patient": {"id": "x"},
                "attacks": [{"id": "a", "start": "2026-01-01T10:00", "intensity": 12, "kind": "x"}],
            }
        )
    )
    code, out, err = run("validate", str(EXAMPLES / "chronic-overuse.json"), str(bad))
    assert code == 1
    assert f"{bad}: attacks[0].intensity: input should be less than or equal to 10 (got 12)" in err
    assert f"{bad}: attacks[0].kind:" in err
    assert "1 of 2 files invalid" in err
    assert "Traceback" not in out + err


@pytest.mark.parametrize("content", [b"\xff\xfe not utf8", b"{", b"", b"null"])
def test_broken_files_never_show_a_traceback(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    code, out, err = run("validate", str(path))
    assert code == 1 and err.startswith(f"{path}: ") and "Traceback" not in out + err


def test_validate_missing_file_and_usage_errors() -> None:
    code, _, err = run("validate", "missing.json")
    assert code == 1 and "missing.json: no such file" in err
    code, _, err = run("validate")
    assert code == 2 and "Missing argument" in err
    code, _, err = run("validate", "--bogus", "x.json")
    assert code == 2 and "No such option" in err


def test_csv_patient_options_override_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text("start,intensity\n2026-03-29T02:30,3\n")
    code, _, _ = run("validate", str(path))
    assert code == 0  # UTC: the time exists
    code, _, err = run("validate", str(path), "--timezone", "Europe/Berlin")
    assert (
        code == 1
        and "line 2, column start: '2026-03-29T02:30' does not exist in Europe/Berlin" in err
    )
    code, _, err = run("validate", str(path), "--timezone", "Mars/Base")
    assert code == 1 and "patient.timezone: unknown IANA time zone 'Mars/Base'" in err


def test_an_internal_error_is_one_line_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import fhirmig.commands.validate as module

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret patient detail")

    monkeypatch.setattr(module, "validate_inputs", boom)
    code, out, err = run("validate", str(EXAMPLES / "chronic-overuse.json"))
    assert code == 70
    assert "internal error (RuntimeError); this is a bug in fhirmig" in err
    assert "secret patient detail" not in out + err and "Traceback" not in err


def test_every_registered_command_names_an_existing_module_or_is_hidden() -> None:
    from fhirmig.cli import LazyGroup

    ctx = cli.make_context("fhirmig", [], resilient_parsing=True)
    assert isinstance(cli, LazyGroup)
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        assert command is not None and command.help, name
    assert set(cli.list_commands(ctx)) <= set(COMMANDS)


def test_help_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from fhirmig.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('fhir', 'reportlab', 'httpx', 'pydantic', 'dask', 'jinja2') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = _python(code)
    assert "HEAVY []" in result.stdout, result.stdout


def _python(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a new interpreter (a fresh process: nothing imported yet)."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )


def test_the_command_runs_full_garbage_collections_seldom() -> None:
    """The command (not the library) makes full collections rare; importing the library
    leaves the process's collector as Python set it."""
    probe = (
        "import gc, sys; plain = gc.get_threshold()\n"
        "import fhirmig.cli, fhirmig.fhir; imported = gc.get_threshold()\n"
        "try:\n    fhirmig.cli.main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(repr((plain, imported, gc.get_threshold())), file=sys.stderr)"
    )
    plain, imported, after = ast.literal_eval(_python(probe).stderr.strip())
    assert imported == plain
    assert after == (*plain[:2], 100)
