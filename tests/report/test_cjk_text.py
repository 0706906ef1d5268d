"""The report's own Japanese text prints in a font that has its glyphs (no tofu).

The CJK font (Droid Sans Fallback) has no Latin letters, digits or ASCII punctuation and
the body font (DejaVu Sans) has no kana or kanji, so a mixed line must be set run by run.
These tests read back every text run of a rendered Japanese report with the font that
draws it and check each character against that font's character map.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFontFile

from fhirmig.diary import read_diary
from fhirmig.report.fonts import FONT_DIR
from tests.report.pdfhelp import EXAMPLES, render

FILES = {
    "DejaVuSans": "DejaVuSans.ttf",
    "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
    "DroidSansFallback": "DroidSansFallback.ttf",
}
#: reportlab draws list bullets in a standard PDF font (code 0x7f, a bullet in
#: WinAnsiEncoding, as in the English report)
STANDARD = {"/Helvetica": set("•\x7f ")}


@cache
def cmap(font: str) -> frozenset[int]:
    return frozenset(TTFontFile(str(FONT_DIR / FILES[font])).charToGlyph)


def runs_by_font(path: Path, pages: range | None = None) -> dict[str, set[str]]:
    """The characters of every text run of ``path``, by the base name of its font."""
    reader = PdfReader(str(path))
    seen: dict[str, set[str]] = {}

    def visit(text: str, cm: object, tm: object, font: object, size: object) -> None:
        if font is None or not text.strip():
            return
        name = str(font.get("/BaseFont")).split("+")[-1]  # type: ignore[attr-defined]
        seen.setdefault(name, set()).update(text)

    for number in pages or range(len(reader.pages)):
        reader.pages[number].extract_text(visitor_text=visit)
    return seen


@pytest.fixture(scope="module")
def japanese(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ja") / "report.pdf"
    return render(read_diary(EXAMPLES / "chronic-overuse.json"), out, language="ja").path


def test_every_character_of_the_japanese_report_is_in_the_font_that_draws_it(
    japanese: Path,
) -> None:
    seen = runs_by_font(japanese)
    assert {"DejaVuSans", "DroidSansFallback"} <= set(seen)
    assert len(seen["DroidSansFallback"]) > 150  # headings, labels and sentences are Japanese
    for font, chars in seen.items():
        if font in STANDARD:
            assert chars <= STANDARD[font]
            continue
        glyphless = sorted(c for c in chars if c.strip() and ord(c) not in cmap(font))
        assert glyphless == [], f"{font} has no glyph for {glyphless}"


def test_japanese_footer_keeps_its_latin_letters_and_digits(japanese: Path) -> None:
    reader = PdfReader(str(japanese))
    total = len(reader.pages)
    first = reader.pages[0].extract_text().replace("\n", "")
    assert "fhirmig 0." in first and "診断ではない" in first
    assert f"1／{total}ページ" in first


def test_own_japanese_headings_are_set_in_the_cjk_font(japanese: Path) -> None:
    seen = runs_by_font(japanese, range(1))
    for heading in ("頭痛日記レポート", "主な数値", "話し合う項目", "本期間"):
        assert set(heading) <= seen["DroidSansFallback"]


def test_japanese_report_is_byte_identical_run_to_run(tmp_path: Path) -> None:
    """Run-by-run text and the CJK subset keep the report deterministic (both renders in
    this test, under the same clock)."""
    diary = read_diary(EXAMPLES / "chronic-overuse.json")
    first = render(diary, tmp_path / "first.pdf", language="ja").path
    again = render(diary, tmp_path / "again.pdf", language="ja").path
    assert again.read_bytes() == first.read_bytes()


def test_japanese_sentences_end_and_join_the_japanese_way(japanese: Path) -> None:
    from fhirmig.report.findings import full_stop, join_sentences

    assert (
        full_stop("HIT-6 64（2026/11/28、グレード≥60）") == "HIT-6 64（2026/11/28、グレード≥60）。"
    )
    assert (
        full_stop("HIT-6 64 on 2026-11-28 (grade >=60)") == "HIT-6 64 on 2026-11-28 (grade >=60)."
    )
    assert join_sentences(["前兆あり：75件中0件。", "支障度の記録なし。"]) == (
        "前兆あり：75件中0件。支障度の記録なし。"
    )
    assert join_sentences(["With aura: 0 of 75.", "Disability not recorded."]) == (
        "With aura: 0 of 75. Disability not recorded."
    )
    first = PdfReader(str(japanese)).pages[0].extract_text().replace("\n", "").replace(" ", "")
    assert "変化−2。" in first and "変化−2." not in first  # the questionnaire line
