"""patient.country: optional, ISO 3166-1 alpha-2, else the country of the time zone."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fhirmig.diary import diary_json_schema, diary_to_json, parse_diary_json
from fhirmig.diary.countries import country_of_zone, is_country_code
from fhirmig.errors import DiaryError


def read(patient: dict[str, Any]) -> Any:
    raw = {"format": "fhirmig-diary/1", "patient": {"id": "p-1", **patient}}
    return parse_diary_json(json.dumps(raw).encode(), "d.json")


@pytest.mark.parametrize(
    ("zone", "country"),
    [
        ("Europe/Lisbon", "PT"),
        ("Atlantic/Azores", "PT"),
        ("Europe/Berlin", "DE"),
        ("Asia/Tokyo", "JP"),
        ("America/Sao_Paulo", "BR"),
        ("America/New_York", "US"),
        ("US/Eastern", "US"),  # an old name, through the zone links
        ("Europe/London", "GB"),
        ("Europe/Belfast", "GB"),
        ("America/Toronto", "CA"),
        ("Australia/Sydney", "AU"),
        ("UTC", None),
        ("Etc/GMT+3", None),
    ],
)
def test_country_of_the_time_zone(zone: str, country: str | None) -> None:
    assert country_of_zone(zone) == country
    assert read({"timezone": zone}).patient.home_country == country


def test_stated_country_is_kept_and_wins() -> None:
    diary = read({"timezone": "Europe/Lisbon", "country": "BR"})
    assert diary.patient.country == "BR" and diary.patient.home_country == "BR"
    assert diary_to_json(diary)["patient"]["country"] == "BR"


def test_absent_country_is_not_written() -> None:
    diary = read({"timezone": "Europe/Lisbon"})
    assert diary.patient.country is None
    assert "country" not in diary_to_json(diary)["patient"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("UK", "'UK' is not an ISO 3166-1 alpha-2 country code (the United Kingdom is GB)"),
        (
            "pt",
            "'pt' is not an ISO 3166-1 alpha-2 country code (codes are written in capitals: PT)",
        ),
        ("XX", "'XX' is not an ISO 3166-1 alpha-2 country code"),
        ("PRT", "'PRT' is not an ISO 3166-1 alpha-2 country code"),
        (620, "input should be a valid string"),
    ],
)
def test_bad_country_is_refused_at_its_path(value: Any, message: str) -> None:
    with pytest.raises(DiaryError) as err:
        read({"country": value})
    assert f"d.json: patient.country: {message}" in str(err.value)


def test_schema_describes_the_optional_field() -> None:
    patient = diary_json_schema()["$defs"]["Patient"]
    assert "country" not in patient.get("required", [])
    (text, _null) = patient["properties"]["country"]["anyOf"]
    assert text["pattern"] == "^[A-Z]{2}$"
    assert is_country_code("PT") and not is_country_code("EU")
