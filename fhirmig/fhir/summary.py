"""Summary Observations: the clinical figures of the diary's period, as FHIR.

One Observation per figure of docs/clinical-definitions (headache days, migraine days,
acute-medication days over the period, and the ICHD-3 class days as components). They are
computed, not answers to a survey: each carries the local category
``observation.diary-summary`` (no category of the FHIR observation-category code system
fits a computed figure), its own local code (no LOINC code for these counts is verified;
every class-days component has its own ``class-days.<class>`` code), ``effectivePeriod``
the period, a value in days, and ``derivedFrom`` the attack Observations the figure was
counted from. The numbers are those of
:func:`fhirmig.analysis.compute_stats`, so they equal the report's and ``fhirmig stats``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fhirmig.diary.model import Diary
from fhirmig.fhir.context import Ctx, cc, fhir_date, narrative, plural, quantity
from fhirmig.fhir.profiles import Profile

if TYPE_CHECKING:
    from fhirmig.analysis.types import Stats

__all__ = ["SUMMARY_CATEGORY", "summary_record", "summary_resources"]


def _summary_category() -> dict[str, Any]:
    return cc("observation", "diary-summary")


#: The category of every summary Observation (a figure computed from the diary).
SUMMARY_CATEGORY = "observation.diary-summary"
_DEFINITION = {
    "headache-days": "days touched by an attack that is not aura-only",
    "migraine-days": "days touched by a migraine attack or an attack with aura, or with a "
    "triptan or ergot taken",
    "acute-medication-days": "days on which an acute headache medication was taken",
    "class-days": "days with intake of each ICHD-3 8.2 acute-medication class",
}


def summary_record(figure: str, period: str = "diary", treatment: str | None = None) -> str:
    """The record id of a summary: the figure, the treatment it belongs to (if any) and the
    kind of period (``diary`` for the whole diary, ``YYYY-MM`` for one calendar month).

    Never the period's dates: a longer diary gives the same record with a new value, so an
    upload updates the summary the server holds instead of adding a second one beside it.
    """
    return f"{figure}/{treatment}@{period}" if treatment is not None else f"{figure}@{period}"


def _days(n: int) -> dict[str, Any]:
    return quantity(n, "days", "d")


def summary_resources(
    diary: Diary, stats: Stats | None = None, *, profile: Profile = "r4"
) -> list[dict[str, Any]]:
    """The summary Observations of the diary's whole period (empty for an empty period).

    ``stats`` defaults to ``compute_stats(diary)`` (the default definitions); ``profile``
    ``us-core`` makes them claim US Core's simple observation.
    """
    if stats is None:
        from fhirmig.analysis import compute_stats

        stats = compute_stats(diary)
    if stats.period_from is None or stats.period_to is None:
        return []
    ctx = Ctx(diary.patient.id, deidentified=bool(diary.deidentified), profile=profile)
    period = {"start": fhir_date(stats.period_from), "end": fhir_date(stats.period_to)}
    attack_ids = sorted({a for day in stats.day_table for a in day.attack_ids})
    derived = [ctx.ref("Observation", "attack", a) for a in attack_ids]
    known = {a.id for a in diary.attacks}
    derived = [ref for ref, a in zip(derived, attack_ids, strict=True) if a in known]
    span = f"{period['start']}..{period['end']}"
    out = []
    for key, value in (
        ("headache-days", stats.headache_days),
        ("migraine-days", stats.migraine_days),
        ("acute-medication-days", stats.acute_medication_days),
        ("class-days", None),
    ):
        obs = ctx.base("Observation", "summary", summary_record(key))
        obs["status"] = "final"
        obs["category"] = [_summary_category()]
        obs["code"] = {**cc("observation", key), "text": _DEFINITION[key]}
        obs["subject"] = ctx.patient_ref
        obs["effectivePeriod"] = period
        if value is not None:
            obs["valueQuantity"] = _days(value)
        else:
            obs["component"] = [
                {"code": cc("class-days", cls), "valueQuantity": _days(n)}
                for cls, n in stats.class_days.items()
            ]
        if derived:
            obs["derivedFrom"] = derived
        if value is not None:
            shown = plural(value, "day")
        else:
            used = [f"{cls.replace('_', ' ')} {n}" for cls, n in stats.class_days.items() if n]
            shown = ", ".join(used) or "none"
        obs["text"] = narrative(
            f"{cc('observation', key)['coding'][0]['display']}: {shown}", f"{span}", "computed"
        )
        out.append(obs)
    return out
