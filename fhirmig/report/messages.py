"""The sentences of page one and of the topics, as one catalogue of format strings.

Keeping the words in one place lets them be read and reviewed together (every one keeps to
"pattern for discussion", "association, not cause", never a diagnosis) and lets a later
translation replace the catalogue without touching the layout code. Values are filled in
with :func:`message`; a template may hold the report's inline markup (``<b>``), values
are escaped by the caller (:func:`fhirmig.report.fonts.markup`) where they are user text.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MESSAGES", "message", "plural"]

MESSAGES: dict[str, str] = {
    # thresholds
    "overuse.name": "Medication-overuse threshold (ICHD-3 8.2)",
    "chronic.name": "Chronic-migraine frequency (15+ headache days with 8+ migraine days)",
    "threshold.long": (
        "<b>{name} reached for more than 3 consecutive months</b>: in {count} of {judged} "
        "complete {judged_unit} ({months}); longest run {run} months{why}. "
        "A pattern for discussion, not a diagnosis."
    ),
    "threshold.short": (
        "{name} reached in {count} of {judged} complete {judged_unit} ({months}); longest run "
        "{run} {run_unit}, while ICHD-3 asks for more than 3 months{why}. "
        "A pattern for discussion, not a diagnosis."
    ),
    "threshold.not_reached": "{name} not reached in {judged_text}.",
    "threshold.not_judged": "{name} not judged: no complete month in the period.",
    "threshold.nothing": "{name} not judged: the diary has no entries in this period.",
    "threshold.maxima": "Highest complete month per class, against its threshold: {items}.",
    # questionnaires
    "questionnaire.latest": "{instrument} {score} on {date} (grade {grade}, {band})",
    "questionnaire.change": "; before: {score} on {date}, change {change}",
    "questionnaire.none": "None in this period.",
    # attack profile
    "profile.none": "No attacks in this period.",
    "profile.duration": (
        "Duration median {median} (range {low} to {high}; {timed} of {attacks} with a "
        "known duration)."
    ),
    "profile.no_duration": "Duration not recorded.",
    "profile.intensity": (
        "Intensity median {median} (range {low}-{high}): {mild} mild (1-3), "
        "{moderate} moderate (4-6), {severe} severe (7-10)."
    ),
    "profile.aura": "With aura: {aura} of {attacks} attacks{only}.",
    "profile.disability": (
        "Moderate or severe disability: {disabling} of {recorded} attacks with disability recorded."
    ),
    "profile.no_disability": "Disability not recorded.",
    # twitching
    "twitching.none": "No muscle twitching recorded in this period.",
    "twitching.share": (
        "With {attacks} of {total} attacks ({share}), most often at {sites} ({count} {unit}{each})."
    ),
    # topics
    "topic.overuse": (
        "Acute medication was taken on many days (overuse threshold reached in {count} "
        "{unit}): limits for acute treatment and whether a preventive treatment fits."
    ),
    "topic.overuse_preventive": (
        "Acute medication was taken on many days (overuse threshold reached in {count} "
        "{unit}) while a preventive is in use ({names}): limits for acute treatment and how "
        "well the preventive works."
    ),
    "topic.chronic": (
        "Headache frequency in the chronic range: the treatment plan for frequent headache."
    ),
    "topic.disability": "Disability is high ({scores}).",
    "topic.aura": (
        "{aura} {unit} logged with aura while the diagnosis reads migraine without aura: "
        "whether the diagnosis still fits."
    ),
    "topic.twitching": (
        "Muscle twitching with {attacks} of {total} attacks ({share}){sites}: what it means "
        "and whether it needs a look."
    ),
    "topic.relief": (
        "{name} gave good or complete relief in {good} of {rated} rated intakes: whether "
        "another acute treatment would help more."
    ),
    "topic.exposure": (
        "More attack days after {definition} (rate ratio {ratio}, 95% interval {low}-{high}): "
        "an association worth discussing, not proof of a cause."
    ),
    "topic.calm": ("No threshold reached in {judged_text}: how well the current plan works."),
    "topic.unjudged": (
        "No complete month in the period, so no threshold was judged: a longer diary "
        "(three full months or more) lets the checks judge."
    ),
    "topic.empty": "The diary has no entries in this period: nothing was judged.",
    "topic.more": "… and {count} more {unit} on page {page}.",
    "topic.more_heading": "Topics to discuss (continued from page 1)",
}


def message(key: str, **values: Any) -> str:
    """The catalogue sentence ``key`` with ``values`` filled in."""
    return MESSAGES[key].format(**values)


def plural(count: int, one: str, many: str | None = None) -> str:
    """``one`` for 1, else ``many`` (default: ``one`` + "s")."""
    return one if count == 1 else (many if many is not None else one + "s")
