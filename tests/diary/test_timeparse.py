"""Datetimes without offsets are read in the patient's zone; DST gaps and overlaps are refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from fhirmig.diary.timeparse import parse_date, parse_datetime, parse_partial_date, zone


def test_offsets_z_and_fractions() -> None:
    tz = zone("Europe/Berlin")
    assert parse_datetime("2026-01-02T03:04:05Z", tz) == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parse_datetime("2026-01-02T03:04+0530", tz).utcoffset() == timedelta(hours=5, minutes=30)
    assert parse_datetime("2026-01-02 03:04:05.25-03:00", tz).microsecond == 250_000
    assert parse_datetime("2026-07-01T12:00", tz).utcoffset() == timedelta(hours=2)
    assert parse_datetime("2026-01-01T12:00", tz).utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(
    "text", ["2026-1-2T03:04", "2026-01-02", "2026-01-02T24:00", "2026-04-31T10:00", "x"]
)
def test_malformed_or_impossible_datetimes(text: str) -> None:
    with pytest.raises(ValueError, match=repr(text)):
        parse_datetime(text, zone("UTC"))


def test_dst_gap_and_overlap_in_two_hemispheres() -> None:
    with pytest.raises(ValueError, match="does not exist in Australia/Adelaide"):
        parse_datetime("2026-10-04T02:30", zone("Australia/Adelaide"))
    with pytest.raises(ValueError, match="is ambiguous in Australia/Adelaide"):
        parse_datetime("2026-04-05T02:30", zone("Australia/Adelaide"))
    # the hour after a gap is fine
    assert parse_datetime("2026-03-29T03:00", zone("Europe/Berlin")).utcoffset() == timedelta(
        hours=2
    )


def test_dates_and_partial_dates() -> None:
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    with pytest.raises(ValueError, match="not a real date"):
        parse_date("2025-02-29")
    assert parse_partial_date("2009") == "2009" and parse_partial_date("2009-03") == "2009-03"
    with pytest.raises(ValueError, match="not a real date"):
        parse_partial_date("2009-13")


@pytest.mark.parametrize(
    "name", ["Mars/Base", "", "../etc/passwd", "Europe/../../x", "/etc/localtime"]
)
def test_unknown_zones(name: str) -> None:
    with pytest.raises(ValueError, match="unknown IANA time zone"):
        zone(name)


def test_vocabulary_labels_word_keys_and_keep_free_text() -> None:
    from fhirmig.diary.vocabulary import label

    assert label("lack-of-sleep") == "lack of sleep" and label("left-eyelid") == "left eyelid"
    assert label("X-ray glare") == "X-ray glare"  # free text is the patient's own words
    assert label("nsaid") == "NSAID" and label("simple-analgesic") == "simple analgesic"
