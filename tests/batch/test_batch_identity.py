"""A de-identified batch folder holds no input name, no original checksum, no key hash.

The inputs are named as real registries name them (a person's name and record number);
the whole output folder, state folder included, is then searched byte for byte for every
name, every path, the sha256 of every original, plain hashes of the key and a bad
value quoted by a failed diary. ``--resume`` must still skip unchanged inputs and
convert a changed one again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from fhirmig.batch import run_batch
from fhirmig.batch.identity import WITHHELD, input_label
from fhirmig.cli import cli
from fhirmig.errors import OutputError, UsageError
from tests.conftest import EXAMPLES

KEY = bytes.fromhex("8d3f1a6c0b9e2d4f7a5c1e3b9d0f2a4c6e8b1d3f5a7c9e0b2d4f6a8c1e3b5d70")
BAD_VALUE = "2026-02-30T08:00"


def _inputs(folder: Path) -> list[Path]:
    folder.mkdir()
    names = {
        "Ana Silva PT-998877.json": EXAMPLES / "episodic-twitching.json",
        "Nikos Papadopoulos 4471.json": EXAMPLES / "chronic-overuse.json",
        "Joana Costa 3302.csv": EXAMPLES / "spreadsheet.csv",
        "Joana Costa 3302.patient.json": EXAMPLES / "spreadsheet.patient.json",
    }
    for name, source in names.items():
        shutil.copyfile(source, folder / name)
    broken = json.loads((EXAMPLES / "episodic-twitching.json").read_text())
    broken["patient"]["id"] = "p-broken"
    broken["attacks"][0]["start"] = BAD_VALUE
    (folder / "Maria Broken 5550199.json").write_text(json.dumps(broken))
    return sorted(p for p in folder.iterdir() if not p.name.endswith(".patient.json"))


def _folder_bytes(out: Path) -> bytes:
    files = [p for p in sorted(out.rglob("*")) if p.is_file()]
    return b"".join(p.name.encode() + b"\n" + p.read_bytes() for p in files)


def _secrets(inputs: list[Path]) -> list[str]:
    found: list[str] = []
    for p in [*inputs, inputs[0].parent / "Joana Costa 3302.patient.json"]:
        found += [p.name, p.stem, str(p), p.as_posix(), hashlib.sha256(p.read_bytes()).hexdigest()]
        found += [w for w in p.stem.split() if len(w) >= 5]  # "Silva", "PT-998877"
    found += [KEY.hex(), hashlib.sha256(KEY).hexdigest()[:16], BAD_VALUE, "2026-02-30"]
    return found


@pytest.mark.parametrize("format", ["ndjson", "bundles"])
def test_the_folder_holds_no_name_no_original_checksum_no_key_hash(
    tmp_path: Path, format: str
) -> None:
    inputs = _inputs(tmp_path / "registry")
    out = tmp_path / "out"
    summary = run_batch([str(tmp_path / "registry")], out, format=format, jobs=1,
                        chunk_size=2, deidentify_key=KEY)  # fmt: skip
    assert (summary.inputs, summary.converted, summary.failed) == (4, 3, 1)
    everything = _folder_bytes(out)
    for secret in _secrets(inputs):
        assert secret.encode() not in everything, secret
    ledger = json.loads((out / "ledger.json").read_text())
    assert [e["input"] for e in ledger["inputs"]] == [input_label(n) for n in (1, 2, 3, 4)]
    assert all("sha256" not in e and len(e["hmac"]) == 64 for e in ledger["inputs"])
    failed = [e for e in ledger["inputs"] if e["status"] == "failed"]
    assert [e["input"] for e in failed] == ["input-000003"]  # "Maria Broken" sorts third
    assert all(line.startswith("input-000003: attacks[0].start") for line in failed[0]["errors"])
    assert any(WITHHELD in line for line in failed[0]["errors"])


def test_resume_skips_unchanged_inputs_and_sees_a_changed_one(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "registry")
    out = tmp_path / "out"
    args = ([str(tmp_path / "registry")], out)
    first = run_batch(*args, jobs=1, chunk_size=1, deidentify_key=KEY)
    ledger = json.loads((out / "ledger.json").read_text())
    again = run_batch(*args, jobs=1, chunk_size=1, deidentify_key=KEY, resume=True)
    assert (first.skipped, again.skipped) == (0, 4)
    assert json.loads((out / "ledger.json").read_text()) == ledger

    changed = inputs[1]  # "Joana Costa 3302.csv"
    changed.write_text(changed.read_text().replace(",3,headache,", ",4,headache,", 1))
    third = run_batch(*args, jobs=1, chunk_size=1, deidentify_key=KEY, resume=True)
    assert third.skipped == 3
    after = json.loads((out / "ledger.json").read_text())
    differs = [a["input"] for a, b in zip(after["inputs"], ledger["inputs"], strict=True) if a != b]
    assert differs == ["input-000002"]
    for secret in _secrets(inputs):
        assert secret.encode() not in _folder_bytes(out), secret

    renamed = inputs[0].with_name("Ana Silva PT-998877 (copy).json")
    os.rename(inputs[0], renamed)  # same bytes, new name: the CSV-style id could change
    fourth = run_batch(*args, jobs=1, chunk_size=1, deidentify_key=KEY, resume=True)
    assert fourth.skipped == 3
    assert b"copy" not in _folder_bytes(out)


def test_another_key_gives_other_digests_and_no_reuse(tmp_path: Path) -> None:
    _inputs(tmp_path / "registry")
    out = tmp_path / "out"
    args = ([str(tmp_path / "registry")], out)
    run_batch(*args, jobs=1, deidentify_key=KEY)
    first = json.loads((out / "ledger.json").read_text())
    other = bytes(reversed(KEY))
    again = run_batch(*args, jobs=1, deidentify_key=other, resume=True)
    assert again.skipped == 0
    second = json.loads((out / "ledger.json").read_text())
    assert [e["hmac"] for e in first["inputs"]] != [e["hmac"] for e in second["inputs"]]


def test_a_plain_batch_still_names_its_inputs_and_their_sha256(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "registry")
    out = tmp_path / "out"
    run_batch([str(tmp_path / "registry")], out, jobs=1)
    ledger = json.loads((out / "ledger.json").read_text())
    assert [Path(e["input"]).name for e in ledger["inputs"]] == [p.name for p in inputs]
    assert ledger["inputs"][0]["sha256"] == hashlib.sha256(inputs[0].read_bytes()).hexdigest()


def test_the_mapping_file_is_written_apart_only_when_named(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "registry")
    out, mapping = tmp_path / "out", tmp_path / "keep" / "inputs.csv"
    mapping.parent.mkdir()
    run_batch([str(tmp_path / "registry")], out, jobs=1, deidentify_key=KEY, mapping=mapping)
    assert stat.S_IMODE(mapping.stat().st_mode) == 0o600
    rows = list(csv.reader(io.StringIO(mapping.read_text(encoding="utf-8"))))
    assert rows[0] == ["input", "name"]
    assert [(r[0], Path(r[1]).name) for r in rows[1:]] == [
        (input_label(n), p.name) for n, p in enumerate(inputs, 1)
    ]
    ledger = json.loads((out / "ledger.json").read_text())
    assert [e["input"] for e in ledger["inputs"]] == [r[0] for r in rows[1:]]
    for secret in _secrets(inputs):
        assert secret.encode() not in _folder_bytes(out), secret
    before = mapping.read_bytes()
    with pytest.raises(OutputError, match="never overwritten"):
        run_batch([str(tmp_path / "registry")], out, deidentify_key=KEY, mapping=mapping)
    assert mapping.read_bytes() == before
    with pytest.raises(OutputError, match="lies in the output folder"):
        run_batch([str(tmp_path / "registry")], out, deidentify_key=KEY, mapping=out / "m.csv")
    with pytest.raises(UsageError, match="goes with"):
        run_batch([str(tmp_path / "registry")], tmp_path / "plain", mapping=tmp_path / "m.csv")
    assert not (out / "m.csv").exists() and not (tmp_path / "m.csv").exists()


def test_the_command_takes_mapping_with_deidentify(tmp_path: Path) -> None:
    _inputs(tmp_path / "registry")
    key = tmp_path / "k.key"
    key.write_text(KEY.hex() + "\n")
    key.chmod(0o600)
    mapping = tmp_path / "inputs.csv"
    args = ["batch", str(tmp_path / "registry"), "-o", str(tmp_path / "out"), "-j", "1"]
    result = CliRunner().invoke(
        cli, [*args, "--deidentify", "--key-file", str(key), "--mapping", str(mapping)]
    )
    assert result.exit_code == 1, result.output  # the broken diary fails
    assert mapping.read_text().count("input-0000") == 4
    plain = CliRunner().invoke(cli, [*args[:3], str(tmp_path / "o2"), "--mapping", "m.csv"])
    assert plain.exit_code == 2 and "--mapping goes with --deidentify" in plain.stderr


def test_redact_replaces_names_and_withholds_every_quoted_value() -> None:
    from fhirmig.batch.identity import redact

    line = (
        "reg/Ana Silva.csv: line 3, column start: must be a date (got '2026-02-30') near "
        "\"Ana\" in reg/Ana Silva.patient.json; the patient's 'x (y)' (got (nested) 5)"
    )
    names = ["reg/Ana Silva.csv", "reg/Ana Silva.patient.json", "Ana Silva.csv"]
    assert redact(line, names, "input-000007") == (
        "input-000007: line 3, column start: must be a date (value withheld) near "
        "(value withheld) in input-000007; the patient's (value withheld) (value withheld)"
    )


def test_a_refused_link_is_named_by_its_number_only(tmp_path: Path) -> None:
    folder = tmp_path / "registry"
    folder.mkdir()
    shutil.copyfile(EXAMPLES / "episodic-twitching.json", tmp_path / "Rui Linked 7781.json")
    (folder / "Rui Linked 7781.json").symlink_to(tmp_path / "Rui Linked 7781.json")
    out = tmp_path / "out"
    summary = run_batch([str(folder)], out, jobs=1, deidentify_key=KEY)
    assert (summary.inputs, summary.failed) == (1, 1)
    ledger = json.loads((out / "ledger.json").read_text())
    assert ledger["inputs"][0]["errors"] == ["input-000001: is a symbolic link; refused"]
    assert b"Linked" not in _folder_bytes(out) and b"7781" not in _folder_bytes(out)


@pytest.mark.parametrize("format", ["ndjson", "bundles"])
def test_a_plain_run_before_leaves_no_identity_behind(tmp_path: Path, format: str) -> None:
    inputs = _inputs(tmp_path / "registry")
    out = tmp_path / "out"
    run_batch([str(tmp_path / "registry")], out, format=format, jobs=1)
    assert b"Ana Silva" in _folder_bytes(out)  # the plain ledger names its inputs
    for resume in (False, True):
        run_batch([str(tmp_path / "registry")], out, format=format, jobs=1,
                  deidentify_key=KEY, resume=resume)  # fmt: skip
        everything = _folder_bytes(out)
        for secret in [*_secrets(inputs), "p-0001", "p-0002", "p-0003"]:  # patient ids
            assert secret.encode() not in everything, (resume, secret)
