"""Builders for small hand-made diaries, so each test states exactly the records it counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest

from fhirmig.diary import Diary, parse_diary_json

MEDICATIONS = [
    {"id": "suma", "name": "Sumatriptan 50 mg", "class": "triptan"},
    {"id": "ergo", "name": "Ergotamine 1 mg", "class": "ergot"},
    {"id": "code", "name": "Codeine 30 mg", "class": "opioid"},
    {"id": "combo", "name": "Paracetamol/caffeine", "class": "combination-analgesic"},
    {"id": "para", "name": "Paracetamol 1 g", "class": "simple-analgesic"},
    {"id": "ibu", "name": "Ibuprofen 400 mg", "class": "nsaid"},
    {"id": "ubro", "name": "Ubrogepant 100 mg", "class": "gepant"},
    {"id": "meto", "name": "Metoclopramide 10 mg", "class": "antiemetic"},
]

Build = Callable[..., Diary]


def build_diary(
    attacks: list[dict[str, Any]] | None = None,
    *,
    timezone: str = "UTC",
    days: list[dict[str, Any]] | None = None,
    questionnaires: list[dict[str, Any]] | None = None,
    treatments: list[dict[str, Any]] | None = None,
) -> Diary:
    """A diary of the given records; attacks get ids ``a0``, ``a1``... and intensity 5."""
    rows = []
    for n, attack in enumerate(attacks or []):
        rows.append({"id": f"a{n}", "intensity": 5, **attack})
    data = {
        "format": "fhirmig-diary/1",
        "patient": {"id": "p-test", "timezone": timezone},
        "medications": MEDICATIONS,
        "attacks": rows,
        "days": days or [],
        "questionnaires": questionnaires or [],
        "treatments": treatments or [],
    }
    return parse_diary_json(orjson.dumps(data), "test.json")


@pytest.fixture
def build() -> Build:
    """The :func:`build_diary` builder."""
    return build_diary


def intake(medication: str, taken: str | None = None, relief: str | None = None) -> dict[str, Any]:
    """An intake record."""
    out: dict[str, Any] = {"medication": medication}
    if taken is not None:
        out["taken"] = taken
    if relief is not None:
        out["relief"] = relief
    return out


@pytest.fixture
def take() -> Callable[..., dict[str, Any]]:
    """The :func:`intake` builder."""
    return intake
