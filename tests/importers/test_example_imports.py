"""Every sample export in examples/imports imports with the command its how-to page shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fhirmig.cli import cli
from fhirmig.diary import read_diary

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "examples" / "imports"


def test_the_readme_commands_build_one_diary(tmp_path: Path) -> None:
    diary = tmp_path / "diary.json"
    runs = [
        ["migraine-buddy", str(SAMPLES / "MigraineBuddy_20260301_20260430.csv"), "-o", str(diary),
         "--patient-id", "p-0001", "--timezone", "Europe/Berlin", "--month-first"],
        ["apple-health", str(SAMPLES / "export.xml"), "--into", str(diary)],
        ["fitbit-sleep", str(SAMPLES / "fitbit"), "--into", str(diary)],
    ]  # fmt: skip
    for args in runs:
        result = CliRunner().invoke(cli, ["import", *args])
        assert result.exit_code == 0, (args, result.stderr)
    d = read_diary(diary)
    assert len(d.attacks) == 3 + 3
    assert {day.date.isoformat() for day in d.days if day.sleep_hours} >= {
        "2026-10-02",
        "2026-11-01",
    }


@pytest.mark.parametrize(
    ("source", "sample"),
    [
        ("migraine-buddy", "Migraine Listing.html"),
        ("fitbit-sleep", "fitbit_sleep_export.csv"),
        ("daily-csv", "daily_wearable.csv"),
    ],
)
def test_each_sample_imports(source: str, sample: str, tmp_path: Path) -> None:
    out = tmp_path / "d.json"
    result = CliRunner().invoke(
        cli, ["import", source, str(SAMPLES / sample), "-o", str(out), "--patient-id", "p",
              "--timezone", "Europe/London"]
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert read_diary(out).patient.id == "p"


def test_howto_pages_name_the_samples() -> None:
    text = "".join(
        (ROOT / "docs" / name).read_text(encoding="utf-8")
        for name in ("howto-import-migraine-buddy.md", "howto-import-wearables.md")
    )
    for sample in SAMPLES.iterdir():
        if sample.name != "README.md":
            assert f"examples/imports/{sample.name}" in text, sample.name
