"""Fixtures of the de-identification tests: a key file and the example diaries."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fhirmig.diary import Diary, read_diary

KEY_HEX = "3f9a1c0e7b2d4f6a8c1e3b5d7f9a0c2e4b6d8f1a3c5e7092b4d6f8a1c3e5f70d"


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    """A valid key file (mode 0600) holding :data:`KEY_HEX`."""
    path = tmp_path / "study.key"
    path.write_text(KEY_HEX + "\n")
    os.chmod(path, 0o600)
    return path


@pytest.fixture
def key() -> bytes:
    """The key of :func:`key_file`."""
    return bytes.fromhex(KEY_HEX)


@pytest.fixture(params=["episodic-twitching.json", "chronic-overuse.json", "spreadsheet.csv"])
def example_diary(request: pytest.FixtureRequest, examples: Path) -> Diary:
    """Each bundled example diary, read."""
    return read_diary(examples / str(request.param))
