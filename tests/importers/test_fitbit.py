"""Fitbit sleep: Takeout JSON files and the CSV export, minutes asleep of the main sleep."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from fhirmig.cli import cli
from fhirmig.diary import read_diary
from fhirmig.importers import import_fitbit_sleep

DATA = Path(__file__).parent / "data"
TAKEOUT = DATA / "fitbit"


def _hours(*paths: Path) -> dict[str, float | None]:
    result = import_fitbit_sleep(paths, patient_id="p", timezone="Europe/Berlin")
    return {d.date.isoformat(): d.sleep_hours for d in result.diary.days}


def test_takeout_folder_main_sleeps_dated_by_their_end() -> None:
    # 402 min asleep (not the 465 in bed); the nap is left out; the night of 2-3 October
    # was logged as two main sleeps (170 + 250 min), added; log 40104 is in two files.
    assert _hours(TAKEOUT) == {"2026-10-02": 6.7, "2026-10-03": 7.0, "2026-11-01": 7.02}


def test_single_json_file_and_the_nap_note() -> None:
    path = TAKEOUT / "Global Export Data" / "sleep-2026-10-01.json"
    result = import_fitbit_sleep([path], patient_id="p", timezone="UTC")
    assert [d.sleep_hours for d in result.diary.days] == [6.7, 7.0]
    assert any("1 nap (mainSleep false) left out" in str(n) for n in result.notes)


def test_csv_export_with_its_title_line() -> None:
    assert _hours(DATA / "fitbit_sleep.csv") == {"2026-10-02": 6.7, "2026-10-03": 7.0}


def test_merged_into_a_diary_like_the_daily_csv(tmp_path: Path, examples: Path) -> None:
    diary = tmp_path / "d.json"
    shutil.copy(examples / "episodic-twitching.json", diary)
    before = {d.date.isoformat(): d.sleep_hours for d in read_diary(diary).days}
    args = ["import", "fitbit-sleep", str(TAKEOUT), "--into", str(diary)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    after = {d.date.isoformat(): d.sleep_hours for d in read_diary(diary).days}
    for day, hours in before.items():
        if hours is not None:
            assert after[day] == hours  # a value the diary has is kept
    assert after["2026-11-01"] == 7.02
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0 and "nothing changed" in again.stdout


def test_other_json_is_refused_in_one_line(tmp_path: Path) -> None:
    other = tmp_path / "steps-2026-10-01.json"
    other.write_text(json.dumps([{"dateTime": "10/01/26 00:00:00", "value": "0"}]))
    result = CliRunner().invoke(
        cli, ["import", "fitbit-sleep", str(other), "-o", "x.json", "--patient-id", "p",
              "--timezone", "UTC"]
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "looks like a JSON file, not a Fitbit sleep export" in result.stderr
