"""The drug table: classes and codes of medication names, ambiguity never guessed."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from fhirmig.diary.drugs import (
    drug_table,
    left_other,
    match_drug,
    medication_codes,
    normal_drug_words,
    not_counted_line,
)
from fhirmig.diary.vocabulary import DRUG_CLASSES


@pytest.mark.parametrize(
    ("name", "cls", "atc"),
    [
        ("Sumatriptan 50mg Oral", "triptan", "N02CC01"),
        ("sumatriptán 50 mg", "triptan", "N02CC01"),  # Spanish spelling
        ("Imigran", "triptan", "N02CC01"),
        ("AscoTop 2,5 mg", "triptan", "N02CC03"),  # German brand of zolmitriptan
        ("Ibuprofen 400", "nsaid", "M01AE01"),
        ("Nurofen", "nsaid", "M01AE01"),
        ("Ibuprofène", "nsaid", "M01AE01"),  # French
        ("Acetylsalicylsäure 500 mg", "nsaid", "N02BA01"),  # German
        ("Doliprane 1000", "simple-analgesic", "N02BE01"),  # French brand of paracetamol
        ("Ben-u-ron 500", "simple-analgesic", "N02BE01"),  # German / Portuguese
        ("Gelocatil", "simple-analgesic", "N02BE01"),  # Spanish
        ("Novalgina gotas", "simple-analgesic", "N02BB02"),  # Portuguese (metamizole)
        ("Paracetamol 500mg + Codeine 30mg", "opioid", None),
        ("Co-codamol 30/500", "opioid", "N02AJ06"),
        ("Nurofen Plus", "opioid", None),  # ibuprofen with codeine, not plain Nurofen
        ("Aspirin/Paracetamol/Caffeine", "combination-analgesic", None),
        ("Excedrin Migraine", "combination-analgesic", None),
        ("Thomapyrin", "combination-analgesic", None),
        ("Nurtec ODT 75mg", "gepant", "N02CD06"),
        ("Reyvow", "ditan", "N02CC08"),
        ("Aimovig 140", "preventive", "N02CD01"),
        ("Metoclopramide 10 mg", "antiemetic", "A03FA01"),
        ("Grandma's tea", "other", None),
    ],
)
def test_names_classified_by_ingredient_or_brand_word(name: str, cls: str, atc: str | None) -> None:
    found = match_drug(name)
    assert (found.drug_class, found.atc) == (cls, atc)


def test_two_plain_analgesics_are_no_combination() -> None:
    # ICHD-3 8.2.5: two non-opioid analgesics without an adjuvant are not a combination.
    assert match_drug("Paracetamol + Ibuprofen").drug_class == "nsaid"
    assert match_drug("Paracetamol + Metamizol").drug_class == "simple-analgesic"
    assert match_drug("Paracetamol + Koffein").drug_class == "combination-analgesic"


@pytest.mark.parametrize("name", ["Spalt", "Anadin", "Midol Complete", "Topiramat + Ondansetron"])
def test_ambiguous_names_are_never_guessed(name: str) -> None:
    found = match_drug(name)
    assert found.drug_class == "other"
    assert found.reason is not None
    assert found.atc is None


def test_brand_sold_with_two_ingredients_of_one_class_keeps_the_class_not_a_code() -> None:
    found = match_drug("Dolormin für Frauen")  # ibuprofen or naproxen
    assert (found.drug_class, found.atc) == ("nsaid", None)


def test_dose_and_form_words_are_ignored() -> None:
    assert match_drug("Rizatriptan 10 mg Schmelztablette").entries == ("rizatriptan",)
    assert normal_drug_words("Acetylsalicylsäure-ratiopharm") == [
        "acetylsalicylsaure",
        "ratiopharm",
    ]


def test_rxnorm_only_with_two_named_sources() -> None:
    for entry in drug_table():
        if entry.rxnorm:
            assert entry.rxnorm_sources and ";" in entry.rxnorm_sources, entry.key
    assert match_drug("Tramadol 50").rxnorm == "10689"
    assert match_drug("Sumatriptan").rxnorm is None  # no two sources agreed


def test_table_rows_are_well_formed() -> None:
    text = resources.files("fhirmig.diary").joinpath("drugs.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert len(rows) == len(drug_table()) > 60
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys))
    for entry in drug_table():
        assert entry.drug_class is None or entry.drug_class in DRUG_CLASSES
        for ingredient in entry.ingredients:
            assert ingredient in keys, (entry.key, ingredient)
        if entry.atc:
            assert len(entry.atc) in (5, 7), entry.key


def test_codes_only_when_the_diary_class_agrees() -> None:
    assert medication_codes("Sumatriptan 50 mg", "triptan") == {"atc": "N02CC01"}
    assert medication_codes("Sumatriptan 50 mg", "other") == {}


def test_names_left_other_listed_once_sorted() -> None:
    meds = [
        {"name": "zz drops", "class": "other"},
        {"name": "Sumatriptan", "class": "triptan"},
        {"name": "Arnica", "class": "other"},
        {"name": "Arnica"},
    ]
    assert left_other(meds) == ["Arnica", "zz drops"]
    assert not_counted_line(left_other(meds)) == (
        "not counted as acute medication: Arnica, zz drops"
    )
    assert not_counted_line([]) is None
