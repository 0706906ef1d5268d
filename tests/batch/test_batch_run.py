"""run_batch end to end with a small converter: bad diaries, ledger, identical output, resume."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from batch_helpers import (
    CONVERTER,
    diary,
    mixed_folder,
    resource_counts,
    tree,
    write_diaries,
)

from fhirmig.batch import run_batch
from fhirmig.errors import BatchError, UsageError


def run(inputs: list[str], out: str, **kw: object):  # type: ignore[no-untyped-def]
    kw.setdefault("converter", CONVERTER)
    kw.setdefault("chunk_size", 4)
    return run_batch(inputs, out, **kw)  # type: ignore[arg-type]


def ledger(out: Path) -> dict[str, dict[str, object]]:
    data = json.loads((out / "ledger.json").read_text("utf-8"))
    return {e["input"]: e for e in data["inputs"]}


def test_good_diaries_converted_and_every_bad_one_reported(tmp_path: Path) -> None:
    mixed_folder(tmp_path / "in")
    summary = run(["in"], "out", jobs=2)
    assert (summary.inputs, summary.converted, summary.failed) == (15, 10, 5)
    assert summary.exit_code == 1
    entries = ledger(tmp_path / "out")
    assert entries["in/d0000.json"]["status"] == "done"
    for name in ("d0000.json", "d0001.json", "good.csv"):
        assert entries[f"in/{name}"]["resources"] == resource_counts(tmp_path / "in" / name)
    assert entries["in/d0001.json"]["resources"]["Patient"] == 1
    errors = {name: e.get("errors", []) for name, e in entries.items()}
    assert errors["in/bad-json.json"] == [
        "in/bad-json.json: line 1, column 42: invalid JSON: Expecting value"
    ]
    assert any("attacks[1].intensity" in line for line in errors["in/bad-value.json"])
    assert any("invalid JSON" in line for line in errors["in/empty.json"])
    assert any("not UTF-8: byte 0xfc" in line for line in errors["in/latin1.json"])
    assert any(line.startswith("in/rows.csv: line 3") for line in errors["in/rows.csv"])
    for name, entry in entries.items():
        assert len(str(entry["sha256"])) == 64, name
    # every good diary's resources are in the output, none of a bad one
    lines = [
        orjson.loads(line)
        for p in sorted((tmp_path / "out").glob("*.ndjson"))
        for line in p.read_bytes().splitlines()
    ]
    patients = sorted(r["identifier"][0]["value"] for r in lines if r["resourceType"] == "Patient")
    assert patients == sorted([f"p-{i:04d}" for i in range(9)] + ["good"])
    # the failures are OperationOutcomes, listed under "error" in the manifest
    manifest = json.loads((tmp_path / "out/manifest.json").read_text())
    assert manifest["error"] == [
        {"type": "OperationOutcome", "url": "OperationOutcome.errors.ndjson", "count": 5}
    ]
    outcomes = [
        orjson.loads(line)
        for line in (tmp_path / "out/OperationOutcome.errors.ndjson").read_bytes().splitlines()
    ]
    assert [o["issue"][0]["diagnostics"] for o in outcomes[:1]] == errors["in/bad-json.json"]
    assert sum(len(o["issue"]) for o in outcomes) == sum(len(e) for e in errors.values())
    summary_block = json.loads((tmp_path / "out/ledger.json").read_text())["summary"]
    assert summary_block["resourcesByType"]["Patient"] == 10
    assert summary_block["failed"] == 5


def test_manifest_lists_every_part_with_its_count(tmp_path: Path) -> None:
    write_diaries(tmp_path / "in", 10)
    run(["in"], "out", jobs=1, base_url="https://files.example.org/export/1")
    manifest = json.loads((tmp_path / "out/manifest.json").read_text())
    assert manifest["transactionTime"] == "2026-11-18T11:06:40Z"  # SOURCE_DATE_EPOCH
    assert manifest["requiresAccessToken"] is False
    assert manifest["error"] == []
    assert not (tmp_path / "out/OperationOutcome.errors.ndjson").exists()
    for item in manifest["output"]:
        name = item["url"].rsplit("/", 1)[1]
        assert item["url"] == f"https://files.example.org/export/1/{name}"
        lines = (tmp_path / "out" / name).read_bytes().splitlines()
        assert len(lines) == item["count"]
        assert {orjson.loads(line)["resourceType"] for line in lines} == {item["type"]}
    assert [i["type"] for i in manifest["output"]].count("Patient") == 3  # 10 diaries / 4


def test_parts_split_at_the_size_limit(tmp_path: Path) -> None:
    write_diaries(tmp_path / "in", 8, attacks=30)
    run(["in"], "out", jobs=1, chunk_size=8, max_part_bytes=4096)
    parts = sorted((tmp_path / "out").glob("Observation.*.ndjson"))
    assert len(parts) > 3
    for part in parts:  # within the limit, or a single resource larger than it
        assert part.stat().st_size <= 4096 or part.read_bytes().count(b"\n") == 1
    assert sum(p.stat().st_size <= 4096 for p in parts) > 3
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in parts)


def test_output_identical_whatever_the_jobs(tmp_path: Path) -> None:
    mixed_folder(tmp_path / "in")
    run(["in"], "one", jobs=1)
    run(["in"], "two", jobs=2)
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    run(["in"], "b1", jobs=1, format="bundles")
    run(["in"], "b2", jobs=2, format="bundles")
    assert tree(tmp_path / "b1") == tree(tmp_path / "b2")


def test_bundles_one_per_patient(tmp_path: Path) -> None:
    write_diaries(tmp_path / "in", 3)
    summary = run(["in"], "out", format="bundles")
    assert summary.manifest is None
    names = sorted(p.name for p in (tmp_path / "out/bundles").iterdir())
    assert names == ["p-0000.json", "p-0001.json", "p-0002.json"]
    bundle = json.loads((tmp_path / "out/bundles/p-0001.json").read_text())
    assert bundle["type"] == "transaction"
    assert len(bundle["entry"]) == sum(resource_counts(tmp_path / "in/d0001.json").values())
    assert ledger(tmp_path / "out")["in/d0001.json"]["output"] == "bundles/p-0001.json"


def test_unsafe_or_shared_patient_ids(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(diary("../../etc/passwd")), "utf-8")
    (folder / "b.json").write_text(json.dumps(diary("same")), "utf-8")
    (folder / "c.json").write_text(json.dumps(diary("same")), "utf-8")
    summary = run(["in"], "out", format="bundles")
    assert summary.failed == 2
    files = [p.name for p in (tmp_path / "out/bundles").iterdir()]
    assert len(files) == 1 and files[0].startswith("patient-")
    assert not (tmp_path / "etc").exists()
    entries = ledger(tmp_path / "out")
    assert "same patient id is in 1 other input" in str(entries["in/c.json"]["errors"])
    summary = run(["in"], "nd")
    assert summary.failed == 0
    assert "warnings" in ledger(tmp_path / "nd")["in/b.json"]


def test_resume_skips_unchanged_and_redoes_changed(tmp_path: Path) -> None:
    write_diaries(tmp_path / "in", 12)
    first = run(["in"], "out")
    assert first.skipped == 0
    again = run(["in"], "out", resume=True)
    assert again.skipped == 12
    # change one diary: only its chunk is converted again, output equals a fresh run
    (tmp_path / "in/d0005.json").write_text(json.dumps(diary("p-0005", 7)), "utf-8")
    changed = run(["in"], "out", resume=True)
    assert changed.skipped == 8
    run(["in"], "fresh")
    assert tree(tmp_path / "out") == tree(tmp_path / "fresh")
    # remove inputs: parts and journal entries of chunks that no longer exist are removed
    for p in sorted((tmp_path / "in").iterdir())[6:]:
        p.unlink()
    run(["in"], "out", resume=True)
    shutil.rmtree(tmp_path / "fresh")
    run(["in"], "fresh")
    assert tree(tmp_path / "out") == tree(tmp_path / "fresh")


def test_resume_redoes_a_chunk_whose_part_is_missing(tmp_path: Path) -> None:
    write_diaries(tmp_path / "in", 8)
    run(["in"], "out")
    before = tree(tmp_path / "out")
    (tmp_path / "out/Observation.000001-001.ndjson").unlink()
    (tmp_path / "out/.Patient.000001-001.ndjson.x1.tmp").write_bytes(b"half a line")
    again = run(["in"], "out", resume=True)
    assert again.skipped == 4
    assert tree(tmp_path / "out") == before


def test_a_converter_bug_fails_one_diary_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_diaries(tmp_path / "in", 5)
    monkeypatch.setenv("BATCH_TEST_CRASH_ON", "a4")  # only diaries with 5 attacks
    summary = run(["in"], "out", jobs=1)
    assert summary.failed == 1
    entry = ledger(tmp_path / "out")["in/d0002.json"]
    assert entry["errors"] == [
        "internal error (RuntimeError) while converting; this is a bug in fhirmig"
    ]


def test_usage_and_batch_errors(tmp_path: Path) -> None:
    write_diaries(tmp_path / "in", 1)
    with pytest.raises(UsageError):
        run(["in"], "out", format="xml")
    with pytest.raises(UsageError):
        run(["in"], "out", scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(UsageError):
        run(["in"], "out", jobs=0)
    with pytest.raises(BatchError, match="missing"):
        run(["in", "missing/*.json"], "out")
    assert not (tmp_path / "out").exists()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        with pytest.raises(BatchError, match="another batch is writing to this folder"):
            run(["in"], "out")
    finally:
        holder.kill()
        holder.communicate()
    assert run(["in"], "out").converted == 1


HOLD_LOCK = """
import sys, time
from pathlib import Path
from fhirmig.batch.ledger import batch_lock
with batch_lock(Path("out")):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_output_folder_inside_the_input_folder_is_not_read(tmp_path: Path) -> None:
    write_diaries(tmp_path / "in", 3)
    run(["in"], "in/out")
    again = run(["in"], "in/out", resume=True)
    assert again.inputs == 3
    assert again.skipped == 3


def test_same_bytes_as_converting_each_diary_alone(tmp_path: Path, examples: Path) -> None:
    from fhirmig.diary import read_diary
    from fhirmig.fhir import convert_diary

    # the diaries only: examples/imports holds other apps' sample exports
    shutil.copytree(examples, tmp_path / "in", ignore=shutil.ignore_patterns("imports"))
    summary = run_batch(["in"], "nd", jobs=2)
    assert (summary.converted, summary.failed) == (3, 0)
    run_batch(["in"], "bundles", format="bundles", jobs=2)
    names = sorted(p.name for p in (tmp_path / "bundles/bundles").iterdir())
    assert names == ["p-0001.json", "p-0002.json", "p-0003.json"]  # the CSV's id: its sidecar
    expected: dict[str, bytes] = {}
    for name in ("chronic-overuse.json", "episodic-twitching.json", "spreadsheet.csv"):
        diary = read_diary(tmp_path / "in" / name)
        convert_diary(diary, tmp_path / "alone.json", "transaction")
        bundle = tmp_path / "bundles/bundles" / f"{diary.patient.id}.json"
        assert bundle.read_bytes() == (tmp_path / "alone.json").read_bytes()
        convert_diary(diary, tmp_path / "alone", "ndjson")
        for part in (tmp_path / "alone").iterdir():
            expected[part.stem] = expected.get(part.stem, b"") + part.read_bytes()
        shutil.rmtree(tmp_path / "alone")
    batch: dict[str, bytes] = {}
    for part in sorted((tmp_path / "nd").glob("*.ndjson")):
        rtype = part.name.split(".")[0]
        batch[rtype] = batch.get(rtype, b"") + part.read_bytes()
    # input order (sorted names) is the order in which the diaries were concatenated above
    assert batch == expected


def test_resume_converts_again_after_an_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_diaries(tmp_path / "in", 5)
    run(["in"], "out")
    monkeypatch.setattr("fhirmig.batch.ledger.__version__", "999.0")
    assert run(["in"], "out", resume=True).skipped == 0
    assert run(["in"], "out", resume=True).skipped == 5
