"""What keeps the client flat at scale: the input list on disk, compact indexes, a streamed
manifest, all giving exactly the order and bytes of the in-memory versions."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import orjson
import pytest
from batch_helpers import CONVERTER, diary, tree, write_diaries

from fhirmig.batch import expand_inputs, inputlist, run_batch
from fhirmig.batch.index import KeyCounter, PartIndex
from fhirmig.batch.inputlist import spool_inputs
from fhirmig.batch.ndjson import OutputFile, bulk_manifest, part_name, write_bulk_manifest


def awkward_tree(root: Path) -> list[str]:
    """Names whose walk order differs from their sorted order, links and repeats."""
    for folder in ("a", "a-b", "a.b", "a/z", "b"):
        write_diaries(root / folder, 4)
    (root / "a/zz.json").write_text(json.dumps(diary("zz")))
    (root / "link.json").symlink_to(root / "b/d0000.json")
    (root / "a/.hidden").mkdir()
    (root / "a/.hidden/h.json").write_text("{}")
    return ["a", "b/d0001.json", "a-b", "a.b", "b", "a/z/../zz.json", "link.json", "a"]


@pytest.mark.parametrize(("run_size", "fan_in"), [(3, 2), (7, 128), (100_000, 128)])
def test_spooled_inputs_match_the_in_memory_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_size: int, fan_in: int
) -> None:
    patterns = awkward_tree(tmp_path / "in")
    monkeypatch.chdir(tmp_path / "in")
    monkeypatch.setattr(inputlist, "RUN_SIZE", run_size)
    monkeypatch.setattr(inputlist, "FAN_IN", fan_in)
    (tmp_path / "spool").mkdir()
    spooled = spool_inputs(patterns, None, tmp_path / "spool")
    expected = expand_inputs(patterns)
    assert len(spooled) == len(expected) == 22
    assert list(spooled) == expected
    assert [len(c) for c in spooled.chunks(5)] == [5, 5, 5, 5, 2]
    assert [i for c in spooled.chunks(5) for i in c] == expected
    names = [i.name for i in expected]
    assert names.index("a-b/d0000.json") < names.index("a/d0000.json")  # sorted, not walked
    # one file named twice (a, then a/z/../zz.json): taken once, as the first pattern names it
    assert [n for n in names if n.endswith("zz.json")] == ["a/zz.json"]
    on_disk = sorted(p.name for p in (tmp_path / "spool").iterdir())
    assert on_disk == ([] if run_size > 22 else ["inputs.jsonl"])  # runs removed


def test_external_sort_gives_the_bytes_of_a_small_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_diaries(tmp_path / "in", 13)
    run_batch(["in"], "memory", converter=CONVERTER, chunk_size=4)
    monkeypatch.setattr(inputlist, "RUN_SIZE", 2)
    run_batch(["in"], "disk", converter=CONVERTER, chunk_size=4, jobs=2)
    assert tree(tmp_path / "disk") == tree(tmp_path / "memory")


def test_key_counter_counts_like_a_counter() -> None:
    rng = random.Random(7)
    keys = [f"{rng.randrange(3000):016x}" for _ in range(5000)]
    counter = KeyCounter()
    for key in keys:
        counter.add(key)
    for key in set(keys) | {"absent", "0" * 16}:
        assert counter.count(key) == keys.count(key)
    assert "absent" not in counter and keys[0] in counter
    assert len(counter.repeated) == sum(1 for k in set(keys) if keys.count(k) > 1)


def test_part_index_lists_parts_in_manifest_order() -> None:
    index = PartIndex()
    files = []
    for chunk in (0, 1, 2, 10):
        these = [OutputFile("Patient", part_name("Patient", chunk, 1), 2)]
        these += [OutputFile("Observation", part_name("Observation", chunk, p), p) for p in (1, 2)]
        these.sort(key=lambda f: (f.type, f.name))
        files += these
        index.add(chunk, tuple(these))
    assert list(index) == sorted(files, key=lambda f: (f.type, f.name))
    assert len(index) == 12
    assert "Observation.000002-002.ndjson" in index
    assert "Observation.000002-003.ndjson" not in index
    assert "Observation.000003-001.ndjson" not in index and "Device.000000-001.ndjson" not in index


@pytest.mark.parametrize("base_url", [None, "s3://bucket/export/"])
def test_streamed_manifest_is_byte_for_byte_orjson(base_url: str | None) -> None:
    files = [OutputFile("Observation", part_name("Observation", c, 1), c + 1) for c in range(5)]
    errors = [OutputFile("OperationOutcome", "OperationOutcome.errors.ndjson", 2)]
    for listed, failed in ((files, errors), (files, []), ([], errors), ([], [])):
        body = bulk_manifest(listed, when="2026-11-18T11:06:40Z", base_url=base_url, errors=failed)
        expected = orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n"
        out = io.BytesIO()
        write_bulk_manifest(
            out, iter(listed), when="2026-11-18T11:06:40Z", base_url=base_url, errors=failed
        )
        assert out.getvalue() == expected
