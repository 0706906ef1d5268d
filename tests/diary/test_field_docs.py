"""The pages that list the diary's fields agree with the field table (fhirmig.diary.fields)."""

from __future__ import annotations

import re
from pathlib import Path

from fhirmig.diary.fields import ATTACK_FIELDS, DAY_FIELDS, csv_columns
from fhirmig.fhir.fields import ATTACK_COMPONENTS

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _section(page: str, heading: str) -> str:
    """From the heading to the next heading of the same level (its subsections included)."""
    start = page.index(heading)
    level = heading.split(" ")[0]
    end = page.find(f"\n{level} ", start + len(heading))
    return page[start : end if end != -1 else None]


def test_the_format_page_describes_every_attack_and_day_field() -> None:
    page = (DOCS / "diary-format.md").read_text("utf-8")
    attacks = page[page.index("`attacks` (optional list") : page.index("`days` (optional list")]
    described = set(re.findall(r"`(\w+)`", attacks))
    missing = [f.json for f in ATTACK_FIELDS if f.json not in described]
    assert not missing, f"docs/diary-format.md lacks attack fields {missing}"
    days = page[page.index("`days` (optional list") : page.index("`treatments` (optional")]
    assert not [key for key, _ in DAY_FIELDS.values() if f"`{key}`" not in days]


def test_the_format_page_lists_every_csv_column() -> None:
    csv = _section((DOCS / "diary-format.md").read_text("utf-8"), "## CSV")
    header = csv_columns(frozenset())
    assert f"`{','.join(header)}`" in csv, "the CSV header line of docs/diary-format.md"
    optional = [f.csv for f in ATTACK_FIELDS if f.optional_column]
    assert optional and all(f"`{c}`" in csv for c in optional)


def test_the_mapping_page_maps_every_attack_field() -> None:
    section = _section((DOCS / "mapping.md").read_text("utf-8"), "## Attack (`attacks[]`)")
    rows = re.findall(r"^\| ([^|]+) \|", section, re.M) + re.findall(r"^#+ (.*)", section, re.M)
    named = {
        word
        for row in rows
        for quoted in re.findall(r"`([^`]+)`", row)
        for word in re.findall(r"\w+", quoted)
    }
    missing = [f.json for f in ATTACK_FIELDS if f.json not in named]
    assert not missing, f"docs/mapping.md's attack table lacks {missing}"
    for spec in ATTACK_COMPONENTS:
        vocabulary, key = spec.code
        if vocabulary == "observation":
            assert f"`observation.{key}`" in section, key
