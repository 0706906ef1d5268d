"""Right-to-left text: joined Arabic letters, display order, mirrored brackets, in the PDF."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from fhirmig.diary import parse_diary_json
from fhirmig.report import rtl
from fhirmig.report.rtl import display_line, has_rtl, shape
from fhirmig.report.styles import wrap_lines, wrap_plain
from tests.report.pdfhelp import render

HEBREW = "כאב ראש חזק"  # "strong headache"
ARABIC = "صداع نصفي"  # "migraine"


def test_lines_without_rtl_are_unchanged() -> None:
    for text in ("", "Sumatriptan 50 mg (good)", "Ελένη Παπαδοπούλου", "頭痛 [3]"):
        assert not has_rtl(text)
        assert display_line(text) == text


def test_hebrew_prints_right_to_left_with_numbers_left_to_right() -> None:
    assert display_line(HEBREW) == "קזח שאר באכ"
    assert display_line("אחרי 30 דקות") == "תוקד 30 ירחא"


def test_arabic_letters_join_and_run_right_to_left() -> None:
    shaped = shape(ARABIC)
    assert shaped != ARABIC and len(shaped) == len(ARABIC)
    assert all("\ufe70" <= c <= "\ufeff" or c == " " for c in shaped)  # presentation forms
    assert display_line(ARABIC) == shaped[::-1]


def test_brackets_on_right_to_left_runs_are_mirrored() -> None:
    assert display_line("כאב (חזק)") == "(קזח) באכ"
    assert display_line("Patient שלום (123) abc") == "Patient (123) םולש abc"
    assert display_line("Ibuprofen 400 mg: עזר") == "Ibuprofen 400 mg: רזע"


def test_unreadable_levels_fall_back_to_plain_reordering(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rtl, "_levels", lambda text, base=None: None)
    rtl.display_line.cache_clear()
    try:
        assert display_line("שלום עולם") == "םלוע םולש"
    finally:
        rtl.display_line.cache_clear()


def test_wrapped_rtl_lines_keep_reading_order() -> None:
    words = "אחת שתיים שלוש ארבע חמש שש שבע"
    lines = wrap_lines(words, 40, 7.0)
    assert len(lines) > 2
    assert " ".join(lines) == words  # logical order, nothing lost
    shown = wrap_plain(words, 40, 7.0).split("\n")
    assert shown == [display_line(line) for line in lines]
    assert shown[0].endswith("תחא")  # the first word is on the first line, at the right


def test_lines_of_one_cell_share_its_base_direction() -> None:
    cell = "left eyelid: רעד קל בעפעף השמאלי (כמה דקות)"
    lines = wrap_lines(cell, 60, 7.0)
    assert len(lines) >= 3 and lines[0].startswith("left")
    shown = wrap_plain(cell, 60, 7.0).split("\n")
    # the cell starts left-to-right, so an all-Hebrew line is a run inside it
    assert shown == [display_line(line, "L") for line in lines]
    # a closing bracket at the end of a line: outside the run in a left-to-right cell,
    # mirrored and leftmost in a right-to-left one
    assert display_line("כמה דקות)", "L") == "תוקד המכ)"
    assert display_line("כמה דקות)", "R") == "(תוקד המכ"


def _read_back(tmp_path: Path, drawn: str) -> str:
    """What the PDF reader used by these tests extracts from ``drawn`` drawn left to right."""
    from reportlab.pdfgen.canvas import Canvas

    from fhirmig.report.fonts import BODY_FONT, register_fonts
    from tests.report.pdfhelp import pdf_pages

    register_fonts()
    out = tmp_path / "line.pdf"
    canvas = Canvas(str(out), invariant=1)
    canvas.setFont(BODY_FONT, 10)
    canvas.drawString(50, 700, drawn)
    canvas.save()
    return pdf_pages(out)[0][0].strip()


def test_the_pdf_reader_turns_drawn_rtl_back_into_reading_order(tmp_path: Path) -> None:
    """The yardstick of the next test: text drawn in display order reads back in logical
    order, text drawn in logical order (as reportlab does unaided) reads back reversed."""
    assert _read_back(tmp_path, display_line(HEBREW)) == HEBREW
    assert _read_back(tmp_path, HEBREW) == "קזח שאר באכ"
    assert _read_back(tmp_path, display_line(ARABIC)) == shape(ARABIC)


def test_rtl_name_cells_and_notes_read_back_in_reading_order(tmp_path: Path) -> None:
    long_note = " ".join(["الصداع بدأ بعد قلة النوم (ليلتين)"] * 24) + " النهاية"
    data = {
        "format": "fhirmig-diary/1",
        "patient": {"id": "p-rtl", "timezone": "Asia/Jerusalem", "name": {"given": ["שרה"]}},
        "attacks": [
            {
                "id": "a1",
                "start": "2026-03-02T08:00:00+02:00",
                "durationMinutes": 120,
                "intensity": 6,
                "triggers": ["לחץ בעבודה"],
                "notes": long_note,
            }
        ],
    }
    out = render(parse_diary_json(orjson.dumps(data), "rtl.json"), tmp_path / "r.pdf")
    assert all(page.startswith("שרה · born") for page in out.pages)  # header of every page
    text = out.text
    assert "לחץ בעבודה" in text and "הדובעב" not in text  # a log cell
    flat = " ".join(text.split())
    phrase = shape("الصداع بدأ بعد قلة النوم")
    assert flat.count(phrase) >= 24 + 16  # the cut cell, then the note in full
    assert shape("النهاية") in flat  # the end of the long note


def test_text_that_looks_like_the_level_report_is_still_mirrored() -> None:
    assert display_line("levels: Level(1) שלום (כאב)") == "levels: Level(1) (באכ) םולש"


def test_vowel_marks_are_kept_and_tabs_print_as_spaces() -> None:
    name = "مُحَمَّد"
    marks = [c for c in name if "\u064b" <= c <= "\u0652"]
    assert [c for c in shape(name) if "\u064b" <= c <= "\u0652"] == marks
    from fhirmig.report.fonts import markup

    assert markup("כאב\t2") == display_line("כאב 2") and "\t" not in markup("a\tb")


def test_cjk_and_rtl_lines_are_measured_in_the_fonts_they_print_in() -> None:
    from reportlab.platypus import Paragraph

    from fhirmig.report.fonts import text_width
    from fhirmig.report.styles import styles, wrapped_markup

    text = "כאב ראש 頭痛がひどい " * 6 + "וגם בחילה קלה"
    width = 90.0
    lines = wrap_lines(text, width, 7.0)
    assert all(text_width(line, "DejaVuSans", 7.0) <= width for line in lines)
    assert " ".join(lines).split() == shape(text).split()  # nothing lost, in reading order
    para = Paragraph(wrapped_markup(text, width, 7.0), styles().cell)
    para.wrap(width, 1e6)
    assert len(para.blPara.lines) == len(lines)  # the Paragraph breaks no line again


def test_templates_keep_links_whole_in_right_to_left_lines() -> None:
    from fhirmig.report.content import _inline

    out = _inline("[עמותת מיגרנה](https://example.org.il/a?b=1&c=2) **חשוב** טקסט")
    assert '<a href="https://example.org.il/a?b=1&amp;c=2"' in out
    assert f"<u>{display_line('עמותת מיגרנה')}</u></a>" in out
    assert f"<b>{display_line('חשוב')}</b>" in out
    assert "](" not in out


def test_a_long_rtl_diagnosis_on_page_one_reads_from_its_first_line(tmp_path: Path) -> None:
    words = ["אחת", "שתיים", "שלוש", "ארבע", "חמש", "שש", "שבע", "שמונה", "תשע", "עשר"]
    tags = ["ק", "ר", "ט"]
    text = " ".join(f"{w}{t}" for t in tags for w in words)  # 30 distinct words
    data = {
        "format": "fhirmig-diary/1",
        "patient": {"id": "p-rtl", "timezone": "Asia/Jerusalem"},
        "conditions": [{"id": "c1", "code": "migraine", "text": text}],
        "attacks": [],
    }
    out = render(parse_diary_json(orjson.dumps(data), "rtl.json"), tmp_path / "r.pdf")
    page = " ".join(out.pages[0].split())
    start = page.index("Diagnoses, as reported")
    found = [page.find(f" {w}{t}", start) for t in tags for w in words]
    assert -1 not in found
    assert found == sorted(found)  # every word after the one before it: lines in order
