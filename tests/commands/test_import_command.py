"""``fhirmig import``: new diaries, merging with --into, usage and input errors."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

from click.testing import CliRunner

from fhirmig.cli import cli
from fhirmig.diary import read_diary

DATA = Path(__file__).parent.parent / "importers" / "data"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["import", *args])
    return result.exit_code, result.stdout, result.stderr


def test_migraine_buddy_to_new_diary() -> None:
    code, out, err = _run(
        "migraine-buddy", str(DATA / "mb_standard.csv"), "-o", "d.json",
        "--patient-id", "p-7", "--timezone", "Europe/Lisbon",
    )  # fmt: skip
    assert code == 0, err
    assert "imported 3 attacks, 4 medications, 3 days" in out
    assert "line 9: the pain level is empty" in err
    assert stat.S_IMODE(Path("d.json").stat().st_mode) == 0o600
    diary = read_diary("d.json")
    assert diary.patient.id == "p-7" and len(diary.attacks) == 3


def test_into_twice_changes_nothing(examples: Path) -> None:
    shutil.copy(examples / "chronic-overuse.json", "diary.json")
    code, out, _ = _run("migraine-buddy", str(DATA / "mb_us_variant.csv"), "--into", "diary.json")
    assert code == 0
    assert "diary.json: added 2 attacks" in out
    after_first = Path("diary.json").read_bytes()
    code, out, _ = _run("migraine-buddy", str(DATA / "mb_us_variant.csv"), "--into", "diary.json")
    assert code == 0
    assert "diary.json: nothing changed" in out
    assert "left out 2 attacks already in the diary" in out
    assert Path("diary.json").read_bytes() == after_first


def test_into_with_output_leaves_the_diary_alone(examples: Path) -> None:
    shutil.copy(examples / "episodic-twitching.json", "diary.json")
    before = Path("diary.json").read_bytes()
    code, out, err = _run(
        "apple-health", str(DATA / "apple_export.xml"), "--into", "diary.json", "-o", "new.json"
    )
    assert code == 0, err
    assert Path("diary.json").read_bytes() == before
    assert "wrote new.json" in out
    merged = read_diary("new.json")
    assert len(merged.days) >= len(read_diary("diary.json").days)


def test_apple_health_new_days_file() -> None:
    code, _, err = _run(
        "apple-health", str(DATA / "apple_export.xml"), "-o", "days.json",
        "--timezone", "Europe/Lisbon", "--patient-id", "p-9",
    )  # fmt: skip
    assert code == 0, err
    diary = read_diary("days.json")
    assert diary.patient.id == "p-9"
    assert [(d.date.isoformat(), d.sleep_hours, d.menstruation) for d in diary.days] == [
        ("2026-10-03", 8.33, None),
        ("2026-10-04", 5.25, True),
        ("2026-10-07", None, False),
    ]


def test_daily_csv_with_column_mapping(tmp_path: Path) -> None:
    src = tmp_path / "w.csv"
    src.write_text("Day,Zzz\n2026-10-01,7.5\n")
    code, _, err = _run(
        "daily-csv", str(src), "-o", "w.json", "--patient-id", "p",
        "--column", "date=Day", "--column", "sleep_hours=Zzz",
    )  # fmt: skip
    assert code == 0, err
    assert read_diary("w.json").days[0].sleep_hours == 7.5
    code, _, err = _run(
        "daily-csv", str(src), "-o", "w.json", "--patient-id", "p", "--column", "sleep_hours"
    )
    assert code == 2 and "FIELD=HEADER" in err


def test_usage_errors_exit_2() -> None:
    code, _, err = _run("migraine-buddy", str(DATA / "mb_standard.csv"), "--patient-id", "p")
    assert code == 2 and "--output FILE" in err
    code, _, err = _run("migraine-buddy", str(DATA / "mb_standard.csv"), "-o", "x.json")
    assert code == 2 and "--patient-id ID is required" in err
    assert not Path("x.json").exists()


def test_no_patient_id_is_made_up_from_the_file_name(tmp_path: Path) -> None:
    src = tmp_path / "export.csv"
    src.write_text("date,sleep_hours\n2026-10-01,7.5\n")
    for args in (
        ("apple-health", str(DATA / "apple_export.xml"), "-o", "a.json"),
        ("daily-csv", str(src), "-o", "b.json"),
        ("migraine-buddy", str(DATA / "mb_standard.csv"), "-o", "c.json"),
    ):
        code, _, err = _run(*args)
        assert code == 2, args
        assert "--patient-id ID is required" in err and "--into" in err
    assert not any(Path(n).exists() for n in ("a.json", "b.json", "c.json"))


def test_csv_diary_without_sidecar_counts_table_classes(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "start,intensity,medications\n"
        "2026-10-03T07:40,7,Sumatriptan 50 mg@2026-10-03T08:00=good\n"
        "2026-10-05T09:00,5,Ibuprofen 400 mg@2026-10-05T09:30\n"
        "2026-10-06T09:00,4,Arnica drops\n"
    )
    import json

    result = CliRunner().invoke(cli, ["stats", str(sheet), "--json"])
    assert result.exit_code == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["class_days"]["triptan"] == 1
    assert stats["class_days"]["non_opioid_analgesic"] == 1
    assert stats["acute_medication_days"] == 2
    result = CliRunner().invoke(cli, ["validate", str(sheet)])
    assert result.exit_code == 0
    assert "note: not counted as acute medication: Arnica drops" in result.stderr


def test_into_a_csv_diary_needs_a_json_output(examples: Path) -> None:
    shutil.copy(examples / "spreadsheet.csv", "sheet.csv")
    shutil.copy(examples / "spreadsheet.patient.json", "sheet.patient.json")
    before = Path("sheet.csv").read_bytes()
    code, _, err = _run("apple-health", str(DATA / "apple_export.xml"), "--into", "sheet.csv")
    assert code == 2 and "--output FILE.json" in err
    assert Path("sheet.csv").read_bytes() == before
    code, _, err = _run(
        "apple-health", str(DATA / "apple_export.xml"), "--into", "sheet.csv", "-o", "s.json"
    )
    assert code == 0, err
    merged = read_diary("s.json")
    assert merged.patient.timezone == "Europe/Berlin"
    assert {d.date.isoformat() for d in merged.days} >= {"2026-10-03", "2026-10-04"}


def test_into_refuses_a_different_patient(examples: Path) -> None:
    shutil.copy(examples / "episodic-twitching.json", "diary.json")
    code, _, err = _run(
        "migraine-buddy", str(DATA / "mb_standard.csv"), "--into", "diary.json",
        "--patient-id", "someone-else",
    )  # fmt: skip
    assert code == 2 and "differs" in err


def test_bad_export_exits_1_and_writes_nothing() -> None:
    code, out, err = _run(
        "migraine-buddy", str(DATA / "mb_bad_rows.csv"), "-o", "out.json", "--patient-id", "p"
    )
    assert code == 1
    assert "line 4" in err and "line 5" in err and "line 6" in err
    assert "Traceback" not in err + out
    assert not Path("out.json").exists()
    code, _, err = _run("apple-health", "missing.xml", "-o", "out.json", "--patient-id", "p")
    assert code == 1 and "no such file" in err


def test_import_command_loads_no_heavy_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from fhirmig.cli import cli\n"
        "cli.get_command(None, 'import')\n"
        "import fhirmig.importers\n"
        "mods = ('fhir.resources', 'reportlab', 'httpx', 'dask')\n"
        "heavy = [m for m in mods if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_keep_setting_option() -> None:
    args = ("migraine-buddy", str(DATA / "mb_2024.csv"), "--patient-id", "p",
            "--timezone", "Europe/Berlin")  # fmt: skip
    code, _, err = _run(*args, "-o", "plain.json")
    assert code == 0, err
    assert "3 attacks had a location (Attack Location) left out" in err
    assert all(a.setting is None for a in read_diary("plain.json").attacks)
    code, _, err = _run(*args, "-o", "kept.json", "--keep-setting")
    assert code == 0, err
    assert [a.setting for a in read_diary("kept.json").attacks] == ["Home", "Out", "Work"]
