"""Hostile and broken diary files: each gives a clean, located error or a safe result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fhirmig.cli import cli
from fhirmig.diary import MAX_FILE_BYTES, dumps_diary, parse_diary_csv, parse_diary_json, read_diary
from fhirmig.errors import DiaryError, InputError
from fhirmig.privacy import deidentify_diary

from .fuzzing import HOSTILE, KEY

MARKUP = '<b>x</b> </para> <font size="90">&amp;</font> \x1b[2J\x07\t{{7*7}}'


def _diary(**parts: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"format": "fhirmig-diary/1", "patient": {"id": "p-1"}}
    data.update(parts)
    return data


def _bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def _validate(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", str(path)])
    return result.exit_code, result.stderr


def test_deeply_nested_json_is_refused_cleanly() -> None:
    for depth in (1_000, 100_000):
        data = b'{"format": "fhirmig-diary/1", "attacks": ' + b"[" * depth + b"]" * depth + b"}"
        with pytest.raises(DiaryError) as info:
            parse_diary_json(data, "deep.json")
        assert info.value.problems[0].file == "deep.json"


def test_deeply_nested_extra_is_refused_cleanly() -> None:
    nested = '{"a": ' * 50_000 + "1" + "}" * 50_000
    data = (
        '{"format": "fhirmig-diary/1", "patient": {"id": "p"}, "attacks": [{"id": "a", '
        '"start": "2026-01-01T10:00Z", "intensity": 3, "extra": ' + nested + "}]}"
    ).encode()
    with pytest.raises(DiaryError, match="nested too deeply"):
        parse_diary_json(data, "deep.json")


def test_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as fh:  # sparse: costs no disk and no time
        fh.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(InputError, match=r"huge\.json: file is [0-9.]+ MB.*refused"):
        read_diary(path)
    code, err = _validate(path)
    assert code == 1
    assert "Traceback" not in err


def test_a_50_mb_json_file_is_handled() -> None:
    note = "x" * (MAX_FILE_BYTES - 400)
    data = _bytes(_diary(attacks=[{"id": "a", "start": "2026-01-01T10:00Z", "intensity": 3}]))
    data = data[:-1] + b', "padding": "' + note.encode() + b'"}'
    assert len(data) <= MAX_FILE_BYTES
    with pytest.raises(DiaryError) as info:
        parse_diary_json(data, "big.json")
    [problem] = info.value.problems
    assert problem.location == "padding"
    assert len(str(info.value)) < 500  # the 50 MB value is not echoed


def test_very_long_fields_are_refused_without_echoing_them() -> None:
    long = "secret " * 150_000
    data = _diary(
        patient={"id": "p-1", "name": {"family": long}},
        attacks=[{"id": "a", "start": "2026-01-01T10:00Z", "intensity": 3, "notes": long}],
    )
    with pytest.raises(DiaryError) as info:
        parse_diary_json(_bytes(data), "long.json")
    locations = {p.location for p in info.value.problems}
    assert {"patient.name.family", "attacks[0].notes"} <= locations
    assert len(str(info.value)) < 1_000


def test_csv_with_a_1_mb_cell() -> None:
    header = "id,start,intensity,notes\r\n"
    row = 'a1,2026-03-01T12:00,3,"' + "n" * 1_000_000 + '"\r\n'
    with pytest.raises(DiaryError) as info:
        parse_diary_csv((header + row).encode(), "cell.csv")
    [problem] = info.value.problems
    assert problem.location == "line 2, column notes"
    assert len(str(info.value)) < 500


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_nul_bytes_are_refused_with_the_line(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"nul{suffix}"
    if suffix == ".json":
        path.write_bytes(b'{\n"format": "fhirmig-diary/1",\n"patient": {"id": "p\x00"}}')
    else:
        path.write_bytes(b"id,start,intensity\r\na,2026-03-01T12:00\x00,3\r\n")
    with pytest.raises(DiaryError, match=r"line [23]: contains a NUL byte"):
        read_diary(path)


def test_invalid_utf8_names_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(_bytes(_diary())[:-1] + ', "x": "M\xfcller"}'.encode("latin-1"))
    with pytest.raises(DiaryError, match="byte 0xfc"):
        read_diary(path)


def test_a_folder_is_not_a_diary(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        read_diary(tmp_path)


def test_an_endless_device_is_refused_unread() -> None:
    with pytest.raises(InputError, match=r"/dev/zero: not a regular file"):
        read_diary("/dev/zero")


def test_markup_and_control_characters_survive_literally(tmp_path: Path) -> None:
    attack = {
        "id": "a",
        "start": "2026-01-01T10:00Z",
        "intensity": 3,
        "notes": MARKUP,
        "symptoms": [MARKUP],
        "triggers": [MARKUP],
        "painLocations": [MARKUP],
        "twitching": [{"location": MARKUP, "description": MARKUP}],
        "reliefMethods": [{"method": MARKUP}],
    }
    data = _diary(
        patient={"id": "p-1", "name": {"given": [MARKUP], "family": MARKUP}},
        medications=[{"id": "m", "name": MARKUP}],
        attacks=[attack],
        days=[{"date": "2026-01-01", "notes": MARKUP}],
        treatments=[{"id": "t", "name": MARKUP, "notes": MARKUP}],
        conditions=[{"id": "c", "text": MARKUP, "note": MARKUP}],
    )
    diary = parse_diary_json(_bytes(data), "markup.json")
    kept = deidentify_diary(diary, KEY, keep_notes=True)
    assert kept.attacks[0].notes == MARKUP
    assert kept.attacks[0].twitching[0].description == MARKUP
    again = parse_diary_json(dumps_diary(kept), "again.json")
    assert again.attacks[0].symptoms == [MARKUP]
    plain = deidentify_diary(diary, KEY)
    assert MARKUP not in dumps_diary(plain).decode().replace(plain.medications[0].name, "")


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_in_free_text_never_crash(text: str) -> None:
    attack = {"id": "a", "start": "2026-01-01T10:00Z", "intensity": 3}
    for field, value in (("notes", text), ("symptoms", [text]), ("id", text)):
        raw = _bytes(_diary(attacks=[{**attack, field: value}]))
        try:
            diary = parse_diary_json(raw, "h.json")
        except DiaryError as exc:
            assert all(p.file == "h.json" for p in exc.problems)
            continue
        for keep in (False, True):
            out = dumps_diary(deidentify_diary(diary, KEY, keep_notes=keep))
            assert parse_diary_json(out, "o.json").deidentified is True
