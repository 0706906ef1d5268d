"""Every field of the diary model has a decided de-identification.

A field added to the model without a decision here fails this test: a new free-text or
date field would otherwise pass through ``deidentify_diary`` unchanged (model_copy keeps
what it is not told to change). Decide in fhirmig/privacy/deidentify.py what the keyed
method does with it, write it in docs/security.md, then add it below. The Safe Harbor
export writes only the columns it names (fhirmig/privacy/safeharbor.py), so a new field
stays out of it until it is added there.
"""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from fhirmig.diary import model

KEYED: dict[type[BaseModel], dict[str, str]] = {
    model.Diary: {
        "format": "kept", "patient": "below", "conditions": "below", "medications": "below",
        "attacks": "below", "days": "below", "treatments": "below",
        "questionnaires": "below", "deidentified": "set to true",
    },
    model.Patient: {
        "id": "keyed pseudonym", "name": "removed", "birth_date": "year, 90 or older grouped",
        "sex": "kept", "identifiers": "removed", "timezone": "kept", "language": "kept",
        "country": "kept (a country is larger than a state)",
    },
    model.HumanName: {"given": "removed with the name", "family": "removed with the name"},
    model.Identifier: {"system": "removed", "value": "removed"},
    model.Condition: {
        "id": "keyed hash", "code": "kept", "text": "removed (other without a code)",
        "onset": "shifted at its precision", "clinical_status": "kept",
        "verification_status": "kept", "note": "removed unless keep_notes",
    },
    model.Medication: {
        "id": "keyed hash", "name": "kept (catalogue)", "drug_class": "kept",
        "rxnorm": "kept", "atc": "kept",
    },
    model.Attack: {
        "id": "keyed hash", "start": "shifted", "end": "shifted",
        "duration_minutes": "kept (recomputed across DST)", "intensity": "kept", "kind": "kept",
        "aura": "kept", "pain_locations": "vocabulary or other",
        "pain_qualities": "vocabulary or other", "symptoms": "vocabulary or other",
        "twitching": "below", "triggers": "vocabulary or other", "medications": "below",
        "relief_methods": "below", "disability": "kept", "notes": "removed unless keep_notes",
        "most_bothersome_symptom": "vocabulary or other",
        "premonitory_symptoms": "vocabulary or other", "setting": "removed", "extra": "removed",
    },
    model.Twitch: {
        "location": "vocabulary or other", "description": "removed unless keep_notes",
        "intensity": "kept", "start": "shifted", "duration_minutes": "kept",
    },
    model.Intake: {
        "medication": "keyed hash reference", "taken": "shifted",
        "dose": "kept when a plain amount", "relief": "kept",
    },
    model.ReliefUse: {"method": "vocabulary or other", "effect": "kept"},
    model.DayEntry: {
        "date": "shifted", "sleep_hours": "kept", "sleep_quality": "kept", "stress": "kept",
        "caffeine_mg": "kept", "alcohol_units": "kept", "exercise_minutes": "kept",
        "menstruation": "kept", "headache_free": "kept", "notes": "removed unless keep_notes",
    },
    model.Treatment: {
        "id": "keyed hash", "type": "kept", "name": "removed unless keep_notes",
        "medication": "keyed hash reference", "start": "shifted", "end": "shifted",
        "dates": "shifted", "notes": "removed unless keep_notes",
    },
    model.Questionnaire: {
        "instrument": "kept", "date": "shifted", "score": "kept", "items": "kept",
    },
}  # fmt: skip


@pytest.mark.parametrize("cls", list(KEYED), ids=lambda c: c.__name__)
def test_every_model_field_has_a_decided_deidentification(cls: type[BaseModel]) -> None:
    fields, decided = set(cls.model_fields), set(KEYED[cls])
    assert not fields - decided, (
        f"{cls.__name__}: new field(s) {sorted(fields - decided)}: decide their "
        "de-identification in fhirmig/privacy/deidentify.py and docs/security.md, then here"
    )
    assert not decided - fields, f"{cls.__name__}: gone: {sorted(decided - fields)}"
