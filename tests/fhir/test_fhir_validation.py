"""Every resource of every example and of generated diaries validates twice over:
with the ``fhir.resources.R4B`` models and with ``fhirkit-rs``, an independent validator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fhirkit
import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir_strategies import diaries
from hypothesis import HealthCheck, given, settings

from fhirmig.diary import Diary, read_diary
from fhirmig.fhir import collection_bundle, diary_to_resources, transaction_bundle
from fhirmig.fhir.gate import problems

EXAMPLES = ["episodic-twitching.json", "chronic-overuse.json", "spreadsheet.csv"]


def _validate(resource: dict[str, Any]) -> None:
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    errors = [str(i) for i in fhirkit.validate(resource) if i.severity == "error"]
    assert not errors, errors


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_resources_validate(examples: Path, name: str) -> None:
    resources = diary_to_resources(read_diary(examples / name))
    assert len(resources) > 10
    for res in resources:
        _validate(res)
        assert problems(res) == []
    _validate(transaction_bundle(resources))
    _validate(collection_bundle(resources))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(diaries)
def test_generated_diaries_validate(diary: Diary) -> None:
    resources = diary_to_resources(diary)
    for res in resources:
        assert problems(res) == [], res["resourceType"]
        _validate(res)


def test_fhirkit_catches_what_it_should() -> None:
    """The independent validator is live (a broken resource is reported)."""
    assert fhirkit.validate({"resourceType": "Patient", "gender": "x y "})
    assert fhirkit.validate({"resourceType": "Observation", "status": "final"})
