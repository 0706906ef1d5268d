"""Treatment response, hand-computed: windows, null rules, reasons in order, reduction and
responder thresholds (docs/clinical-definitions.md, "Treatment response")."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from fhirmig.analysis import compute_stats, stats_to_json

# A preventive started on 1 March 2026: the baseline is 1-28 February (start - 28 to
# start - 1), the assessment days 57-84 of treatment: 26 April to 23 May.
START = date(2026, 3, 1)
BASELINE = (date(2026, 2, 1), date(2026, 2, 28))
ASSESSMENT = (date(2026, 4, 26), date(2026, 5, 23))


def every_day(first: date, last: date, skip: set[date] | None = None) -> list[dict[str, Any]]:
    """A ``days`` entry (holding only its date) for each day, so each day is recorded."""
    out = []
    day = first
    while day <= last:
        if not skip or day not in skip:
            out.append({"date": day.isoformat()})
        day += timedelta(days=1)
    return out


def migraine_on(days: list[date]) -> list[dict[str, Any]]:
    """A migraine attack at 10:00 on each day (each touches only that day)."""
    return [{"start": f"{d.isoformat()}T10:00", "durationMinutes": 120} for d in days]


def feb(n: int) -> date:
    return date(2026, 2, n)


def assess(n: int) -> date:
    """The n-th day (1-based) of the assessment window."""
    return ASSESSMENT[0] + timedelta(days=n - 1)


PREVENTIVE = {"id": "erenumab", "type": "preventive-medication", "name": "Erenumab 70 mg"}


def response(
    build: Any,
    treatments: list[dict[str, Any]],
    *,
    baseline_migraine: int = 0,
    assessment_migraine: int = 0,
    period: tuple[date, date] = (BASELINE[0], ASSESSMENT[1]),
    skip: set[date] | None = None,
) -> list[dict[str, Any]]:
    days = [feb(k) for k in range(1, baseline_migraine + 1)]
    days += [assess(k) for k in range(1, assessment_migraine + 1)]
    diary = build(migraine_on(days), days=every_day(*period, skip=skip), treatments=treatments)
    stats = compute_stats(diary, start=period[0], end=period[1])
    out: list[dict[str, Any]] = stats_to_json(stats)["treatment_response"]
    return out


def test_assessable_response_with_windows_on_the_period_edges(build):
    # The period is exactly baseline start .. assessment end: both windows touch its edges
    # and still lie wholly inside it.
    [r] = response(
        build,
        [{**PREVENTIVE, "start": "2026-03-01"}],
        baseline_migraine=10,
        assessment_migraine=4,
    )
    assert r == {
        "treatment": "erenumab",
        "type": "preventive-medication",
        "start": "2026-03-01",
        "assessable": True,
        "reason": None,
        "baseline": {
            "from": "2026-02-01",
            "to": "2026-02-28",
            "recorded_days": 28,
            "migraine_days": 10,
            "headache_days": 10,
            "acute_medication_days": 0,
        },
        "assessment": {
            "from": "2026-04-26",
            "to": "2026-05-23",
            "recorded_days": 28,
            "migraine_days": 4,
            "headache_days": 4,
            "acute_medication_days": 0,
        },
        # 100 * (10 - 4) / 10 = 60.0
        "migraine_day_reduction_percent": 60.0,
        "responder": {"50": True, "75": False, "100": False},
    }


def test_a_window_one_day_past_the_period_edge_has_no_counts(build):
    # The period starts on 2 February: the baseline (from 1 February) is not wholly inside.
    [r] = response(
        build,
        [{**PREVENTIVE, "start": "2026-03-01"}],
        baseline_migraine=10,
        period=(feb(2), ASSESSMENT[1]),
    )
    assert r["assessable"] is False
    assert r["reason"] == "baseline outside the period"
    assert r["baseline"] == {
        "from": "2026-02-01",
        "to": "2026-02-28",
        "recorded_days": None,
        "migraine_days": None,
        "headache_days": None,
        "acute_medication_days": None,
    }
    # the assessment still has its counts
    assert r["assessment"]["recorded_days"] == 28
    assert r["migraine_day_reduction_percent"] is None and r["responder"] is None


def test_assessment_past_the_period_end(build):
    [r] = response(
        build,
        [{**PREVENTIVE, "start": "2026-03-01"}],
        baseline_migraine=5,
        period=(BASELINE[0], ASSESSMENT[1] - timedelta(days=1)),
    )
    assert r["reason"] == "assessment outside the period"
    assert r["assessment"]["migraine_days"] is None
    assert r["baseline"]["migraine_days"] == 5


def test_reasons_are_tried_in_the_stated_order(build):
    # Both windows outside, an early end and an empty diary: the first reason wins.
    [r] = response(
        build,
        [{**PREVENTIVE, "start": "2026-03-01", "end": "2026-03-10"}],
        period=(feb(10), date(2026, 4, 1)),
    )
    assert r["reason"] == "baseline outside the period"
    [r] = response(
        build,
        [{**PREVENTIVE, "start": "2026-03-01", "end": "2026-03-10"}],
        period=(BASELINE[0], date(2026, 4, 1)),
    )
    assert r["reason"] == "assessment outside the period"


def test_a_treatment_that_ended_before_the_assessment(build):
    # an end before the assessment's last day (23 May) leaves it unassessed
    [r] = response(
        build,
        [{**PREVENTIVE, "start": "2026-03-01", "end": "2026-05-22"}],
        baseline_migraine=8,
        assessment_migraine=2,
    )
    assert (r["assessable"], r["reason"]) == (False, "ended before the assessment")
    assert r["assessment"]["migraine_days"] == 2  # the counts are still given
    assert r["migraine_day_reduction_percent"] is None and r["responder"] is None
    # ending on the assessment's last day is not "before" it
    [r] = response(
        build,
        [{**PREVENTIVE, "start": "2026-03-01", "end": "2026-05-23"}],
        baseline_migraine=8,
        assessment_migraine=2,
    )
    assert r["assessable"] is True
    # 100 * 6 / 8 = 75.0: the 75 % threshold is reached on the exact value
    assert r["migraine_day_reduction_percent"] == 75.0
    assert r["responder"] == {"50": True, "75": True, "100": False}


def test_botulinum_toxin_known_only_by_its_session_dates(build):
    # no start: the earliest session date (not the first listed) is the start
    [r] = response(
        build,
        [
            {
                "id": "botox",
                "type": "botulinum-toxin",
                "dates": ["2026-05-24", "2026-03-01"],
            }
        ],
        baseline_migraine=12,
        assessment_migraine=0,
    )
    assert r["treatment"] == "botox" and r["type"] == "botulinum-toxin"
    assert r["start"] == "2026-03-01"
    assert r["baseline"]["from"] == "2026-02-01" and r["assessment"]["to"] == "2026-05-23"
    assert r["migraine_day_reduction_percent"] == 100.0
    assert r["responder"] == {"50": True, "75": True, "100": True}


def test_which_treatments_get_a_response(build):
    out = response(
        build,
        [
            {"id": "mag", "type": "supplement", "start": "2026-03-01"},
            {"id": "no-start", "type": "preventive-medication"},
            {"id": "dates-only", "type": "preventive-medication", "dates": ["2026-03-01"]},
            {"id": "botox-empty", "type": "botulinum-toxin"},
            {"id": "b", "type": "botulinum-toxin", "start": "2026-03-01", "dates": ["2026-02-20"]},
            {**PREVENTIVE, "start": "2026-03-01"},
        ],
    )
    # a preventive needs its start (session dates stand in only for botulinum toxin);
    # an explicit start wins over the dates; the order is that of ``treatments``
    assert [(r["treatment"], r["start"]) for r in out] == [
        ("b", "2026-03-01"),
        ("erenumab", "2026-03-01"),
    ]


def test_a_baseline_without_a_migraine_day(build):
    [r] = response(
        build, [{**PREVENTIVE, "start": "2026-03-01"}], baseline_migraine=0, assessment_migraine=3
    )
    assert r["assessable"] is True and r["reason"] is None
    assert r["baseline"]["migraine_days"] == 0
    assert r["migraine_day_reduction_percent"] is None
    assert r["responder"] is None


@pytest.mark.parametrize(
    ("window", "reason"),
    [("baseline", "too few recorded days in the baseline"),
     ("assessment", "too few recorded days in the assessment")],
)  # fmt: skip
def test_a_window_with_too_few_recorded_days(build, window: str, reason: str):
    first = BASELINE[0] if window == "baseline" else ASSESSMENT[0]
    eight = {first + timedelta(days=k) for k in range(8)}
    [r] = response(
        build,
        [{**PREVENTIVE, "start": "2026-03-01"}],
        baseline_migraine=0 if window == "baseline" else 10,
        skip=eight,
    )
    # 28 - 8 = 20 recorded days: fewer than 21
    assert r[window]["recorded_days"] == 20
    assert (r["assessable"], r["reason"]) == (False, reason)
    # one more recorded day (21 of 28) is enough
    [r] = response(
        build,
        [{**PREVENTIVE, "start": "2026-03-01"}],
        baseline_migraine=0 if window == "baseline" else 10,
        skip=eight - {first},
    )
    assert r[window]["recorded_days"] == 21
    assert r["assessable"] is True


def test_a_baseline_too_thin_is_reported_before_a_thin_assessment(build):
    skip = {BASELINE[0] + timedelta(days=k) for k in range(10)}
    skip |= {ASSESSMENT[0] + timedelta(days=k) for k in range(10)}
    [r] = response(build, [{**PREVENTIVE, "start": "2026-03-01"}], skip=skip)
    assert r["reason"] == "too few recorded days in the baseline"


@pytest.mark.parametrize(
    ("before", "after", "percent", "responder"),
    [
        (16, 15, 6.3, (False, False, False)),  # 6.25 exactly: half up
        (16, 17, -6.3, (False, False, False)),  # -6.25: half away from zero
        (6, 5, 16.7, (False, False, False)),  # 16.666...
        (10, 5, 50.0, (True, False, False)),  # exactly 50 reaches 50
        (3, 1, 66.7, (True, False, False)),
        (4, 1, 75.0, (True, True, False)),
        (7, 2, 71.4, (True, False, False)),
        (1, 0, 100.0, (True, True, True)),
    ],
)
def test_reduction_rounding_and_responder(build, before, after, percent, responder):
    [r] = response(
        build,
        [{**PREVENTIVE, "start": "2026-03-01"}],
        baseline_migraine=before,
        assessment_migraine=after,
    )
    assert r["migraine_day_reduction_percent"] == percent
    assert r["responder"] == dict(zip(("50", "75", "100"), responder, strict=True))


def test_response_counts_use_the_migraine_day_definition_and_medication_days(build, take):
    # a headache (not migraine) attack with a triptan makes a migraine day (diary
    # definition) and an acute-medication day; a tension attack only a headache day
    attacks = [
        {"start": "2026-02-03T10:00", "kind": "headache", "medications": [take("suma")]},
        {"start": "2026-02-04T10:00", "kind": "tension"},
        {"start": "2026-02-05T10:00", "kind": "tension", "medications": [take("ibu")]},
    ]
    diary = build(
        attacks,
        days=every_day(BASELINE[0], ASSESSMENT[1]),
        treatments=[{**PREVENTIVE, "start": "2026-03-01"}],
    )
    stats = compute_stats(diary)
    [r] = stats.treatment_response
    assert (
        r.baseline.migraine_days,
        r.baseline.headache_days,
        r.baseline.acute_medication_days,
    ) == (1, 3, 2)
    assert r.name == "Erenumab 70 mg"
    ichd = compute_stats(diary, migraine_day="ichd").treatment_response[0]
    assert ichd.baseline.migraine_days == 1  # the triptan day counts under both


def test_no_period_means_no_counts(build):
    diary = build([], treatments=[{**PREVENTIVE, "start": "2026-03-01"}])
    [r] = compute_stats(diary).treatment_response
    assert r.reason == "baseline outside the period"
    assert r.baseline.recorded_days is None and r.assessment.migraine_days is None
