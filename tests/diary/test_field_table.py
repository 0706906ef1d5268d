"""Every field of the diary is declared once (fhirmig.diary.fields) and reaches the CSV (when
it has a column), the FHIR mapping, and comes back from both unchanged.

A field added to the model but forgotten in the table, the CSV reader or writer, the FHIR
mapping or its reverse fails here, naming the field.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirmig.diary import Diary
from fhirmig.diary.csvformat import COLUMNS, diary_to_csv, parse_diary_csv
from fhirmig.diary.fields import ATTACK_FIELDS, DAY_FIELDS, AttackField, csv_columns
from fhirmig.diary.model import Attack, DayEntry
from fhirmig.diary.reader import diary_from_raw
from fhirmig.diary.vocabulary import keys
from fhirmig.fhir import diary_to_resources, resources_to_diary
from fhirmig.fhir.fields import ATTACK_COMPONENTS, ATTACK_ELEMENTS

CATALOGUE = [{"id": "suma", "name": "Sumatriptan 50 mg", "class": "triptan"}]
PATIENT = {"id": "p-fields", "timezone": "Europe/Berlin"}
BASE_ATTACK = {"id": "a-1", "start": "2026-03-02T08:15:00+01:00", "intensity": 5}


def _diary(attack: dict[str, Any] | None = None, day: dict[str, Any] | None = None) -> Diary:
    raw: dict[str, Any] = {"format": "fhirmig-diary/1", "patient": PATIENT}
    raw["medications"] = CATALOGUE
    if attack is not None:
        raw["attacks"] = [attack]
    if day is not None:
        raw["days"] = [day]
    return diary_from_raw(raw, "<fields>")


def test_every_model_field_is_in_the_table_once() -> None:
    names = [f.name for f in ATTACK_FIELDS]
    assert sorted(names) == sorted(Attack.model_fields), "fhirmig/diary/fields.py is incomplete"
    assert len(set(names)) == len(names)
    for f in ATTACK_FIELDS:
        assert Attack.model_fields[f.name].alias == f.json, f.name
        assert (f.csv is None) == (f.codec is None), f.name
        assert f.vocabulary is None or keys(f.vocabulary), f.name
    assert sorted(DAY_FIELDS) == sorted(DayEntry.model_fields)
    for name, (key, _sample) in DAY_FIELDS.items():
        assert DayEntry.model_fields[name].alias == key, name


def test_every_field_has_one_way_into_fhir() -> None:
    components = [c.field for c in ATTACK_COMPONENTS]
    assert len(set(components)) == len(components)
    assert not set(components) & set(ATTACK_ELEMENTS)
    assert sorted([*components, *ATTACK_ELEMENTS]) == sorted(f.name for f in ATTACK_FIELDS)


def test_the_csv_header_is_the_tables() -> None:
    header = diary_to_csv(_diary(BASE_ATTACK)).splitlines()[0]
    # a diary without the optional columns' fields keeps the format contract's header
    assert header == (
        "id,start,end,duration_minutes,intensity,kind,aura,pain_locations,pain_qualities,"
        "symptoms,twitching_locations,twitching_description,twitching_intensity,triggers,"
        "medications,relief_methods,disability,notes"
    )
    assert tuple(header.split(",")) == csv_columns(frozenset())
    assert all(f.csv in COLUMNS for f in ATTACK_FIELDS if f.csv is not None)
    assert all(f.csv_note for f in ATTACK_FIELDS if f.csv is None)


@pytest.mark.parametrize(
    "field", [f for f in ATTACK_FIELDS if f.optional_column], ids=lambda f: f.name
)
def test_an_optional_column_is_written_when_an_attack_uses_it(field: AttackField) -> None:
    plain = dict(BASE_ATTACK, id="a-2", start="2026-03-05T08:15:00+01:00")
    raw: dict[str, Any] = {"format": "fhirmig-diary/1", "patient": PATIENT}
    raw["attacks"] = [plain, _with(field)]
    text = diary_to_csv(diary_from_raw(raw, "<fields>"))
    header = text.splitlines()[0].split(",")
    assert header[-1] == field.csv
    assert header[:-1] == list(csv_columns(frozenset()))
    assert text.splitlines()[1].endswith(",")  # the attack without it: an empty cell


def _with(field: AttackField) -> dict[str, Any]:
    return {**BASE_ATTACK, field.json: field.sample}


@pytest.mark.parametrize("field", ATTACK_FIELDS, ids=lambda f: f.name)
def test_each_attack_field_is_read(field: AttackField) -> None:
    """The sample is valid and lands on the model's field (not dropped, not elsewhere)."""
    attack = _diary(_with(field)).attacks[0]
    plain = _diary(BASE_ATTACK).attacks[0]
    if field.name not in BASE_ATTACK:
        assert getattr(attack, field.name) != getattr(plain, field.name), field.name


@pytest.mark.parametrize("field", [f for f in ATTACK_FIELDS if f.csv], ids=lambda f: f.name)
def test_each_attack_field_with_a_column_survives_the_csv(field: AttackField) -> None:
    diary = _diary(_with(field))
    text = diary_to_csv(diary)
    back = parse_diary_csv(
        text.encode(), "<fields.csv>", patient=PATIENT, medications=CATALOGUE
    ).attacks[0]
    assert getattr(back, field.name) == getattr(diary.attacks[0], field.name), field.name


@pytest.mark.parametrize("field", ATTACK_FIELDS, ids=lambda f: f.name)
def test_each_attack_field_survives_fhir_and_back(field: AttackField) -> None:
    diary = _diary(_with(field))
    back = resources_to_diary(diary_to_resources(diary)).attacks[0]
    assert getattr(back, field.name) == getattr(diary.attacks[0], field.name), field.name


@pytest.mark.parametrize("field", ATTACK_FIELDS, ids=lambda f: f.name)
def test_each_attack_field_survives_fhir_us_core_and_back(field: AttackField) -> None:
    diary = _diary(_with(field))
    back = resources_to_diary(diary_to_resources(diary, profile="us-core")).attacks[0]
    assert getattr(back, field.name) == getattr(diary.attacks[0], field.name), field.name


@pytest.mark.parametrize("field", [f for f in ATTACK_FIELDS if f.vocabulary], ids=lambda f: f.name)
def test_every_vocabulary_key_of_a_field_survives_csv_and_fhir(field: AttackField) -> None:
    """Every key of the field's vocabulary comes back as the same key from CSV and FHIR."""
    for key in keys(field.vocabulary or ""):
        attack = dict(BASE_ATTACK)
        if field.name == "twitching":
            attack["twitching"] = [{"location": key}]
        elif field.name == "relief_methods":
            attack["reliefMethods"] = [{"method": key}]
        else:
            attack[field.json] = [key] if isinstance(field.sample, list) else key
        diary = _diary(attack)
        want = getattr(diary.attacks[0], field.name)
        back = resources_to_diary(diary_to_resources(diary)).attacks[0]
        assert getattr(back, field.name) == want, (field.name, key)
        if field.csv:
            text = diary_to_csv(diary)
            read = parse_diary_csv(text.encode(), "<v.csv>", patient=PATIENT).attacks[0]
            assert getattr(read, field.name) == want, (field.name, key)


def test_a_key_goes_to_fhir_with_its_code_and_free_text_as_text() -> None:
    attack = {**BASE_ATTACK, "premonitorySymptoms": ["fatigue", "yawning"]}
    (obs,) = [
        r
        for r in diary_to_resources(_diary(attack))
        if r.get("identifier", [{}])[0].get("system", "").endswith("/sid/attack")
    ]
    comps = [
        c
        for c in obs["component"]
        if c["code"]["coding"][0]["code"].endswith("premonitory-symptom")
    ]
    assert [c["valueCodeableConcept"].get("text") for c in comps] == ["Fatigue", "yawning"]
    codes = [x["code"] for x in comps[0]["valueCodeableConcept"]["coding"]]
    assert codes == ["symptom.fatigue", "84229001"]
    assert "coding" not in comps[1]["valueCodeableConcept"]


@pytest.mark.parametrize("name", sorted(DAY_FIELDS))
def test_each_day_field_survives_fhir_and_back(name: str) -> None:
    key, sample = DAY_FIELDS[name]
    day = {"date": "2026-03-02", key: sample}
    diary = _diary(day=day)
    back = resources_to_diary(diary_to_resources(diary)).days[0]
    assert getattr(back, name) == getattr(diary.days[0], name), name
