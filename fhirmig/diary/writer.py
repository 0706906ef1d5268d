"""Writing a diary model back to its JSON encoding (importers, de-identification, round trips)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from fhirmig.diary.model import Diary
from fhirmig.files import atomic_write

__all__ = ["diary_to_json", "dumps_diary", "write_diary"]


def diary_to_json(diary: Diary) -> dict[str, Any]:
    """The diary as JSON data: camelCase names, defaults and empty lists left out."""
    data: dict[str, Any] = diary.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data = {"format": diary.format, **data}
    return data


def dumps_diary(diary: Diary) -> bytes:
    """The diary as UTF-8 JSON bytes: two-space indent, non-ASCII kept, final newline."""
    text = json.dumps(diary_to_json(diary), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def write_diary(diary: Diary, path: str | os.PathLike[str]) -> Path:
    """Write the diary as JSON to ``path`` atomically, readable by the owner only."""
    return atomic_write(path, dumps_diary(diary))
