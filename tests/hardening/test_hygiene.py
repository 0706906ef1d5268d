"""PHI hygiene: temporary files vanish on every exit path, failures write nothing."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest

from fhirmig.diary import read_diary, write_diary
from fhirmig.errors import FhirmigError
from fhirmig.files import private_tempdir
from fhirmig.privacy import deidentify_diary

from .fuzzing import KEY


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder ``tempfile`` uses during the test (empty at the start)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.mark.parametrize("error", [ValueError("boom"), KeyboardInterrupt()])
def test_private_tempdir_is_removed_on_error(scratch: Path, error: BaseException) -> None:
    with pytest.raises(type(error)), private_tempdir() as tmp:
        assert tmp.parent == scratch
        assert (tmp.stat().st_mode & 0o777) == 0o700
        (tmp / "draft").write_bytes(b"x")
        raise error
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("error", [RuntimeError("layout"), MemoryError(), KeyboardInterrupt()])
def test_report_failure_leaves_no_draft_and_no_output(
    scratch: Path, examples: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    import fhirmig.report.document as document
    from fhirmig.report import render_report

    def fail(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(document, "build_pdf", fail)
    out = Path("report.pdf")
    with pytest.raises((FhirmigError, type(error))):
        render_report(read_diary(examples / "chronic-overuse.json"), out, generated=date.today())
    assert not out.exists()
    assert list(scratch.iterdir()) == []
    assert [p.name for p in Path(".").iterdir()] == [scratch.name]


def test_failed_write_leaves_no_temporary_file(examples: Path, tmp_path: Path) -> None:
    diary = deidentify_diary(read_diary(examples / "episodic-twitching.json"), KEY)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "d.json"
    target.mkdir()  # a folder where the file should go: the rename fails
    with pytest.raises((FhirmigError, OSError)):
        write_diary(diary, target)
    assert [p.name for p in folder.iterdir()] == ["d.json"]
