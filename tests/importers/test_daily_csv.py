"""A wearable's daily CSV: default column names, a mapping, locale numbers and dates."""

from __future__ import annotations

from pathlib import Path

import pytest

from fhirmig.errors import ImportSourceError, UsageError
from fhirmig.importers import import_daily_csv

DATA = Path(__file__).parent / "data"


def _days(path: Path, **kwargs: object) -> dict[str, dict[str, object]]:
    result = import_daily_csv(path, patient_id="p", **kwargs)  # type: ignore[arg-type]
    return {
        d.date.isoformat(): d.model_dump(exclude_none=True, exclude={"date"})
        for d in result.diary.days
    }


def test_default_columns_and_what_is_left_out() -> None:
    result = import_daily_csv(DATA / "daily_wearable.csv", patient_id="p")
    days = {d.date.isoformat(): d for d in result.diary.days}
    assert set(days) == {"2026-10-01", "2026-10-02", "2026-10-04"}  # 10-03 holds no diary field
    assert days["2026-10-01"].sleep_hours == 7.5
    assert days["2026-10-02"].sleep_hours == 5.75  # written 5:45
    assert days["2026-10-02"].stress == 8 and days["2026-10-02"].notes == "deadline"
    assert days["2026-10-04"].exercise_minutes == 45
    assert [str(n) for n in result.notes] == [
        f"{DATA / 'daily_wearable.csv'}: line 1: columns not carried over (no diary field): "
        "Steps, Resting HR"
    ]


def test_column_mapping(tmp_path: Path) -> None:
    f = tmp_path / "oura.csv"
    f.write_text("day_start,Total Sleep Duration (h),Cycle\n2026-10-01,6.9,yes\n2026-10-02,8.1,\n")
    days = _days(
        f,
        columns={
            "date": "day_start",
            "sleep_hours": "Total Sleep Duration (h)",
            "menstruation": "Cycle",
        },
    )
    assert days == {
        "2026-10-01": {"sleep_hours": 6.9, "menstruation": True},
        "2026-10-02": {"sleep_hours": 8.1},
    }


def test_semicolons_decimal_comma_and_day_first_dates(tmp_path: Path) -> None:
    f = tmp_path / "garmin.csv"
    f.write_text("Datum;Schlaf;sleep_quality\n03.10.2026;7,25;4\n04.10.2026;6,5;\n")
    days = _days(f, columns={"date": "Datum", "sleep_hours": "Schlaf"})
    assert days == {
        "2026-10-03": {"sleep_hours": 7.25, "sleep_quality": 4},
        "2026-10-04": {"sleep_hours": 6.5},
    }


def test_month_first_worked_out_and_forced(tmp_path: Path) -> None:
    f = tmp_path / "us.csv"
    f.write_text("date,sleep_hours\n10/3/2026,7\n10/25/2026,6\n")
    assert list(_days(f)) == ["2026-10-03", "2026-10-25"]
    g = tmp_path / "open.csv"
    g.write_text("date,sleep_hours\n3/10/2026,7\n")
    with pytest.raises(ImportSourceError, match=r"line 2: .*day first or month first"):
        _days(g)
    assert list(_days(g, day_first=False)) == ["2026-03-10"]


def test_bad_values_are_reported_with_their_lines(tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(
        "date,sleep_hours,stress,menstruation\n"
        "2026-10-01,seven,3,no\n"
        "2026-10-02,30,2,maybe\n"
        "2026-10-01,7,2,no\n"
        "someday,7,,\n"
    )
    with pytest.raises(ImportSourceError) as info:
        _days(f)
    problems = [(p.location, p.message) for p in info.value.problems]
    assert ("line 2", "column sleep_hours: must be a number (got 'seven')") in problems
    assert any(loc == "line 3" and "menstruation" in msg for loc, msg in problems)
    assert ("line 4", "the date 2026-10-01 appears twice") in problems
    assert any(loc == "line 5" and "not a date" in msg for loc, msg in problems)


def test_value_the_diary_refuses_is_reported_at_its_line(tmp_path: Path) -> None:
    f = tmp_path / "range.csv"
    f.write_text("date,sleep_hours\n2026-10-02,6\n2026-10-01,30\n")
    with pytest.raises(ImportSourceError, match=r"line 3: days\[0\]\.sleepHours"):
        _days(f)


def test_header_and_mapping_errors(tmp_path: Path) -> None:
    f = tmp_path / "nodate.csv"
    f.write_text("when,sleep_hours\n2026-10-01,7\n")
    with pytest.raises(ImportSourceError, match="no date column"):
        _days(f)
    with pytest.raises(ImportSourceError, match="column date=Day: no such column"):
        _days(f, columns={"date": "Day"})
    with pytest.raises(UsageError, match="not a daily field"):
        _days(f, columns={"steps": "Steps"})


def test_headache_free_column(tmp_path: Path) -> None:
    f = tmp_path / "calendar.csv"
    f.write_text("date,Headache-free,period\n2026-10-01,yes,no\n2026-10-02,no,yes\n2026-10-03,,\n")
    assert _days(f) == {
        "2026-10-01": {"headache_free": True, "menstruation": False},
        "2026-10-02": {"headache_free": False, "menstruation": True},
    }
    g = tmp_path / "app.csv"
    g.write_text("date,No headache\n2026-10-01,x\n2026-10-02,maybe\n")
    with pytest.raises(ImportSourceError) as info:
        import_daily_csv(g, patient_id="p")
    assert "line 3" in str(info.value) and "column headache_free: must be yes or no" in str(
        info.value
    )
