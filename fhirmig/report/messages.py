"""The sentences of page one and of the topics, as one table of format strings.

Keeping the words in one place lets them be read and reviewed together (every one keeps to
"pattern for discussion", "association, not cause", never a diagnosis). Each is marked for
the message catalogues (:mod:`fhirmig.report.i18n`); :func:`message` looks it up in the
current language and fills in the values. A sentence may hold the report's inline markup
(``<b>``); values are escaped by the caller (:func:`fhirmig.report.fonts.markup`) where
they are user text.
"""

from __future__ import annotations

from typing import Any

from fhirmig.report.i18n import N_, _

__all__ = ["MESSAGES", "message"]

MESSAGES: dict[str, str] = {
    # thresholds
    "overuse.name": N_("Medication-overuse threshold (ICHD-3 8.2)"),
    "chronic.name": N_("Chronic-migraine frequency (15+ headache days with 8+ migraine days)"),
    "threshold.long": N_(
        "<b>{name} reached for more than 3 consecutive months</b>: in {count} of {judged} "
        "complete {judged_unit} ({months}); longest run {run} months{why}. "
        "A pattern for discussion, not a diagnosis."
    ),
    "threshold.short": N_(
        "{name} reached in {count} of {judged} complete {judged_unit} ({months}); longest run "
        "{run} {run_unit}, while ICHD-3 asks for more than 3 months{why}. "
        "A pattern for discussion, not a diagnosis."
    ),
    "threshold.not_reached": N_("{name} not reached in {judged_text}."),
    "threshold.not_judged": N_("{name} not judged: no complete month in the period."),
    "threshold.nothing": N_("{name} not judged: the diary has no entries in this period."),
    "threshold.maxima": N_("Highest complete month per class: {items}."),
    # questionnaires
    "questionnaire.latest": N_("{instrument} {score} on {date} (grade {grade}, {band})"),
    "questionnaire.change": N_("; before: {score} on {date}, change {change}"),
    "questionnaire.none": N_("None in this period."),
    # attack profile
    "profile.none": N_("No attacks in this period."),
    "profile.duration": N_(
        "Duration median {median} (range {low} to {high}; {timed} of {attacks} with a "
        "known duration)."
    ),
    "profile.no_duration": N_("Duration not recorded."),
    "profile.intensity": N_(
        "Intensity median {median} (range {low}-{high}): {mild} mild (1-3), "
        "{moderate} moderate (4-6), {severe} severe (7-10)."
    ),
    "profile.aura": N_("With aura: {aura} of {attacks} attacks{only}."),
    "profile.disability": N_(
        "Moderate or severe disability: {disabling} of {recorded} attacks with disability recorded."
    ),
    "profile.no_disability": N_("Disability not recorded."),
    # twitching
    "twitching.none": N_("No muscle twitching recorded in this period."),
    "twitching.share": N_(
        "With {attacks} of {total} attacks ({share}), most often at {sites} ({count} {unit}{each})."
    ),
    # treatment response
    "response.none": N_("No preventive medication or botulinum toxin with a start in the diary."),
    "response.method": N_(
        "Baseline: the 28 days before the start. Assessment: days 57 to 84 of treatment "
        "(weeks 9-12), the window of preventive trials and of payers' 3-month reviews. "
        "Each window needs 21 of its 28 days recorded, so that an unkept diary does not "
        "look like a response. Responder: migraine days fell by at least 50, 75 or 100%."
    ),
    "response.assessed": N_(
        "{name} (from {start}): migraine days {before} in the baseline, {after} in weeks "
        "9-12: {change}. Responder {responders}."
    ),
    "response.no_baseline": N_(
        "{name} (from {start}): no migraine day in the baseline ({after} in weeks 9-12): "
        "no reduction to compute."
    ),
    "response.not_assessable": N_("{name} (from {start}): not assessable, {reason}."),
    # completeness
    "coverage.line": N_(
        "{recorded} of {days} days recorded ({share}); {free} {free_unit} marked headache-free"
    ),
    "coverage.empty": N_("no days in the period"),
    # menstrual pattern
    "menstrual.judged": N_(
        "Migraine in the window (days −2 to +3) of {with_migraine} of {cycles} cycles; "
        "{outside} migraine {outside_unit} outside the windows: {pattern}. ICHD-3 asks for "
        "prospectively kept records over at least three cycles."
    ),
    "menstrual.not_judged": N_(
        "Not judged: {cycles} {cycle_unit} lie wholly in the period, and ICHD-3 asks for "
        "prospectively kept records over at least three cycles."
    ),
    "menstrual.pure-menstrual": N_(
        "a pattern like pure menstrual migraine (ICHD-3 A1.1.1), for discussion"
    ),
    "menstrual.menstrually-related": N_(
        "a pattern like menstrually related migraine (ICHD-3 A1.1.2), for discussion"
    ),
    "menstrual.none": N_("no menstrual pattern (migraine in fewer than two cycles in three)"),
    # twitching and triggers
    "twitching.associated": N_(
        "Twitching came more often with {items}: an association, not a cause."
    ),
    "twitching.too_few": N_(
        "Too few attacks to relate twitching to a trigger (at least 5 attacks with and 5 "
        "without a trigger are needed)."
    ),
    # topics
    "topic.menstrual": N_(
        "Migraine with {with_migraine} of {cycles} menstrual cycles ({pattern}): whether a "
        "treatment timed to the cycle fits."
    ),
    "topic.coverage": N_(
        "Only {recorded} of {days} days of the period have an entry ({share}): a day "
        "without one may be headache-free or simply not recorded, so counts may be low."
    ),
    "topic.response": N_(
        "{name}: migraine days {change} from baseline to weeks 9-12, under the 50% response: "
        "whether to continue."
    ),
    "topic.overuse": N_(
        "Acute medication was taken on many days (overuse threshold reached in {count} "
        "{unit}): limits for acute treatment and whether a preventive treatment fits."
    ),
    "topic.overuse_preventive": N_(
        "Acute medication was taken on many days (overuse threshold reached in {count} "
        "{unit}) while a preventive is in use ({names}): limits for acute treatment and how "
        "well the preventive works."
    ),
    "topic.chronic": N_(
        "Headache frequency in the chronic range: the treatment plan for frequent headache."
    ),
    "topic.disability": N_("Disability is high ({scores})."),
    "topic.twitching": N_(
        "Muscle twitching with {attacks} of {total} attacks ({share}){sites}: what it means "
        "and whether it needs a look."
    ),
    "topic.relief": N_(
        "{name} gave good or complete relief in {good} of {rated} rated intakes: whether "
        "another acute treatment would help more."
    ),
    "topic.exposure": N_(
        "More attack days after {definition} (rate ratio {ratio}, 95% interval {low}-{high}): "
        "an association worth discussing, not proof of a cause."
    ),
    "topic.calm": N_("No threshold reached in {judged_text}: how well the current plan works."),
    "topic.unjudged": N_(
        "No complete month in the period, so no threshold was judged: a longer diary "
        "(three full months or more) lets the checks judge."
    ),
    "topic.empty": N_("The diary has no entries in this period: nothing was judged."),
    "topic.more_heading": N_("Topics to discuss (continued from page 1)"),
}


def message(key: str, **values: Any) -> str:
    """The catalogue sentence ``key`` in the current language with ``values`` filled in."""
    return _(MESSAGES[key]).format(**values)
