"""CSV a spreadsheet will not run: formula cells are escaped (OWASP) and read back exactly."""

from __future__ import annotations

import csv
import io
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fhirmig.diary import Diary, diary_to_csv, diary_to_json, parse_diary_csv
from fhirmig.diary.csvsafe import FORMULA_START, safe_cell, unescape_cell
from fhirmig.diary.reader import diary_from_raw
from tests.diary.strategies import raw_diaries

PREFIXES = ["=", "+", "-", "@", "\t", "'", "'=", "''+", "'-", "=='", "@@"]


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def _diary(notes: str, trigger: str = "stress") -> Diary:
    raw = {
        "format": "fhirmig-diary/1",
        "patient": {"id": "p-1", "timezone": "UTC"},
        "attacks": [
            {
                "id": "a1",
                "start": "2026-01-01T10:00:00+00:00",
                "intensity": 5,
                "notes": notes,
                "triggers": [trigger],
            }
        ],
    }
    return diary_from_raw(raw, "d.json")


def test_a_formula_note_is_written_as_text() -> None:
    payload = "=cmd|' /C calc'!A0"
    text = diary_to_csv(_diary(payload, trigger="@SUM(1+1)"))
    cells = _cells(text)
    assert "'=cmd|' /C calc'!A0" in cells and "'@SUM(1+1)" in cells
    assert not [c for c in cells if c and c[0] in FORMULA_START]
    again = parse_diary_csv(text.encode(), "d.csv", patient={"id": "p-1"})
    assert again.attacks[0].notes == payload
    assert again.attacks[0].triggers == ["@SUM(1+1)"]


def test_the_escape_is_exact() -> None:
    for value in ["=1", "'=1", "''=1", "'plain", "plain", "-", "+1", "\tx", "\rx", "@", "'"]:
        assert unescape_cell(safe_cell(value)) == value
    assert safe_cell("'plain") == "'plain" and safe_cell("''=1") == "'''=1"
    assert unescape_cell("'plain") == "'plain"  # a quote the writer did not add stays


@st.composite
def formula_diaries(draw: st.DrawFn) -> dict[str, Any]:
    raw: dict[str, Any] = draw(raw_diaries(csv_safe=True))
    for attack in raw["attacks"]:
        prefix = draw(st.sampled_from(PREFIXES))
        attack["notes"] = prefix + attack.get("notes", "note")
        if attack.get("triggers"):
            attack["triggers"][0] = draw(st.sampled_from(PREFIXES)).strip() + "x"
    return raw


@settings(max_examples=80, deadline=None)
@given(formula_diaries())
def test_formula_cells_round_trip(raw: dict[str, Any]) -> None:
    diary = diary_from_raw(raw, "generated.json")
    text = diary_to_csv(diary)
    assert not [c for c in _cells(text) if c and c[0] in FORMULA_START]
    patient = diary.patient.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    catalogue = [m.model_dump(mode="json", by_alias=True) for m in diary.medications]
    again = parse_diary_csv(text.encode(), "again.csv", patient=patient, medications=catalogue)
    assert again.attacks == diary.attacks
    assert diary_to_json(again).get("attacks") == diary_to_json(diary).get("attacks")
