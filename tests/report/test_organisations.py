"""Support organisations: the built-in list, the choice by country and language, forums apart."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from fhirmig.diary import Diary, parse_diary_json
from fhirmig.diary.countries import is_country_code
from fhirmig.errors import ReportError
from fhirmig.report import BUILTIN_TEMPLATES, load_organisations, select_organisations
from fhirmig.report.organisations import INTERNATIONAL, KINDS, appendix_context
from tests.report.pdfhelp import render

ROOT = Path(__file__).resolve().parents[2]
BUILTIN = BUILTIN_TEMPLATES / "organisations.json"
SBCE = "Sociedade Brasileira de Cefaleia (SBCe): Tipos de Dor de Cabeça"


def names(groups: Any, key: str) -> set[str]:
    return {o.name for g in groups if g.key == key for o in g.organisations}


def diary_in(zone: str, language: str = "en", country: str | None = None) -> Diary:
    """A small diary of a patient in ``zone`` (three attacks in October 2026)."""
    patient: dict[str, Any] = {"id": "p-orgs", "timezone": zone, "language": language}
    if country is not None:
        patient["country"] = country
    attacks = [
        {
            "id": f"a{day}",
            "start": f"2026-10-{day:02d}T09:00:00",
            "durationMinutes": 300,
            "intensity": 6,
        }
        for day in (3, 12, 21)
    ]
    raw = {"format": "fhirmig-diary/1", "patient": patient, "attacks": attacks}
    return parse_diary_json(json.dumps(raw).encode(), "diary.json")


def test_builtin_list_matches_its_schema() -> None:
    schema = json.loads((ROOT / "docs" / "organisations.schema.json").read_bytes())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(BUILTIN.read_bytes()), schema)


def test_every_builtin_entry_has_source_https_language_and_country() -> None:
    orgs = load_organisations()
    assert len(orgs) >= 15
    for org in orgs:
        assert org.url.startswith("https://"), org.name
        assert org.source is not None and org.source.startswith("https://"), org.name
        assert org.languages, org.name
        assert org.country == INTERNATIONAL or is_country_code(org.country), org.name
        assert org.kind in KINDS
        assert date(2026, 11, 25) <= org.last_checked <= date(2026, 12, 31)
        assert org.description("en") and org.description("fr") != org.description("en")
    assert len({org.url for org in orgs}) == len(orgs)
    # what the list was criticised for is gone: no summit, no classification for professionals
    urls = " ".join(org.url for org in orgs)
    assert "migraineworldsummit" not in urls and "ichd-3.org" not in urls


@pytest.mark.parametrize(
    ("zone", "language", "country", "expected"),
    [
        (
            "Europe/Lisbon",
            "pt",
            "PT",
            {"MiGRA Portugal – Associação Portuguesa de Doentes com Enxaqueca e Cefaleias"},
        ),
        (
            "Europe/Berlin",
            "de",
            "DE",
            {
                "MigräneLiga e.V. Deutschland",
                "Deutsche Migräne- und Kopfschmerzgesellschaft (DMKG): Informationen für Patienten",
                "DMKG-Kopfschmerzregister: Informationen für Patienten",
            },
        ),
        ("Asia/Tokyo", "ja", "JP", {"日本頭痛学会 (Japanese Headache Society)"}),
        ("America/Sao_Paulo", "pt", "BR", {SBCE}),
        (
            "America/New_York",
            "en",
            "US",
            {
                "American Migraine Foundation",
                "National Headache Foundation",
                "Association of Migraine Disorders",
                "Migraine Research Foundation",
                "Coalition for Headache and Migraine Patients (CHAMP): Migraine & Headache Awareness Month",
            },
        ),
        (
            "Europe/London",
            "en",
            "GB",
            {
                "The Migraine Trust",
                "OUCH (UK), Organisation for the Understanding of Cluster Headache",
            },
        ),
        ("America/Toronto", "en", "CA", {"Migraine Canada"}),
        ("America/Toronto", "fr", "CA", {"Migraine Canada", "Migraine Québec"}),
        ("Australia/Sydney", "en", "AU", {"Migraine & Headache Australia"}),
    ],
)
def test_each_city_gets_its_national_entries(
    zone: str, language: str, country: str, expected: set[str]
) -> None:
    patient = diary_in(zone, language).patient
    assert patient.country is None and patient.home_country == country
    groups = select_organisations(load_organisations(), patient.home_country, language)
    assert names(groups, "national") == expected
    assert groups[0].key == "national"
    assert not names(groups, "language")  # the country has its own


def test_a_country_without_entries_falls_back_to_its_language_and_international() -> None:
    # no Angolan organisation has a confirmed link: Portuguese ones and international follow
    patient = diary_in("Africa/Luanda", "pt").patient
    assert patient.home_country == "AO"
    groups = select_organisations(load_organisations(), "AO", "pt")
    assert [g.key for g in groups] == ["language", "international"]
    assert all(o.speaks("pt") for g in groups if g.key == "language" for o in g.organisations)
    assert SBCE in names(groups, "language")
    assert "Global Patient Advocacy Coalition (GPAC)" in names(groups, "international")
    # the European alliance serves Europe only
    assert "European Migraine & Headache Alliance" not in names(groups, "international")


@pytest.mark.parametrize("language", ["pt", "en", "ja"])
def test_brazil_gets_its_national_entry_first(language: str) -> None:
    by_zone = diary_in("America/Sao_Paulo", language).patient
    stated = diary_in("UTC", language, country="BR").patient
    assert by_zone.home_country == stated.home_country == "BR"
    groups = select_organisations(load_organisations(), "BR", language)
    assert groups[0].key == "national"
    assert [o.name for o in groups[0].organisations] == [SBCE]
    _, context = appendix_context(load_organisations(), "BR", language)
    first = context["groups"][0]
    assert first["key"] == "national"
    assert first["organisations"][0]["url"] == "https://sbcefaleia.com.br/noticias.php?id=192"
    assert "European Migraine & Headache Alliance" not in names(groups, "international")


def test_sao_paulo_report_lists_the_brazilian_society_first(tmp_path: Path) -> None:
    diary = diary_in("America/Sao_Paulo", "pt")
    out = render(diary, tmp_path / "sp.pdf", sections=("appendices",), language="pt")
    text = " ".join(out.text.split())
    appendix_c = text[text.index("Apêndice C") :]
    assert appendix_c.index("Sociedade Brasileira de Cefaleia") < appendix_c.index("GPAC")


def test_unknown_country_falls_back_to_international() -> None:
    patient = diary_in("UTC").patient
    assert patient.home_country is None
    groups = select_organisations(load_organisations(), None, "en")
    assert [g.key for g in groups] == ["international", "forums"]
    assert all(o.country == INTERNATIONAL for g in groups for o in g.organisations)
    assert "European Migraine & Headache Alliance" not in names(groups, "international")
    assert names(groups, "international") == {"Global Patient Advocacy Coalition (GPAC)"}


def test_stated_country_wins_over_the_time_zone() -> None:
    patient = diary_in("UTC", "fr", country="FR").patient
    assert patient.home_country == "FR"
    groups = select_organisations(load_organisations(), patient.home_country, "fr")
    assert names(groups, "national") == {"La Voix des Migraineux"}
    assert "European Migraine & Headache Alliance" in names(groups, "international")


def test_forums_are_only_in_their_own_group() -> None:
    orgs = load_organisations()
    forums = {o.name for o in orgs if o.kind == "community-forum"}
    assert forums == {"Reddit r/migraine", "Migraine.com"}
    for country in ("US", "GB", "DE", "JP", "PT", None):
        for language in ("en", "de", "ja", "pt"):
            groups = select_organisations(orgs, country, language)
            for group in groups:
                kinds = {o.kind for o in group.organisations}
                assert (kinds == {"community-forum"}) == (group.key == "forums")
            assert groups[-1].key == "forums" or not names(groups, "forums")
    # a forum in English is not offered to a German-language report
    assert not names(select_organisations(orgs, "DE", "de"), "forums")
    sources, _ = appendix_context(orgs, "US", "en")
    assert [s["name"] for s in sources] == ["American Migraine Foundation"]  # Appendix B


def test_appendix_c_labels_forums_as_forums(tmp_path: Path) -> None:
    out = render(diary_in("America/New_York"), tmp_path / "ny.pdf", sections=("appendices",))
    text = " ".join(out.text.split())
    appendix_b = text[text.index("Appendix B") : text.index("Appendix C")]
    appendix_c = text[text.index("Appendix C") :]
    assert "reddit" not in appendix_b.lower() and "Migraine.com" not in appendix_b
    assert "American Migraine Foundation" in appendix_b
    assert appendix_c.index("Organisations in") < appendix_c.index("International organisations")
    forums = appendix_c[appendix_c.index("Community forums") :]
    assert "Reddit r/migraine (community forum · English)" in forums
    assert "not a source of medical advice" in forums
    assert "Reddit" not in appendix_c[: appendix_c.index("Community forums")]


def test_berlin_report_lists_the_german_organisations_with_links(tmp_path: Path) -> None:
    out = render(diary_in("Europe/Berlin", "de"), tmp_path / "b.pdf", sections=("appendices",))
    text = " ".join(out.text.split())
    assert "Organisationen in Deutschland" in text  # a German report: its catalogue, CLDR names
    assert "MigräneLiga e.V. Deutschland" in text
    assert "Bundesweite Patientenorganisation" in text  # the description in German
    uris = {
        str(a.get_object()["/A"]["/URI"])
        for page in out.reader.pages
        for a in page.get("/Annots") or []
        if "/A" in a.get_object()
    }
    assert {"https://www.migraeneliga.de", "https://www.emhalliance.org"} <= uris
    assert "https://www.reddit.com/r/migraine/" not in uris


def test_files_of_the_first_format_are_still_read(tmp_path: Path) -> None:
    entry = {
        "name": "Local group",
        "url": "https://local.example/",
        "region": "EU",
        "languages": ["en", "pt"],
        "kind": "patient",
        "last_checked": "2026-10-01",
        "description": "Meets monthly.",
    }
    (tmp_path / "organisations.json").write_text(json.dumps({"organisations": [entry]}))
    (org,) = load_organisations(tmp_path)
    assert (org.country, org.area, org.kind, org.source) == (
        INTERNATIONAL,
        "Europe",
        "patient-organisation",
        None,
    )
    assert names(select_organisations([org], "PT", "pt"), "international") == {"Local group"}
    assert not select_organisations([org], "JP", "en")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"country": "US", "area": "Europe"}, "area"),
        ({"source": "ftp://x"}, "source"),
        ({"kind": "resource-list"}, "kind"),
        ({"description": ["a"]}, "description"),
    ],
)
def test_bad_entries_name_their_field(tmp_path: Path, change: dict[str, Any], field: str) -> None:
    entry = json.loads(BUILTIN.read_bytes())["organisations"][0] | change
    (tmp_path / "organisations.json").write_text(json.dumps({"organisations": [entry]}))
    with pytest.raises(ReportError, match=rf"organisations\[0\]\.{field}"):
        load_organisations(tmp_path)
