"""The JSON reader: valid diaries become the model; every invalid input is refused with its place."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from fhirmig.diary import MAX_ATTACKS, parse_diary_json, read_diary
from fhirmig.errors import DiaryError, InputError


def diary(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "format": "fhirmig-diary/1",
        "patient": {"id": "p-1", "timezone": "Europe/Lisbon"},
        "medications": [{"id": "suma", "name": "Sumatriptan 50 mg", "class": "triptan"}],
        "attacks": [
            {
                "id": "a1",
                "start": "2026-10-03T07:40:00+01:00",
                "end": "2026-10-03T19:10:00+01:00",
                "intensity": 7,
                "medications": [{"medication": "suma", "taken": "2026-10-03T08:00"}],
            }
        ],
    }
    base.update(overrides)
    return base


def problems(data: Any) -> list[str]:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    with pytest.raises(DiaryError) as info:
        parse_diary_json(raw, "d.json")
    return [str(p) for p in info.value.problems]


def attack(**fields: Any) -> dict[str, Any]:
    return {"id": "a1", "start": "2026-10-03T07:40:00+01:00", "intensity": 5, **fields}


def test_valid_diary_reads_into_the_model() -> None:
    d = parse_diary_json(json.dumps(diary()).encode(), "d.json")
    a = d.attacks[0]
    assert a.intensity == 7 and a.kind == "migraine"
    assert a.end - a.start == timedelta(hours=11, minutes=30)
    assert d.medications[0].drug_class == "triptan"
    # without an offset, a datetime is read in the patient's zone (Lisbon, summer time: +01:00)
    taken = a.medications[0].taken
    assert taken is not None and taken.utcoffset() == timedelta(hours=1)
    assert taken.astimezone(UTC) == datetime(2026, 10, 3, 7, 0, tzinfo=UTC)


def test_offset_is_kept_as_written() -> None:
    d = parse_diary_json(json.dumps(diary()).encode(), "d.json")
    assert d.attacks[0].start.utcoffset() == timedelta(hours=1)
    assert d.attacks[0].start.tzinfo == timezone(timedelta(hours=1))


def test_every_example_json_is_valid(examples: Path) -> None:
    for name in ("episodic-twitching.json", "chronic-overuse.json"):
        d = read_diary(examples / name)
        assert d.attacks and d.patient.id.startswith("p-")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b'{"format": "fhirmig-diary/1",\n "patient": {"id": "x"},}',
            "d.json: line 2, column 25: invalid JSON",
        ),
        (b"[1, 2]", "d.json: a diary is a JSON object"),
        (b'{"format": "fhirmig-diary/1", "patient": {"id": "x", "id": "y"}}', "appears twice"),
        (
            b'{"format": "fhirmig-diary/1", "patient": {"id": "x"}, "n": NaN}',
            "NaN is not valid JSON",
        ),
        (
            b'{"format": "fhirmig-diary/1"' + b"\xff}",
            "d.json: line 1: not UTF-8: byte 0xff at offset 28",
        ),
        (
            b'{"format": "fhirmig-diary/1",\x00 "patient": {}}',
            "d.json: line 1: contains a NUL byte",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "d.json: invalid JSON: nested too deeply"),
    ],
)
def test_malformed_bytes_are_refused_with_their_place(data: bytes, expected: str) -> None:
    found = problems(data)
    assert any(expected in p for p in found), found


def test_byte_order_mark_is_accepted() -> None:
    d = parse_diary_json(b"\xef\xbb\xbf" + json.dumps(diary()).encode(), "d.json")
    assert d.patient.id == "p-1"


def test_unknown_format_names_value_and_supported_versions() -> None:
    assert problems(diary(format="fhirmig-diary/2")) == [
        "d.json: format: unknown format 'fhirmig-diary/2'; this build of fhirmig reads 'fhirmig-diary/1'"
    ]
    assert problems({"patient": {"id": "x"}}) == [
        "d.json: format: required field is missing (fhirmig-diary/1)"
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"patient": {"id": "x", "foo": 1}}, "d.json: patient.foo: unknown field"),
        ({"attacks": [attack(intensity=11)]}, "d.json: attacks[0].intensity: input should be less than or equal to 10 (got 11)"),
        ({"attacks": [attack(intensity="7")]}, "d.json: attacks[0].intensity: input should be a valid integer (got '7')"),
        ({"attacks": [attack(intensity=True)]}, "d.json: attacks[0].intensity: input should be a valid integer"),
        ({"attacks": [attack(kind="bogus")]}, "d.json: attacks[0].kind: input should be 'migraine'"),
        ({"attacks": [attack(start="2026-02-30T10:00")]}, "d.json: attacks[0].start: '2026-02-30T10:00' is not a real date and time"),
        ({"attacks": [attack(start="2026-10-03 25:00")]}, "d.json: attacks[0].start: '2026-10-03 25:00' is not a real date and time"),
        ({"attacks": [attack(start="yesterday")]}, "d.json: attacks[0].start: 'yesterday' is not an ISO 8601 datetime"),
        ({"attacks": [attack(start="2026-10-03T07:40+25:00")]}, "impossible UTC offset"),
        ({"attacks": [attack(end="2026-10-03T06:00:00+01:00")]}, "d.json: attacks[0].end: end is before start"),
        ({"attacks": [attack(durationMinutes=-5)]}, "d.json: attacks[0].durationMinutes: input should be greater than or equal to 0"),
        ({"attacks": [attack(end="2026-10-03T08:40:00+01:00", durationMinutes=600)]}, "attacks[0].durationMinutes: disagrees with end - start"),
        ({"attacks": [attack(twitching=[{"description": "x"}])]}, "d.json: attacks[0].twitching[0].location: required field is missing"),
        ({"attacks": [attack(twitching=[{"location": "neck", "intensity": 12}])]}, "attacks[0].twitching[0].intensity: input should be less than or equal to 10"),
        ({"attacks": [attack(notes="x" * 10_001)]}, "attacks[0].notes: string should have at most 10000 characters"),
        ({"attacks": [attack(reliefMethods=[{"method": "rest", "effect": "great"}])]}, "attacks[0].reliefMethods[0].effect: input should be 'none', 'some', 'good' or 'complete'"),
        ({"attacks": [attack(medications=[{"medication": "zz"}])]}, "d.json: attacks[0].medications[0].medication: no medication with id 'zz' in the catalogue"),
        ({"attacks": [attack(), attack()]}, "d.json: attacks[1].id: duplicate id 'a1' (first at attacks[0])"),
        ({"medications": [{"id": "m", "name": "A"}, {"id": "m", "name": "B"}], "attacks": []}, "d.json: medications[1].id: duplicate id 'm'"),
        ({"patient": {"id": "x", "timezone": "Mars/Olympus"}}, "d.json: patient.timezone: unknown IANA time zone 'Mars/Olympus'"),
        ({"patient": {"id": "x", "timezone": "../../etc/passwd"}}, "patient.timezone: unknown IANA time zone"),
        ({"patient": {"id": "x", "birthDate": "1988-13-01"}}, "patient.birthDate: '1988-13-01' is not a real date"),
        ({"attacks": [attack(start="0026-10-03T07:40")]}, "attacks[0].start: '0026-10-03T07:40' lies outside the years 1800-2299 (a typo?)"),
        ({"days": [{"date": "20261-01-01"}]}, "days[0].date: '20261-01-01' is not a date written YYYY-MM-DD"),
        ({"days": [{"date": "2360-01-01"}]}, "days[0].date: '2360-01-01' lies outside the years 1800-2299"),
        ({"patient": {"id": "x", "sex": "f"}}, "patient.sex: input should be 'female', 'male', 'other' or 'unknown'"),
        ({"patient": {"id": ""}}, "patient.id: string should have at least 1 character"),
        ({"days": [{"date": "2026-10-01", "sleepHours": 25}]}, "d.json: days[0].sleepHours: input should be less than or equal to 24"),
        ({"days": [{"date": "2026-10-01"}, {"date": "2026-10-01"}]}, "d.json: days[1].date: a second entry for 2026-10-01"),
        ({"days": [{"date": "2026-10-01", "stress": 11}]}, "days[0].stress: input should be less than or equal to 10"),
        ({"conditions": [{"id": "c", "code": "migraine", "onset": "2009-02-30"}]}, "conditions[0].onset: '2009-02-30' is not a real date"),
        ({"conditions": [{"id": "c", "code": "flu"}]}, "conditions[0].code: input should be 'migraine'"),
        ({"treatments": [{"id": "t", "type": "other", "medication": "nope"}]}, "treatments[0].medication: no medication with id 'nope'"),
        ({"questionnaires": [{"instrument": "HIT-6", "date": "2026-01-01", "score": 60, "items": [6, 6, 6, 6, 6, 7]}]}, "questionnaires[0].items[5]: a HIT-6 answer scores 6, 8, 10, 11 or 13 (got 7)"),
        ({"questionnaires": [{"instrument": "HIT-6", "date": "2026-01-01", "score": 60, "items": [10, 10, 10, 10, 10, 11]}]}, "d.json: questionnaires[0].score: score 60 disagrees with the items, which sum to 61"),
        ({"questionnaires": [{"instrument": "HIT-6", "date": "2026-01-01", "score": 30}]}, "questionnaires[0].score: HIT-6 scores run from 36 to 78 (got 30)"),
        ({"questionnaires": [{"instrument": "MIDAS", "date": "2026-01-01", "score": 10, "items": [1, 2, 3, 4, 5]}]}, "questionnaires[0].score: score 10 disagrees with items 1-5, which sum to 15"),
        ({"questionnaires": [{"instrument": "MIDAS", "date": "2026-01-01", "score": 271}]}, "questionnaires[0].score: input should be less than or equal to 270"),
        ({"questionnaires": [{"instrument": "PHQ-9", "date": "2026-01-01", "score": 3}]}, "questionnaires[0].instrument: input should be 'MIDAS' or 'HIT-6'"),
    ],
)  # fmt: skip
def test_invalid_value_is_refused_at_its_json_path(change: dict[str, Any], expected: str) -> None:
    found = problems(diary(**change))
    assert any(expected in p for p in found), found


def test_every_problem_is_reported_not_just_the_first() -> None:
    found = problems(
        diary(
            patient={"id": "x", "typo": True},
            attacks=[
                attack(intensity=11),
                attack(kind="x"),
                attack(medications=[{"medication": "q"}]),
            ],
        )
    )
    assert [p.split(": ")[1] for p in found] == [
        "attacks[0].intensity",
        "attacks[1].id",
        "attacks[1].kind",
        "attacks[2].id",
        "attacks[2].medications[0].medication",
        "patient.typo",
    ]


@pytest.mark.parametrize(
    ("zone", "wall", "word"),
    [
        ("Europe/Lisbon", "2026-03-29T01:30", "does not exist in Europe/Lisbon"),
        ("Europe/Lisbon", "2026-10-25T01:30", "is ambiguous in Europe/Lisbon"),
        ("America/New_York", "2026-03-08T02:30", "does not exist in America/New_York"),
        ("America/New_York", "2026-11-01T01:15", "is ambiguous in America/New_York"),
    ],
)
def test_wall_times_that_dst_skips_or_repeats_are_refused(zone: str, wall: str, word: str) -> None:
    found = problems(diary(patient={"id": "x", "timezone": zone}, attacks=[attack(start=wall)]))
    assert len(found) == 1 and found[0].startswith(f"d.json: attacks[0].start: '{wall}' {word}")


def test_an_offset_resolves_an_ambiguous_time() -> None:
    d = parse_diary_json(
        json.dumps(
            diary(
                patient={"id": "x", "timezone": "Europe/Lisbon"},
                attacks=[attack(start="2026-10-25T01:30+00:00")],
            )
        ).encode()
    )
    assert d.attacks[0].start.utcoffset() == timedelta(0)


def test_extra_objects_are_carried_untouched() -> None:
    d = parse_diary_json(
        json.dumps(diary(attacks=[attack(extra={"anything": [1, {"x": None}]})])).encode()
    )
    assert d.attacks[0].extra == {"anything": [1, {"x": None}]}


def test_too_many_attacks_are_refused_before_model_building() -> None:
    many = [
        {"id": str(i), "start": "2026-01-01T00:00", "intensity": 1} for i in range(MAX_ATTACKS + 1)
    ]
    found = problems(diary(attacks=many))
    assert found == ["d.json: attacks: 100001 attacks; at most 100,000 are read from one diary"]


def test_a_file_over_50_mb_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024 + 1)
    with pytest.raises(
        InputError, match=r"big.json: file is 50.0 MB; diaries larger than 50 MB are refused"
    ):
        read_diary(big)


def test_missing_file_and_folder_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_diary(tmp_path / "nope.json")
    with pytest.raises(InputError, match="is a folder"):
        read_diary(tmp_path)


def test_duration_is_elapsed_time_across_a_dst_change() -> None:
    d = parse_diary_json(
        json.dumps(
            diary(
                patient={"id": "x", "timezone": "America/New_York"},
                attacks=[attack(start="2026-11-01T00:00", durationMinutes=25 * 60)],
            )
        ).encode()
    )
    a = d.attacks[0]
    assert a.effective_end is not None and a.duration == timedelta(hours=25)
    assert a.effective_end.replace(tzinfo=None) == datetime(
        2026, 11, 2, 0, 0
    )  # 25 h, one of them the repeated hour


def test_a_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "diary.json"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_diary(fifo)


def test_end_and_duration_agree_in_elapsed_time_across_dst() -> None:
    # 00:00 to 12:00 on the autumn change in New York lasts 13 hours
    ok = attack(start="2026-11-01T00:00", end="2026-11-01T12:00", durationMinutes=13 * 60)
    d = parse_diary_json(
        json.dumps(
            diary(patient={"id": "x", "timezone": "America/New_York"}, attacks=[ok])
        ).encode()
    )
    assert d.attacks[0].duration == timedelta(hours=13)
    wrong = {**ok, "durationMinutes": 12 * 60}
    found = problems(diary(patient={"id": "x", "timezone": "America/New_York"}, attacks=[wrong]))
    assert found == [
        "d.json: attacks[0].durationMinutes: disagrees with end - start; give one of the two"
    ]
