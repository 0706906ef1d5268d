"""The Spanish, Portuguese and Japanese reports: complete, the same figures as English,
the clinical terms of the glossary, and the wording that keeps a pattern from reading as a
diagnosis.

Every example is rendered in English and in each of the three languages once per module.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from fhirmig.analysis import compute_stats
from fhirmig.diary import read_diary
from fhirmig.report import render_report
from fhirmig.report.i18n import LOCALE_DIR, catalogue_path, use_language, vocabulary_name
from fhirmig.report.summary import figure_rows
from tests.report.langhelp import english_fragments, flat, messages_tool, template_messages
from tests.report.pdfhelp import EXAMPLES, GENERATED, pdf_pages

LANGUAGES = ("es", "pt", "ja")
EXAMPLE_FILES = ("chronic-overuse.json", "episodic-twitching.json")
#: how each language says "a pattern for discussion, not a diagnosis" (see its glossary)
NOT_A_DIAGNOSIS = {
    "es": "Es un patrón para comentar, no un diagnóstico.",
    "pt": "É um padrão para discutir, não um diagnóstico.",
    "ja": "診察で話し合うためのパターンであり、診断ではない。",
}
#: "association, not cause" and "an association, never a cause" (Methods)
NOT_A_CAUSE = {
    "es": re.compile(r"(no|nunca) (una )?causa"),
    "pt": re.compile(r"(não|nunca) (uma )?causa"),
    "ja": re.compile(r"原因(ではない|を示すものではない)"),
}


def _text(pages: list[str], language: str) -> str:
    """The pages as one line; Japanese without the spaces its line breaks leave."""
    text = flat("\n".join(pages))
    return text.replace(" ", "") if language == "ja" else text


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], list[str]]:
    """The text of every page, by (example, language), English included."""
    folder = tmp_path_factory.mktemp("languages")
    out = {}
    for name in EXAMPLE_FILES:
        diary = read_diary(EXAMPLES / name)
        for language in ("en", *LANGUAGES):
            pdf = folder / f"{name}.{language}.pdf"
            render_report(diary, pdf, generated=GENERATED, language=language)
            out[name, language] = pdf_pages(pdf)[0]
    return out


def _identical(language: str) -> set[str]:
    return set(messages_tool().identical_allowed(language))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_no_english_sentence_of_fhirmig_in_the_report(
    pages: dict[tuple[str, str], list[str]], name: str, language: str
) -> None:
    text = flat("\n".join(pages[name, language]))
    english = flat("\n".join(pages[name, "en"]))
    fragments = english_fragments(template_messages(), _identical(language))
    assert [f for f in fragments if f in english]  # the scan finds them in English
    assert sorted(f for f in fragments if f in text) == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_page_one_shows_the_english_figures_in_the_language(
    pages: dict[tuple[str, str], list[str]], name: str, language: str
) -> None:
    """Row by row, page one's key figures are the English counts and rates, with the label
    and the decimal sign of the language."""
    stats = compute_stats(read_diary(EXAMPLES / name))
    english = figure_rows(stats)
    with use_language(language):
        rows = figure_rows(stats)
    first = flat(pages[name, language][0])
    assert [r[1] for r in rows] == [r[1] for r in english]
    for (label, total, per, _b, _c), (_l, _t, per_en, _b2, _c2) in zip(rows, english, strict=True):
        assert per.replace(",", ".") == per_en
        assert f"{label.strip()} {total} {per}" in first


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_threshold_line_keeps_not_a_diagnosis(
    pages: dict[tuple[str, str], list[str]], language: str
) -> None:
    first = _text(pages["chronic-overuse.json", language][:1], language)
    # both checks reached on the chronic example: two threshold lines, each with the denial
    assert first.count(NOT_A_DIAGNOSIS[language]) == 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_methods_say_association_not_cause(
    pages: dict[tuple[str, str], list[str]], language: str
) -> None:
    text = _text(pages["episodic-twitching.json", language], language)
    assert len(NOT_A_CAUSE[language].findall(text)) >= 2


def _glossary(language: str) -> dict[str, str]:
    with (LOCALE_DIR / language / "glossary.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and set(rows[0]) == {"term", "translation", "source", "note"}
    return {row["term"]: row["translation"] for row in rows}


#: glossary term -> the condition key whose display name must be that term
ICHD_ENTITIES = {
    "migraine without aura": "migraine-without-aura",
    "migraine with aura": "migraine-with-aura",
    "chronic migraine": "chronic-migraine",
    "tension-type headache": "tension-type-headache",
    "medication-overuse headache": "medication-overuse-headache",
    "cluster headache": "cluster-headache",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_diagnosis_names_are_the_glossary_terms(language: str) -> None:
    glossary = _glossary(language)
    with use_language(language):
        for term, key in ICHD_ENTITIES.items():
            assert vocabulary_name(key, "condition") == glossary[term]


@pytest.mark.parametrize("language", LANGUAGES)
def test_glossary_says_where_no_source_was_found(language: str) -> None:
    """A term without a published source is marked ``fhirmig wording`` and its note says
    so; the first row names the ICHD-3 edition the terms follow."""
    with (LOCALE_DIR / language / "glossary.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if row["source"] == "fhirmig wording":
            assert row["note"], row["term"]
    assert rows[0]["term"] == "ICHD-3 (reference edition)"
    assert rows[0]["source"].startswith("https://")
    assert sum(row["note"].startswith("ICHD-3 ") for row in rows) >= 8  # entities by code


def _strings(language: str) -> list[str]:
    with catalogue_path(language).open("rb") as f:
        catalog = read_po(f, locale=language)
    out = []
    for m in catalog:
        if m.id:
            out += list(m.string) if isinstance(m.string, tuple) else [m.string]
    return out


def test_portuguese_says_enxaqueca_for_both_countries() -> None:
    """One ``pt`` for Brazil and Portugal: *enxaqueca*, not the Brazilian edition's
    *migrânea* (see the pt glossary), and no second person."""
    strings = _strings("pt")
    assert not [s for s in strings if "migrânea" in s.lower()]
    assert sum("enxaqueca" in s.lower() for s in strings) > 20
    assert not [s for s in strings if re.search(r"\b(você|tu|teu|tua)\b", s.lower())]


def test_japanese_ranges_use_the_fullwidth_tilde() -> None:
    """The CJK font draws the wave dash U+301C like 一 (one): ranges use ～ (U+FF5E)."""
    strings = _strings("ja")
    assert not [s for s in strings if "\u301c" in s]
    assert sum("\uff5e" in s for s in strings) > 10


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_and_glossary_ship_with_the_package(language: str) -> None:
    folder = Path(LOCALE_DIR) / language
    assert (folder / "LC_MESSAGES" / "fhirmig.po").is_file()
    assert (folder / "glossary.csv").is_file()


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("es", ("Identificadores", "Fecha de nacimiento", "Diagnósticos declarados")),
        ("pt", ("Identificadores", "Data de nascimento", "Tratamentos relatados")),
        ("ja", ("識別子", "記載された診断", "記載された治療")),
    ],
)
def test_page_one_labels_are_never_cut_inside_a_word(
    pages: dict[tuple[str, str], list[str]], language: str, labels: tuple[str, ...]
) -> None:
    """The label columns widen to the language's labels (a fixed 72 pt cut Spanish
    "Identificador|es"); labels of two words may still wrap between them."""
    lines = pages["chronic-overuse.json", language][0].splitlines()
    for label in labels:
        first = label.split(" ", 1)[0]
        assert any(line.startswith(first) for line in lines), label
        assert first in flat("\n".join(lines))
    assert "Identificador\nes" not in pages["chronic-overuse.json", language][0]
