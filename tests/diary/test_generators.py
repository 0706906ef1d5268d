"""The shared test generators exercise every field of the field table, so a field added to
the table is covered by the property tests of every stage (or this test says which)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fhirmig.diary.fields import ATTACK_FIELDS, DAY_FIELDS
from tests.diary.strategies import raw_diaries
from tests.fhir.fhir_strategies import raw_diaries as full_raw_diaries


def _seen(strategy: st.SearchStrategy[dict[str, Any]], draws: int) -> tuple[set[str], set[str]]:
    attacks: set[str] = set()
    days: set[str] = set()

    @settings(max_examples=draws, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(raw: dict[str, Any]) -> None:
        for a in raw.get("attacks", []):
            attacks.update(a)
        for d in raw.get("days", []):
            days.update(d)

    collect()
    return attacks, days


def test_the_csv_generator_draws_every_field_with_a_column() -> None:
    attacks, _ = _seen(raw_diaries(csv_safe=True), 300)
    missing = [f.json for f in ATTACK_FIELDS if f.csv is not None and f.json not in attacks]
    assert not missing, f"tests/diary/strategies.py never draws {missing}"


def test_the_full_generator_draws_every_field() -> None:
    attacks, days = _seen(full_raw_diaries(), 300)
    missing = [f.json for f in ATTACK_FIELDS if f.json not in attacks]
    missing += [key for key, _ in DAY_FIELDS.values() if key not in days]
    assert not missing, f"tests/fhir/fhir_strategies.py never draws {missing}"
