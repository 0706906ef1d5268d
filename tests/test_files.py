"""Output files appear whole or not at all, readable by the owner only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from fhirmig.errors import OutputError
from fhirmig.files import atomic_write, atomic_writer, ensure_dir, private_tempdir


def test_atomic_write_creates_owner_only_file(tmp_path: Path) -> None:
    target = atomic_write(tmp_path / "out.json", b"{}")
    assert target.read_bytes() == b"{}"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_failed_write_leaves_neither_file_nor_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_writer(target) as fh:
        fh.write(b"half")
        raise RuntimeError("crash in the middle")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_missing_folder_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        atomic_write(tmp_path / "nope" / "out.json", b"x")


def test_ensure_dir_and_private_tempdir(tmp_path: Path) -> None:
    made = ensure_dir(tmp_path / "a" / "b")
    assert made.is_dir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        ensure_dir(tmp_path / "file")
    with private_tempdir() as tmp:
        assert stat.S_IMODE(os.stat(tmp).st_mode) == 0o700
        (tmp / "x").write_text("secret")
    assert not tmp.exists()
    with pytest.raises(ValueError), private_tempdir() as tmp2:
        raise ValueError
    assert not tmp2.exists()


def test_create_new_file_is_private_whole_and_never_replaces(tmp_path: Path) -> None:
    from fhirmig.files import create_new_file

    target = create_new_file(tmp_path / "codes.csv", b"a,b\n", "mapping file")
    assert target.read_bytes() == b"a,b\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(OutputError, match="never overwritten"):
        create_new_file(target, b"other", "mapping file")
    assert target.read_bytes() == b"a,b\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codes.csv"]  # no temporary left
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    with pytest.raises(OutputError, match="never overwritten"):
        create_new_file(tmp_path / "link", b"x")
    assert not (tmp_path / "nowhere").exists()
