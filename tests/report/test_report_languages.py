"""Every example in every shipped language: no English sentence of fhirmig's own in the
non-English reports, the same figures on page one in every language, the same bytes twice,
right-to-left and CJK patient text as in English, fhirmig's own CJK text in the CJK font."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import orjson
import pytest

from fhirmig.app import open_diary
from fhirmig.diary import Diary, parse_diary_json
from fhirmig.report import render_report, shipped_languages
from fhirmig.report.fonts import has_cjk
from fhirmig.report.i18n import _, use_language
from tests.report.langhelp import english_fragments, flat, messages_tool, template_messages
from tests.report.pdfhelp import EXAMPLES, GENERATED, pdf_pages

EXAMPLE_INPUTS = ("chronic-overuse.json", "episodic-twitching.json", "spreadsheet.csv")
LANGUAGES = shipped_languages()
OTHER_LANGUAGES = [lang for lang in LANGUAGES if lang != "en"]


def _title(lang: str) -> str:
    with use_language(lang):
        return _("Headache diary report")


#: The shipped languages whose own words are written in CJK characters.
CJK_LANGUAGES = [lang for lang in LANGUAGES if has_cjk(_title(lang))]


def _diary(name: str) -> Diary:
    return open_diary(EXAMPLES / name, command="report")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], list[str]]:
    """The text, page by page, of every example's report in every shipped language."""
    folder = tmp_path_factory.mktemp("languages")
    out = {}
    for name in EXAMPLE_INPUTS:
        diary = _diary(name)
        for lang in LANGUAGES:
            pdf = folder / f"{name}.{lang}.pdf"
            render_report(diary, pdf, generated=GENERATED, language=lang)
            out[(name, lang)] = pdf_pages(pdf)[0]
    return out


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
@pytest.mark.parametrize("name", EXAMPLE_INPUTS)
def test_no_english_sentence_of_fhirmig_in_a_translated_report(
    reports: dict[tuple[str, str], list[str]], name: str, lang: str
) -> None:
    allowed = messages_tool().identical_allowed(lang)
    text = flat("\n".join(reports[(name, lang)]))
    leaks = sorted(f for f in english_fragments(template_messages(), allowed) if f in text)
    assert leaks == []
    with use_language(lang):
        for heading in ("Headache diary report", "Key figures", "Methods"):
            assert _(heading) in text


@pytest.mark.parametrize("name", EXAMPLE_INPUTS)
def test_the_english_report_has_the_english_sentences(
    reports: dict[tuple[str, str], list[str]], name: str
) -> None:
    """The yardstick of the scan: in English, fhirmig's sentences are found."""
    text = flat("\n".join(reports[(name, "en")]))
    found = [f for f in english_fragments(template_messages()) if f in text]
    assert len(found) > 60


#: dates and months in the forms CLDR writes them (ISO, 01.08.2026, 2026/8/1, 08/2026, ...)
_DATES = re.compile(
    r"\d{4}-\d{2}(?:-\d{2})?|\d{1,2}[./]\d{1,2}[./]\d{4}|\d{4}/\d{1,2}(?:/\d{1,2})?"
    r"|\d{1,2}/\d{4}|\d{4}年\d{1,2}月(?:\d{1,2}日)?"
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def page_one_figures(page: str, lang: str) -> Counter[str]:
    """The numbers of page one from the key figures to the topics (dates left out), with
    the decimal sign made a point."""
    with use_language(lang):
        start, end = _("Key figures"), _("Topics to discuss")
    body = page[page.index(start) : page.rindex(end)]
    body = _DATES.sub(" ", body)
    return Counter(n.replace(",", ".") for n in _NUMBER.findall(body))


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
@pytest.mark.parametrize("name", EXAMPLE_INPUTS)
def test_page_one_figures_are_the_same_numbers_in_every_language(
    reports: dict[tuple[str, str], list[str]], name: str, lang: str
) -> None:
    english = page_one_figures(reports[(name, "en")][0], "en")
    other = page_one_figures(reports[(name, lang)][0], lang)
    assert sum(english.values()) > 40  # the table and the findings, not an empty cut
    assert other == english


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_gives_the_same_bytes_twice(tmp_path: Path, lang: str) -> None:
    diary = _diary("episodic-twitching.json")
    for name in ("a.pdf", "b.pdf"):
        render_report(diary, tmp_path / name, generated=GENERATED, language=lang)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_the_diary_language_is_the_default(
    tmp_path: Path, reports: dict[tuple[str, str], list[str]]
) -> None:
    """spreadsheet.patient.json says ``de``: its report is German unless asked otherwise."""
    diary = _diary("spreadsheet.csv")
    assert diary.patient.language == "de"
    render_report(diary, tmp_path / "r.pdf", generated=GENERATED)
    expected = "de" if "de" in LANGUAGES else "en"
    assert pdf_pages(tmp_path / "r.pdf")[0] == reports[("spreadsheet.csv", expected)]


def _mixed_script_diary() -> Diary:
    data = {
        "format": "fhirmig-diary/1",
        "patient": {
            "id": "p-scripts",
            "timezone": "Asia/Jerusalem",
            "name": {"given": ["שרה"], "family": "山田"},
        },
        "attacks": [
            {
                "id": "a1",
                "start": "2026-03-02T08:00:00+02:00",
                "durationMinutes": 120,
                "intensity": 6,
                "triggers": ["לחץ בעבודה", "寝不足"],
                "notes": "כאב ראש חזק אחרי 30 דקות; 頭痛がひどい",
            }
        ],
    }
    return parse_diary_json(orjson.dumps(data), "scripts.json")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_right_to_left_and_cjk_patient_text_reads_back_in_every_language(
    tmp_path: Path, lang: str
) -> None:
    render_report(_mixed_script_diary(), tmp_path / "en.pdf", generated=GENERATED, language="en")
    render_report(_mixed_script_diary(), tmp_path / "r.pdf", generated=GENERATED, language=lang)
    english = pdf_pages(tmp_path / "en.pdf")[0]
    pages, reader = pdf_pages(tmp_path / "r.pdf")
    text = "\n".join(pages)
    name = english[0].split(" · ", 1)[0]
    assert "שרה" in name and "山田" in name
    assert all(page.split(" · ", 1)[0] == name for page in pages)  # every page's header
    assert "לחץ בעבודה" in text and "הדובעב" not in text  # reading order, not reversed
    assert "寝不足" in text and "頭痛がひどい" in flat(text)
    fonts = {
        str(font.get("/BaseFont"))
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert any("DroidSansFallback" in f for f in fonts)


def test_the_cjk_languages_are_known() -> None:
    """Japanese is shipped and written in CJK characters; no other shipped language is."""
    assert CJK_LANGUAGES == ["ja"]


@pytest.mark.parametrize("lang", CJK_LANGUAGES)
def test_own_cjk_text_is_set_in_the_cjk_font(tmp_path: Path, lang: str) -> None:
    """A language written in CJK characters gets the CJK font for fhirmig's own words on
    page one too (not only for the patient's text)."""
    title = _title(lang)
    render_report(
        _diary("episodic-twitching.json"), tmp_path / "r.pdf", generated=GENERATED, language=lang
    )
    pages, reader = pdf_pages(tmp_path / "r.pdf")
    assert title in pages[0]
    fonts = {str(f.get("/BaseFont")) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("DroidSansFallback" in f for f in fonts)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pdf_metadata_and_document_language_follow_the_report_language(
    tmp_path: Path, lang: str
) -> None:
    diary = _diary("episodic-twitching.json")  # patient.language "en"
    render_report(diary, tmp_path / "r.pdf", generated=GENERATED, language=lang)
    reader = pdf_pages(tmp_path / "r.pdf")[1]
    with use_language(lang):
        title = _("Headache diary report: {name}, {period}").split("{", 1)[0]
        keywords = _("headache diary, migraine, ICHD-3")
    assert reader.metadata.title.startswith(title + "Ana Maria Silva")
    assert reader.metadata["/Keywords"] == keywords
    assert reader.trailer["/Root"]["/Lang"] == lang
