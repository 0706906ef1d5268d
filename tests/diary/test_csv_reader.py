"""The CSV reader: quoting, lists, the sidecar, and errors located by line and column."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from fhirmig.diary import parse_diary_csv, read_diary
from fhirmig.errors import DiaryError

HEADER = "id,start,end,intensity,medications,relief_methods,twitching_locations,twitching_description,twitching_intensity,notes"


def problems(text: str | bytes, **kwargs: Any) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(DiaryError) as info:
        parse_diary_csv(data, "d.csv", **kwargs)
    return [str(p) for p in info.value.problems]


def test_quoted_cells_with_commas_quotes_newlines_and_lists() -> None:
    text = (
        HEADER + "\r\n"
        'a1,2026-10-03T07:40,2026-10-03T19:10,7,"Sumatriptan 50 mg@2026-10-03T08:00=good;Ibuprofen 400 mg",'
        'dark-room=some;rest,left-eyelid;neck,"small, ""pulsing"" jumps",3,"line one\nline two, with comma"\r\n'
    )
    d = parse_diary_csv(text.encode(), "d.csv", patient={"id": "p", "timezone": "Europe/Lisbon"})
    a = d.attacks[0]
    assert a.notes == "line one\nline two, with comma"
    assert [t.location for t in a.twitching] == ["left-eyelid", "neck"]
    assert {t.description for t in a.twitching} == {'small, "pulsing" jumps'}
    assert {t.intensity for t in a.twitching} == {3}
    assert [(m.method, m.effect) for m in a.relief_methods] == [
        ("dark-room", "some"),
        ("rest", None),
    ]
    assert [(i.medication, i.relief) for i in a.medications] == [
        ("sumatriptan-50-mg", "good"),
        ("ibuprofen-400-mg", None),
    ]
    assert a.medications[0].taken is not None and a.medications[0].taken.utcoffset() == timedelta(
        hours=1
    )
    # names not in a catalogue join it with the drug table's class and ATC code
    assert [(m.id, m.name, m.drug_class, m.atc) for m in d.medications] == [
        ("sumatriptan-50-mg", "Sumatriptan 50 mg", "triptan", "N02CC01"),
        ("ibuprofen-400-mg", "Ibuprofen 400 mg", "nsaid", "M01AE01"),
    ]


def test_names_the_drug_table_does_not_know_stay_other_and_are_listed() -> None:
    from fhirmig.diary.drugs import left_other

    text = HEADER + "\r\n" + 'a1,2026-10-03T07:40,,5,"Spalt@2026-10-03T08:00;Arnica drops",,,,,\r\n'
    d = parse_diary_csv(text.encode(), "d.csv", patient={"id": "p"})
    assert [(m.name, m.drug_class, m.atc) for m in d.medications] == [
        ("Spalt", "other", None),
        ("Arnica drops", "other", None),
    ]
    assert left_other(d.medications) == ["Arnica drops", "Spalt"]


def test_byte_order_mark_and_any_column_order() -> None:
    d = parse_diary_csv(
        "\ufeffintensity,start\n4,2026-01-02T10:00\n".encode(), "d.csv", default_id="diary-7"
    )
    assert d.patient.id == "diary-7" and d.patient.timezone == "UTC"
    assert d.attacks[0].intensity == 4
    assert d.attacks[0].id == "row-2"  # an empty id takes the row's line number


def test_row_ids_follow_physical_lines_after_multiline_cells() -> None:
    text = 'start,intensity,notes\n2026-01-01T10:00,3,"a\nb\nc"\n2026-01-02T10:00,4,\n'
    d = parse_diary_csv(text.encode(), "d.csv")
    assert [a.id for a in d.attacks] == ["row-2", "row-5"]


def test_aura_words() -> None:
    text = "start,intensity,aura\n2026-01-01T10:00,3,yes\n2026-01-02T10:00,3,FALSE\n2026-01-03T10:00,3,\n"
    d = parse_diary_csv(text.encode(), "d.csv")
    assert [a.aura for a in d.attacks] == [True, False, None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ["d.csv: line 1: empty file: the header row is missing"]),
        ("start,intensity,bogus\n", ["d.csv: line 1, column bogus: unknown column (see the diary format)"]),
        ("start,start,intensity\n", ["d.csv: line 1, column start: column appears twice"]),
        ("id,start\n", ["d.csv: line 1: required column 'intensity' is missing"]),
        ("start,intensity\n2026-01-01T10:00,55\n", ["d.csv: line 2, column intensity: input should be less than or equal to 10 (got 55)"]),
        ("start,intensity\n2026-01-01T10:00,x\n", ["d.csv: line 2, column intensity: must be a whole number (got 'x')"]),
        ("start,intensity\n2026-01-01T10:00,\n", ["d.csv: line 2, column intensity: required: peak pain 0-10"]),
        ("start,intensity\n,3\n", ["d.csv: line 2, column start: required; every attack has a start"]),
        ("start,intensity\n2026-02-30T10:00,3\n", ["d.csv: line 2, column start: '2026-02-30T10:00' is not a real date and time"]),
        ("start,intensity,duration_minutes\n2026-01-01T10:00,3,1,5\n", ["d.csv: line 2: has 4 cells; the header has 3"]),
        ("start,intensity,duration_minutes\n2026-01-01T10:00,3,1h\n", ["d.csv: line 2, column duration_minutes: must be a number (dot as decimal separator) (got '1h')"]),
        ("start,intensity,aura\n2026-01-01T10:00,3,maybe\n", ["d.csv: line 2, column aura: must be true, false, yes or no (got 'maybe')"]),
        ("start,intensity,medications\n2026-01-01T10:00,3,X@2026-01-01T11:00=great\n", ["d.csv: line 2, column medications: relief must be none, some, good or complete (got 'great')"]),
        ("start,intensity,relief_methods\n2026-01-01T10:00,3,rest=wow\n", ["d.csv: line 2, column relief_methods: effect must be none, some, good or complete (got 'wow')"]),
        ("start,intensity,twitching_description\n2026-01-01T10:00,3,jumps\n", ["d.csv: line 2, column twitching_locations: twitching description or intensity given without a location"]),
        ("start,intensity,twitching_locations,twitching_intensity\n2026-01-01T10:00,3,neck,11\n", ["d.csv: line 2, column twitching_intensity: input should be less than or equal to 10 (got 11)"]),
        ("start,intensity,end\n2026-01-01T10:00,3,2026-01-01T09:00\n", ["d.csv: line 2, column end: end is before start"]),
        ('start,intensity,notes\n2026-01-01T10:00,3,"open quote\n', ["d.csv: line 2: malformed CSV: unexpected end of data"]),
        ("id,start,intensity\na,2026-01-01T10:00,3\na,2026-01-02T10:00,3\n", ["d.csv: line 3, column id: duplicate id 'a' (first at attacks[0])"]),
    ],
)  # fmt: skip
def test_invalid_csv_is_refused_at_line_and_column(text: str, expected: list[str]) -> None:
    assert problems(text) == expected


def test_problems_of_several_rows_come_in_line_order() -> None:
    text = "start,intensity,aura\n2026-01-01T10:00,11,x\n2026-01-02T10:00,3,\n2026-13-01T10:00,3,\n"
    found = problems(text)
    assert [p.split(": ")[1] for p in found] == [
        "line 2, column aura",
        "line 2, column intensity",
        "line 4, column start",
    ]


def test_not_utf8_is_refused() -> None:
    assert problems(b"start,intensity\n2026-01-01T10:00,3,\xe9\n") == [
        "d.csv: line 2: not UTF-8: byte 0xe9 at offset 35 cannot be decoded (save the file as UTF-8)"
    ]


def test_fixed_catalogue_refuses_unknown_names() -> None:
    meds = [{"id": "napro", "name": "Naproxen 500 mg", "class": "nsaid"}]
    text = (
        "start,intensity,medications\n2026-01-01T10:00,3,naproxen 500 MG@2026-01-01T11:00;Aspirin\n"
    )
    assert problems(text, medications=meds) == [
        "d.csv: line 2, column medications: no medication 'Aspirin' in the catalogue"
    ]
    ok = parse_diary_csv(text.split(";")[0].encode() + b"\n", "d.csv", medications=meds)
    assert ok.attacks[0].medications[0].medication == "napro"
    assert ok.medications[0].drug_class == "nsaid"


def test_sidecar_gives_patient_and_catalogue(tmp_path: Path) -> None:
    (tmp_path / "mine.csv").write_text(
        "start,intensity,medications\n2026-03-29T04:00,3,Naproxen 500 mg@2026-03-29T05:00\n"
    )
    (tmp_path / "mine.patient.json").write_text(
        json.dumps(
            {
                "patient": {"id": "p-9", "timezone": "Europe/Berlin"},
                "medications": [{"id": "n", "name": "Naproxen 500 mg", "class": "nsaid"}],
            }
        )
    )
    d = read_diary(tmp_path / "mine.csv")
    assert d.patient.id == "p-9"
    assert d.attacks[0].start.utcoffset() == timedelta(hours=2)  # after the spring change in Berlin
    assert d.attacks[0].medications[0].medication == "n"


def test_sidecar_may_be_the_bare_patient_object(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("start,intensity\n2026-01-01T10:00,3\n")
    (tmp_path / "x.patient.json").write_text(
        json.dumps({"id": "p-bare", "timezone": "America/New_York"})
    )
    d = read_diary(tmp_path / "x.csv")
    assert d.patient.id == "p-bare" and d.attacks[0].start.utcoffset() == timedelta(hours=-5)


def test_without_sidecar_the_file_name_is_the_patient_id(tmp_path: Path) -> None:
    (tmp_path / "diary-42.csv").write_text("start,intensity\n2026-01-01T10:00,3\n")
    assert read_diary(tmp_path / "diary-42.csv").patient.id == "diary-42"


def test_bad_sidecar_is_named(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("start,intensity\n2026-01-01T10:00,3\n")
    (tmp_path / "x.patient.json").write_text('{"id": "p", "timezone": "Nowhere/City"}')
    with pytest.raises(
        DiaryError, match=r"x.csv: patient.timezone: unknown IANA time zone 'Nowhere/City'"
    ):
        read_diary(tmp_path / "x.csv")


def test_the_example_csv_is_valid(examples: Path) -> None:
    d = read_diary(examples / "spreadsheet.csv")
    assert d.patient.id == "p-0003" and len(d.attacks) >= 5
    assert any("\n" in (a.notes or "") for a in d.attacks)
    assert any(a.twitching for a in d.attacks)


def test_a_one_megabyte_cell_is_read_and_then_refused_by_the_notes_limit() -> None:
    text = 'start,intensity,notes\n2026-01-01T10:00,3,"' + "x" * (1 << 20) + '"\n'
    assert problems(text) == [
        "d.csv: line 2, column notes: string should have at most 10000 characters"
    ]
