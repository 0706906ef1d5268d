"""A real cluster: a Dask scheduler and two workers (separate processes, each in its own
folder, sharing none with the client) reading diaries from and writing to an S3 server."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from batch_helpers import CONVERTER, mixed_folder, tree, write_diaries
from click.testing import CliRunner
from cluster_helpers import BIN, DaskCluster, S3Server, s3_tree, upload_folder

from fhirmig.batch import run_batch
from fhirmig.cli import cli

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
BASE = "s3://diaries/out"


@pytest.fixture
def cluster(tmp_path: Path, s3: Any, s3_server: S3Server) -> Iterator[DaskCluster]:
    env = dict(s3_server.env, BATCH_TEST_SLOW="0.1")  # read by the test converter only
    started = DaskCluster(tmp_path / "cluster", env, module=HERE / "batch_helpers.py")
    yield started
    started.stop()


def sha256s(files: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


def test_cluster_run_from_s3_to_s3_gives_the_local_bytes(
    tmp_path: Path, s3: Any, cluster: DaskCluster
) -> None:
    mixed_folder(tmp_path / "in")
    write_diaries(tmp_path / "in/more", 13, attacks=40)
    upload_folder(s3, tmp_path / "in", "diaries/in")
    client = tmp_path / "client"
    client.mkdir()
    cmd = [str(BIN / "fhirmig"), "batch", "s3://diaries/in/", "-o", "s3://diaries/out/"]
    cmd += ["--engine", "dask", "--scheduler", cluster.address, "--chunk-size", "3"]
    done = subprocess.run(cmd, cwd=client, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr  # the mixed folder holds five bad diaries
    assert "23 of 28 diaries converted" in done.stdout
    assert "ledger: s3://diaries/out/ledger.json" in done.stdout
    assert list(client.iterdir()) == []
    local = CliRunner().invoke(
        cli,
        ["batch", "s3://diaries/in/", "-o", "local", "--chunk-size", "3", "--base-url", BASE],
    )
    assert local.exit_code == 1, local.output
    expected = {k: v for k, v in tree(tmp_path / "local").items()}
    assert s3_tree(s3, "diaries/out") == expected
    # nothing of the batch reached the workers' own folders but Dask's scratch space
    for worker in ("worker-0", "worker-1"):
        names = {p.name for p in (tmp_path / "cluster" / worker).iterdir()}
        assert names <= {"worker.log", "scratch", "batch_helpers.py", "__pycache__"}


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(
    tmp_path: Path, s3: Any, cluster: DaskCluster
) -> None:
    write_diaries(tmp_path / "in", 40)
    upload_folder(s3, tmp_path / "in", "diaries/in")
    victim = cluster.workers[0]
    common: dict[str, Any] = {"converter": CONVERTER, "chunk_size": 2}
    journal = "diaries/out/.fhirmig-batch"

    done_at_kill: list[int] = []

    def kill_when_two_chunks_are_done() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            s3.invalidate_cache()
            done = len([p for p in s3.find(journal) if "/chunk-" in p])
            if done >= 2:
                os.kill(victim.pid, signal.SIGKILL)
                done_at_kill.append(done)
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_when_two_chunks_are_done)
    killer.start()
    try:
        summary = run_batch(
            ["s3://diaries/in/"],
            "s3://diaries/out",
            engine="dask",
            scheduler=cluster.address,
            **common,
        )
    finally:
        killer.join()
    assert victim.wait(timeout=10) == -signal.SIGKILL
    assert done_at_kill and done_at_kill[0] < 15  # killed with chunks still to do
    assert summary.converted == 40 and summary.skipped == 0
    chunks = len([p for p in s3.find(journal) if "/chunk-" in p])
    assert chunks == 20
    clean = run_batch(["s3://diaries/in/"], "clean", jobs=1, base_url="s3://diaries/out", **common)
    assert clean.converted == 40
    stored = s3_tree(s3, "diaries/out")
    assert sha256s(stored) == sha256s(tree(tmp_path / "clean"))
    assert not [name for name in stored if name.endswith(".tmp")]
