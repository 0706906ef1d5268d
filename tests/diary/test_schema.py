"""docs/diary.schema.json is generated from the model and must not drift from it."""

from __future__ import annotations

import json

import jsonschema
import pytest

from fhirmig.diary import diary_json_schema
from tests.conftest import EXAMPLES, ROOT


def test_committed_schema_equals_the_generated_one() -> None:
    committed = json.loads((ROOT / "docs" / "diary.schema.json").read_text(encoding="utf-8"))
    assert committed == diary_json_schema(), (
        "docs/diary.schema.json is out of date: python -m fhirmig.diary.schema > docs/diary.schema.json"
    )


@pytest.mark.parametrize("name", ["episodic-twitching.json", "chronic-overuse.json"])
def test_examples_validate_against_the_schema(name: str) -> None:
    schema = diary_json_schema()
    data = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)


def test_schema_refuses_unknown_fields_and_out_of_range_values() -> None:
    validator = jsonschema.Draft202012Validator(diary_json_schema())
    good = {"format": "fhirmig-diary/1", "patient": {"id": "p"}}
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "typo": 1})
    assert not validator.is_valid({**good, "format": "fhirmig-diary/2"})
    bad_attack = {"id": "a", "start": "2026-01-01T10:00", "intensity": 11}
    assert not validator.is_valid({**good, "attacks": [bad_attack]})
    assert validator.is_valid({**good, "attacks": [{**bad_attack, "intensity": 10}]})
