"""Expanding batch inputs: folders, globs, URLs, sorting, links and the output folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from batch_helpers import CONVERTER, diary, write_diaries

from fhirmig.batch import expand_inputs, run_batch
from fhirmig.batch.inputs import BatchInput, is_url, read_input_bytes
from fhirmig.errors import BatchError, InputError


def names(items: list[BatchInput]) -> list[str]:
    return [i.name for i in items]


def test_folders_and_globs_sorted_once_each(tmp_path: Path) -> None:
    write_diaries(tmp_path / "b", 2)
    write_diaries(tmp_path / "a/deep", 1)
    (tmp_path / "a/notes.txt").write_text("not a diary")
    (tmp_path / "a/.hidden.json").write_text("{}")
    items = expand_inputs(["b", "a", "b/d0001.json", "b/*.json"])
    assert names(items) == ["a/deep/d0000.json", "b/d0000.json", "b/d0001.json"]
    assert all(Path(i.location).is_absolute() for i in items)
    assert names(expand_inputs(["**/d0000.json"])) == ["a/deep/d0000.json", "b/d0000.json"]


def test_csv_sidecar_is_not_a_diary(tmp_path: Path, examples: Path) -> None:
    for name in ("spreadsheet.csv", "spreadsheet.patient.json"):
        (tmp_path / name).write_bytes((examples / name).read_bytes())
    (tmp_path / "alone.patient.json").write_text(json.dumps(diary("x")))
    assert names(expand_inputs(["."])) == ["alone.patient.json", "spreadsheet.csv"]
    shell_expanded = ["alone.patient.json", "spreadsheet.csv", "spreadsheet.patient.json"]
    assert names(expand_inputs(shell_expanded)) == ["alone.patient.json", "spreadsheet.csv"]


def test_nothing_found_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for pattern in ("missing.json", "empty", "*.json"):
        with pytest.raises(BatchError, match="no diary found"):
            expand_inputs([pattern])


def test_symbolic_links_are_refused_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "elsewhere"
    write_diaries(secret, 1)
    folder = tmp_path / "in"
    write_diaries(folder, 1)
    (folder / "link.json").symlink_to(secret / "d0000.json")
    (folder / "linked-dir").symlink_to(secret, target_is_directory=True)
    items = {i.name: i for i in expand_inputs(["in", "in/link.json"])}
    assert sorted(items) == ["in/d0000.json", "in/link.json", "in/linked-dir"]
    assert items["in/link.json"].refused == "is a symbolic link; refused"
    assert items["in/linked-dir"].refused == "is a symbolic link; refused"
    summary = run_batch(["in"], "out", converter=CONVERTER)
    assert (summary.converted, summary.failed) == (1, 2)
    ledger = json.loads((tmp_path / "out/ledger.json").read_text())
    link = next(e for e in ledger["inputs"] if e["input"] == "in/link.json")
    assert link == {
        "input": "in/link.json",
        "sha256": None,
        "status": "failed",
        "errors": ["in/link.json: is a symbolic link; refused"],
    }


def test_a_file_swapped_for_a_link_after_expansion_is_refused(tmp_path: Path) -> None:
    write_diaries(tmp_path, 2)
    item = expand_inputs(["d0000.json"])[0]
    os.unlink("d0000.json")
    os.symlink(tmp_path / "d0001.json", "d0000.json")
    with pytest.raises(InputError, match="symbolic link"):
        read_input_bytes(item)
    with pytest.raises(InputError, match="more than 0 MB"):
        read_input_bytes(expand_inputs(["d0001.json"])[0], limit=10)


def test_output_folder_is_never_an_input(tmp_path: Path) -> None:
    write_diaries(tmp_path / "data", 2)
    write_diaries(tmp_path / "data/out", 1)
    assert names(expand_inputs(["data"], outdir="data/out")) == [
        "data/d0000.json",
        "data/d0001.json",
    ]


def test_fsspec_urls(tmp_path: Path) -> None:
    fsspec = pytest.importorskip("fsspec")
    assert is_url("s3://bucket/x.json") and is_url("memory://a/b")
    assert not is_url("C:/data/x.json") and not is_url("plain/path.json")
    fs = fsspec.filesystem("memory")
    for i in range(3):
        fs.pipe(f"/bucket/diaries/d{i}.json", json.dumps(diary(f"m-{i}")).encode())
    fs.pipe("/bucket/diaries/bad.json", b"{")
    items = expand_inputs(["memory://bucket/diaries/"])
    assert names(items) == [
        "memory:///bucket/diaries/bad.json",
        "memory:///bucket/diaries/d0.json",
        "memory:///bucket/diaries/d1.json",
        "memory:///bucket/diaries/d2.json",
    ]
    assert names(expand_inputs(["memory://bucket/diaries/d*.json"])) == names(items)[1:]
    summary = run_batch(["memory://bucket/diaries/"], "out", converter=CONVERTER, jobs=1)
    assert (summary.converted, summary.failed) == (3, 1)
    again = run_batch(
        ["memory://bucket/diaries/"],
        "out",
        converter=CONVERTER,
        jobs=1,
        resume=True,
    )
    assert again.skipped == 4
    fs.rm("/bucket", recursive=True)
