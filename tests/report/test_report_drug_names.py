"""Page one counts spreadsheet drugs by the drug table and names those it could not count."""

from __future__ import annotations

from pathlib import Path

from fhirmig.diary import parse_diary_csv
from tests.report.pdfhelp import render

SHEET = (
    "start,intensity,medications\n"
    "2026-10-03T07:40,7,Sumatriptan 50 mg@2026-10-03T08:00=good\n"
    "2026-10-05T09:00,5,Ibuprofen 400 mg@2026-10-05T09:30\n"
    "2026-10-06T09:00,4,Arnica drops;Spalt\n"
)


def test_spreadsheet_without_sidecar_counts_triptan_and_analgesic_days(tmp_path: Path) -> None:
    diary = parse_diary_csv(SHEET.encode(), "sheet.csv", default_id="sheet")
    r = render(diary, tmp_path / "r.pdf")
    page_one = " ".join(r.pages[0].split())
    assert r.stats.class_days["triptan"] == 1
    assert r.stats.class_days["non_opioid_analgesic"] == 1
    assert "Triptan days 1" in page_one
    assert "Non-opioid analgesic days (simple analgesics, NSAIDs) 1" in page_one
    assert "Acute-medication days 2" in page_one
    assert "Not counted as acute medication: Arnica drops, Spalt" in page_one


def test_no_line_when_every_drug_is_classified(tmp_path: Path) -> None:
    sheet = "\n".join(SHEET.splitlines()[:3]) + "\n"
    r = render(parse_diary_csv(sheet.encode(), "s.csv"), tmp_path / "r.pdf")
    assert "Not counted" not in r.pages[0]
