"""Output in object storage: an S3 server (moto, a separate process) as ``--outdir``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from batch_helpers import CONVERTER, mixed_folder, tree, write_diaries
from click.testing import CliRunner
from cluster_helpers import s3_tree, upload_folder

from fhirmig.batch import objectstore, run_batch
from fhirmig.batch.store import open_store
from fhirmig.cli import cli
from fhirmig.errors import BatchError, UsageError

HERE = Path(__file__).resolve().parent
STATE = ".fhirmig-batch/"


def without_state(files: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in files.items() if not k.startswith(STATE)}


def test_outdir_url_writes_into_the_store_not_a_local_folder(tmp_path: Path, s3: Any) -> None:
    mixed_folder(tmp_path / "in")
    runner = CliRunner()
    result = runner.invoke(cli, ["batch", "in", "-o", "s3://diaries/out", "--chunk-size", "4"])
    assert result.exit_code == 1, result.output  # the mixed folder has bad diaries
    assert "ledger: s3://diaries/out/ledger.json" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]  # no folder named s3:
    stored = s3_tree(s3, "diaries/out")
    local = runner.invoke(
        cli,
        ["batch", "in", "-o", "local", "--chunk-size", "4", "--base-url", "s3://diaries/out"],
    )
    assert local.exit_code == 1
    expected = tree(tmp_path / "local")
    # the same bytes: parts, ledger, errors, manifest and journal; nothing else
    assert stored == {k: v for k, v in expected.items() if k != f"{STATE}lock"}
    manifest = json.loads(stored["manifest.json"])
    urls = [o["url"] for o in manifest["output"]]
    assert urls and all(u.startswith("s3://diaries/out/") for u in urls)
    assert {u.removeprefix("s3://diaries/out/") for u in urls} <= set(stored)
    assert manifest["error"][0]["url"] == "s3://diaries/out/OperationOutcome.errors.ndjson"


def test_base_url_given_wins_and_bundles_go_to_the_store(tmp_path: Path, s3: Any) -> None:
    write_diaries(tmp_path / "in", 5)
    summary = run_batch(
        ["in"],
        "s3://diaries/out/",
        converter=CONVERTER,
        chunk_size=2,
        base_url="https://x.example/e",
    )
    assert summary.ledger == "s3://diaries/out/ledger.json"
    assert summary.manifest == "s3://diaries/out/manifest.json"
    manifest = json.loads(s3.cat_file("diaries/out/manifest.json"))
    assert all(o["url"].startswith("https://x.example/e/") for o in manifest["output"])
    run_batch(["in"], "s3://diaries/b", format="bundles", converter=CONVERTER, chunk_size=2)
    run_batch(["in"], "local", format="bundles", converter=CONVERTER, chunk_size=2)
    assert without_state(s3_tree(s3, "diaries/b")) == without_state(tree(tmp_path / "local"))


def test_inputs_and_output_in_one_bucket_and_resume_from_the_store(tmp_path: Path, s3: Any) -> None:
    write_diaries(tmp_path / "in", 7)
    upload_folder(s3, tmp_path / "in", "diaries/in")
    first = run_batch(["s3://diaries/"], "s3://diaries/out", converter=CONVERTER, chunk_size=3)
    assert (first.inputs, first.converted) == (7, 7)  # the output prefix is not an input
    s3.rm_file(
        "diaries/out/"
        + json.loads(s3.cat_file("diaries/out/manifest.json"))["output"][0]["url"].rsplit("/", 1)[1]
    )
    s3.pipe_file("diaries/in/d0006.json", (tmp_path / "in/d0000.json").read_bytes())
    again = run_batch(
        ["s3://diaries/"], "s3://diaries/out", converter=CONVERTER, chunk_size=3, resume=True
    )
    # chunk 0 lost a part, chunk 2 (d0006) changed: only chunk 1 is skipped
    assert again.skipped == 3
    s3.pipe_file("diaries/in/d0006.json", (tmp_path / "in/d0006.json").read_bytes())
    run_batch(
        ["s3://diaries/in/"],
        "local",
        converter=CONVERTER,
        chunk_size=3,
        base_url="s3://diaries/out",
    )
    final = run_batch(
        ["s3://diaries/in/"], "s3://diaries/out", converter=CONVERTER, chunk_size=3, resume=True
    )
    assert final.skipped == 6
    assert s3_tree(s3, "diaries/out") == {
        k: v for k, v in tree(tmp_path / "local").items() if not k.startswith(STATE + "lock")
    }


def test_a_live_lease_keeps_a_second_batch_off(tmp_path: Path, s3: Any) -> None:
    write_diaries(tmp_path / "in", 2)
    lease = json.dumps({"token": "other", "renewed": time.time() - 5, "pid": 1})
    s3.pipe_file("diaries/out/.fhirmig-batch/lock.json", lease.encode())
    with pytest.raises(BatchError, match="another batch is writing to this store"):
        run_batch(["in"], "s3://diaries/out", converter=CONVERTER)
    assert not s3.exists("diaries/out/ledger.json")
    old = json.dumps({"token": "dead", "renewed": time.time() - 3600, "pid": 1})
    s3.pipe_file("diaries/out/.fhirmig-batch/lock.json", old.encode())
    assert run_batch(["in"], "s3://diaries/out", converter=CONVERTER).converted == 2
    s3.invalidate_cache()
    assert not s3.exists("diaries/out/.fhirmig-batch/lock.json")  # released at the end


def test_unfinished_uploads_are_invisible_and_cleaned_up(tmp_path: Path, s3: Any) -> None:
    store = open_store("s3://diaries/out")
    part = store.part("Patient.000000-001.ndjson")
    part.write(b'{"resourceType":"Patient"}\n')
    part.discard()
    s3.pipe_file("diaries/out/.Observation.000000-001.ndjson.1a2b3c.tmp", b"half a part")
    s3.invalidate_cache()
    assert s3.find("diaries/out") == ["diaries/out/.Observation.000000-001.ndjson.1a2b3c.tmp"]
    write_diaries(tmp_path / "in", 2)
    run_batch(["in"], "s3://diaries/out", converter=CONVERTER)
    assert not [k for k in s3_tree(s3, "diaries/out") if k.endswith(".tmp")]


def test_mangled_or_unknown_urls_never_become_folders(tmp_path: Path) -> None:
    write_diaries(tmp_path / "in", 1)
    runner = CliRunner()
    mangled = runner.invoke(cli, ["batch", "in", "-o", "s3:/bucket/out"])
    assert mangled.exit_code == 2
    assert "looks like a mangled URL" in mangled.stderr
    unknown = runner.invoke(cli, ["batch", "in", "-o", "nosuchfs://bucket/out"])
    assert unknown.exit_code == 1
    assert "nosuchfs://bucket/out" in unknown.stderr and "Traceback" not in unknown.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
    with pytest.raises(UsageError):
        run_batch(["in"], Path("s3://bucket/out"))  # a URL that became a path
    assert runner.invoke(cli, ["batch", "in", "-o", "./s3:/x"]).exit_code == 0  # on purpose
    assert (tmp_path / "s3:/x/ledger.json").is_file()


def test_file_urls_are_local_folders(tmp_path: Path) -> None:
    write_diaries(tmp_path / "in", 3)
    summary = run_batch(["in"], f"file://{tmp_path}/out", converter=CONVERTER)
    assert summary.ledger == tmp_path / "out/ledger.json"
    manifest = json.loads((tmp_path / "out/manifest.json").read_text())
    assert manifest["output"][0]["url"].startswith(f"file://{tmp_path}/out/")
    assert oct((tmp_path / "out/ledger.json").stat().st_mode & 0o777) == "0o600"


SCRIPT = f"""
import sys
sys.path.insert(0, {str(HERE)!r})
from fhirmig.batch import run_batch
run_batch(["s3://diaries/in/"], "s3://diaries/out", jobs=2, chunk_size=2, converter={CONVERTER!r})
"""


def journal(fs: Any) -> list[str]:
    fs.invalidate_cache()
    return [p for p in fs.find("diaries/out/.fhirmig-batch") if "/chunk-" in p]


def test_a_second_client_resumes_from_the_store_alone(
    tmp_path: Path, s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_diaries(tmp_path / "in", 16)
    upload_folder(s3, tmp_path / "in", "diaries/in")
    first = tmp_path / "client-a"
    first.mkdir()
    env = dict(os.environ, BATCH_TEST_SLOW="0.1")
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT], cwd=first, env=env, start_new_session=True
    )
    deadline = time.monotonic() + 120
    try:
        while len(journal(s3)) < 2:
            assert proc.poll() is None, "the batch ended before it could be killed"
            assert time.monotonic() < deadline, "the batch made no progress"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert not s3.exists("diaries/out/ledger.json")
    assert list(first.iterdir()) == []  # client A kept nothing of the batch locally
    second = tmp_path / "client-b"
    second.mkdir()
    monkeypatch.chdir(second)
    with pytest.raises(BatchError, match="another batch is writing"):
        run_batch(["s3://diaries/in/"], "s3://diaries/out", resume=True, converter=CONVERTER)
    monkeypatch.setattr(objectstore, "LEASE_SECONDS", 0.0)  # as if A's lease had run out
    resumed = run_batch(
        ["s3://diaries/in/"], "s3://diaries/out", chunk_size=2, resume=True, converter=CONVERTER
    )
    assert resumed.skipped >= 4 and resumed.converted == 16
    monkeypatch.chdir(tmp_path)
    run_batch(
        ["s3://diaries/in/"],
        "clean",
        jobs=1,
        chunk_size=2,
        converter=CONVERTER,
        base_url="s3://diaries/out",
    )
    expected = {k: v for k, v in tree(tmp_path / "clean").items()}
    assert s3_tree(s3, "diaries/out") == expected
