"""diary -> FHIR -> diary loses nothing the format carries (property test and examples)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fhir_strategies import diaries
from hypothesis import HealthCheck, given, settings

from fhirmig.diary import Diary, dumps_diary, read_diary
from fhirmig.fhir import (
    collection_bundle,
    convert_diary,
    diary_to_resources,
    load_input,
    read_fhir,
    resources_to_diary,
    transaction_bundle,
)
from fhirmig.fhir.profiles import PROFILES, Profile
from fhirmig.fhir.reader import _from_bundle


@pytest.mark.parametrize("profile", PROFILES)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(diaries)
def test_round_trip_property(profile: Profile, diary: Diary) -> None:
    resources = diary_to_resources(diary, profile=profile)
    back = resources_to_diary(resources)
    assert back == diary
    assert dumps_diary(back) == dumps_diary(diary)
    # through a transaction Bundle (urn:uuid references) as well
    bundle = transaction_bundle(resources)
    assert resources_to_diary(_from_bundle(bundle, "<bundle>")) == diary


@pytest.mark.parametrize(
    "name", ["episodic-twitching.json", "chronic-overuse.json", "spreadsheet.csv"]
)
@pytest.mark.parametrize("fmt", ["transaction", "collection", "ndjson"])
@pytest.mark.parametrize("profile", PROFILES)
def test_examples_round_trip_through_every_shape(
    examples: Path, name: str, fmt: str, profile: Profile, tmp_path: Path
) -> None:
    diary = read_diary(examples / name)
    out = tmp_path / ("out" if fmt == "ndjson" else "out.json")
    convert_diary(diary, out, fmt, profile=profile)  # type: ignore[arg-type]
    assert load_input(out) == diary
    assert dumps_diary(resources_to_diary(read_fhir(out))) == dumps_diary(diary)


def test_load_input_reads_diaries_too(examples: Path) -> None:
    for name in ("episodic-twitching.json", "spreadsheet.csv"):
        assert load_input(examples / name) == read_diary(examples / name)


def test_collection_bundle_round_trips(examples: Path) -> None:
    diary = read_diary(examples / "episodic-twitching.json")
    bundle = collection_bundle(diary_to_resources(diary))
    assert resources_to_diary(_from_bundle(bundle, "<b>")) == diary


def test_twitching_and_extra_survive(examples: Path) -> None:
    diary = read_diary(examples / "episodic-twitching.json")
    back = resources_to_diary(diary_to_resources(diary))
    twitches = [t for a in back.attacks for t in a.twitching]
    assert twitches and twitches == [t for a in diary.attacks for t in a.twitching]


def test_load_input_reads_one_ndjson_file(tmp_path: Path) -> None:
    from fhirmig.fhir import dumps

    diary = read_diary(Path(__file__).parent / "golden" / "small-diary.json")
    lines = b"".join(dumps(r) + b"\n" for r in diary_to_resources(diary))
    (tmp_path / "all.ndjson").write_bytes(lines)
    assert load_input(tmp_path / "all.ndjson") == diary


def test_files_of_the_earlier_shape_still_read_back() -> None:
    """Daily factors as components, the treatment type (and name) in
    MedicationStatement.category and an integer twitch severity: what earlier versions
    wrote is still read into the same diary."""
    diary = read_diary(Path(__file__).parent / "golden" / "small-diary.json")
    resources = diary_to_resources(diary)

    def kind(res: dict) -> str:  # type: ignore[type-arg]
        return str(res.get("identifier", [{}])[0].get("system", "")).rsplit("/", 1)[-1]

    factors = {f"Observation/{r['id']}": r for r in resources if kind(r) == "day-factor"}
    old: list[dict] = []  # type: ignore[type-arg]
    for res in resources:
        if kind(res) == "day-factor":
            continue
        res = dict(res)
        if kind(res) == "day":
            members = [factors[m["reference"]] for m in res.pop("hasMember")]
            res["component"] = [
                {"code": {"coding": [m["code"]["coding"][0]]}}
                | {k: v for k, v in m.items() if k.startswith("value")}
                for m in members
            ]
        elif kind(res) == "twitch":
            intensity = next(
                c["valueInteger"]
                for c in res["component"]
                if c["code"]["coding"][0]["code"] == "observation.twitch-intensity"
            )
            res["component"] = [
                {"code": {"coding": [{"system": "http://loinc.org", "code": "64750-3"}]},
                 "valueInteger": intensity}
            ] + [c for c in res["component"] if c["code"]["coding"][0]["code"] == "64748-7"]  # fmt: skip
        elif kind(res) == "treatment" and res["resourceType"] == "MedicationStatement":
            (kind_ext,) = [e for e in res.pop("extension") if e["url"].endswith("treatment-type")]
            # the name (none here) was the category's text, the type its coding
            res["category"] = {"coding": kind_ext["valueCodeableConcept"]["coding"]}
        old.append(res)
    assert resources_to_diary(old) == diary
