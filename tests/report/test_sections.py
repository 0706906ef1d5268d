"""``sections``: documented names and presets choose what a reader gets."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fhirmig.cli import cli
from fhirmig.diary import read_diary
from fhirmig.errors import UsageError
from fhirmig.report import SECTION_PRESETS, SECTIONS, resolve_sections
from tests.report.pdfhelp import EXAMPLES, pdf_pages, render

HEADINGS = {
    "summary": "Key figures",
    "calendar": "Headache calendar",
    "charts": "Months one by one",
    "twitching": "Twitching was recorded with",
    "triggers": "Triggers and daily factors",
    "medication": "Medication effect",
    "questionnaires": "Instrument",
    "log": "Appendix A: Attack log",
    "appendices": "Appendix B: Resources for patients",
}


def test_names_and_presets_resolve_in_print_order() -> None:
    assert resolve_sections(None) == SECTIONS
    assert resolve_sections("neurologist") == SECTIONS
    assert resolve_sections("gp") == ("summary", "calendar", "medication", "appendices")
    assert resolve_sections("payer") == SECTION_PRESETS["payer"]
    assert resolve_sections("log, summary,log") == ("summary", "log")
    assert resolve_sections(["gp", "twitching"]) == (
        "summary",
        "calendar",
        "twitching",
        "medication",
        "appendices",
    )
    with pytest.raises(UsageError, match=r"unknown section 'calender'.*calendar"):
        resolve_sections("summary,calender")
    with pytest.raises(UsageError, match="no section"):
        resolve_sections(" , ")


@pytest.mark.parametrize("preset", ["gp", "payer"])
def test_a_preset_prints_its_sections_and_no_other(tmp_path: Path, preset: str) -> None:
    diary = read_diary(EXAMPLES / "episodic-twitching.json")
    out = render(diary, tmp_path / "r.pdf", sections=preset)
    text = out.text
    chosen = set(SECTION_PRESETS[preset])
    for name, heading in HEADINGS.items():
        assert (heading in text) == (name in chosen), (name, heading)
    assert "Methods" in text  # always: it defines every figure shown
    assert "page 1 of" in out.pages[0] and "Key figures" in out.pages[0]


def test_without_page_one_the_report_starts_on_its_first_section(tmp_path: Path) -> None:
    diary = read_diary(EXAMPLES / "chronic-overuse.json")
    out = render(diary, tmp_path / "r.pdf", sections=["calendar", "log"])
    assert "Headache calendar" in out.pages[0]  # no blank first page
    assert "Key figures" not in out.text and "Appendix A: Attack log" in out.text


def test_page_one_alone_has_no_blank_page(tmp_path: Path) -> None:
    diary = read_diary(EXAMPLES / "episodic-twitching.json")
    out = render(diary, tmp_path / "r.pdf", sections="summary")
    assert len(out.pages) == 2
    assert "Key figures" in out.pages[0] and "Methods" in out.pages[1]


def test_twitching_without_the_log_keeps_its_entries_in_the_section(tmp_path: Path) -> None:
    diary = read_diary(EXAMPLES / "episodic-twitching.json")
    out = render(diary, tmp_path / "r.pdf", sections="summary,twitching")
    text = " ".join(out.text.split())
    assert "Twitching entries in the patient's words" in text
    assert "listed below" in text and "Appendix A" not in text


def test_cli_sections(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "gp.pdf"
    source = str(EXAMPLES / "chronic-overuse.json")
    result = runner.invoke(cli, ["report", source, "-o", str(out), "--sections", "gp"])
    assert result.exit_code == 0, result.output
    pages, _ = pdf_pages(out)
    assert "Appendix A: Attack log" not in "\n".join(pages)
    bad = runner.invoke(
        cli, ["report", source, "-o", str(tmp_path / "x.pdf"), "--sections", "nope"]
    )
    assert bad.exit_code == 2
    assert "unknown section 'nope'" in bad.output and "treatment-response" in bad.output
    assert not (tmp_path / "x.pdf").exists()
