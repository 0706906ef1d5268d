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
from fhirmig.diary.fields import ATTACK_FIELDS, DAY_FIELDS, AttackField
from fhirmig.diary.model import Attack, DayEntry
from fhirmig.diary.reader import diary_from_raw
from fhirmig.fhir import diary_to_resources, resources_to_diary

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
        assert Attack.model_fields[f.name].alias in (None, f.json) or f.name == f.json
    assert sorted(DAY_FIELDS) == sorted(DayEntry.model_fields)


def test_the_csv_header_is_the_tables() -> None:
    header = diary_to_csv(_diary(BASE_ATTACK)).splitlines()[0]
    assert tuple(header.split(",")) == COLUMNS
    assert all(f.csv in COLUMNS for f in ATTACK_FIELDS if f.csv is not None)
    assert all(f.csv_note for f in ATTACK_FIELDS if f.csv is None)


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
    same = getattr(back, field.name) == getattr(diary.attacks[0], field.name)
    if field.fhir_note:  # declared as not mapped: mapping it must update the table
        assert not same, f"{field.name} now survives FHIR: drop its fhir_note"
    else:
        assert same, f"{field.name} is lost on the way through FHIR"


def test_the_fields_fhir_loses_are_few_and_say_why() -> None:
    lost = [f for f in ATTACK_FIELDS if f.fhir_note]
    assert all(len(f.fhir_note) > 10 for f in lost)
    assert len(lost) <= 3


@pytest.mark.parametrize("name", sorted(DAY_FIELDS))
def test_each_day_field_survives_fhir_and_back(name: str) -> None:
    key, sample = DAY_FIELDS[name]
    day = {"date": "2026-03-02", key: sample}
    diary = _diary(day=day)
    back = resources_to_diary(diary_to_resources(diary)).days[0]
    assert getattr(back, name) == getattr(diary.days[0], name), name
