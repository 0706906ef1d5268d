"""Support organisations for the report: the list, and the choice for one patient.

``templates/organisations.json`` lists national patient organisations, headache societies'
pages for patients, international organisations and community forums, each with its
country (ISO 3166-1 alpha-2, or ``INT``), languages, kind and the public page on which its
link was confirmed (``source``). A clinic's own ``organisations.json`` in ``--templates``
replaces the list; files written for fhirmig 0.1 (``region``, kinds ``patient`` ...) are
still read.

:func:`select_organisations` chooses for a patient's country (``patient.country``, else the
country of the time zone: :attr:`fhirmig.diary.Patient.home_country`) and the report's
language: the organisations of that country first (those in the report's language; all of
them when none speaks it), organisations in the report's language from other countries
when the country has none of its own, then international organisations, and community
forums last and apart, so that a peer forum is never offered as a source of medical
information.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from fhirmig.diary.countries import is_country_code, zones_of_country
from fhirmig.errors import ReportError

__all__ = [
    "INTERNATIONAL",
    "KINDS",
    "Organisation",
    "OrganisationGroup",
    "load_organisations",
    "select_organisations",
]

ORGANISATIONS_FILE: Final = "organisations.json"
#: The ``country`` of an organisation that serves every country (or an ``area`` of them).
INTERNATIONAL: Final = "INT"
#: Kinds of entry, in the order Appendix C lists them within a group.
KINDS: Final = ("patient-organisation", "society-patient-page", "international", "community-forum")
#: Areas an international entry may be limited to: the first part of a country's IANA zones.
AREAS: Final = ("Africa", "America", "Asia", "Australia", "Europe", "Pacific")

# fhirmig 0.1 files: region and kind words of that format, read as the present ones.
_LEGACY_REGIONS: Final = {
    "UK": ("GB", None),
    "EU": (INTERNATIONAL, "Europe"),
    "CA-QC": ("CA", None),
    "Global": (INTERNATIONAL, None),
}
_LEGACY_KINDS: Final = {
    "patient": "patient-organisation",
    "professional": "society-patient-page",
    "community": "community-forum",
    "resource": "international",
}
_URL = re.compile(r"https?://[^\s<>\"]+")


@dataclass(frozen=True, slots=True)
class Organisation:
    """One entry of the list (see ``templates/organisations.json``)."""

    name: str
    url: str
    country: str
    languages: tuple[str, ...]
    kind: str
    source: str | None
    last_checked: date
    descriptions: tuple[tuple[str, str], ...]
    area: str | None = None

    def description(self, language: str) -> str:
        """The description in ``language`` (a BCP 47 tag), else English, else any."""
        texts = dict(self.descriptions)
        primary = language.split("-", 1)[0].lower()
        for key in (language, primary, "en"):
            if key in texts:
                return texts[key]
        return next(iter(texts.values()), "")

    def speaks(self, language: str) -> bool:
        """Whether the organisation's pages are in ``language`` (primary tag compared)."""
        return language.split("-", 1)[0].lower() in self.languages


@dataclass(frozen=True, slots=True)
class OrganisationGroup:
    """One group of Appendix C: ``national``, ``language``, ``international`` or ``forums``."""

    key: str
    organisations: tuple[Organisation, ...]


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ReportError(f"{where}.{key}: required text is missing")
    return value


def _link(entry: Mapping[str, Any], key: str, where: str) -> str:
    url = _text(entry, key, where)
    if not _URL.fullmatch(url):
        raise ReportError(f"{where}.{key}: not an http(s) link: {url!r}")
    return url


def _descriptions(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    if value is None or isinstance(value, str):
        return (("en", value or ""),)
    if isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        return tuple(sorted(value.items()))
    raise ReportError(f"{where}.description: expected text, or an object of texts by language")


def _place(entry: Mapping[str, Any], where: str) -> tuple[str, str | None]:
    """``(country, area)`` of an entry, from ``country``/``area`` or a 0.1 ``region``."""
    if "country" not in entry and isinstance(entry.get("region"), str):
        region = entry["region"]
        if region in _LEGACY_REGIONS:
            return _LEGACY_REGIONS[region]
        if is_country_code(region):
            return region, None
        raise ReportError(f"{where}.region: {region!r} is not a country code")
    country = _text(entry, "country", where)
    if country != INTERNATIONAL and not is_country_code(country):
        raise ReportError(
            f"{where}.country: {country!r} is not an ISO 3166-1 alpha-2 code or {INTERNATIONAL}"
        )
    area = entry.get("area")
    if area is not None and (country != INTERNATIONAL or area not in AREAS):
        raise ReportError(
            f"{where}.area: only an {INTERNATIONAL} entry has an area, one of {', '.join(AREAS)}"
        )
    return country, area


def _entry(entry: Any, where: str) -> Organisation:
    if not isinstance(entry, dict):
        raise ReportError(f"{where}: expected an object")
    url = _link(entry, "url", where)
    country, area = _place(entry, where)
    kind = _text(entry, "kind", where)
    legacy = kind in _LEGACY_KINDS
    kind = _LEGACY_KINDS.get(kind, kind)
    if kind not in KINDS:
        raise ReportError(f"{where}.kind: {kind!r} is not one of {', '.join(KINDS)}")
    source = _link(entry, "source", where) if "source" in entry or not legacy else None
    try:
        checked = date.fromisoformat(_text(entry, "last_checked", where))
    except ValueError as exc:
        raise ReportError(f"{where}.last_checked: not a date YYYY-MM-DD") from exc
    languages = entry.get("languages", [])
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        raise ReportError(f"{where}.languages: expected a list of language tags")
    return Organisation(
        name=_text(entry, "name", where),
        url=url,
        country=country,
        languages=tuple(x.split("-", 1)[0].lower() for x in languages),
        kind=kind,
        source=source,
        last_checked=checked,
        descriptions=_descriptions(entry.get("description"), where),
        area=area,
    )


def load_organisations(templates: Path | None = None) -> tuple[Organisation, ...]:
    """Read ``organisations.json`` (from ``templates`` if it has one, else the built-in).

    The file is read through the sealed loader of the templates (a regular file inside the
    folder, never through a link), like the templates themselves.
    """
    from fhirmig.report.content import BUILTIN_TEMPLATES
    from fhirmig.report.sealed import SealedLoader, TemplateRefused

    folders = [templates, BUILTIN_TEMPLATES] if templates is not None else [BUILTIN_TEMPLATES]
    try:
        found = SealedLoader(folders).load_text(ORGANISATIONS_FILE)
    except TemplateRefused as exc:
        raise ReportError(f"organisations list refused: {exc.message}") from None
    if found is None:
        raise ReportError(f"{ORGANISATIONS_FILE}: not found in the templates folders")
    text, path = found
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ReportError(f"{path}: cannot read the organisations list ({exc})") from None
    entries = data.get("organisations") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ReportError(f'{path}: expected an object with an "organisations" list')
    return tuple(_entry(entry, f"{path}: organisations[{i}]") for i, entry in enumerate(entries))


def _in_area(country: str | None, area: str | None) -> bool:
    """Whether an international entry of ``area`` serves ``country`` (every one if no area)."""
    if area is None:
        return True
    if country is None:
        return False
    return any(zone.split("/", 1)[0] == area for zone in zones_of_country(country))


def select_organisations(
    organisations: Sequence[Organisation], country: str | None, language: str
) -> list[OrganisationGroup]:
    """The groups of Appendix C for a patient in ``country`` and a report in ``language``.

    ``national``: the entries of the country in ``language`` (all of them when none is);
    ``language``: entries in ``language`` of other countries, only when the country is
    known but has no entry of its own; ``international``:
    entries of every country (or of the country's area) in ``language`` or English;
    ``forums``: community forums of the country or international ones, in ``language``.
    Empty groups are left out.
    """

    def order(org: Organisation) -> tuple[bool, int, str]:
        return (not org.speaks(language), KINDS.index(org.kind), org.name.casefold())

    forums = [o for o in organisations if o.kind == "community-forum"]
    listed = [o for o in organisations if o.kind != "community-forum"]
    national = [o for o in listed if country is not None and o.country == country]
    spoken = [o for o in national if o.speaks(language)]
    groups = [OrganisationGroup("national", tuple(sorted(spoken or national, key=order)))]
    if country is not None and not national:
        others = [
            o for o in listed if o.country not in (country, INTERNATIONAL) and o.speaks(language)
        ]
        groups.append(OrganisationGroup("language", tuple(sorted(others, key=order))))
    international = [
        o
        for o in listed
        if o.country == INTERNATIONAL
        and _in_area(country, o.area)
        and (o.speaks(language) or o.speaks("en") or not o.languages)
    ]
    groups.append(OrganisationGroup("international", tuple(sorted(international, key=order))))
    near = [o for o in forums if o.country in (country, INTERNATIONAL) and o.speaks(language)]
    groups.append(OrganisationGroup("forums", tuple(sorted(near, key=order))))
    return [group for group in groups if group.organisations]


#: What each kind is called in Appendix C.
KIND_LABELS: Final = {
    "patient-organisation": "patient organisation",
    "society-patient-page": "headache society, pages for patients",
    "international": "international organisation",
    "community-forum": "community forum",
}
#: The English title of each group (kept for templates written for fhirmig 0.1).
GROUP_TITLES: Final = {
    "national": "National organisations",
    "language": "In the report's language, from other countries",
    "international": "International",
    "forums": "Community forums",
}


def _view(org: Organisation, language: str) -> dict[str, Any]:
    """What a template sees of an entry (its description in the report's language)."""
    return {
        "name": org.name,
        "url": org.url,
        "kind": org.kind,
        "kind_label": KIND_LABELS[org.kind],
        "country": org.country,
        "languages": list(org.languages),
        "description": org.description(language),
        "source": org.source or "",
        "last_checked": org.last_checked,
    }


def appendix_context(
    organisations: Sequence[Organisation], country: str | None, language: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The entries Appendix B lists as reliable sources, and Appendix C's template data.

    Appendix B lists the headache societies' pages for patients of the patient's country
    (never a forum, never a page written for professionals). Appendix C gets ``groups``
    (each ``key``, ``title`` and ``organisations``), ``country`` (the code or ``""``) and
    ``regions`` (the country as a list, as templates of fhirmig 0.1 expect).
    """
    from fhirmig.diary.countries import country_name

    groups = select_organisations(organisations, country, language)
    national = next((g.organisations for g in groups if g.key == "national"), ())
    sources = [_view(o, language) for o in national if o.kind == "society-patient-page"]
    context = {
        "country": country or "",
        "country_name": country_name(country) if country else "",
        "regions": [country] if country else ["none matched"],
        "groups": [
            {
                "key": group.key,
                "title": GROUP_TITLES[group.key],
                "organisations": [_view(o, language) for o in group.organisations],
            }
            for group in groups
        ],
    }
    return sources, context
