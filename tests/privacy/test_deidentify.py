"""De-identifying diaries: what is removed, what is kept, and that nothing else moves."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from fhirmig.diary import Diary, dumps_diary, parse_diary_json
from fhirmig.privacy import OTHER, date_shift_days, deidentify_diary, plain_dose, pseudonym

IDENTITIES = [
    "Ana",
    "Maria",
    "Silva",
    "PT-998877",
    "urn:oid:2.16.620.1.101.10.1",
    "Ελένη",
    "Παπαδοπούλου",
    "Jonas",
    "Müller",
    "p-0001",
    "p-0002",
    "p-0003",
]


def _raw(**parts: object) -> Diary:
    data: dict[str, object] = {
        "format": "fhirmig-diary/1",
        "patient": {"id": "p-42", "timezone": "Europe/Lisbon"},
    }
    data.update(parts)
    return parse_diary_json(json.dumps(data).encode(), "t.json")


def test_identities_and_free_text_are_gone(example_diary: Diary, key: bytes) -> None:
    result = deidentify_diary(example_diary, key)
    text = dumps_diary(result).decode()
    for word in IDENTITIES:
        assert word not in text
    assert result.deidentified is True
    assert result.patient.name is None
    assert result.patient.identifiers == []
    assert result.patient.id == pseudonym(example_diary.patient.id, key)
    for attack in result.attacks:
        assert attack.notes is None
        assert attack.extra is None
        assert all(t.description is None for t in attack.twitching)
    assert all(d.notes is None for d in result.days)
    assert all(t.notes is None and t.name is None for t in result.treatments)
    assert all(c.note is None for c in result.conditions)


def test_output_is_a_valid_diary_and_deterministic(example_diary: Diary, key: bytes) -> None:
    first = dumps_diary(deidentify_diary(example_diary, key))
    assert dumps_diary(deidentify_diary(example_diary, key)) == first
    again = parse_diary_json(first, "deidentified.json")
    assert again.deidentified is True
    assert dumps_diary(again) == first


def test_another_key_gives_another_identity(example_diary: Diary, key: bytes) -> None:
    other = bytes(reversed(key))
    a, b = deidentify_diary(example_diary, key), deidentify_diary(example_diary, other)
    assert a.patient.id != b.patient.id
    assert {x.id for x in a.attacks}.isdisjoint({x.id for x in b.attacks})


def test_record_ids_are_replaced_and_references_follow(example_diary: Diary, key: bytes) -> None:
    result = deidentify_diary(example_diary, key)
    old_ids = {a.id for a in example_diary.attacks} | {m.id for m in example_diary.medications}
    new_ids = {a.id for a in result.attacks} | {m.id for m in result.medications}
    assert old_ids.isdisjoint(new_ids)
    assert len(new_ids) == len(old_ids)
    catalogue = {m.id for m in result.medications}
    for attack in result.attacks:
        assert all(i.medication in catalogue for i in attack.medications)
    for before, after in zip(example_diary.treatments, result.treatments, strict=True):
        assert (before.medication is None) == (after.medication is None)
        assert after.medication is None or after.medication in catalogue


def test_times_of_day_calendar_days_and_order_are_kept(example_diary: Diary, key: bytes) -> None:
    result = deidentify_diary(example_diary, key)
    tz = example_diary.patient.tz
    shift = timedelta(days=date_shift_days(example_diary.patient.id, key))
    assert len(result.attacks) == len(example_diary.attacks)
    for before, after in zip(example_diary.attacks, result.attacks, strict=True):
        b, a = before.start.astimezone(tz), after.start.astimezone(tz)
        assert a.date() == b.date() + shift
        assert a.time() == b.time()
        assert a.weekday() == b.weekday()
        if before.effective_end is not None:
            end_b, end_a = before.effective_end.astimezone(tz), after.effective_end  # type: ignore[union-attr]
            assert end_a is not None
            assert end_a.astimezone(tz).date() == end_b.date() + shift
            assert end_a.astimezone(tz).time() == end_b.time()
            assert after.duration == before.duration
        for ib, ia in zip(before.medications, after.medications, strict=True):
            if ib.taken is not None:
                assert ia.taken is not None
                assert ia.taken - a == ib.taken - b
        for tb, ta in zip(before.twitching, after.twitching, strict=True):
            assert (ta.start is None) == (tb.start is None)
            assert ta.duration_minutes == tb.duration_minutes
    starts_b = [x.start for x in example_diary.attacks]
    starts_a = [x.start for x in result.attacks]
    assert sorted(range(len(starts_b)), key=starts_b.__getitem__) == sorted(
        range(len(starts_a)), key=starts_a.__getitem__
    )
    for db, da in zip(example_diary.days, result.days, strict=True):
        assert da.date == db.date + shift
        assert da.model_copy(update={"date": db.date, "notes": db.notes}) == db
    for qb, qa in zip(example_diary.questionnaires, result.questionnaires, strict=True):
        assert (qa.date, qa.score, qa.items) == (qb.date + shift, qb.score, qb.items)


def test_clinical_fields_are_unchanged(example_diary: Diary, key: bytes) -> None:
    result = deidentify_diary(example_diary, key)
    for before, after in zip(example_diary.attacks, result.attacks, strict=True):
        assert (after.intensity, after.kind, after.aura, after.disability) == (
            before.intensity,
            before.kind,
            before.aura,
            before.disability,
        )
        assert [m.relief for m in after.medications] == [m.relief for m in before.medications]
    for before_m, after_m in zip(example_diary.medications, result.medications, strict=True):
        assert (after_m.name, after_m.drug_class, after_m.atc) == (
            before_m.name,
            before_m.drug_class,
            before_m.atc,
        )
    assert result.patient.sex == example_diary.patient.sex
    assert result.patient.timezone == example_diary.patient.timezone


def test_birth_date_becomes_a_year(key: bytes) -> None:
    diary = _raw(
        patient={"id": "p-42", "birthDate": "1988-04-12", "timezone": "Europe/Lisbon"},
        days=[{"date": "2026-05-01"}],
    )
    birth = deidentify_diary(diary, key).patient.birth_date
    shifted = date(1988, 4, 12) + timedelta(days=date_shift_days("p-42", key))
    assert birth == date(shifted.year, 1, 1)


@pytest.mark.parametrize("born", ["1930-06-01", "1936-11-30", "1901-01-01", "1800-02-02"])
def test_ages_over_89_are_grouped_at_90(key: bytes, born: str) -> None:
    diary = _raw(
        patient={"id": "p-42", "birthDate": born, "timezone": "Europe/Lisbon"},
        days=[{"date": "2026-05-01"}, {"date": "2026-11-20"}],
    )
    result = deidentify_diary(diary, key)
    last = max(d.date for d in result.days)
    assert result.patient.birth_date == date(last.year - 90, 1, 1)


def test_age_reference_of_an_empty_diary_is_source_date_epoch(key: bytes) -> None:
    diary = _raw(patient={"id": "p-42", "birthDate": "1920-06-01", "timezone": "UTC"})
    result = deidentify_diary(diary, key)
    # SOURCE_DATE_EPOCH=1795000000 is 2026-11-17; shifted, the year is 2025, 2026 or 2027.
    assert result.patient.birth_date is not None
    assert result.patient.birth_date.year in {1935, 1936, 1937}


def _attack(**fields: object) -> dict[str, object]:
    return {"id": "a-2026-05-03", "start": "2026-05-03T13:20", "intensity": 5, **fields}


def test_free_text_entries_become_other_and_vocabulary_stays(key: bytes) -> None:
    diary = _raw(
        attacks=[
            _attack(
                painLocations=["left-temple", "where Dr Costa injected", "near my scar"],
                symptoms=["nausea", "felt like at Rua Augusta"],
                triggers=["stress", "fight with João"],
                painQualities=["throbbing"],
                twitching=[{"location": "Maria's favourite spot", "description": "x"}],
                reliefMethods=[{"method": "rest"}, {"method": "Tia Rosa's tea", "effect": "good"}],
                extra={"app": "MyHeadache", "phone": "+351 912 345 678"},
            )
        ]
    )
    attack = deidentify_diary(diary, key).attacks[0]
    assert attack.pain_locations == ["left-temple", OTHER]
    assert attack.symptoms == ["nausea", OTHER]
    assert attack.triggers == ["stress", OTHER]
    assert attack.pain_qualities == ["throbbing"]
    assert attack.twitching[0].location == OTHER
    assert [(r.method, r.effect) for r in attack.relief_methods] == [
        ("rest", None),
        (OTHER, "good"),
    ]
    assert attack.extra is None


def test_keep_notes_keeps_text_but_never_identities(example_diary: Diary, key: bytes) -> None:
    result = deidentify_diary(example_diary, key, keep_notes=True)
    assert [a.notes for a in result.attacks] == [a.notes for a in example_diary.attacks]
    assert [a.symptoms for a in result.attacks] == [a.symptoms for a in example_diary.attacks]
    assert [t.name for t in result.treatments] == [t.name for t in example_diary.treatments]
    assert result.patient.name is None
    assert result.patient.identifiers == []
    assert result.patient.id != example_diary.patient.id


def test_condition_text_goes_but_the_code_stays(key: bytes) -> None:
    diary = _raw(
        conditions=[
            {
                "id": "dx-1",
                "code": "chronic-migraine",
                "text": "CM since the crash",
                "onset": "2021",
            },
            {"id": "dx-2", "text": "Neck pain after whiplash", "onset": "2018-06-02"},
        ]
    )
    c1, c2 = deidentify_diary(diary, key).conditions
    assert (c1.code, c1.text) == ("chronic-migraine", None)
    assert (c2.code, c2.text) == (None, OTHER)
    assert c2.onset is not None and c2.onset != "2018-06-02"


@pytest.mark.parametrize(
    ("dose", "plain"),
    [
        ("50 mg", True),
        ("1 g", True),
        ("2 tablets", True),
        ("0.5 mL", True),
        ("10 mg x 2", True),
        ("2 after lunch with Maria", False),
        ("the one from Dr Lee", False),
        ("", False),
    ],
)
def test_doses_are_kept_only_when_plain_amounts(dose: str, plain: bool, key: bytes) -> None:
    assert plain_dose(dose) is plain
    if not dose:
        return
    diary = _raw(
        medications=[{"id": "suma", "name": "Sumatriptan 50 mg", "class": "triptan"}],
        attacks=[_attack(medications=[{"medication": "suma", "dose": dose}])],
    )
    intake = deidentify_diary(diary, key).attacks[0].medications[0]
    assert intake.dose == (dose if plain else None)


@pytest.mark.parametrize(
    ("born", "years"), [("1800-01-01", {1935, 1936, 1937}), ("1800-12-31", {1935, 1936, 1937})]
)
def test_birth_date_at_the_calendar_edge_is_no_error(
    key: bytes, born: str, years: set[int]
) -> None:
    diary = _raw(patient={"id": "p-42", "birthDate": born, "timezone": "UTC"})
    result = deidentify_diary(diary, key)  # no diary dates: age judged at SOURCE_DATE_EPOCH
    assert result.patient.birth_date is not None
    assert result.patient.birth_date.year in years


def test_imported_setting_and_free_text_prodrome_are_removed(key: bytes) -> None:
    from pathlib import Path

    from fhirmig.importers import import_migraine_buddy

    data = Path(__file__).parents[1] / "importers" / "data" / "mb_2024.csv"
    diary = import_migraine_buddy(
        data, patient_id="p", timezone="Europe/Berlin", keep_setting=True
    ).diary
    assert diary.attacks[0].setting == "Home"
    out = deidentify_diary(diary, key)
    assert all(a.setting is None for a in out.attacks)
    assert out.attacks[0].premonitory_symptoms == [OTHER, "neck-pain"]
    assert out.attacks[0].most_bothersome_symptom == "photophobia"
