"""Countries: the ISO 3166-1 alpha-2 codes, and the country of an IANA time zone.

A diary may name the patient's country (``patient.country``); when it does not, the
country is the one the IANA time zone database gives for ``patient.timezone``
(``Europe/Lisbon`` is PT, ``Asia/Tokyo`` JP, ``America/Sao_Paulo`` BR). Both come from the
tables the ``tzdata`` package ships with the zones themselves, so there is no list of
countries or zones in fhirmig to keep up to date:

- ``iso3166.tab``: every alpha-2 code with its English name;
- ``zone.tab``: the country of every canonical zone;
- ``tzdata.zi``: the links (``Europe/Belfast`` -> ``Europe/London``, ``US/Eastern`` ->
  ``America/New_York``), so an old zone name finds its country too.

Zones that belong to no country (``UTC``, ``Etc/GMT+3``) give ``None``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = [
    "country_codes",
    "country_name",
    "country_of_zone",
    "is_country_code",
    "zones_of_country",
]


def _table(name: str) -> list[list[str]]:
    """The rows of one tab-separated table of the tzdata package, comments left out."""
    text = (resources.files("tzdata") / "zoneinfo" / name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def _names() -> dict[str, str]:
    return {row[0]: row[1] for row in _table("iso3166.tab") if len(row) >= 2}


@cache
def _zones() -> dict[str, str]:
    """Zone name -> country code, canonical zones and their links."""
    zones = {row[2]: row[0] for row in _table("zone.tab") if len(row) >= 3}
    text = (resources.files("tzdata") / "zoneinfo" / "tzdata.zi").read_text(encoding="utf-8")
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "L" and parts[1] in zones:
            zones.setdefault(parts[2], zones[parts[1]])
    return zones


def country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code in use (``PT``, ``DE``, ``JP``, ...)."""
    return frozenset(_names())


def is_country_code(code: str) -> bool:
    """Whether ``code`` is an assigned ISO 3166-1 alpha-2 code, in capitals."""
    return code in _names()


def country_name(code: str) -> str:
    """The English short name of a country (``PT`` -> ``Portugal``), else the code."""
    return _names().get(code, code)


def country_of_zone(zone: str) -> str | None:
    """The country of an IANA zone name, or ``None`` for zones of no country (``UTC``)."""
    return _zones().get(zone)


def zones_of_country(code: str) -> tuple[str, ...]:
    """The canonical zones of a country, in the order of ``zone.tab``."""
    return tuple(row[2] for row in _table("zone.tab") if len(row) >= 3 and row[0] == code)
