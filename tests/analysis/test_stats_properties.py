"""Invariants of the figures over generated diaries (hypothesis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from fhirmig.analysis import CLASS_KEYS, Stats, compute_stats
from fhirmig.diary import Diary, parse_diary_json

BASE = datetime(2026, 1, 1, tzinfo=UTC)
MEDS = [
    {"id": "suma", "name": "Sumatriptan", "class": "triptan"},
    {"id": "ergo", "name": "Ergotamine", "class": "ergot"},
    {"id": "ibu", "name": "Ibuprofen", "class": "nsaid"},
    {"id": "combo", "name": "Combination", "class": "combination-analgesic"},
    {"id": "ubro", "name": "Ubrogepant", "class": "gepant"},
    {"id": "meto", "name": "Metoclopramide", "class": "antiemetic"},
]

intakes = st.lists(
    st.fixed_dictionaries(
        {"medication": st.sampled_from([m["id"] for m in MEDS])},
        optional={"taken": st.integers(-120, 4000)},
    ),
    max_size=3,
)
attacks = st.lists(
    st.fixed_dictionaries(
        {
            "start": st.integers(0, 120 * 24 * 60),
            "intensity": st.integers(0, 10),
            "kind": st.sampled_from(["migraine", "headache", "tension", "cluster", "aura-only"]),
            "medications": intakes,
        },
        optional={
            "durationMinutes": st.integers(0, 5000),
            "aura": st.booleans(),
            "painLocations": st.lists(
                st.sampled_from(["left-temple", "behind-left-eye", "right-temple", "neck"]),
                max_size=2,
            ),
            "painQualities": st.lists(st.sampled_from(["throbbing", "pressing"]), max_size=1),
            "symptoms": st.lists(
                st.sampled_from(["nausea", "photophobia", "phonophobia", "muscle-twitching"]),
                max_size=3,
            ),
            "disability": st.sampled_from(["none", "mild", "moderate", "severe"]),
        },
    ),
    max_size=12,
)
day_entries = st.lists(st.integers(0, 120), max_size=4, unique=True)


def stamp(minutes: int, shift_days: int) -> str:
    return (BASE + timedelta(minutes=minutes, days=shift_days)).isoformat()


def make_diary(raw: list[dict[str, Any]], days: list[int], zone: str, shift: int = 0) -> Diary:
    rows = []
    for n, attack in enumerate(raw):
        row = {**attack, "id": f"a{n}", "start": stamp(attack["start"], shift)}
        row["medications"] = [
            {**i, "taken": stamp(attack["start"] + i["taken"], shift)} if "taken" in i else dict(i)
            for i in attack["medications"]
        ]
        rows.append(row)
    entries = [
        {"date": (BASE.date() + timedelta(days=d + shift)).isoformat(), "stress": 5} for d in days
    ]
    data = {
        "format": "fhirmig-diary/1",
        "patient": {"id": "p", "timezone": zone},
        "medications": MEDS,
        "attacks": rows,
        "days": entries,
    }
    return parse_diary_json(orjson.dumps(data), "generated.json")


def totals(stats: Stats) -> tuple[Any, ...]:
    return (
        stats.days_in_period,
        stats.attacks,
        stats.headache_days,
        stats.migraine_days,
        stats.acute_medication_days,
        tuple(stats.class_days.items()),
        stats.twitching_attacks,
        tuple(stats.per_28_days.items()),
    )


ZONES = st.sampled_from(
    ["UTC", "Europe/Lisbon", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]
)
DEFINITIONS = st.sampled_from(["diary", "ichd"])


@settings(max_examples=120, deadline=None)
@given(raw=attacks, days=day_entries, zone=ZONES, definition=DEFINITIONS)
def test_migraine_days_come_from_headache_triptan_ergot_or_aura_days(raw, days, zone, definition):
    stats = compute_stats(make_diary(raw, days, zone), migraine_day=definition)
    aura_days = sum(row.aura for row in stats.day_table)
    assert stats.migraine_days <= (
        stats.headache_days + stats.class_days["triptan"] + stats.class_days["ergot"] + aura_days
    )
    for row in stats.day_table:
        if row.migraine:
            assert row.headache or row.aura or row.classes & {"triptan", "ergot"}
    assert stats.headache_days <= stats.days_in_period
    assert stats.acute_medication_days <= sum(stats.class_days.values())


@settings(max_examples=120, deadline=None)
@given(raw=attacks, days=day_entries, zone=ZONES, definition=DEFINITIONS)
def test_months_add_up_to_the_totals(raw, days, zone, definition):
    stats = compute_stats(make_diary(raw, days, zone), migraine_day=definition)
    months = stats.months
    assert sum(m.days for m in months) == stats.days_in_period == len(stats.day_table)
    assert sum(m.headache_days for m in months) == stats.headache_days
    assert sum(m.migraine_days for m in months) == stats.migraine_days
    assert sum(m.acute_medication_days for m in months) == stats.acute_medication_days
    for key in CLASS_KEYS:
        assert sum(m.class_days[key] for m in months) == stats.class_days[key]
    for m in months:
        if not m.complete:
            assert not m.overuse_threshold_reached and not m.chronic_frequency_reached


# Shifting by whole days keeps wall-clock times only in zones without DST.
@settings(max_examples=80, deadline=None)
@given(
    raw=attacks,
    days=day_entries,
    zone=st.sampled_from(["UTC", "Asia/Kolkata", "Asia/Tokyo"]),
    shift=st.integers(-800, 800),
    definition=DEFINITIONS,
    bounds=st.none() | st.tuples(st.integers(-5, 60), st.integers(0, 90)),
)
def test_shifting_every_date_by_whole_days_keeps_the_totals(
    raw, days, zone, shift, definition, bounds
):
    def period(offset: int) -> dict[str, date]:
        if bounds is None:
            return {}
        lo = BASE.date() + timedelta(days=bounds[0] + offset)
        return {"start": lo, "end": lo + timedelta(days=bounds[1])}

    before = compute_stats(make_diary(raw, days, zone), migraine_day=definition, **period(0))
    after = compute_stats(
        make_diary(raw, days, zone, shift), migraine_day=definition, **period(shift)
    )
    assert totals(after) == totals(before)
    if before.period_from is not None:
        assert after.period_from == before.period_from + timedelta(days=shift)


wall_attacks = st.lists(
    st.tuples(
        st.integers(0, 150),  # start day
        st.integers(4 * 60, 24 * 60 - 1),  # start minute, clear of DST gaps and overlaps
        st.none() | st.tuples(st.integers(0, 4), st.integers(4 * 60, 24 * 60 - 1)),  # end
        st.sampled_from(["migraine", "tension", "aura-only"]),
        st.lists(
            st.tuples(st.sampled_from(["suma", "ibu", "ubro"]), st.integers(0, 2)), max_size=2
        ),
    ),
    max_size=10,
)


def wall(day: int, minute: int, shift: int) -> str:
    moment = datetime(2026, 1, 1) + timedelta(days=day + shift, minutes=minute)
    return moment.strftime("%Y-%m-%dT%H:%M")


def wall_diary(raw: list[tuple[Any, ...]], zone: str, shift: int) -> Diary:
    rows = []
    for n, (day, minute, end, kind, meds) in enumerate(raw):
        row: dict[str, Any] = {"id": f"a{n}", "start": wall(day, minute, shift), "intensity": 5}
        row["kind"] = kind
        if end is not None:
            row["end"] = wall(day + end[0], max(end[1], minute) if end[0] == 0 else end[1], shift)
        row["medications"] = [
            {"medication": med, "taken": wall(day + later, minute, shift)} for med, later in meds
        ]
        rows.append(row)
    data = {"format": "fhirmig-diary/1", "patient": {"id": "p", "timezone": zone}}
    data |= {"medications": MEDS, "attacks": rows}
    return parse_diary_json(orjson.dumps(data), "generated.json")


# In zones with DST, a whole-day shift keeps the wall-clock times (written without offset).
@settings(max_examples=80, deadline=None)
@given(
    raw=wall_attacks,
    zone=st.sampled_from(["Europe/Lisbon", "Europe/Berlin", "America/New_York"]),
    shift=st.integers(-400, 400),
    definition=DEFINITIONS,
)
def test_wall_clock_shift_keeps_the_totals_in_dst_zones(raw, zone, shift, definition):
    before = compute_stats(wall_diary(raw, zone, 0), migraine_day=definition)
    after = compute_stats(wall_diary(raw, zone, shift), migraine_day=definition)
    assert totals(after) == totals(before)
