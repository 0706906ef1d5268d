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
    "threshold.maxima": "Highest complete month per class: {items}.",
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
    # treatment response
    "response.none": "No preventive medication or botulinum toxin with a start in the diary.",
    "response.method": (
        "Baseline: the 28 days before the start. Assessment: days 57 to 84 of treatment "
        "(weeks 9-12), the window of preventive trials and of payers' 3-month reviews. "
        "Each window needs 21 of its 28 days recorded, so that an unkept diary does not "
        "look like a response. Responder: migraine days fell by at least 50, 75 or 100%."
    ),
    "response.assessed": (
        "{name} (from {start}): migraine days {before} in the baseline, {after} in weeks "
        "9-12: {change}. Responder {responders}."
    ),
    "response.no_baseline": (
        "{name} (from {start}): no migraine day in the baseline ({after} in weeks 9-12): "
        "no reduction to compute."
    ),
    "response.not_assessable": "{name} (from {start}): not assessable, {reason}.",
    # completeness
    "coverage.line": (
        "{recorded} of {days} days recorded ({share}); {free} {free_unit} marked headache-free"
    ),
    "coverage.empty": "no days in the period",
    # menstrual pattern
    "menstrual.judged": (
        "Migraine in the window (days −2 to +3) of {with_migraine} of {cycles} cycles; "
        "{outside} migraine {outside_unit} outside the windows: {pattern}. ICHD-3 asks for "
        "prospectively kept records over at least three cycles."
    ),
    "menstrual.not_judged": (
        "Not judged: {cycles} {cycle_unit} lie wholly in the period, and ICHD-3 asks for "
        "prospectively kept records over at least three cycles."
    ),
    "menstrual.pure-menstrual": (
        "a pattern like pure menstrual migraine (ICHD-3 A1.1.1), for discussion"
    ),
    "menstrual.menstrually-related": (
        "a pattern like menstrually related migraine (ICHD-3 A1.1.2), for discussion"
    ),
    "menstrual.none": "no menstrual pattern (migraine in fewer than two cycles in three)",
    # twitching and triggers
    "twitching.associated": (
        "Twitching came more often with {items}: an association, not a cause."
    ),
    "twitching.not_associated": (
        "No trigger was associated with twitching ({count} {unit} had enough attacks with "
        "and without {pronoun} to compare)."
    ),
    "twitching.too_few": (
        "Too few attacks to relate twitching to a trigger (at least 5 attacks with and 5 "
        "without a trigger are needed)."
    ),
    # topics
    "topic.menstrual": (
        "Migraine with {with_migraine} of {cycles} menstrual cycles ({pattern}): whether a "
        "treatment timed to the cycle fits."
    ),
    "topic.coverage": (
        "The diary covers {share} of the days of the period: counts may be lower than the "
        "real ones."
    ),
    "topic.response": (
        "{name}: migraine days {change} from baseline to weeks 9-12, under the 50% response: "
        "whether to continue."
    ),
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
