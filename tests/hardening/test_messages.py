"""Messages never repeat what the user wrote in the wrong place.

A message may quote a short excerpt of a value whose *form* is wrong (a date, a number, one
of a list of codes), without control characters or lone surrogates; it never quotes a
note, a description or a name, whatever rule the value breaks.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest

from fhirmig.diary import parse_diary_csv, parse_diary_json
from fhirmig.errors import DiaryError
from fhirmig.wording import excerpt
from tests.conftest import ROOT

SECRET = "My neighbour John Smith (phone 555-0199)"


def _problems(data: dict[str, Any]) -> str:
    raw = json.dumps(data).encode()  # a lone surrogate is written \\ud800, as JSON allows
    with pytest.raises(DiaryError) as caught:
        parse_diary_json(raw, "d.json")
    return str(caught.value)


def _diary() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "examples" / "episodic-twitching.json").read_text())
    return data


def _clean(message: str) -> None:
    assert not [
        ch for ch in message if unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch != "\n"
    ], message


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("attacks", 0, "notes"), SECRET + " \ud800"),
        (("attacks", 0, "notes"), SECRET + "x" * 20000),
        (("attacks", 0, "notes"), ["a list", SECRET]),
        (("attacks", 0, "notes"), 5),
        (("patient", "name"), SECRET + " \ud800"),
        (("patient", "name", "family"), {"text": SECRET}),
        (("patient", "name", "given"), [SECRET + "\ud800"]),
        (("patient", "identifiers", 0, "value"), SECRET + "\ud800"),
        (("attacks", 0, "twitching"), [{"location": "eyelid", "description": SECRET + "\udfff"}]),
    ],
)
def test_free_text_is_never_quoted(where: tuple[Any, ...], value: Any) -> None:
    data = _diary()
    node: Any = data
    for step in where[:-1]:
        node = node[step]
    node[where[-1]] = value
    message = _problems(data)
    assert "John Smith" not in message and "555-0199" not in message
    _clean(message)


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("start", "2026-01-01T10:00 \x1b[31m\ud800\u202e", "'2026-01-01T10:00 ?[31m??'"),
        ("intensity", "seven\x07\ud800", "(got 'seven??')"),
        ("kind", "migrane\u202e", "(got 'migrane?')"),
        ("durationMinutes", -5, "(got -5)"),
        ("start", "2026-01-01T10:00" + "9" * 500, "..."),
    ],
)
def test_a_value_of_the_wrong_form_is_quoted_short_and_clean(
    field: str, value: Any, shown: str
) -> None:
    data = _diary()
    data["attacks"][0][field] = value
    message = _problems(data)
    assert shown in message
    assert max(len(line) for line in message.splitlines()) < 300
    _clean(message)


def test_csv_errors_quote_form_only() -> None:
    header = "id,start,intensity,notes\r\n"
    rows = f'a,2026-01-01T10:00,seven\x1b,"{SECRET}"\r\n'
    with pytest.raises(DiaryError) as caught:
        parse_diary_csv((header + rows).encode(), "d.csv")
    message = str(caught.value)
    assert "line 2, column intensity: must be a whole number (got 'seven?')" in message
    assert "John Smith" not in message
    _clean(message)


def test_excerpt() -> None:
    assert excerpt("2026-02-30") == "'2026-02-30'"
    assert excerpt(-5) == "-5" and excerpt(1.5) == "1.5"
    assert excerpt("a\x00b\u200fc\ud800") == "'a?b?c?'"
    assert excerpt("x" * 100) == "'" + "x" * 60 + "...'"
