"""The message catalogues: the template is current, every shipped language complete, and the
check the build runs catches what would let English or a broken sentence into a report."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import get_args

import pytest

from fhirmig.analysis.treatment import HIT6_BANDS, MIDAS_GRADES
from fhirmig.analysis.types import RESPONSE_REASONS
from fhirmig.diary.model import Condition
from fhirmig.diary.vocabulary import VOCABULARIES, entries, label
from fhirmig.report import shipped_languages
from fhirmig.report.i18n import use_language, vocabulary_name
from tests.report.langhelp import messages_tool, template_messages, write_pseudo_catalogue


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    return messages_tool()


def test_template_is_current_and_every_shipped_catalogue_complete(tool: ModuleType) -> None:
    assert tool.check() == []


def test_every_vocabulary_key_is_in_the_template_under_its_kind() -> None:
    found = {(m.context, m.id) for m in template_messages()}
    with use_language("en"):
        missing = [
            (e.kind, e.key)
            for e in entries()
            if (e.kind, vocabulary_name(e.key, e.kind)) not in found
        ]
    assert missing == []


def test_english_vocabulary_names_are_the_words_of_the_diary_format() -> None:
    with use_language("en"):
        for keys in VOCABULARIES.values():
            for key in keys:
                assert vocabulary_name(key) == label(key)


@pytest.mark.parametrize("language", shipped_languages())
def test_every_vocabulary_key_has_a_name_in_every_language(tool: ModuleType, language: str) -> None:
    allowed = tool.identical_allowed(language)
    for e in entries():
        with use_language("en"):
            english = vocabulary_name(e.key, e.kind)
        with use_language(language):
            name = vocabulary_name(e.key, e.kind)
        assert name.strip(), (e.kind, e.key)
        if language != "en":
            reviewed = f"{e.kind}\x04{english}" in allowed
            assert name != english or reviewed, (language, e.kind, e.key)


def test_free_text_is_never_translated() -> None:
    with use_language("en"):
        assert vocabulary_name("my own trigger", "trigger") == "my own trigger"


def test_contract_words_from_stats_all_have_catalogue_entries() -> None:
    """Words ``stats`` gives in English (contract values) are translated by the report:
    each must be a catalogue entry, or a new value would print in English."""
    from fhirmig.report.findings import _BAND_WORDS
    from fhirmig.report.page_text import _STATUS_WORDS

    ids = {m.id for m in template_messages() if isinstance(m.id, str)}
    assert set(RESPONSE_REASONS) <= ids
    assert {words for _, _, words in (*MIDAS_GRADES, *HIT6_BANDS)} == set(_BAND_WORDS)
    statuses = set(get_args(Condition.model_fields["clinical_status"].annotation))
    statuses |= set(get_args(Condition.model_fields["verification_status"].annotation))
    assert statuses <= set(_STATUS_WORDS)


@pytest.fixture
def scratch(tool: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A complete (pseudo-translated) catalogue ``eo`` in a scratch locale folder."""
    locale = tmp_path / "locale"
    write_pseudo_catalogue(locale, "eo")
    monkeypatch.setattr(tool, "LOCALE", locale)
    monkeypatch.setattr(tool, "ROOT", tmp_path)
    assert tool.problems("eo") == []
    return locale / "eo" / "LC_MESSAGES" / "fhirmig.po"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_check_catches_a_missing_translation(tool: ModuleType, scratch: Path) -> None:
    _edit(scratch, 'msgstr "kEY FIGURES"', 'msgstr ""')
    assert tool.problems("eo") == [
        "locale/eo/LC_MESSAGES/fhirmig.po: no translation of 'Key figures'"
    ]


def test_check_catches_a_fuzzy_translation(tool: ModuleType, scratch: Path) -> None:
    _edit(scratch, 'msgid "Key figures"', '#, fuzzy\nmsgid "Key figures"')
    assert tool.problems("eo") == [
        "locale/eo/LC_MESSAGES/fhirmig.po: fuzzy translation of 'Key figures'"
    ]


def test_check_catches_an_english_translation(tool: ModuleType, scratch: Path) -> None:
    _edit(scratch, 'msgstr "kEY FIGURES"', 'msgstr "Key figures"')
    (problem,) = tool.problems("eo")
    assert "the translation of 'Key figures' is the English text" in problem


def test_check_catches_a_lost_placeholder(tool: ModuleType, scratch: Path) -> None:
    _edit(scratch, 'msgstr "pATIENT {id}"', 'msgstr "pATIENT"')
    (problem,) = tool.problems("eo")
    assert "'Patient {id}': the translation must use exactly the placeholders ['id']" in problem


def test_check_catches_a_broken_template_placeholder(tool: ModuleType, scratch: Path) -> None:
    _edit(scratch, 'msgstr "LAST CHECKED %(checked)s"', 'msgstr "LAST CHECKED %(date)s"')
    problems = tool.problems("eo")
    assert len(problems) == 1 and "last checked %(checked)s" in problems[0]


def test_check_catches_an_entry_missing_from_the_catalogue(tool: ModuleType, scratch: Path) -> None:
    _edit(
        scratch,
        'msgid "Key figures"\nmsgstr "kEY FIGURES"',
        'msgid "Key figures!"\nmsgstr "kEY FIGURES!"',
    )
    problems = tool.problems("eo")
    assert any("missing 'Key figures' (run update)" in p for p in problems)
    assert any("'Key figures!' is not in the template" in p for p in problems)


@pytest.mark.parametrize("language", [lang for lang in shipped_languages() if lang != "en"])
def test_every_language_has_a_glossary_with_a_source_for_each_term(language: str) -> None:
    import csv

    from fhirmig.report.i18n import LOCALE_DIR

    path = LOCALE_DIR / language / "glossary.csv"
    with path.open(encoding="utf-8", newline="") as source:
        reader = csv.DictReader(source)
        assert reader.fieldnames == ["term", "translation", "source", "note"]
        rows = list(reader)
    assert len(rows) >= 20
    for row in rows:
        assert row["term"] and row["translation"], row
        assert (
            row["source"].startswith("https://")
            or row["source"].startswith("http://")
            or (row["source"] == "fhirmig wording")
        ), row
    # the glossary's diagnoses are the words the report prints for them
    glossary = {row["term"]: row["translation"] for row in rows}
    with use_language(language):
        for key in VOCABULARIES["condition"]:
            english = (
                label(key)
                .replace("tension type", "tension-type")
                .replace("medication overuse", "medication-overuse")
            )
            if english in glossary:
                assert vocabulary_name(key, "condition") == glossary[english], key
