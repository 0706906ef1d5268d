"""Sleep from Apple Health exports: stages summed per night, overlaps merged, streamed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from fhirmig.errors import ImportSourceError, InputError, UsageError
from fhirmig.importers import import_apple_health
from fhirmig.importers.apple_health import sleep_hours_by_day
from fhirmig.importers.result import Findings

DATA = Path(__file__).parent / "data"


def _sleep(path: Path, timezone: str = "Europe/Lisbon") -> dict[str, float | None]:
    result = import_apple_health(path, patient_id="p-ah", timezone=timezone)
    return {d.date.isoformat(): d.sleep_hours for d in result.diary.days if d.sleep_hours}


def test_asleep_stages_summed_per_night_without_double_counting() -> None:
    # 22:30-23:45 core (1.25 h) + 23:55-06:30 deep/REM/phone overlapping (6.58 h)
    # + a 14:00-14:30 nap on the same day (0.5 h); awake and in-bed time do not count.
    assert _sleep(DATA / "apple_export.xml") == {"2026-10-03": 8.33, "2026-10-04": 5.25}


def test_night_is_assigned_in_the_patients_zone() -> None:
    # In Tokyo the night of 2 to 3 October (Lisbon) ends in the afternoon of 3 October.
    hours = _sleep(DATA / "apple_export.xml", timezone="Asia/Tokyo")
    assert set(hours) == {"2026-10-03", "2026-10-04"}
    assert sum(h or 0 for h in hours.values()) == pytest.approx(8.33 + 5.25, abs=0.02)


def test_menstrual_flow_sets_menstruation() -> None:
    result = import_apple_health(DATA / "apple_export.xml", patient_id="p", timezone="UTC")
    flow = {d.date.isoformat(): d.menstruation for d in result.diary.days}
    assert flow == {"2026-10-03": None, "2026-10-04": True, "2026-10-07": False}


def test_in_bed_only_nights_are_noted_not_imported() -> None:
    result = import_apple_health(DATA / "apple_export.xml", patient_id="p", timezone="UTC")
    assert any("only in-bed time" in str(n) for n in result.notes)
    assert "2026-10-06" not in {d.date.isoformat() for d in result.diary.days}


def test_zip_export(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(DATA / "apple_export.xml", "apple_health_export/export.xml")
        zf.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")
    assert _sleep(archive) == {"2026-10-03": 8.33, "2026-10-04": 5.25}


def test_malformed_xml_is_refused_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "export.xml"
    bad.write_text('<HealthData>\n<Record type="x"\n</HealthData>\n')
    with pytest.raises(ImportSourceError, match="line 3: not well-formed XML"):
        import_apple_health(bad, patient_id="p")


def test_other_xml_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "export.xml"
    other.write_text("<ClinicalDocument></ClinicalDocument>")
    with pytest.raises(ImportSourceError, match="not an Apple Health export"):
        import_apple_health(other, patient_id="p")


def test_missing_file_and_bad_zone(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        import_apple_health(tmp_path / "nope.xml", patient_id="p")
    with pytest.raises(UsageError):
        import_apple_health(DATA / "apple_export.xml", patient_id="p", timezone="Nowhere/Zone")


def _record(start: str, end: str, value: str = "AsleepCore") -> str:
    return (
        '<Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="W" '
        f'startDate="{start} +0000" endDate="{end} +0000" '
        f'value="HKCategoryValueSleepAnalysis{value}"/>\n'
    )


def test_records_in_any_order_and_unreadable_dates() -> None:
    xml = (
        "<HealthData>\n"
        + _record("2026-01-02 03:00:00", "2026-01-02 07:00:00")
        + _record("2026-01-01 23:00:00", "2026-01-02 03:30:00", "AsleepDeep")
        + _record("2026-01-02 06:00:00", "2026-01-02 06:30:00", "Awake")
        + _record("yesterday", "2026-01-02 07:00:00")
        + "</HealthData>\n"
    )
    findings = Findings("mem.xml")
    hours = sleep_hours_by_day(io.BytesIO(xml.encode()), ZoneInfo("UTC"), findings)
    assert {d.isoformat(): h for d, h in hours.items()} == {"2026-01-02": 8.0}
    assert any("unreadable dates" in n.message for n in findings.notes)


def test_many_nights_stream_and_stay_separate() -> None:
    nights = "".join(
        _record(f"2026-03-{d:02d} 23:00:00", f"2026-03-{d + 1:02d} 06:15:00") for d in range(1, 28)
    )
    filler = '<Record type="HKQuantityTypeIdentifierStepCount" value="5"/>\n' * 2000
    xml = f"<HealthData>\n{filler}{nights}{filler}</HealthData>\n"
    hours = sleep_hours_by_day(io.BytesIO(xml.encode()), ZoneInfo("UTC"), Findings("m.xml"))
    assert len(hours) == 27 and set(hours.values()) == {7.25}
