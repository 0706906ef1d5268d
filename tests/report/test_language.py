"""The report's language: choice, default, every string through the catalogue, CLDR formats.

A pseudo-language (every catalogue entry its English with the case of each letter
swapped) proves that every sentence, label and heading fhirmig writes goes through the
catalogue: no English sentence of fhirmig's own may survive in its report.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from fhirmig.cli import cli
from fhirmig.diary import read_diary
from fhirmig.errors import UsageError
from fhirmig.report import i18n, render_report, resolve_language, shipped_languages
from fhirmig.report.i18n import (
    fmt_date,
    fmt_decimal,
    fmt_month,
    fmt_partial_date,
    fmt_percent,
    list_text,
    use_language,
)
from tests.report.langhelp import (
    english_fragments,
    flat,
    pseudo,
    pseudo_language,
    template_messages,
)
from tests.report.pdfhelp import EXAMPLES, GENERATED, pdf_pages

EXAMPLE_FILES = ("chronic-overuse.json", "episodic-twitching.json")


def test_english_is_always_shipped_and_a_region_uses_its_language() -> None:
    assert "en" in shipped_languages()
    assert resolve_language("en-GB") == "en"
    assert resolve_language(None, "en_US") == "en"
    assert resolve_language(None, None) == "en"


def test_an_unshipped_diary_language_falls_back_to_english() -> None:
    assert resolve_language(None, "tlh") == "en"
    assert resolve_language(None, "") == "en"


def test_an_unshipped_language_asked_for_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        resolve_language("tlh")
    assert caught.value.params == ("language",)
    assert "'tlh': no report catalogue for it; choose one of " + ", ".join(
        shipped_languages()
    ) in str(caught.value)


def test_cli_refuses_an_unknown_language_naming_the_flag(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    result = CliRunner().invoke(
        cli,
        ["report", str(EXAMPLES / "episodic-twitching.json"), "-o", str(out), "--language", "xx"],
    )
    assert result.exit_code == 2
    assert "--language 'xx': no report catalogue for it" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_language_en_is_the_default_report_byte_for_byte(tmp_path: Path) -> None:
    diary = read_diary(EXAMPLES / "episodic-twitching.json")
    render_report(diary, tmp_path / "default.pdf", generated=GENERATED)
    render_report(diary, tmp_path / "en.pdf", generated=GENERATED, language="en")
    assert (tmp_path / "default.pdf").read_bytes() == (tmp_path / "en.pdf").read_bytes()


def test_english_keeps_iso_dates_and_python_numbers() -> None:
    with use_language("en"):
        assert fmt_date(date(2026, 8, 1)) == "2026-08-01"
        assert fmt_month("2026-08") == "2026-08"
        assert fmt_decimal(2.25) == f"{2.25:.1f}"
        assert fmt_percent(0.295) == f"{0.295:.0%}"
        assert list_text(["a", "b", "c"]) == "a, b and c"


@contextmanager
def formatting(language: str) -> Iterator[None]:
    """Format as ``language`` does, whether or not its catalogue ships."""
    token = i18n._LANGUAGE.set(language)
    try:
        yield
    finally:
        i18n._LANGUAGE.reset(token)


def test_other_languages_format_by_cldr_after_rounding_as_english_does() -> None:
    with formatting("de"):
        assert fmt_date(date(2026, 8, 1)) == "01.08.2026"
        assert fmt_decimal(2.25) == f"{2.25:.1f}".replace(".", ",")
        assert fmt_percent(0.295) == f"{0.295 * 100:.0f}\xa0%"  # the same rounding, CLDR's sign
        assert list_text(["a", "b", "c"]) == "a, b und c"
    with formatting("ja"):
        assert fmt_date(date(2026, 8, 1)) == "2026/8/1"
        assert fmt_percent(0.5) == "50%"


def test_a_diagnosis_onset_is_a_date_of_the_report_language(tmp_path: Path) -> None:
    """The chronic example's onsets (``2021``, ``2018-06-02``) read as the locale writes
    dates; English keeps ISO 8601 as before."""
    with use_language("en"):
        assert fmt_partial_date("2018-06-02") == "2018-06-02"
        assert fmt_partial_date("2015-03") == "2015-03"
    with formatting("de"):
        assert fmt_partial_date("2018-06-02") == "02.06.2018"
        assert fmt_partial_date("2021") == "2021"
    diary = read_diary(EXAMPLES / "chronic-overuse.json")
    render_report(diary, tmp_path / "de.pdf", generated=GENERATED, language="de")
    text = flat("\n".join(pdf_pages(tmp_path / "de.pdf")[0]))
    assert "02.06.2018" in text and "2018-06-02" not in text


def test_pseudo_translation_keeps_placeholders_and_markup() -> None:
    assert (
        pseudo("<b>{name} reached</b> in %(count)s months")
        == "<b>{name} REACHED</b> IN %(count)s MONTHS"
    )


@pytest.fixture(scope="module")
def pseudo_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Each example's report in the pseudo-language ``eo``, page by page."""
    folder = tmp_path_factory.mktemp("pseudo-locale")
    out: dict[str, list[str]] = {}
    with pytest.MonkeyPatch.context() as monkeypatch, pseudo_language(monkeypatch, folder) as lang:
        for name in EXAMPLE_FILES:
            pdf = folder / f"{name}.pdf"
            render_report(read_diary(EXAMPLES / name), pdf, generated=GENERATED, language=lang)
            out[name] = pdf_pages(pdf)[0]
    return out


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_no_english_sentence_of_fhirmig_survives_a_full_translation(
    pseudo_reports: dict[str, list[str]], name: str
) -> None:
    text = flat("\n".join(pseudo_reports[name]))
    leaks = sorted(f for f in english_fragments(template_messages()) if f in text)
    assert leaks == []
    # and the translated sentences are there: page one's headings, the methods, appendices
    for heading in ("Key figures", "Topics to discuss", "Methods", "Appendix A: Attack log"):
        assert pseudo(heading) in text


def test_pseudo_report_translates_page_furniture(pseudo_reports: dict[str, list[str]]) -> None:
    first = pseudo_reports["chronic-overuse.json"][0]
    assert "PAGE 1 OF" in first
    assert "PATIENT-REPORTED, SOFTWARE-COMPUTED" in flat(first)
    assert "page 1 of" not in first


def test_template_translation_blocks_keep_one_markdown_line_each() -> None:
    """A ``{% trans %}`` block at a line's end keeps its newline (``+%}``): every bullet of
    the methods page stays its own bullet, as in the template."""
    from fhirmig.report.content import BUILTIN_TEMPLATES, render_template

    context = {
        "version": "0",
        "language": "en",
        "regions": ["EU"],
        "kind_names": {},
        "period": "2026-08-01 to 2026-08-31",
        "days": 31,
        "timezone": "Europe/Berlin",
        "migraine_day": "diary",
        "generated": "2026-11-25",
        "report_language": "en",
    }
    with use_language("en"):
        text = render_template("methods.md.j2", context, None)
    source = (BUILTIN_TEMPLATES / "methods.md.j2").read_text(encoding="utf-8")
    bullets = [line for line in text.splitlines() if line.startswith("- ")]
    expected = [line for line in source.splitlines() if line.startswith("- ")]
    assert len(bullets) == len(expected) - 1  # one of the two migraine-day definitions
    assert "- Period: 2026-08-01 to 2026-08-31 (31 days)." in bullets
    assert all(".- " not in line for line in bullets)


def test_fhirmig_own_cjk_text_is_set_in_the_cjk_font_everywhere(tmp_path: Path) -> None:
    """A catalogue in CJK characters (a pseudo-Japanese one: every entry starts with 頭痛):
    page one, the calendar, the charts, the log and the page furniture print it in the CJK
    font, and long lines of it break inside the page."""
    from tests.report.langhelp import pseudo_cjk

    folder = tmp_path / "locale"
    with (
        pytest.MonkeyPatch.context() as monkeypatch,
        pseudo_language(monkeypatch, folder, "ja", pseudo_cjk) as lang,
    ):
        pdf = tmp_path / "ja.pdf"
        render_report(
            read_diary(EXAMPLES / "chronic-overuse.json"), pdf, generated=GENERATED, language=lang
        )
    pages, reader = pdf_pages(pdf)
    assert pages[0].count("頭痛") > 40
    assert "頭痛hEADACHE DIARY REPORT" in flat(pages[0])
    assert "頭痛 PAGE 1 頭痛 OF" in flat(pages[0])  # drawn on the canvas run by run
    for number, page in enumerate(reader.pages):
        fonts = {str(f.get("/BaseFont")) for f in page["/Resources"]["/Font"].values()}
        assert any("DroidSansFallback" in f for f in fonts), number


def test_a_soft_hyphen_lets_a_long_catalogue_word_break_with_a_hyphen() -> None:
    """German headers of narrow columns (``Kopf\\u00adschmerz\\u00adtage``) break at their soft
    hyphens with a visible hyphen in a paragraph; a one-string cell drops them."""
    from fhirmig.report.fonts import plain
    from fhirmig.report.styles import paragraph, styles

    para = paragraph("Kopf\u00adschmerz\u00adtage", styles().cell_bold)
    para.wrap(45, 1000)
    lines = ["".join(f.text for f in line.words) for line in para.blPara.lines]
    assert lines == ["Kopf-", "schmerz-", "tage"] or lines == ["Kopfschmerz-", "tage"]
    assert plain("Kopf\u00adschmerz\u00adtage") == "Kopfschmerztage"
