"""Migraine Buddy's "For my doctor" HTML report, in both date orders, with every field.

The fixtures follow the report's structure as the public parser
rachel-carvalho/migraine-buddy-parser reads it (header info table, overview table, the
attack table with Left/Right pain positions, grouped medication and relief, a notes row
under each attack) with a Health Events table added.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from fhirmig.diary import dumps_diary
from fhirmig.errors import ImportSourceError
from fhirmig.importers import import_migraine_buddy, parse_migraine_buddy

DATA = Path(__file__).parent / "data"


def _import(name: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return import_migraine_buddy(
        DATA / name,
        patient_id="p",
        timezone="Europe/London",
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("name", ["mb_report_dmy.html", "mb_report_mdy.html"])
def test_report_in_either_date_order_gives_every_field(name: str) -> None:
    result = _import(name)
    diary = result.diary
    first, second = diary.attacks
    assert first.id == "mb-20181124T2240"
    assert first.start.astimezone(UTC) == datetime(2018, 11, 24, 22, 40, tzinfo=UTC)
    assert first.duration_minutes == 189  # 03h 09m
    assert second.duration_minutes == 57 * 60 + 27  # 57h 27m
    assert (first.kind, second.kind) == ("migraine", "headache")
    assert (first.intensity, second.intensity) == (7, 5)
    assert (first.aura, second.aura) == (False, True)
    assert (first.disability, second.disability) == ("mild", "severe")
    assert first.triggers == ["alcohol", "menstruation"]  # "Period: Yes"
    assert first.pain_qualities == ["throbbing"]
    assert first.symptoms == ["nausea", "photophobia"]
    assert (first.pain_locations, second.pain_locations) == (["left-temple"], ["behind-right-eye"])
    intakes = [
        (i.medication, i.taken.astimezone(UTC).isoformat() if i.taken else None, i.relief, i.dose)
        for i in first.medications
    ]
    assert intakes == [
        ("sumatriptan", "2018-11-24T23:05:00+00:00", "good", None),
        ("naproxen-sodium-550mg-oral", "2018-11-25T00:10:00+00:00", "good", "550mg"),
        ("spalt", None, None, None),
    ]
    assert [i.relief for i in second.medications] == ["some", "some"]  # 2x Paracetamol
    assert [(r.method, r.effect) for r in first.relief_methods] == [
        ("dark-room", "good"),
        ("sleep", "none"),
    ]
    assert first.notes == "Could not sleep & felt sick.\nAffected activities: Woke up during sleep"
    classes = {m.id: m.drug_class for m in diary.medications}
    assert classes == {
        "naproxen-sodium-550mg-oral": "nsaid",
        "paracetamol-500mg": "simple-analgesic",
        "spalt": "other",
        "sumatriptan": "triptan",
    }
    days = {d.date.isoformat(): (d.notes, d.menstruation) for d in diary.days}
    assert days == {
        "2018-11-20": ("Health event: Started Topiramate 25mg [All day]: GP prescribed", None),
        "2018-11-24": (None, True),
    }
    assert diary.patient.sex == "female" and diary.patient.birth_date is None
    notes = [str(n) for n in result.notes]
    assert not any("warning" in n for n in notes)  # the overview agrees
    assert any("not counted as acute medication: Spalt" in n for n in notes)
    text = dumps_diary(diary).decode()
    assert "Bed (at Home)" not in text and "Out" not in text


def test_both_orders_give_the_same_diary() -> None:
    a, b = _import("mb_report_dmy.html").diary, _import("mb_report_mdy.html").diary
    assert dumps_diary(a) == dumps_diary(b)


def test_keep_setting_keeps_the_location() -> None:
    diary = _import("mb_report_dmy.html", keep_setting=True).diary
    assert [a.setting for a in diary.attacks] == ["Bed (at Home)", "Out"]


def test_overview_that_disagrees_is_a_warning_naming_both_figures() -> None:
    page = (DATA / "mb_report_dmy.html").read_text()
    edited = page.replace(">2</td><td", ">3</td><td", 1).replace(">30h 18m<", ">20h 00m<")
    assert edited != page
    result = parse_migraine_buddy(
        edited.encode(), "r.html", patient_id="p", timezone="Europe/London"
    )
    notes = [str(n) for n in result.notes]
    assert any(
        "warning: the report's overview says Number of Attacks 3, the imported attacks give 2" in n
        for n in notes
    )
    assert any("Avg Attack Duration 20h 00m, the imported attacks give 30h 18m" in n for n in notes)


def test_nul_byte_in_the_page_is_refused() -> None:
    page = (DATA / "mb_report_dmy.html").read_text().replace("felt sick", "felt\x00sick")
    with pytest.raises(ImportSourceError) as info:
        parse_migraine_buddy(page.encode(), "r.html", patient_id="p", timezone="UTC")
    assert "NUL byte" in str(info.value)


def test_unknown_report_column_is_reported_and_left_out() -> None:
    page = (DATA / "mb_report_dmy.html").read_text()
    cell = '<td rowspan="2" style="vertical-align:middle;padding:4px">Weather</td>'
    page = page.replace('<td colspan="2"', cell + '<td colspan="2"', 1)
    page = page.replace(
        '<td style="vertical-align:middle;padding:4px"> No </td>',
        '<td style="vertical-align:middle;padding:4px"> No </td>'
        '<td style="vertical-align:middle;padding:4px">1002 hPa, rain</td>',
        1,
    )
    result = parse_migraine_buddy(page.encode(), "r.html", patient_id="p", timezone="Europe/London")
    assert "1002" not in dumps_diary(result.diary).decode()
    assert any("column 'Weather' is not one this importer knows; left out" in str(n)
               for n in result.notes)  # fmt: skip
    assert result.diary.attacks[0].pain_locations == ["left-temple"]  # columns still line up
