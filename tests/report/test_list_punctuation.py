"""Lists and parentheses in each language's punctuation, from the catalogues.

French sets a no-break space before ";" (as it does before ":"), Japanese separates the
items of a list with "、" and qualifies a name in full-width parentheses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fhirmig.diary import read_diary
from fhirmig.report.i18n import joined, qualified, use_language
from fhirmig.report.summary import treatments_text
from tests.report.pdfhelp import EXAMPLES, render

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "phrases", "words", "named"),
    [
        ("en", "a; b; c", "a, b, c", "name (details)"),
        ("de", "a; b; c", "a, b, c", "name (details)"),
        ("es", "a; b; c", "a, b, c", "name (details)"),
        ("pt", "a; b; c", "a, b, c", "name (details)"),
        ("fr", f"a{NBSP}; b{NBSP}; c", "a, b, c", "name (details)"),
        ("ja", "a、b、c", "a、b、c", "name（details）"),
    ],
)
def test_each_language_has_its_own_separators(
    language: str, phrases: str, words: str, named: str
) -> None:
    with use_language(language):
        assert joined(["a", "b", "c"]) == phrases
        assert joined(iter(["a", "b", "c"]), comma=True) == words
        assert joined([]) == "" and joined(["a"]) == "a"
        assert qualified("name", "details") == named


def _page_one(language: str, tmp_path: Path) -> str:
    diary = read_diary(EXAMPLES / "chronic-overuse.json")
    out = render(diary, tmp_path / f"{language}.pdf", sections=("summary",), language=language)
    return out.pages[0]


def test_french_page_one_keeps_semicolons_off_the_word_before(tmp_path: Path) -> None:
    # the text read back has the no-break space as a space; the catalogue test above
    # shows it is a no-break one
    text = " ".join(_page_one("fr", tmp_path).replace(NBSP, " ").split())
    assert "15/09/2026 ; Erenumab" in text
    diary = read_diary(EXAMPLES / "chronic-overuse.json")
    with use_language("fr"):
        treatments = treatments_text(diary, None)
    assert f"15/09/2026{NBSP}; Erenumab" in treatments


def test_japanese_page_one_lists_with_the_ideographic_comma(tmp_path: Path) -> None:
    text = " ".join(_page_one("ja", tmp_path).split())
    assert "慢性片頭痛（確定、2021から）、Neck pain after whiplash（非活動性、" in text
    assert "2026/9/15、Erenumab" in text
    assert "; " not in text and " (確定" not in text
