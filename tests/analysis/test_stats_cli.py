"""``fhirmig stats``: the JSON contract on every example, a hand-checked diary, the table."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from fhirmig.cli import cli

EXAMPLES = ["episodic-twitching.json", "chronic-overuse.json", "spreadsheet.csv"]
CLASSES = [
    "triptan",
    "ergot",
    "opioid",
    "combination_analgesic",
    "non_opioid_analgesic",
    "other_acute",
]
CONTRACT_INTS = [
    "attacks",
    "headache_days",
    "migraine_days",
    "acute_medication_days",
    "twitching_attacks",
]
MONTH_INTS = ["days", "headache_days", "migraine_days", "acute_medication_days"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["stats", *args])
    return result.exit_code, result.stdout, result.stderr


def check_contract(out: dict) -> None:
    """Every key of the stats --json contract, with its type."""
    assert set(out["period"]) == {"from", "to", "days"}
    assert isinstance(out["period"]["days"], int)
    for bound in ("from", "to"):
        assert out["period"][bound] is None or len(out["period"][bound]) == 10
    assert set(out["definitions"]) >= {"migraine_day", "timezone"}
    assert out["definitions"]["migraine_day"] in ("diary", "ichd")
    for key in CONTRACT_INTS:
        assert type(out[key]) is int, key
    assert list(out["class_days"]) == CLASSES
    assert all(type(v) is int for v in out["class_days"].values())
    assert list(out["per_28_days"]) == ["headache_days", "migraine_days", "acute_medication_days"]
    assert all(type(v) is float for v in out["per_28_days"].values())
    assert isinstance(out["months"], list)
    for month in out["months"]:
        assert len(month["month"]) == 7
        for key in MONTH_INTS:
            assert type(month[key]) is int, key
        assert list(month["class_days"]) == CLASSES
        assert type(month["overuse_threshold_reached"]) is bool
        assert type(month["chronic_frequency_reached"]) is bool
        assert type(month["recorded_days"]) is int
        assert 0 <= month["recorded_days"] <= month["days"]
    for check in ("overuse", "chronic_frequency"):
        assert set(out[check]) == {"months_reached", "longest_run"}
        assert type(out[check]["longest_run"]) is int
        assert all(isinstance(m, str) for m in out[check]["months_reached"])
    check_new_figures(out)


WINDOW_KEYS = {
    "from",
    "to",
    "recorded_days",
    "migraine_days",
    "headache_days",
    "acute_medication_days",
}
RESPONSE_KEYS = {
    "treatment",
    "type",
    "start",
    "assessable",
    "reason",
    "baseline",
    "assessment",
    "migraine_day_reduction_percent",
    "responder",
}
TRIGGER_KEYS = {
    "trigger",
    "with",
    "with_twitching",
    "without",
    "without_twitching",
    "risk_ratio",
    "ci95",
    "enough_data",
}


def check_new_figures(out: dict) -> None:
    """The keys of completeness, treatment response, menstrual pattern, twitching triggers."""
    assert set(out["coverage"]) == {"recorded_days", "days", "share"}
    assert out["coverage"]["days"] == out["period"]["days"]
    assert type(out["coverage"]["share"]) is float
    assert type(out["headache_free_days"]) is int
    for r in out["treatment_response"]:
        assert set(r) == RESPONSE_KEYS
        assert r["type"] in ("preventive-medication", "botulinum-toxin")
        assert set(r["baseline"]) == WINDOW_KEYS and set(r["assessment"]) == WINDOW_KEYS
        assert (r["reason"] is None) == r["assessable"]
        if r["responder"] is not None:
            assert list(r["responder"]) == ["50", "75", "100"]
    assert set(out["menstrual"]) == {
        "cycles",
        "cycles_with_migraine",
        "migraine_days_outside_windows",
        "pattern",
    }
    assert out["menstrual"]["pattern"] in (
        "not-judged",
        "pure-menstrual",
        "menstrually-related",
        "none",
    )
    triggers = [t["trigger"] for t in out["twitching_triggers"]]
    assert triggers == sorted(triggers)
    for t in out["twitching_triggers"]:
        assert set(t) == TRIGGER_KEYS
        assert t["with"] + t["without"] == out["attacks"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_prints_every_contract_key(examples: Path, name: str):
    code, stdout, stderr = run(str(examples / name), "--json")
    assert code == 0, stderr
    out = json.loads(stdout)
    check_contract(out)
    for key in (
        "twitching",
        "triggers",
        "exposures",
        "medication_effect",
        "relief_methods",
        "questionnaires",
    ):
        assert key in out
    assert out["attacks"] > 0 and out["headache_days"] > 0
    assert sum(m["headache_days"] for m in out["months"]) == out["headache_days"]


def test_chronic_example_reaches_both_thresholds(examples: Path):
    out = json.loads(run(str(examples / "chronic-overuse.json"), "--json")[1])
    assert out["definitions"]["timezone"] == "America/New_York"
    assert out["overuse"]["longest_run"] >= 3
    assert out["chronic_frequency"]["longest_run"] >= 3


def test_episodic_example_with_the_ichd_definition(examples: Path):
    diary = str(examples / "episodic-twitching.json")
    default = json.loads(run(diary, "--json")[1])
    ichd = json.loads(run(diary, "--json", "--migraine-day", "ichd")[1])
    check_contract(ichd)
    assert ichd["definitions"]["migraine_day"] == "ichd"
    assert ichd["headache_days"] == default["headache_days"]
    # the stricter definition drops migraine-kind attacks without the ICHD-3 features
    assert ichd["migraine_days"] < default["migraine_days"]


SMALL = {
    "format": "fhirmig-diary/1",
    "patient": {"id": "p-small", "timezone": "Europe/Lisbon"},
    "medications": [
        {"id": "suma", "name": "Sumatriptan 50 mg", "class": "triptan"},
        {"id": "ibu", "name": "Ibuprofen 400 mg", "class": "nsaid"},
    ],
    "attacks": [
        {
            "id": "a1",
            "start": "2026-08-30T22:00:00+01:00",
            "end": "2026-08-31T03:00:00+01:00",
            "intensity": 7,
            "medications": [{"medication": "suma", "taken": "2026-08-30T22:30:00+01:00"}],
            "twitching": [{"location": "left-eyelid"}],
        },
        {
            "id": "a2",
            "start": "2026-09-02T10:00:00+01:00",
            "durationMinutes": 120,
            "intensity": 4,
            "kind": "tension",
            "medications": [{"medication": "ibu"}],
        },
        {
            "id": "a3",
            "start": "2026-09-05T09:00:00+01:00",
            "intensity": 0,
            "kind": "aura-only",
            "aura": True,
        },
    ],
    "days": [{"date": "2026-09-10", "stress": 3}],
}


def zero_classes(**days: int) -> dict[str, int]:
    return {key: days.get(key, 0) for key in CLASSES}


def test_small_diary_hand_checked(tmp_path: Path):
    path = tmp_path / "small.json"
    path.write_bytes(orjson.dumps(SMALL))
    code, stdout, stderr = run(str(path), "--json")
    assert code == 0, stderr
    out = json.loads(stdout)
    check_contract(out)
    # period: 30 August (first attack) to 10 September (daily entry) = 12 days
    # headache: 30, 31 Aug (a1 crosses midnight), 2 Sep; aura-only a3 is not a headache day
    # migraine: 30, 31 Aug (kind migraine), 5 Sep (aura); acute: 30 Aug triptan, 2 Sep NSAID
    expected = {
        "period": {"from": "2026-08-30", "to": "2026-09-10", "days": 12},
        "definitions": {"migraine_day": "diary", "timezone": "Europe/Lisbon"},
        "attacks": 3,
        "headache_days": 3,
        "migraine_days": 3,
        "acute_medication_days": 2,
        "class_days": zero_classes(triptan=1, non_opioid_analgesic=1),
        "per_28_days": {"headache_days": 7.0, "migraine_days": 7.0, "acute_medication_days": 4.7},
        "twitching_attacks": 1,
        "overuse": {"months_reached": [], "longest_run": 0},
        "chronic_frequency": {"months_reached": [], "longest_run": 0},
    }
    assert {key: out[key] for key in expected} == expected
    months = [
        {
            k: m[k]
            for k in ("month", "days", "headache_days", "migraine_days", "acute_medication_days")
        }
        for m in out["months"]
    ]
    assert months == [
        {
            "month": "2026-08",
            "days": 2,
            "headache_days": 2,
            "migraine_days": 2,
            "acute_medication_days": 1,
        },
        {
            "month": "2026-09",
            "days": 10,
            "headache_days": 1,
            "migraine_days": 1,
            "acute_medication_days": 1,
        },
    ]
    assert out["months"][0]["class_days"] == zero_classes(triptan=1)
    assert out["months"][1]["class_days"] == zero_classes(non_opioid_analgesic=1)
    assert not any(
        m["overuse_threshold_reached"] or m["chronic_frequency_reached"] for m in out["months"]
    )
    # recorded: 30, 31 Aug (a1), 2 Sep (a2), 5 Sep (a3, aura-only still touches), 10 Sep (entry)
    assert out["coverage"] == {"recorded_days": 5, "days": 12, "share": 0.417}
    assert [m["recorded_days"] for m in out["months"]] == [2, 3]
    assert out["headache_free_days"] == 0
    assert out["treatment_response"] == []
    assert out["twitching_triggers"] == []
    assert out["menstrual"] == {
        "cycles": 0,
        "cycles_with_migraine": 0,
        "migraine_days_outside_windows": 0,
        "pattern": "not-judged",
    }
    assert list(out)[:18] == [
        "period", "definitions", "attacks", "headache_days", "migraine_days",
        "acute_medication_days", "class_days", "per_28_days", "twitching_attacks", "months",
        "overuse", "chronic_frequency", "coverage", "headache_free_days", "treatment_response",
        "menstrual", "twitching_triggers", "twitching",
    ]  # fmt: skip


def test_from_and_to_and_previous_period(tmp_path: Path):
    path = tmp_path / "small.json"
    path.write_bytes(orjson.dumps(SMALL))
    out = json.loads(
        run(
            str(path), "--json", "--from", "2026-09-01", "--to", "2026-09-30", "--compare-previous"
        )[1]
    )
    assert out["period"] == {"from": "2026-09-01", "to": "2026-09-30", "days": 30}
    assert (out["attacks"], out["headache_days"], out["migraine_days"]) == (2, 1, 1)
    assert out["months"][0]["month"] == "2026-09"
    previous = out["previous_period"]
    assert previous["period"] == {"from": "2026-08-02", "to": "2026-08-31", "days": 30}
    assert (previous["attacks"], previous["headache_days"], previous["acute_medication_days"]) == (
        1,
        2,
        1,
    )


def test_json_output_is_deterministic(examples: Path):
    first = run(str(examples / "chronic-overuse.json"), "--json", "--compare-previous")[1]
    second = run(str(examples / "chronic-overuse.json"), "--json", "--compare-previous")[1]
    assert first == second


def test_empty_diary_prints_an_empty_period(tmp_path: Path):
    path = tmp_path / "empty.json"
    path.write_text('{"format": "fhirmig-diary/1", "patient": {"id": "p"}}')
    out = json.loads(run(str(path), "--json")[1])
    check_contract(out)
    assert out["period"] == {"from": None, "to": None, "days": 0}
    assert out["months"] == [] and out["headache_days"] == 0


def test_table_without_json(examples: Path):
    code, stdout, _ = run(
        str(examples / "chronic-overuse.json"),
        "--compare-previous",
        "--from",
        "2026-09-01",
        "--to",
        "2026-10-31",
    )
    assert code == 0
    assert "not a diagnosis" in stdout
    assert "previous period" in stdout
    assert "2026-09-01 to 2026-10-31 (61 days)" in stdout
    assert "2026-07-02 to 2026-08-31 (61 days)" in stdout
    assert "overuse threshold reached (triptan, multiple_classes)" in stdout


def test_table_shows_exposures_from_daily_entries(examples: Path):
    code, stdout, _ = run(str(examples / "episodic-twitching.json"))
    assert code == 0
    assert "sleep under 6 hours the day before: rate ratio" in stdout
    # the example's MIDAS of 14 on 2 May is grade III, its HIT-6 of 60 the top band
    assert "2026-05-02 MIDAS 14 (III, moderate disability)" in stdout
    assert "2026-05-02 HIT-6 60 (>=60, severe impact)" in stdout
    raw = json.loads((examples / "episodic-twitching.json").read_text())
    suma = sum(
        i["medication"] == "suma50" for a in raw["attacks"] for i in a.get("medications", [])
    )
    twitching = sum(
        bool(a.get("twitching")) or "muscle-twitching" in a.get("symptoms", [])
        for a in raw["attacks"]
    )
    assert f"Sumatriptan 50 mg tablet: {suma} intakes" in stdout
    assert f"Twitching: {twitching} of {len(raw['attacks'])} attacks" in stdout
    assert "Period                                  2026-05-01 to 2026-10-31 (184 days)" in stdout


def test_csv_options_apply(examples: Path):
    out = json.loads(
        run(str(examples / "spreadsheet.csv"), "--json", "--timezone", "Asia/Tokyo")[1]
    )
    assert out["definitions"]["timezone"] == "Asia/Tokyo"


def test_bad_input_is_a_clear_error_without_traceback(tmp_path: Path):
    path = tmp_path / "bad.json"
    attack = {"id": "x", "start": "2026-01-01T10:00", "intensity": 11}
    path.write_bytes(
        orjson.dumps({"format": "fhirmig-diary/1", "patient": {"id": "p"}, "attacks": [attack]})
    )
    code, stdout, stderr = run(str(path), "--json")
    assert code == 1
    assert "bad.json" in stderr and "attacks[0].intensity" in stderr
    assert "Traceback" not in stderr and stdout == ""


def test_period_in_the_wrong_order_is_a_usage_error(examples: Path):
    code, _, stderr = run(
        str(examples / "chronic-overuse.json"), "--from", "2026-10-01", "--to", "2026-09-01"
    )
    assert code == 2
    assert "before it starts" in stderr


def test_missing_file_is_reported(tmp_path: Path):
    code, _, stderr = run(str(tmp_path / "nope.json"))
    assert code == 1 and "nope.json" in stderr


def test_fhir_input_gives_the_same_figures(tmp_path: Path) -> None:
    from fhirmig.cli import cli as root
    from tests.conftest import EXAMPLES as folder

    diary = folder / "episodic-twitching.json"
    runner = CliRunner()
    bundle = tmp_path / "bundle.json"
    assert runner.invoke(root, ["convert", str(diary), "-o", str(bundle)]).exit_code == 0
    from_diary = runner.invoke(root, ["stats", str(diary), "--json"])
    from_fhir = runner.invoke(root, ["stats", str(bundle), "--json"])
    assert from_diary.exit_code == 0 and from_fhir.exit_code == 0, from_fhir.output
    assert json.loads(from_fhir.stdout) == json.loads(from_diary.stdout)


def test_examples_carry_cycles_treatments_and_headache_free_days(examples: Path):
    episodic = json.loads(run(str(examples / "episodic-twitching.json"), "--json")[1])
    # every day of May-October has an entry; June-September days without headache are marked
    assert episodic["coverage"] == {"recorded_days": 184, "days": 184, "share": 1.0}
    assert episodic["headache_free_days"] == 94
    [propranolol] = episodic["treatment_response"]
    # started 4 June: baseline 7 May - 3 June, weeks 9-12 30 July - 26 August
    assert propranolol["treatment"] == "tx-4" and propranolol["start"] == "2026-06-04"
    assert (propranolol["baseline"]["from"], propranolol["baseline"]["to"]) == (
        "2026-05-07",
        "2026-06-03",
    )
    assert (propranolol["assessment"]["from"], propranolol["assessment"]["to"]) == (
        "2026-07-30",
        "2026-08-26",
    )
    # 8 migraine days before, 4 in weeks 9-12: exactly 50 %, which reaches the threshold
    assert propranolol["baseline"]["migraine_days"] == 8
    assert propranolol["assessment"]["migraine_days"] == 4
    assert propranolol["migraine_day_reduction_percent"] == 50.0
    assert propranolol["responder"] == {"50": True, "75": False, "100": False}
    # bleeding on days 1-5 of every 28 from 4 May: 7 cycle starts, all windows inside
    assert episodic["menstrual"]["cycles"] == 7
    assert episodic["menstrual"]["pattern"] == "none"
    chronic = json.loads(run(str(examples / "chronic-overuse.json"), "--json")[1])
    # nothing logged on holiday 5-11 September except the attack days: 2 days unrecorded
    assert chronic["coverage"] == {"recorded_days": 120, "days": 122, "share": 0.984}
    assert [m["recorded_days"] for m in chronic["months"]] == [31, 28, 31, 30]
    reasons = {r["treatment"]: r["reason"] for r in chronic["treatment_response"]}
    assert reasons == {
        "tx-1": "baseline outside the period",  # topiramate from March
        "tx-4": None,
        "tx-2": "assessment outside the period",  # botulinum toxin from 20 September
    }
    erenumab = chronic["treatment_response"][1]
    assert erenumab["baseline"]["from"] == "2026-08-01"  # the period's first day
    assert erenumab["migraine_day_reduction_percent"] == 27.8  # 18 -> 13: 27.77...
    assert erenumab["responder"] == {"50": False, "75": False, "100": False}
