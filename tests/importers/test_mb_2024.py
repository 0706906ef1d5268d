"""Migraine Buddy's CSV as exported since 2024: preamble, per-attack UTC offsets, location.

The fixture follows the header shown in crmne/cluster-headache-tracker#81 (ongoing-events
block, blank line, attack table with ``Start/End UTC Offset (min)``, ``Geohash``, ``Attack
Types`` and ``Attack Location``); ``Started`` is the wall clock where the phone was
(``%m/%d/%y %H:%M``) and the offsets are minutes east of UTC. The patient lives in Berlin;
attack 1 spans the 2026 spring DST change, attack 2 was logged in Tokyo.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from fhirmig.analysis import compute_stats
from fhirmig.diary import dumps_diary
from fhirmig.errors import ImportSourceError
from fhirmig.fhir import diary_to_resources
from fhirmig.importers import import_migraine_buddy, parse_migraine_buddy
from tests.report.pdfhelp import render

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "mb_2024.csv"
GEOHASHES = ("u33dc0cpke7v", "xn76urx6b", "u33dc", "xn76u")


def _import(**kwargs: object):  # type: ignore[no-untyped-def]
    return import_migraine_buddy(
        FIXTURE,
        patient_id="p-mb",
        timezone="Europe/Berlin",
        **kwargs,  # type: ignore[arg-type]
    )


def test_each_attack_uses_its_own_utc_offsets() -> None:
    diary = _import().diary
    first, tokyo, home = diary.attacks
    # 23:30 at +01:00, four hours over the DST change: ends 04:30 at +02:00
    assert first.start.astimezone(UTC) == datetime(2026, 3, 28, 22, 30, tzinfo=UTC)
    assert first.end is not None and first.end.isoformat() == "2026-03-29T04:30:00+02:00"
    assert first.end.astimezone(UTC) == datetime(2026, 3, 29, 2, 30, tzinfo=UTC)
    # 06:30 in Tokyo (+09:00) is 21:30 UTC the day before, 23:30 in Berlin
    assert tokyo.start.isoformat() == "2026-04-11T06:30:00+09:00"
    assert tokyo.start.astimezone(UTC) == datetime(2026, 4, 10, 21, 30, tzinfo=UTC)
    assert home.start.astimezone(UTC) == datetime(2026, 4, 20, 12, 0, tzinfo=UTC)
    # ids come from the start in the patient's zone, so later exports merge cleanly
    assert [a.id for a in diary.attacks] == [
        "mb-20260328T2330",
        "mb-20260410T2330",
        "mb-20260420T1400",
    ]
    # the calendar day is the patient's: the Tokyo attack is a headache day on 10 April
    stats = compute_stats(diary)
    days = {d.day.isoformat() for d in stats.day_table if d.headache}
    assert "2026-04-10" in days and "2026-04-11" not in days


def test_attack_types_premonitory_bothersome_and_activities() -> None:
    first, tokyo, home = _import().diary.attacks
    assert [a.kind for a in (first, tokyo, home)] == ["migraine", "migraine", "headache"]
    # a prodrome is never an aura, even when a word reads like one
    assert first.aura is None
    assert "visual-aura" not in first.symptoms
    assert first.premonitory_symptoms == ["Yawning", "neck-pain", "Visual disturbances"]
    assert first.most_bothersome_symptom == "photophobia"
    assert first.symptoms == ["nausea", "photophobia"]
    assert [a.disability for a in (first, tokyo, home)] == ["severe", "mild", "none"]
    assert first.triggers == ["menstruation", "stress"]
    intake = first.medications[0]
    assert intake.taken is not None
    assert intake.taken.astimezone(UTC) == datetime(2026, 3, 28, 22, 45, tzinfo=UTC)
    assert intake.relief == "good"


def test_period_and_menstruation_events_mark_days() -> None:
    diary = _import().diary
    marked = [d.date.isoformat() for d in diary.days if d.menstruation]
    assert marked == ["2026-03-20", "2026-03-21", "2026-03-22", "2026-03-23", "2026-03-28"]


def test_no_location_leaves_the_phone(tmp_path: Path) -> None:
    result = _import()
    text = dumps_diary(result.diary).decode()
    for geohash in GEOHASHES:
        assert geohash not in text
    assert '"setting"' not in text and "Home" not in text and '"extra"' not in text
    notes = [str(n) for n in result.notes]
    assert any("3 attacks had a location (Attack Location) left out" in n for n in notes)
    assert any("'Geohash' (the phone's location) is never imported" in n for n in notes)
    fhir = str(diary_to_resources(result.diary))
    assert not any(g in fhir for g in GEOHASHES)
    pdf = render(result.diary, tmp_path / "r.pdf").text
    assert not any(g in pdf for g in GEOHASHES)


def test_keep_setting_keeps_the_location_words_only() -> None:
    diary = _import(keep_setting=True).diary
    assert [a.setting for a in diary.attacks] == ["Home", "Out", "Work"]
    assert "u33dc" not in dumps_diary(diary).decode()


def test_unknown_column_is_reported_and_left_out() -> None:
    text = FIXTURE.read_text().replace('Methods","Notes"\n', 'Methods","Notes","Weather"\n')
    text = text.replace('"Rest",""\n', '"Rest","","1002 hPa"\n')
    result = parse_migraine_buddy(text.encode(), "w.csv", patient_id="p", timezone="Europe/Berlin")
    assert "1002" not in dumps_diary(result.diary).decode()
    assert any("column 'Weather' is not one this importer knows; left out" in str(n)
               for n in result.notes)  # fmt: skip


def test_nul_byte_in_notes_is_refused_with_its_line() -> None:
    text = FIXTURE.read_text().replace("still there.", "still\x00there.")
    with pytest.raises(ImportSourceError) as info:
        parse_migraine_buddy(text.encode(), "n.csv", patient_id="p", timezone="Europe/Berlin")
    problems = [str(p) for p in info.value.problems]
    assert problems == ["n.csv: line 6: contains a NUL byte; it is not text"]  # in the Notes cell


def test_no_ongoing_events_line_is_not_a_problem() -> None:
    text = FIXTURE.read_text().replace(
        '"03/20/26 - 03/23/26","All day","Menstruation",""',
        '"No ongoing events recorded during this period.","","",""',
    )
    result = parse_migraine_buddy(text.encode(), "e.csv", patient_id="p", timezone="Europe/Berlin")
    assert len(result.diary.attacks) == 3
    assert [d.date.isoformat() for d in result.diary.days if d.menstruation] == ["2026-03-28"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"60","120","u33dc', '"1e999","120","u33dc', "UTC offset must be whole minutes"),
        ('"03/28/26 23:30"', '"9999-12-31 23:59"', "lies outside the years"),
    ],
)
def test_found_by_fuzzing_offsets_and_years_are_problems_not_crashes(
    old: str, new: str, message: str
) -> None:
    text = FIXTURE.read_text().replace(old, new)
    with pytest.raises(ImportSourceError) as info:
        parse_migraine_buddy(text.encode(), "f.csv", patient_id="p", timezone="Europe/Berlin")
    assert any(message in str(p) and "line 5" in str(p) for p in info.value.problems)
