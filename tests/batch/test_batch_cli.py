"""``fhirmig batch`` on the command line: exit codes, messages, progress lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from batch_helpers import mixed_folder, resource_counts, tree, write_diaries
from click.testing import CliRunner

from fhirmig.cli import cli


def test_all_good_exits_0_and_says_what_it_wrote(tmp_path: Path) -> None:
    write_diaries(tmp_path / "in", 6)
    result = CliRunner().invoke(cli, ["batch", "in/*.json", "-o", "out", "-j", "2"])
    assert result.exit_code == 0, result.output
    counts = [resource_counts(p) for p in sorted((tmp_path / "in").iterdir())]
    total = sum(sum(c.values()) for c in counts)
    types = len(set().union(*counts))
    assert f"6 of 6 diaries converted, {total} resources in {types} files" in result.stdout
    assert f"batch: 6/6 diaries, {total} resources, 0 errors" in result.stderr
    assert json.loads((tmp_path / "out/ledger.json").read_text())["summary"]["failed"] == 0


def test_some_bad_exits_1_and_points_to_the_ledger(tmp_path: Path) -> None:
    mixed_folder(tmp_path / "in")
    result = CliRunner().invoke(cli, ["batch", "in", "-o", "out", "--chunk-size", "3"])
    assert result.exit_code == 1
    assert "5 diaries failed; their errors are in" in result.stderr
    assert "Traceback" not in result.output
    # a line per tenth of the batch when stderr is not a terminal
    progress = [line for line in result.stderr.splitlines() if line.startswith("batch: ")]
    assert 5 <= len(progress) <= 11
    assert progress[-1].startswith("batch: 15/15 diaries")
    assert "5 errors" in progress[-1]


def test_resume_and_format_options(tmp_path: Path) -> None:
    write_diaries(tmp_path / "in", 4)
    runner = CliRunner()
    first = runner.invoke(cli, ["batch", "in", "-o", "out", "--format", "bundles"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(cli, ["batch", "in", "-o", "out", "--format", "bundles", "--resume"])
    assert again.exit_code == 0
    assert "(4 unchanged, skipped)" in again.stderr
    assert sorted(tree(tmp_path / "out/bundles")) == [f"p-{i:04d}.json" for i in range(4)]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    write_diaries(tmp_path / "in", 1)
    runner = CliRunner()
    result = runner.invoke(cli, ["batch", "in", "-o", "out", "--scheduler", "tcp://x:1"])
    assert result.exit_code == 2
    assert "--scheduler goes with --engine dask" in result.stderr
    assert runner.invoke(cli, ["batch", "in"]).exit_code == 2
    assert runner.invoke(cli, ["batch", "in", "-o", "o", "--jobs", "0"]).exit_code == 2


def test_nothing_found_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["batch", "nowhere/*.json", "-o", "out"])
    assert result.exit_code == 1
    assert "nowhere/*.json: no diary found" in result.stderr
    assert not (tmp_path / "out").exists()


def test_dask_engine_with_its_own_local_cluster(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    write_diaries(tmp_path / "in", 5)
    runner = CliRunner()
    result = runner.invoke(cli, ["batch", "in", "-o", "dask", "--engine", "dask", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["batch", "in", "-o", "local", "-j", "1"]).exit_code == 0
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")


def test_no_summaries(tmp_path: Path) -> None:
    write_diaries(tmp_path / "in", 2)
    runner = CliRunner()
    assert runner.invoke(cli, ["batch", "in", "-o", "out", "--no-summaries"]).exit_code == 0
    ledger = json.loads((tmp_path / "out/ledger.json").read_text())
    first = ledger["inputs"][0]["resources"]
    assert first == resource_counts(tmp_path / "in/d0000.json", summaries=False)
    assert first != resource_counts(tmp_path / "in/d0000.json")
