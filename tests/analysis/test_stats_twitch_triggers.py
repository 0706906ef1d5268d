"""Twitching and triggers, hand-computed: the 2x2 split, Haldane-Anscombe correction, the
Katz interval, rounding, code-point order and enough_data (docs/clinical-definitions.md)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from fhirmig.analysis import compute_stats, katz_risk_ratio, stats_to_json


def attacks_of(rows: list[tuple[list[str], bool]], kind: str = "migraine") -> list[dict[str, Any]]:
    """One attack a day from 1 September; ``(triggers, twitching)`` per attack."""
    out = []
    for n, (triggers, twitching) in enumerate(rows):
        day = date(2026, 9, 1) + timedelta(days=n)
        attack: dict[str, Any] = {"start": f"{day.isoformat()}T10:00", "kind": kind}
        if triggers:
            attack["triggers"] = triggers
        if twitching:
            attack["twitching"] = [{"location": "left-eyelid"}]
        out.append(attack)
    return out


def triggers_of(build: Any, rows: list[tuple[list[str], bool]], **kw: Any) -> list[dict]:
    out: list[dict] = stats_to_json(compute_stats(build(attacks_of(rows)), **kw))[
        "twitching_triggers"
    ]
    return out


def table(a: int, b: int, c: int, d: int, name: str = "caffeine") -> list[tuple[list[str], bool]]:
    """a with trigger and twitching, b with trigger only, c twitching only, d neither."""
    return [([name], True)] * a + [([name], False)] * b + [([], True)] * c + [([], False)] * d


def test_the_contract_example_without_correction(build):
    # a=6, b=3, c=7, d=17: RR = (6/9) / (7/24) = 16/7 = 2.2857 -> 2.29
    # se = sqrt(1/6 - 1/9 + 1/7 - 1/24) = 0.39591; exp(ln 2.2857 -+ 1.96 se) = 1.052, 4.966
    assert triggers_of(build, table(6, 3, 7, 17)) == [
        {
            "trigger": "caffeine",
            "with": 9,
            "with_twitching": 6,
            "without": 24,
            "without_twitching": 7,
            "risk_ratio": 2.29,
            "ci95": [1.05, 4.97],
            "enough_data": True,
        }
    ]


def test_no_twitching_without_the_trigger_gets_the_correction(build):
    # a=3, b=3, c=0, d=5: a zero cell, so 0.5 is added to each: 3.5, 3.5, 0.5, 5.5
    # RR = (3.5/7) / (0.5/6) = 6.0; se^2 = 1/3.5 - 1/7 + 1/0.5 - 1/6 = 83/42, se = 1.40577
    # exp(ln 6 - 1.96 se) = 0.3815 -> 0.38; exp(ln 6 + 1.96 se) = 94.355 -> 94.36
    [t] = triggers_of(build, table(3, 3, 0, 5))
    assert t == {
        "trigger": "caffeine",
        "with": 6,
        "with_twitching": 3,
        "without": 5,
        "without_twitching": 0,
        "risk_ratio": 6.0,
        "ci95": [0.38, 94.36],
        "enough_data": True,
    }


def test_a_trigger_with_every_twitching_attack_still_has_a_finite_ratio(build):
    # a=5, b=0, c=3, d=2: corrected 5.5, 0.5, 3.5, 2.5: RR = (5.5/6) / (3.5/6) = 11/7 = 1.571
    [t] = triggers_of(build, table(5, 0, 3, 2))
    assert t["risk_ratio"] == 1.57
    assert t["ci95"] == [0.77, 3.22]
    assert t["enough_data"] is True


def test_a_trigger_on_every_attack_has_no_ratio(build):
    [t] = triggers_of(build, table(4, 3, 0, 0))
    assert t == {
        "trigger": "caffeine",
        "with": 7,
        "with_twitching": 4,
        "without": 0,
        "without_twitching": 0,
        "risk_ratio": None,
        "ci95": None,
        "enough_data": False,
    }


def test_ratio_rounds_half_up_on_the_exact_value(build):
    # (3/4) / (2/3) = 9/8 = 1.125 exactly -> 1.13 (half to even would give 1.12)
    [t] = triggers_of(build, table(3, 1, 2, 1))
    assert t["risk_ratio"] == 1.13
    assert t["enough_data"] is False  # 4 with, 3 without


@pytest.mark.parametrize(
    ("with_n", "without_n", "enough"), [(5, 5, True), (4, 6, False), (6, 4, False)]
)
def test_enough_data_needs_five_attacks_on_each_side(build, with_n, without_n, enough):
    rows = table(1, with_n - 1, 1, without_n - 1)
    [t] = triggers_of(build, rows)
    assert (t["with"], t["without"], t["enough_data"]) == (with_n, without_n, enough)


def test_triggers_sorted_by_code_point_and_kept_as_written(build):
    rows = [
        (["caffeine", "Caffeine"], True),
        (["ärger", "red wine", "caffeine"], False),
        (["Zucker"], False),
    ]
    out = triggers_of(build, rows)
    # upper case before lower case before non-ASCII; no normalising of free text
    assert [t["trigger"] for t in out] == ["Caffeine", "Zucker", "caffeine", "red wine", "ärger"]
    caffeine = out[2]
    assert (caffeine["with"], caffeine["with_twitching"]) == (2, 1)
    assert (caffeine["without"], caffeine["without_twitching"]) == (1, 0)


def test_a_trigger_listed_twice_by_one_attack_counts_once(build):
    [t] = triggers_of(build, [(["stress", "stress"], True), ([], False)])
    assert (t["with"], t["with_twitching"], t["without"]) == (1, 1, 1)


def test_attacks_of_any_kind_in_the_period_only(build):
    rows = table(2, 2, 2, 2)
    diary = build(
        [
            *attacks_of(rows, kind="aura-only"),
            # an attack before the period, and the symptom form of twitching
            {
                "start": "2026-08-01T10:00",
                "triggers": ["caffeine"],
                "symptoms": ["muscle-twitching"],
            },
        ]
    )
    out = stats_to_json(compute_stats(diary, start=date(2026, 9, 1)))
    [t] = out["twitching_triggers"]
    assert (t["with"], t["with_twitching"], t["without"], t["without_twitching"]) == (4, 2, 4, 2)
    everything = stats_to_json(compute_stats(diary))["twitching_triggers"][0]
    assert (everything["with"], everything["with_twitching"]) == (5, 3)


def test_associated_only_when_the_whole_interval_lies_above_one(build):
    strong = compute_stats(build(attacks_of(table(9, 1, 2, 10)))).twitching_triggers[0]
    # a=9, b=1, c=2, d=10: RR = 0.9 / (2/12) = 5.4; the interval lies above 1
    assert strong.risk_ratio == 5.4 and strong.ci95 is not None and strong.ci95[0] > 1
    assert strong.associated is True
    weak = compute_stats(build(attacks_of(table(6, 3, 7, 17)))).twitching_triggers[0]
    assert weak.ci95 == (1.05, 4.97) and weak.associated is True
    unsure = compute_stats(build(attacks_of(table(3, 3, 0, 5)))).twitching_triggers[0]
    assert unsure.associated is False  # 0.38 .. 94.36 includes 1
    few = compute_stats(build(attacks_of(table(4, 0, 0, 4)))).twitching_triggers[0]
    assert few.enough_data is False and few.associated is False


def test_katz_interval_by_hand():
    ratio, low, high = katz_risk_ratio(6, 3, 7, 17)
    assert ratio == pytest.approx(16 / 7)
    assert low == pytest.approx(1.05200, abs=1e-5) and high == pytest.approx(4.96625, abs=1e-5)
