"""Long data leaves the main body: twitching entries and long notes in the appendix, the
intensity chart per month over years, the calendar never below 6 pt."""

from __future__ import annotations

from typing import Any

from tests.report.pdfhelp import Rendered


def _flat(text: str) -> str:
    return " ".join(text.split())


def _body(rendered: Rendered) -> list[str]:
    """The pages before the methods page (the main body, page one included)."""
    pages = []
    for page in rendered.pages:
        if "Methods" in page and "patient-reported" in page and "Definitions" in page:
            break
        pages.append(page)
    return pages


def _sizes(rendered: Rendered, index: int) -> list[tuple[str, float]]:
    found: list[tuple[str, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            found.append((text, float(size) * abs(float(tm[0]))))

    rendered.reader.pages[index].extract_text(visitor_text=visit)
    return found


def test_twitching_entries_are_summarised_in_the_body_and_listed_in_the_appendix(
    three_years: Rendered,
) -> None:
    tw = three_years.stats.twitching
    assert tw is not None and len(tw.descriptions) == 100
    body = _flat("\n".join(_body(three_years)))
    assert "Twitching entries per month" in body  # the summary by month
    assert "left eyelid" in body and "neck" in body  # and by site
    assert (
        "The 100 twitching entries in the patient's words are listed after the attack log" in body
    )
    assert "pulses 0 " not in body + " " and "pulses 3 " not in body + " "
    text = _flat(three_years.text)
    appendix = text[text.index("Appendix A: Attack log") :]
    entries = appendix[appendix.index("Twitching entries in the patient's words") :]
    assert all(f"pulses {n} " in entries + " " for n in range(0, 300, 3))


def test_a_long_note_is_cut_in_the_log_and_printed_in_full_after_it(three_years: Rendered) -> None:
    text = _flat(three_years.text)
    log = text[text.index("Appendix A: Attack log") :]
    table, full = log.split("Long notes in full", 1)
    assert "(in full after the table)" in table
    assert "END-5" not in table
    assert "END-5" in full and full.count("long note") >= 900
    cut = table[table.index("long note") : table.index("(in full after the table)")]
    assert 550 <= len(cut) <= 700  # about 600 characters of the note stay in the cell


def test_a_three_year_intensity_chart_is_by_month(three_years: Rendered) -> None:
    body = _flat("\n".join(_body(three_years)))
    assert "per month: median (dot) and range" in body
    assert "of each day with an attack" not in body


def test_a_short_diary_keeps_one_dot_per_day(episodic: Rendered) -> None:
    assert "Peak intensity (0-10) of each day with an attack" in _flat(episodic.text)


def test_calendar_text_is_never_below_6_pt(three_years: Rendered) -> None:
    pages = [i for i, p in enumerate(three_years.pages) if "Headache calendar" in p]
    assert pages
    last = max(i for i, p in enumerate(three_years.pages) if "December 2026" in p)
    sizes = [s for i in range(pages[0], last + 1) for _, s in _sizes(three_years, i)]
    assert sizes and min(sizes) >= 6.0
    # three months a row still: 36 months on 12 rows
    assert sum("January" in p for p in three_years.pages[pages[0] : last + 1]) == 3
