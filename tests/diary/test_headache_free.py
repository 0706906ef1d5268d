"""``days[].headacheFree``: read, written back, and refused on a day a headache touches."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fhirmig.cli import cli
from fhirmig.diary import parse_diary_json
from fhirmig.errors import DiaryError


def diary(attacks: list[dict[str, Any]], days: list[dict[str, Any]], tz: str = "UTC") -> bytes:
    data = {
        "format": "fhirmig-diary/1",
        "patient": {"id": "p-1", "timezone": tz},
        "attacks": [{"id": f"a{n}", "intensity": 5, **a} for n, a in enumerate(attacks)],
        "days": days,
    }
    return json.dumps(data).encode()


def problems(raw: bytes) -> list[str]:
    with pytest.raises(DiaryError) as info:
        parse_diary_json(raw, "d.json")
    return [str(p) for p in info.value.problems]


FREE = {"date": "2026-10-03", "headacheFree": True}


def test_the_field_is_read_and_kept() -> None:
    d = parse_diary_json(diary([], [FREE, {"date": "2026-10-04", "headacheFree": False}]), "d")
    assert [day.headache_free for day in d.days] == [True, False]
    assert d.model_dump(mode="json", by_alias=True, exclude_none=True)["days"][0] == FREE


def test_a_headache_on_a_headache_free_day_names_both() -> None:
    raw = diary(
        [{"start": "2026-10-01T10:00"}, {"start": "2026-10-03T10:00", "kind": "tension"}],
        [{"date": "2026-10-01", "stress": 3}, FREE],
    )
    assert problems(raw) == [
        "d.json: days[1].headacheFree: 2026-10-03 is marked headache-free, but attack 'a1' "
        "(attacks[1]) touches it (only an aura-only attack may touch a headache-free day)"
    ]


def test_an_aura_only_attack_may_touch_a_headache_free_day() -> None:
    raw = diary([{"start": "2026-10-03T10:00", "kind": "aura-only", "aura": True}], [FREE])
    assert parse_diary_json(raw, "d.json").days[0].headache_free is True


def test_headache_free_false_is_never_a_conflict() -> None:
    raw = diary([{"start": "2026-10-03T10:00"}], [{"date": "2026-10-03", "headacheFree": False}])
    assert parse_diary_json(raw, "d.json").days[0].headache_free is False


@pytest.mark.parametrize(
    ("attack", "conflict"),
    [
        # over midnight: the end day is touched
        ({"start": "2026-10-02T22:00", "end": "2026-10-03T01:00"}, True),
        # an end at exactly 00:00 does not touch the new day
        ({"start": "2026-10-02T22:00", "end": "2026-10-03T00:00"}, False),
        # the end worked out from the duration
        ({"start": "2026-10-02T20:00", "durationMinutes": 300}, True),
        ({"start": "2026-10-02T20:00", "durationMinutes": 240}, False),
        # a three-day attack touches the middle day
        ({"start": "2026-10-02T08:00", "end": "2026-10-04T08:00"}, True),
        # no end and no duration: only the start day
        ({"start": "2026-10-02T23:00"}, False),
    ],
)
def test_which_days_an_attack_touches(attack: dict[str, Any], conflict: bool) -> None:
    raw = diary([attack], [FREE])
    if conflict:
        assert problems(raw)[0].startswith("d.json: days[0].headacheFree: 2026-10-03 is marked")
    else:
        parse_diary_json(raw, "d.json")


def test_days_are_those_of_the_patients_zone() -> None:
    # 23:30 UTC on 2 October is 00:30 on 3 October in Lisbon (summer time, +01:00)
    attack = {"start": "2026-10-02T23:30:00Z", "durationMinutes": 20}
    parse_diary_json(diary([attack], [FREE], tz="UTC"), "d.json")
    assert problems(diary([attack], [FREE], tz="Europe/Lisbon"))[0].startswith(
        "d.json: days[0].headacheFree: 2026-10-03"
    )


def test_many_attacks_on_one_day_are_named_up_to_three() -> None:
    attacks = [{"start": f"2026-10-03T{h:02d}:00"} for h in (6, 9, 12, 15, 18)]
    [problem] = problems(diary(attacks, [FREE]))
    assert "attack 'a0' (attacks[0]), 'a1' (attacks[1]), 'a2' (attacks[2]) and 2 more touch it" in (
        problem
    )


def test_reported_with_the_other_problems() -> None:
    raw = diary([{"start": "2026-10-03T10:00", "intensity": 11}], [FREE])
    found = problems(raw)
    assert len(found) == 2
    assert found[0].startswith("d.json: attacks[0].intensity:")
    assert found[1].startswith("d.json: days[0].headacheFree:")


def test_validate_refuses_it(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_bytes(diary([{"id": "x", "start": "2026-10-03T10:00"}], [FREE]))
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}: days[0].headacheFree: 2026-10-03 is marked headache-free, but attack 'x'" in (
        result.stderr
    )
    assert "Traceback" not in result.output + result.stderr


def test_the_fhir_reader_and_a_merge_refuse_it_too() -> None:
    from fhirmig.diary.model import DayEntry
    from fhirmig.errors import MappingError
    from fhirmig.fhir import diary_to_resources
    from fhirmig.fhir.reverse import resources_to_diary
    from fhirmig.importers.merge import merge_days

    attacks = parse_diary_json(diary([{"start": "2026-10-03T10:00"}], []), "a.json")
    free = parse_diary_json(diary([], [FREE]), "b.json")
    # written to FHIR and read back, the field survives
    back = resources_to_diary(diary_to_resources(free, provenance=False, summaries=False))
    assert back.days[0].headache_free is True
    # two sets of resources of one patient that together break the rule
    both = [
        *diary_to_resources(attacks, provenance=False, summaries=False),
        *[
            r
            for r in diary_to_resources(free, provenance=False, summaries=False)
            if r["resourceType"] == "Observation"
        ],
    ]
    with pytest.raises(MappingError, match=r"days\[0\]\.headacheFree: 2026-10-03 is marked"):
        resources_to_diary(both)
    # adding the day to the diary of the attack
    with pytest.raises(DiaryError) as info:
        merge_days(attacks, [DayEntry.model_validate(FREE)])
    assert "days[0].headacheFree" in str(info.value.problems[0])


def test_merging_an_attack_onto_a_headache_free_day_is_refused() -> None:
    from fhirmig.importers.merge import merge_diaries

    free = parse_diary_json(diary([], [FREE]), "b.json")
    attacks = parse_diary_json(diary([{"id": "new", "start": "2026-10-03T10:00"}], []), "a")
    # the merge changes nothing the diary holds, so it reports the conflict instead
    with pytest.raises(DiaryError) as info:
        merge_diaries(free, attacks)
    assert "days[0].headacheFree: 2026-10-03 is marked headache-free, but attack 'new'" in str(
        info.value.problems[0]
    )
