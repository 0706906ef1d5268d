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

Two more kinds follow: diary completeness (recorded days of the period, with the days, the
share and the headache-free days as components), and one treatment response per
preventive or botulinum-toxin treatment (the migraine-day reduction in percent, ``focus``
on the treatment's MedicationStatement (MedicationRequest under US Core) or Procedure,
``effectivePeriod`` from the
baseline's first day to the assessment's last, the windows' migraine and recorded days and
the 50/75/100 % responder flags as components). A figure that cannot be given has a
``dataAbsentReason`` whose text says why, never a made-up value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fhirmig.diary.model import Diary
from fhirmig.fhir.context import UCUM, Ctx, cc, fhir_date, narrative, plural, quantity
from fhirmig.fhir.daily import MEDICATION_TREATMENTS
from fhirmig.fhir.profiles import Profile

if TYPE_CHECKING:
    from fhirmig.analysis.types import Stats, TreatmentResponse

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
    return f"{figure}:{treatment}@{period}" if treatment is not None else f"{figure}@{period}"


def _days(n: int) -> dict[str, Any]:
    return quantity(n, "days", "d")


def summary_resources(
    diary: Diary,
    stats: Stats | None = None,
    *,
    profile: Profile = "r4",
    ctx: Ctx | None = None,
) -> list[dict[str, Any]]:
    """The summary Observations of the diary's whole period (empty for an empty period).

    ``stats`` defaults to ``compute_stats(diary)`` (the default definitions); ``profile``
    ``us-core`` makes them claim US Core's simple observation. ``ctx``: the context of the
    diary's other resources when the caller has it (their attack ids are known there).
    """
    if stats is None:
        from fhirmig.analysis import compute_stats

        stats = compute_stats(diary)
    if stats.period_from is None or stats.period_to is None:
        return []
    if ctx is None or ctx.profile != profile:
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
    out.append(_completeness(ctx, stats, period, span))
    treatments = {t.id: t for t in diary.treatments}
    for response in stats.treatment_response:
        out.append(_treatment_response(ctx, response, treatments[response.treatment].type, span))
    return out


# Completeness and treatment response (docs/clinical-definitions.md): self-contained so
# that each can change without touching the counts above.
_DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
_ABSENT_DISPLAY = {"not-applicable": "Not Applicable", "not-a-number": "Not a Number (NaN)"}


def _absent(code: str, why: str) -> dict[str, Any]:
    coding = {"system": _DATA_ABSENT, "code": code, "display": _ABSENT_DISPLAY[code]}
    return {"coding": [coding], "text": why}


def _ratio(value: float) -> dict[str, Any]:
    return {"value": value, "unit": "ratio", "system": UCUM, "code": "1"}


def _completeness(ctx: Ctx, stats: Stats, period: dict[str, str], span: str) -> dict[str, Any]:
    """Diary completeness: recorded days of the period, with the period's days, the share
    and the headache-free days as components."""
    cov = stats.coverage
    obs = ctx.base("Observation", "summary", summary_record("diary-completeness"))
    obs["status"] = "final"
    obs["category"] = [_summary_category()]
    obs["code"] = {
        **cc("observation", "diary-completeness"),
        "text": "days with an attack, a medication intake or a daily entry",
    }
    obs["subject"] = ctx.patient_ref
    obs["effectivePeriod"] = period
    obs["valueQuantity"] = _days(cov.recorded_days)
    obs["component"] = [
        {"code": cc("observation", "period-days"), "valueQuantity": _days(cov.days)},
        {"code": cc("observation", "recorded-share"), "valueQuantity": _ratio(cov.share)},
        {
            "code": cc("observation", "headache-free-days"),
            "valueQuantity": _days(stats.headache_free_days),
        },
    ]
    obs["text"] = narrative(
        f"Recorded days: {cov.recorded_days} of {cov.days} (share {cov.share:.3f})",
        plural(stats.headache_free_days, "headache-free day") + " marked",
        span,
        "computed",
    )
    return obs


def _window_days(key: str, value: int | None, why: str) -> dict[str, Any]:
    comp: dict[str, Any] = {"code": cc("observation", key)}
    if value is None:
        comp["dataAbsentReason"] = _absent("not-applicable", why)
    else:
        comp["valueQuantity"] = _days(value)
    return comp


def _treatment_response(
    ctx: Ctx, r: TreatmentResponse, treatment_type: str, span: str
) -> dict[str, Any]:
    """One treatment's response: the migraine-day reduction in percent (or why there is
    none), ``focus`` on the treatment's resource, the windows' counts as components."""
    obs = ctx.base(
        "Observation", "summary", summary_record("treatment-response", treatment=r.treatment)
    )
    obs["status"] = "final"
    obs["category"] = [_summary_category()]
    obs["code"] = {
        **cc("observation", "treatment-response"),
        "text": "migraine days in days 57-84 of treatment against the 28 days before the start",
    }
    obs["subject"] = ctx.patient_ref
    if treatment_type not in MEDICATION_TREATMENTS:
        resource_type = "Procedure"
    else:  # the type fhirmig.fhir.daily.treatment_resource writes under this profile
        resource_type = "MedicationRequest" if ctx.us_core else "MedicationStatement"
    obs["focus"] = [ctx.ref(resource_type, "treatment", r.treatment)]
    obs["effectivePeriod"] = {
        "start": fhir_date(r.baseline.first),
        "end": fhir_date(r.assessment.last),
    }
    if r.migraine_day_reduction_percent is not None:
        obs["valueQuantity"] = quantity(r.migraine_day_reduction_percent, "%", "%")
    elif r.reason is not None:
        obs["dataAbsentReason"] = _absent("not-applicable", f"not assessable: {r.reason}")
    else:
        obs["dataAbsentReason"] = _absent("not-a-number", "the baseline has no migraine day")
    outside = "the window does not lie wholly inside the period"
    components = [
        _window_days("baseline-migraine-days", r.baseline.migraine_days, outside),
        _window_days("assessment-migraine-days", r.assessment.migraine_days, outside),
        _window_days("baseline-recorded-days", r.baseline.recorded_days, outside),
        _window_days("assessment-recorded-days", r.assessment.recorded_days, outside),
    ]
    for level, reached in (r.responder or {}).items():
        components.append(
            {"code": cc("observation", f"responder-{level}"), "valueBoolean": reached}
        )
    obs["component"] = components
    if r.migraine_day_reduction_percent is not None and r.responder is not None:
        met = [f"{level} %" for level, hit in r.responder.items() if hit]
        said = f"migraine days reduced by {r.migraine_day_reduction_percent:.1f} %" + (
            f" (responder threshold reached: {', '.join(met)})" if met else ""
        )
    elif r.reason is not None:
        said = f"not assessable: {r.reason}"
    else:
        said = "no reduction: the baseline has no migraine day"
    obs["text"] = narrative(
        f"Treatment response of {r.name or r.treatment} (started {r.start})",
        said,
        f"baseline {r.baseline.first}..{r.baseline.last}, "
        f"weeks 9-12 {r.assessment.first}..{r.assessment.last}",
        "computed",
    )
    return obs
