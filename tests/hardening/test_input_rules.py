"""The input rules of docs/diary-format.md, kept by every reader: no NUL, no key twice.

Each reader gets a file that is valid but for one NUL (raw, or written ``\\u0000`` in JSON)
or one key written twice in an object, placed past the first kilobyte so that no sniffing
of the file's start catches it; each must refuse it naming the file and the line.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fhirmig.diary import read_diary
from fhirmig.errors import FhirmigError, ImportSourceError
from fhirmig.fhir import collection_bundle, diary_to_resources, load_input, write_ndjson
from fhirmig.importers import (
    import_apple_health,
    import_daily_csv,
    import_fitbit_sleep,
    import_migraine_buddy,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
DATA = ROOT / "tests" / "importers" / "data"
FITBIT_JSON = DATA / "fitbit" / "Global Export Data" / "sleep-2026-10-01.json"


def _late(text: str, old: str, new: str) -> str:
    """``text`` with the last ``old`` replaced by ``new`` (far from the file's start)."""
    at = text.rindex(old)
    assert at > 1024 or len(text) < 1100, "the change must lie past the sniffed start"
    return text[:at] + new + text[at + len(old) :]


def _bundle_text() -> str:
    diary = read_diary(EXAMPLES / "episodic-twitching.json")
    return json.dumps(collection_bundle(diary_to_resources(diary)), indent=1)


def _line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


def _refused(run: Callable[[], Any], file: Path, line: int, what: str) -> None:
    with pytest.raises(FhirmigError) as caught:
        run()
    message = str(caught.value)
    assert f"{file}: line {line}" in message, message
    assert what in message, message


# -- diary JSON, its CSV and the CSV's sidecar ---------------------------------------------


def _diary_with_note(note: str) -> str:
    data = json.loads((EXAMPLES / "episodic-twitching.json").read_text())
    data["attacks"][-1]["notes"] = note
    return json.dumps(data, indent=1)


def test_diary_json_refuses_an_escaped_nul(tmp_path: Path) -> None:
    bad = _diary_with_note("hidden\x00 rest")
    assert "hidden\\u0000 rest" in bad
    path = tmp_path / "d.json"
    path.write_text(bad)
    _refused(lambda: read_diary(path), path, _line_of(bad, "hidden"), "NUL character")


def test_an_escaped_backslash_before_u0000_is_no_nul(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text(_diary_with_note("C:\\u0000 folder"))
    assert read_diary(path).attacks[-1].notes == "C:\\u0000 folder"


def test_diary_csv_refuses_a_nul(tmp_path: Path) -> None:
    text = (EXAMPLES / "spreadsheet.csv").read_text()
    path = tmp_path / "d.csv"
    path.write_text(text + "x9,2026-03-01T10:00,,,4,migraine,,,,,,,,,,,,late\x00note\r\n")
    _refused(lambda: read_diary(path), path, text.count("\n") + 1, "NUL byte")


@pytest.mark.parametrize(
    ("sidecar", "what"),
    [
        ('{"id": "p-1",\n "timezone": "UTC",\n "name": {"text": "A\\u0000B"}}', "NUL character"),
        ('{"id": "p-1",\n "timezone": "UTC",\n "id": "p-2"}', "the key 'id' appears twice"),
    ],
)
def test_the_csv_sidecar_keeps_the_json_rules(tmp_path: Path, sidecar: str, what: str) -> None:
    (tmp_path / "d.csv").write_text((EXAMPLES / "spreadsheet.csv").read_text())
    side = tmp_path / "d.patient.json"
    side.write_text(sidecar)
    line = 3 if "NUL" in what else 1
    _refused(lambda: read_diary(tmp_path / "d.csv"), side, line, what)


# -- FHIR input ----------------------------------------------------------------------------


def test_a_bundle_with_a_key_twice_is_refused(tmp_path: Path) -> None:
    text = _bundle_text()
    bad = text.replace('"gender": "female"', '"gender": "female",\n "gender": "male"', 1)
    path = tmp_path / "b.json"
    path.write_text(bad)
    line = _line_of(bad, '"resourceType": "Patient"') - 1  # where the Patient object opens
    with pytest.raises(FhirmigError) as caught:
        load_input(path)
    assert str(caught.value).startswith(f"{path}: line {line}, column ")
    assert "the key 'gender' appears twice in one object" in str(caught.value)


@pytest.mark.parametrize("nul", ["\\u0000", "\x00"])
def test_a_bundle_with_a_nul_is_refused(tmp_path: Path, nul: str) -> None:
    text = _bundle_text()
    bad = _late(text, '"display": "', '"display": "x' + nul)
    path = tmp_path / "b.json"
    path.write_text(bad)
    _refused(lambda: load_input(path), path, _line_of(bad, "x" + nul), "NUL")


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        ('"gender":"female"', '"gender":"female","gender":"male"', "appears twice"),
        ('"family":"', '"family":"Sil\\u0000', "NUL character"),
    ],
)
def test_ndjson_keeps_the_json_rules(tmp_path: Path, old: str, new: str, what: str) -> None:
    diary = read_diary(EXAMPLES / "episodic-twitching.json")
    folder = tmp_path / "nd"
    write_ndjson(diary_to_resources(diary), folder)
    patient = folder / "Patient.ndjson"
    text = patient.read_text()
    assert old in text
    patient.write_text(text.replace(old, new, 1))
    _refused(lambda: load_input(folder), patient, 1, what)


# -- importers -----------------------------------------------------------------------------


def _mb_csv(tmp_path: Path) -> tuple[Path, str]:
    text = (DATA / "mb_standard.csv").read_text()
    row = "9,26/10/26 16:00,2h 15m,4,,,,,,Back of Head,,,,,,,,,"
    bad = text + row + '"' + "long note " * 120 + '"\n' + row + '"late\x00 note"\n'
    path = tmp_path / "mb.csv"
    path.write_text(bad)
    return path, bad


def test_migraine_buddy_csv_refuses_a_nul_in_a_note(tmp_path: Path) -> None:
    path, bad = _mb_csv(tmp_path)
    _refused(
        lambda: import_migraine_buddy(path, patient_id="p", timezone="UTC"),
        path,
        _line_of(bad, "late\x00"),
        "NUL byte",
    )


def test_migraine_buddy_csv_refuses_a_nul_in_a_health_event(tmp_path: Path) -> None:
    text = (DATA / "mb_standard.csv").read_text()
    events, rest = text.split("\n", 1)
    padding = "".join(f"0{d}/09/26,Morning,Check-up {d},{'x' * 200}\n" for d in range(1, 9))
    bad = events + "\n" + padding + "12/09/26,Morning,GP visit,said\x00nothing\n" + rest
    path = tmp_path / "mb.csv"
    path.write_text(bad)
    _refused(
        lambda: import_migraine_buddy(path, patient_id="p", timezone="UTC"),
        path,
        _line_of(bad, "said\x00"),
        "NUL byte",
    )


def test_migraine_buddy_report_refuses_a_nul(tmp_path: Path) -> None:
    text = (DATA / "mb_report_dmy.html").read_text()
    bad = _late(text, "</td>", "\x00</td>")
    path = tmp_path / "report.html"
    path.write_text(bad)
    _refused(
        lambda: import_migraine_buddy(path, patient_id="p", timezone="UTC"),
        path,
        _line_of(bad, "\x00"),
        "NUL byte",
    )


@pytest.mark.parametrize("nul", ["\x00", "&#0;"])
def test_apple_health_refuses_a_nul(tmp_path: Path, nul: str) -> None:
    text = (DATA / "apple_export.xml").read_text()
    bad = _late(text, 'sourceName="', 'sourceName="Ph' + nul)
    path = tmp_path / "export.xml"
    path.write_text(bad)
    _refused(
        lambda: import_apple_health(path, patient_id="p", timezone="UTC"),
        path,
        _line_of(bad, "Ph" + nul),
        "not well-formed XML",
    )


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        ('"mainSleep"', '"mainSleep" : 1, "mainSleep"', "appears twice"),
        ('"dateOfSleep" : "', '"dateOfSleep" : "x\\u0000', "NUL character"),
        ('"dateOfSleep" : "', '"dateOfSleep" : "x\x00', "NUL byte"),
    ],
)
def test_fitbit_json_keeps_the_json_rules(tmp_path: Path, old: str, new: str, what: str) -> None:
    text = FITBIT_JSON.read_text()
    assert old in text
    bad = _late(" " * 1100 + text, old, new)
    path = tmp_path / "sleep-2026-10-01.json"
    path.write_text(bad)
    with pytest.raises(ImportSourceError) as caught:
        import_fitbit_sleep(path, patient_id="p", timezone="UTC")
    assert what in str(caught.value) and "line " in str(caught.value)


def test_fitbit_csv_refuses_a_nul(tmp_path: Path) -> None:
    lines = (DATA / "fitbit_sleep.csv").read_text().splitlines()
    lines += [lines[-1]] * 30
    lines[-1] += "\x00"
    path = tmp_path / "sleep.csv"
    path.write_text("\n".join(lines) + "\n")
    _refused(
        lambda: import_fitbit_sleep(path, patient_id="p", timezone="UTC"),
        path,
        len(lines),
        "NUL byte",
    )


def test_daily_csv_refuses_a_nul(tmp_path: Path) -> None:
    lines = (DATA / "daily_wearable.csv").read_text().splitlines()
    lines += [f"2026-11-{d:02d},8,,,2,45,{'busy ' * 10}" for d in range(1, 29)]
    lines.append("2026-12-01,8,,,2,45,x\x00")
    path = tmp_path / "daily.csv"
    path.write_text("\n".join(lines) + "\n")
    _refused(
        lambda: import_daily_csv(path, patient_id="p", timezone="UTC"),
        path,
        len(lines),
        "NUL byte",
    )


# -- the Apple Health archive ----------------------------------------------------------------


def _archive(tmp_path: Path, members: dict[str, str]) -> Path:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(zipfile.ZipInfo(name), text)
    return path


def _sleep(path: Path) -> dict[str, float]:
    result = import_apple_health(path, patient_id="p", timezone="UTC")
    return {d.date.isoformat(): d.sleep_hours for d in result.diary.days if d.sleep_hours}


REAL = (DATA / "apple_export.xml").read_text()


@pytest.mark.parametrize(
    "planted", ["/abs/export.xml", "export.xml", "../export.xml", "a/export.xml"]
)
def test_a_planted_export_xml_never_wins(tmp_path: Path, planted: str) -> None:
    archive = _archive(
        tmp_path,
        {
            planted: "<Record>not an export</Record>",
            "apple_health_export/exportar.xml": REAL,
            "apple_health_export/export_cda.xml": "<ClinicalDocument/>",
        },
    )
    assert _sleep(archive) == {"2026-10-03": 8.33, "2026-10-04": 5.25}


def test_an_archive_holding_two_exports_is_refused(tmp_path: Path) -> None:
    fake = REAL.replace('value="8.33"', 'value="1"')
    archive = _archive(tmp_path, {"/abs/export.xml": fake, "apple_health_export/export.xml": REAL})
    with pytest.raises(ImportSourceError, match="holds 2 Apple Health exports") as caught:
        import_apple_health(archive, patient_id="p", timezone="UTC")
    assert "/abs/export.xml" in str(caught.value)
