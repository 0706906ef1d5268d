"""The terminology table: every vocabulary key coded, real codes only where verified."""

from __future__ import annotations

from collections import Counter

from fhirmig.diary.vocabulary import VOCABULARIES
from fhirmig.fhir.ids import CODE_SYSTEM
from fhirmig.fhir.terminology import concept, key_of, load_table, local_key, terms

SNOMED = "http://snomed.info/sct"


def test_every_vocabulary_key_has_a_local_code() -> None:
    for vocabulary, keys in VOCABULARIES.items():
        for key in keys:
            rows = terms(vocabulary, key)
            assert rows, f"{vocabulary}/{key} has no row"
            assert rows[0].system == CODE_SYSTEM
            assert rows[0].code == f"{vocabulary}.{key}"
            assert rows[0].display


def test_real_codes_only_when_verified_or_corroborated() -> None:
    for term in load_table():
        if term.system == CODE_SYSTEM:
            assert term.status == "local"
        else:
            assert term.status in {"VERIFIED", "CORROBORATED"}, term
            assert term.source, term


def test_local_codes_are_unique_and_one_system() -> None:
    local = [t.code for t in load_table() if t.system == CODE_SYSTEM]
    assert not [c for c, n in Counter(local).items() if n > 1]
    systems = {t.system for t in load_table()}
    assert {s for s in systems if "fhirmig" in s} == {CODE_SYSTEM}


def test_known_codes_from_the_reference() -> None:
    def snomed(vocabulary: str, key: str) -> str | None:
        return next((t.code for t in terms(vocabulary, key) if t.system == SNOMED), None)

    assert snomed("symptom", "muscle-twitching") == "82470000"
    assert snomed("symptom", "nausea") == "422587007"
    assert snomed("condition", "migraine-without-aura") == "56097005"
    assert snomed("body-site", "head") == "69536005"
    # no verified SNOMED concept exists for these: local code and text only
    assert snomed("condition", "chronic-migraine") is None
    # a left eyelid: SNOMED's eyelid structure, the side in the local code and text
    assert snomed("body-site", "left-eyelid") == "80243003"
    assert concept("body-site", "left-eyelid")["coding"][0]["code"] == "body-site.left-eyelid"
    assert snomed("body-site", "jaw") == "661005"
    assert snomed("body-site", "temples") is None
    assert snomed("trigger", "caffeine") is None
    icd = {t.code for t in terms("condition", "chronic-migraine")}
    assert {"G43.3", "G43.709"} <= icd  # ICHD-3 1.3's ICD-10, and ICD-10-CM's default
    # chronic migraine with aura has no ICD-10-CM code: ICD-10 G43.3 and the local code only
    with_aura = {(t.system, t.code) for t in terms("condition", "chronic-migraine-with-aura")}
    assert ("http://hl7.org/fhir/sid/icd-10", "G43.3") in with_aura
    assert not any(system.endswith("icd-10-cm") for system, _ in with_aura)


def test_standard_codes_of_the_former_local_only_symptoms() -> None:
    def snomed(key: str) -> str | None:
        return next((t.code for t in terms("symptom", key) if t.system == SNOMED), None)

    assert snomed("dizziness") == "404640003"
    assert snomed("vertigo") == "399153001"
    assert snomed("fatigue") == "84229001"
    assert snomed("neck-pain") == "81680005"
    assert snomed("speech-disturbance") == "29164008"
    for key in ("dizziness", "vertigo", "fatigue", "neck-pain", "speech-disturbance"):
        (term,) = [t for t in terms("symptom", key) if t.system == SNOMED]
        assert term.status == "VERIFIED" and "IPS free set" in term.source


def test_free_text_gets_text_only() -> None:
    cc = concept("trigger", "red wine at dinner")
    assert cc == {"text": "red wine at dinner"}
    assert key_of("trigger", cc) == "red wine at dinner"
    assert local_key("trigger", cc) is None


def test_key_round_trips_through_its_concept() -> None:
    for vocabulary, keys in VOCABULARIES.items():
        for key in keys:
            cc = concept(vocabulary, key)
            assert cc["coding"][0]["system"] == CODE_SYSTEM
            assert key_of(vocabulary, cc) == key
    # the same key in another vocabulary is not mistaken for this one
    assert local_key("relief-method", concept("trigger", "caffeine")) is None


def test_docs_page_is_the_table() -> None:
    from pathlib import Path

    from fhirmig.fhir.terminology import terminology_markdown

    page = Path(__file__).resolve().parents[2] / "docs" / "terminology.md"
    assert page.read_text("utf-8") == terminology_markdown()
