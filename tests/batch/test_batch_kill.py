"""A batch killed with SIGKILL half-way, then resumed, gives the uninterrupted output."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
from batch_helpers import CONVERTER, tree, write_diaries

from fhirmig.batch import run_batch

HERE = Path(__file__).resolve().parent

SCRIPT = f"""
import sys
sys.path.insert(0, {str(HERE)!r})
from fhirmig.batch import run_batch
run_batch(["in"], "killed", jobs=2, chunk_size=3, resume=True,
          converter={CONVERTER!r})
"""


def test_sigkill_then_resume_equals_uninterrupted_run(tmp_path: Path) -> None:
    write_diaries(tmp_path / "in", 30)
    env = dict(os.environ, BATCH_TEST_SLOW="0.05")
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT], env=env, start_new_session=True)
    journal = tmp_path / "killed/.fhirmig-batch"
    deadline = time.monotonic() + 60
    try:
        while len(list(journal.glob("chunk-*.json"))) < 3:
            assert proc.poll() is None, "the batch ended before it could be killed"
            assert time.monotonic() < deadline, "the batch made no progress"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    killed = tmp_path / "killed"
    assert not (killed / "ledger.json").exists()
    done = len(list(journal.glob("chunk-*.json")))
    assert 3 <= done < 10
    # what the kill left is whole: every visible part is complete NDJSON
    for part in killed.glob("*.ndjson"):
        data = part.read_bytes()
        assert data.endswith(b"\n")
        for line in data.splitlines():
            orjson.loads(line)

    resumed = run_batch(["in"], "killed", jobs=2, chunk_size=3, resume=True, converter=CONVERTER)
    assert resumed.skipped >= 3 * 3
    assert resumed.converted == 30
    run_batch(["in"], "clean", jobs=1, chunk_size=3, converter=CONVERTER)
    assert tree(killed) == tree(tmp_path / "clean")
    assert not list(killed.rglob("*.tmp"))


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_end_with_a_killed_batch(tmp_path: Path) -> None:
    if not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists():
        import pytest

        pytest.skip("needs Linux /proc")
    write_diaries(tmp_path / "in", 30)
    env = dict(os.environ, BATCH_TEST_SLOW="0.05")
    script = SCRIPT.replace('"killed"', '"out"')
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not list((tmp_path / "out/.fhirmig-batch").glob("chunk-*.json")):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        children_file = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
        workers = [int(p) for p in children_file.read_text().split()]
        assert len(workers) >= 2
        os.kill(proc.pid, signal.SIGKILL)  # the batch process only, not its group
        proc.wait()
        deadline = time.monotonic() + 20
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(w) for w in workers)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
