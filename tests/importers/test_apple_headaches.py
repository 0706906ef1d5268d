"""Headaches from Apple Health: severity table, one attack per headache, headache-free days."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from fhirmig.cli import cli
from fhirmig.diary import parse_diary_json, read_diary
from fhirmig.importers import import_apple_health, merge_diaries
from fhirmig.importers.apple_health import SAME_ATTACK_WITHIN

DATA = Path(__file__).parent / "data"
EXPORT = DATA / "apple_headaches.xml"


def _diary(**kwargs: object):  # type: ignore[no-untyped-def]
    return import_apple_health(
        EXPORT,
        patient_id="p",
        timezone="Europe/Berlin",
        **kwargs,  # type: ignore[arg-type]
    )


def test_headache_samples_become_attacks_by_the_severity_table() -> None:
    result = _diary()
    attacks = result.diary.attacks
    assert [(a.id, a.kind, a.intensity) for a in attacks] == [
        ("ah-20261005T0730", "headache", 8),  # severe; the watch's copy is the same attack
        ("ah-20261012T1800", "headache", 2),  # mild
        ("ah-20261020T0900", "headache", 0),  # unspecified: --missing-pain (default 0)
    ]
    first = attacks[0]
    assert first.start.astimezone(UTC) == datetime(2026, 10, 5, 5, 30, tzinfo=UTC)
    assert first.end is not None and first.end.astimezone(UTC) == datetime(
        2026, 10, 5, 11, 30, tzinfo=UTC
    )
    assert attacks[2].notes == "Apple Health headache, severity not recorded (imported as 0)."
    notes = [str(n) for n in result.notes]
    assert any("1 headache sample within 15 minutes of another: one attack" in n for n in notes)
    assert any("severity 'unspecified' imported with intensity 0" in n for n in notes)


def test_unspecified_follows_missing_pain() -> None:
    assert _diary(missing_pain=5).diary.attacks[2].intensity == 5


def test_not_present_marks_headache_free_only_where_no_attack_touches() -> None:
    result = _diary()
    free = [d.date.isoformat() for d in result.diary.days if d.headache_free]
    assert free == ["2026-10-07"]  # 12 October had a mild headache in the evening
    assert any("also had a headache; not marked headache-free" in str(n) for n in result.notes)
    sleep = {d.date.isoformat(): d.sleep_hours for d in result.diary.days if d.sleep_hours}
    assert sleep == {"2026-10-07": 7.5}


def test_merge_is_idempotent_and_matches_starts_within_15_minutes(tmp_path: Path) -> None:
    base_result = _diary()
    shifted = base_result.diary.model_copy(
        update={
            "attacks": [
                base_result.diary.attacks[0].model_copy(
                    update={
                        "id": "own-1",
                        "start": base_result.diary.attacks[0].start + SAME_ATTACK_WITHIN,
                    }
                )
            ]
        }
    )
    merged = merge_diaries(shifted, _diary().diary, same_start_within=SAME_ATTACK_WITHIN)
    assert [a.id for a in merged.diary.attacks] == ["own-1", "ah-20261012T1800", "ah-20261020T0900"]
    again = merge_diaries(merged.diary, _diary().diary, same_start_within=SAME_ATTACK_WITHIN)
    assert not again.changed


def test_cli_into_twice_changes_nothing(tmp_path: Path) -> None:
    diary = tmp_path / "d.json"
    args = ["import", "apple-health", str(EXPORT), "--patient-id", "p", "--timezone",
            "Europe/Berlin"]  # fmt: skip
    assert CliRunner().invoke(cli, [*args, "-o", str(diary)]).exit_code == 0
    before = diary.read_bytes()
    result = CliRunner().invoke(cli, ["import", "apple-health", str(EXPORT), "--into", str(diary)])
    assert result.exit_code == 0, result.stderr
    assert "nothing changed" in result.stdout
    assert diary.read_bytes() == before
    assert len(read_diary(diary).attacks) == 3


def test_a_headache_free_day_an_existing_attack_touches_is_not_marked() -> None:
    base = parse_diary_json(
        json.dumps(
            {
                "format": "fhirmig-diary/1",
                "patient": {"id": "p", "timezone": "Europe/Berlin"},
                "attacks": [
                    {"id": "x", "start": "2026-10-07T09:00:00+02:00", "durationMinutes": 60,
                     "intensity": 4}
                ],
            }
        ).encode(),
        "own.json",
    )  # fmt: skip
    merged = merge_diaries(base, _diary().diary).diary
    day = next(d for d in merged.days if d.date.isoformat() == "2026-10-07")
    assert day.headache_free is None and day.sleep_hours == 7.5
