"""The JSON Schema of the diary format, generated from the model.

``docs/diary.schema.json`` is this schema; a test fails when the two drift apart.
Regenerate it with ``python -m fhirmig.diary.schema > docs/diary.schema.json``.
"""

from __future__ import annotations

import json
from typing import Any

from fhirmig.diary.model import SUPPORTED_FORMATS, Diary

__all__ = ["SCHEMA_ID", "diary_json_schema"]

SCHEMA_ID = "https://fhirmig.org/schema/fhirmig-diary-1.schema.json"


def diary_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``fhirmig-diary/1``."""
    schema = Diary.model_json_schema(by_alias=True, mode="validation")
    schema["properties"]["format"] = {"type": "string", "enum": list(SUPPORTED_FORMATS)}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }


def main() -> None:
    """Print the schema (used to regenerate docs/diary.schema.json)."""
    print(json.dumps(diary_json_schema(), indent=2, ensure_ascii=False))  # noqa: T201


if __name__ == "__main__":
    main()
