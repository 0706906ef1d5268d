"""Every shipped language: the reports of the examples carry no English sentence of
fhirmig's own, page one shows the same figures as in English, and the warnings keep their
force."""

from __future__ import annotations

import re

import pytest

from fhirmig.diary import read_diary
from fhirmig.report import render_report, shipped_languages
from fhirmig.report.i18n import _, use_language
from tests.report.langhelp import english_fragments, messages_tool, template_messages
from tests.report.langhelp import flat as lines_flat
from tests.report.pdfhelp import EXAMPLES, GENERATED, pdf_pages

EXAMPLE_FILES = ("chronic-overuse.json", "episodic-twitching.json")
LANGUAGES = tuple(lang for lang in shipped_languages() if lang != "en")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_PIECE = re.compile(r"\{[^{}]*\}|<[^>]*>")
#: a line break that PDF extraction turned into a space between two CJK characters
_CJK_GAP = re.compile(
    r"(?<=[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]) (?=[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef])"
)


def flat(text: str) -> str:
    """Extracted text as one line; Japanese lines wrapped between two characters are
    joined again without the space (numbers keep theirs)."""
    return _CJK_GAP.sub("", lines_flat(text))


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], list[str]]:
    """(example, language) -> the report's text page by page, English included."""
    folder = tmp_path_factory.mktemp("languages")
    out = {}
    for name in EXAMPLE_FILES:
        diary = read_diary(EXAMPLES / name)
        for language in ("en", *LANGUAGES):
            pdf = folder / f"{language}-{name}.pdf"
            render_report(diary, pdf, generated=GENERATED, language=language)
            out[name, language] = pdf_pages(pdf)[0]
    return out


def key_figures(page: str, language: str) -> list[str]:
    """The numbers of page one's key-figures table, decimal commas read as points."""
    with use_language(language):
        start, end = _("Key figures"), _("Threshold patterns (for discussion)")
    text = flat(page)
    table = text[text.index(flat(start)) : text.index(flat(end))]
    return [n.replace(",", ".") for n in _NUMBER.findall(table)]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_no_english_sentence_of_fhirmig_in_the_report(
    reports: dict[tuple[str, str], list[str]], name: str, language: str
) -> None:
    allowed = messages_tool().identical_allowed(language)
    text = flat("\n".join(reports[name, language]))
    leaks = sorted(f for f in english_fragments(template_messages(), allowed) if f in text)
    assert leaks == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_page_one_figures_are_the_same_numbers_as_in_english(
    reports: dict[tuple[str, str], list[str]], name: str, language: str
) -> None:
    english = key_figures(reports[name, "en"][0], "en")
    assert len(english) >= 10
    assert key_figures(reports[name, language][0], language) == english


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_threshold_is_still_a_pattern_for_discussion_not_a_diagnosis(
    reports: dict[tuple[str, str], list[str]], language: str
) -> None:
    """Both thresholds of the chronic example are reached for more than 3 months: page one
    says so in the language's own words, every piece of its sentence, warning included."""
    page_one = flat(reports["chronic-overuse.json", language][0])
    with use_language(language):
        sentence = _(
            "<b>{name} reached for more than 3 consecutive months</b>: in {count} of {judged} "
            "complete {judged_unit} ({months}); longest run {run} months{why}. "
            "A pattern for discussion, not a diagnosis."
        )
        footer = _("fhirmig {version} · patient-reported, software-computed · not a diagnosis")
    pieces = [flat(p).strip(" .,;:()") for p in _PIECE.split(sentence)]
    pieces = [p for p in pieces if len(p) >= 8]
    assert pieces
    for piece in pieces:
        assert page_one.count(piece) >= 2, piece  # both thresholds
    assert flat(footer.split("{version}")[1]).strip(" ·") in page_one


def test_french_wording_keeps_its_force(reports: dict[tuple[str, str], list[str]]) -> None:
    if "fr" not in LANGUAGES:
        pytest.skip("no French catalogue")
    page_one = flat(reports["chronic-overuse.json", "fr"][0])
    assert "Un profil à discuter, pas un diagnostic." in page_one
    assert "Seuil d'abus médicamenteux (ICHD-3 8.2)" in page_one
    assert "pas un diagnostic" in page_one.rsplit("page", 1)[0]  # the footer of every page
    text = flat("\n".join(reports["episodic-twitching.json", "fr"]))
    assert "Annexe C" in text and "Organisations : Portugal" in text
    assert "MiGRA Portugal" in text and "Forums communautaires" not in text.split("Annexe C")[0]
