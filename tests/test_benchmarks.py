"""Every benchmark script still runs, on sizes small enough for the test suite.

The figures themselves are measured by running the scripts at their default sizes (see
each script's docstring); here only that they run to the end and print their ratio.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CASES = [
    ("bench_apple_health.py", ["--size-mb", "1"], "peak"),
    (
        "bench_batch.py",
        "--diaries 4 --memory= --sample 2 --scale 20,40 --days 7 --s3 10".split(),
        "S3 / disk rate ratio",
    ),
    ("bench_cli_startup.py", ["--rounds", "2"], "ratio"),
    ("bench_convert.py", ["--attacks", "50", "--repeat", "1"], "ratio fhirmig convert / floor"),
    ("bench_deidentify.py", ["200"], "ratio to reading"),
    ("bench_migraine_buddy.py", ["--rows", "200", "--repeat", "1"], "ratio import/csv.reader"),
    ("bench_report.py", ["--attacks", "40", "--repeat", "1"], "ratio report/bare"),
    ("bench_stats.py", ["2000"], "scaling ratio"),
    ("bench_upload.py", ["--rounds", "1"], "re-upload"),
    ("bench_web.py", ["--attacks", "40", "--repeat", "3"], "ratio report preview / CLI report"),
]


@pytest.mark.parametrize(("script", "args", "expect"), CASES, ids=[c[0] for c in CASES])
def test_benchmark_runs(script: str, args: list[str], expect: str, tmp_path: Path) -> None:
    if script == "bench_upload.py":
        from tests.upload.conftest import _server_available

        _server_available()  # the FHIR test server: skip, or fail under make test
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert expect in done.stdout
    assert len(list(ROOT.joinpath("benchmarks").glob("bench_*.py"))) == len(CASES)
