"""Summary Observations carry the figures of fhirmig.analysis, derived from the attacks."""

from __future__ import annotations

from pathlib import Path

from fhirmig.analysis import compute_stats
from fhirmig.diary import read_diary
from fhirmig.fhir import diary_to_resources
from fhirmig.fhir.summary import summary_resources


def _code(obs: dict) -> str:  # type: ignore[type-arg]
    return str(obs["code"]["coding"][0]["code"])


def test_summary_figures_equal_the_stats(examples: Path) -> None:
    diary = read_diary(examples / "chronic-overuse.json")
    stats = compute_stats(diary)
    by_code = {_code(o): o for o in summary_resources(diary)}
    assert by_code["observation.headache-days"]["valueQuantity"]["value"] == stats.headache_days
    assert by_code["observation.migraine-days"]["valueQuantity"]["value"] == stats.migraine_days
    assert (
        by_code["observation.acute-medication-days"]["valueQuantity"]["value"]
        == stats.acute_medication_days
    )
    classes = {
        c["code"]["coding"][0]["code"].removeprefix("class-days."): c["valueQuantity"]["value"]
        for c in by_code["observation.class-days"]["component"]
    }
    assert classes == stats.class_days
    period = by_code["observation.headache-days"]["effectivePeriod"]
    assert period == {"start": str(stats.period_from), "end": str(stats.period_to)}


def test_each_figure_has_its_own_code_and_a_computed_category(examples: Path) -> None:
    """Computed figures are no survey answers, and no two figures (or components) share a
    code that only their text tells apart."""
    diary = read_diary(examples / "chronic-overuse.json")
    observations = summary_resources(diary)
    # one treatment response per treatment: the same figure, told apart by its focus
    responses = [o for o in observations if _code(o) == "observation.treatment-response"]
    figures = [o for o in observations if o not in responses]
    codes = [_code(o) for o in figures]
    components = [c["code"]["coding"][0]["code"] for o in figures for c in o.get("component", [])]
    assert len(set(codes)) == len(codes)
    assert len(components) >= 6 and len(set(components)) == len(components)
    assert len(responses) == len(diary.treatments) - 1  # physiotherapy has none
    focus = [o["focus"][0]["reference"] for o in responses]
    assert len(set(focus)) == len(focus)
    for obs in responses:
        own = [c["code"]["coding"][0]["code"] for c in obs["component"]]
        assert len(set(own)) == len(own)
    for obs in observations:
        (category,) = obs["category"]
        assert category["coding"][0]["code"] == "observation.diary-summary"
        assert "survey" not in {c["code"] for cat in obs["category"] for c in cat["coding"]}


def test_summaries_derive_from_attack_observations(examples: Path) -> None:
    diary = read_diary(examples / "episodic-twitching.json")
    resources = diary_to_resources(diary)
    attack_refs = {
        f"Observation/{r['id']}"
        for r in resources
        if r.get("identifier", [{}])[0].get("system", "").endswith("/sid/attack")
    }
    summaries = [
        r
        for r in resources
        if r.get("identifier", [{}])[0].get("system", "").endswith("/sid/summary")
    ]
    # four counts, the diary's completeness and the propranolol's treatment response
    assert len(summaries) == 6
    derived = {d["reference"] for d in summaries[0]["derivedFrom"]}
    assert derived == attack_refs  # every attack lies in the default period


def test_empty_diary_has_no_summaries() -> None:
    from fhirmig.diary.model import Diary, Patient

    assert summary_resources(Diary(format="fhirmig-diary/1", patient=Patient(id="x"))) == []
