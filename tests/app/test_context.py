"""The run context: one reading of SOURCE_DATE_EPOCH, de-identification decided once, and
errors that speak the library's parameter names (the command line words them as flags)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from fhirmig.app import RunContext
from fhirmig.batch import run_batch
from fhirmig.cli import cli
from fhirmig.clock import now, source_date_epoch
from fhirmig.diary import read_diary
from fhirmig.errors import UsageError
from fhirmig.privacy import date_shift_days
from fhirmig.report import render_report
from tests.conftest import EXAMPLES, ROOT


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_source_date_epoch_is_parsed_in_one_place() -> None:
    assert source_date_epoch({"SOURCE_DATE_EPOCH": "1795000000"}) == datetime(
        2026, 11, 18, 11, 6, 40, tzinfo=UTC
    )
    assert source_date_epoch({"SOURCE_DATE_EPOCH": " "}) is None
    assert source_date_epoch({}) is None
    assert now({"SOURCE_DATE_EPOCH": "0"}) == datetime(1970, 1, 1, tzinfo=UTC)
    for bad in ("abc", "-5", "1e9", "99999999999999999999"):
        with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH="):
            source_date_epoch({"SOURCE_DATE_EPOCH": bad})


@pytest.mark.parametrize(
    "args",
    [
        ["batch", str(EXAMPLES / "chronic-overuse.json"), "-o", "out", "-j", "1"],
        ["report", str(EXAMPLES / "chronic-overuse.json"), "-o", "r.pdf"],
        ["convert", str(EXAMPLES / "chronic-overuse.json"), "-o", "b.json"],
        ["upload", str(EXAMPLES / "chronic-overuse.json"), "--server", "http://x/", "--dry-run"],
    ],
    ids=lambda a: a[0],
)
def test_a_bad_source_date_epoch_is_a_usage_error_everywhere(
    monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")
    code, _, err = run(*args)
    assert code == 2, err
    assert err.strip() == "SOURCE_DATE_EPOCH='abc': not a Unix time in whole seconds"
    assert not Path("out").exists() and not Path("r.pdf").exists()


def test_the_context_day_comes_from_source_date_epoch() -> None:
    ctx = RunContext.create(environ={"SOURCE_DATE_EPOCH": "1795000000"})
    assert ctx.reproducible and ctx.today == date(2026, 11, 18)
    assert not RunContext.create(environ={}).reproducible


def test_the_period_moves_with_the_deidentified_diary(tmp_path: Path) -> None:
    key = tmp_path / "k.key"
    assert run("deidentify", "--new-key", str(key))[0] == 0
    ctx = RunContext.create(deidentify=True, key_file=key)
    diary = read_diary(EXAMPLES / "episodic-twitching.json")
    assert ctx.deidentification is not None
    shift = timedelta(days=date_shift_days(diary.patient.id, ctx.deidentification.key))
    first, last = ctx.period(diary, date(2026, 3, 1), None)
    assert first == date(2026, 3, 1) + shift and last is None
    assert shift.days % 7 == 0 and shift.days != 0
    assert RunContext.create().period(diary, date(2026, 3, 1), None) == (date(2026, 3, 1), None)


def test_library_errors_name_parameters_and_the_cli_names_flags(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as info:
        run_batch([str(EXAMPLES / "chronic-overuse.json")], tmp_path / "o", format="x")
    assert str(info.value) == "format must be one of ndjson, bundles, not 'x'"
    with pytest.raises(UsageError, match=r"^jobs must be 1 or more$"):
        run_batch([str(EXAMPLES / "chronic-overuse.json")], tmp_path / "o", jobs=0)
    with pytest.raises(UsageError, match=r"^scheduler goes with engine dask$"):
        run_batch([str(EXAMPLES / "chronic-overuse.json")], tmp_path / "o", scheduler="tcp://x")
    diary = read_diary(EXAMPLES / "chronic-overuse.json")
    with pytest.raises(UsageError, match=r"^end 2026-02-01 is before start 2026-03-01$"):
        render_report(diary, tmp_path / "r.pdf", start=date(2026, 3, 1), end=date(2026, 2, 1))
    code, _, err = run(
        "report", str(EXAMPLES / "chronic-overuse.json"), "-o", "r.pdf",
        "--from", "2026-03-01", "--to", "2026-02-01",
    )  # fmt: skip
    assert code == 2 and err.strip() == "--to 2026-02-01 is before --from 2026-03-01"
    code, _, err = run("batch", str(EXAMPLES), "-o", "o", "--scheduler", "tcp://x")
    assert code == 2 and err.strip() == "--scheduler goes with --engine dask"
    code, _, err = run(
        "report", str(EXAMPLES / "chronic-overuse.json"), "-o", "r.pdf", "--keep-notes"
    )
    assert code == 2 and err.strip() == "--key-file and --keep-notes go with --deidentify"


def test_no_library_message_names_a_command_line_flag() -> None:
    """Messages in the stages speak of parameters; flags belong to the command line."""
    import re

    flag = re.compile(r"""["'][^"'\n]*(?<![\w-])--[a-z][a-z-]+[^"'\n]*["']""")
    allowed_files = {"privacy/keys.py"}  # a hint naming the command that makes a key
    found = []
    for path in sorted((ROOT / "fhirmig").rglob("*.py")):
        rel = path.relative_to(ROOT / "fhirmig").as_posix()
        if rel.startswith(("commands/", "app/")) or rel == "cli.py" or rel in allowed_files:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith("#") or "``" in line:
                continue
            if flag.search(line):
                found.append(f"{rel}:{n}: {stripped}")
    assert not found, "\n".join(found)


def test_source_date_epoch_is_read_in_one_place() -> None:
    """Only fhirmig/clock.py names the variable in code (docstrings may mention it)."""
    import ast

    found = []
    for path in sorted((ROOT / "fhirmig").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        found += [
            f"{path.relative_to(ROOT)}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and "SOURCE_DATE_EPOCH" in node.value
            and id(node) not in docs
        ]
    assert found and all(f.startswith("fhirmig/clock.py:") for f in found), found
