"""Topics to discuss, ranked so that the weightiest come first and none is dropped.

Each topic carries a rank: overuse and chronic frequency first, then disability, the
treatment plan, the diagnosis, then patterns (twitching, relief, daily factors). Page one
prints as many as fit and says how many more follow on the next page
(:func:`fhirmig.report.summary.page_one`); nothing is cut. Topics word an association as an
association and never diagnose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fhirmig.analysis.types import Stats
from fhirmig.diary.model import Diary, Treatment
from fhirmig.diary.vocabulary import ACUTE_CLASSES
from fhirmig.report.attack_text import exposure_words, sites_text
from fhirmig.report.findings import judged_text, latest_questionnaires
from fhirmig.report.i18n import (
    _,
    fmt_decimal,
    fmt_percent,
    joined,
    ngettext,
    npgettext,
    vocabulary_name,
)
from fhirmig.report.messages import message
from fhirmig.report.profile import AttackProfile

__all__ = [
    "PREVENTIVE_TYPES",
    "Topic",
    "change_words",
    "preventives_in_use",
    "ranked_topics",
    "treatment_name",
]

#: Treatment types that count as a preventive in use.
PREVENTIVE_TYPES = frozenset({"preventive-medication", "botulinum-toxin"})
#: A botulinum toxin session keeps counting as "in use" this long (the usual 12-week cycle).
BOTOX_CYCLE = timedelta(weeks=12)
#: A diary that covers less of its period than this gets a topic (its counts may be low).
COVERAGE_TOPIC_BELOW = 0.7


@dataclass(frozen=True, slots=True)
class Topic:
    """One topic: its rank (lower first) and its plain text (not markup)."""

    rank: int
    text: str


def treatment_name(diary: Diary, treatment: Treatment) -> str:
    """A treatment's name as written, else its medication's, else its type in words."""
    med = diary.medication(treatment.medication) if treatment.medication else None
    return treatment.name or (
        med.name if med else vocabulary_name(treatment.type, "treatment-type")
    )


def sessions_until(treatment: Treatment, last: date | None) -> list[date]:
    """The treatment's session dates up to ``last`` (all when ``last`` is None)."""
    return sorted(d for d in treatment.dates if last is None or d <= last)


def preventives_in_use(diary: Diary, on: date | None) -> list[Treatment]:
    """Preventive treatments in use on day ``on`` (the end of the period).

    A preventive medication is in use from its start to its end (open-ended when it has
    none); botulinum toxin from a session up to 12 weeks after it.
    """
    if on is None:
        return []
    out = []
    for t in diary.treatments:
        if t.type not in PREVENTIVE_TYPES:
            continue
        if t.type == "botulinum-toxin" and t.dates:
            past = sessions_until(t, on)
            if past and on - past[-1] <= BOTOX_CYCLE:
                out.append(t)
        elif t.start is not None and t.start <= on and (t.end is None or t.end >= on):
            out.append(t)
    return out


def _overuse(diary: Diary, stats: Stats) -> list[Topic]:
    over = stats.overuse.months_reached
    out: list[Topic] = []
    if over:
        count = len(over)
        unit = npgettext("overuse topic", "month", "months", count)
        using = preventives_in_use(diary, stats.period_to)
        if using:
            names = joined(treatment_name(diary, t) for t in using)
            out.append(
                Topic(10, message("topic.overuse_preventive", count=count, unit=unit, names=names))
            )
        else:
            out.append(Topic(10, message("topic.overuse", count=count, unit=unit)))
    if stats.chronic_frequency.months_reached:
        out.append(Topic(20, message("topic.chronic")))
    return out


def _disability(stats: Stats) -> list[Topic]:
    high = [
        f"{q.instrument} {q.score}"
        for q in latest_questionnaires(stats).values()
        if (q.instrument == "MIDAS" and q.grade in ("III", "IV"))
        or (q.instrument == "HIT-6" and q.score >= 60)
    ]
    return [Topic(30, message("topic.disability", scores=joined(high)))] if high else []


def _diagnosis(diary: Diary, profile: AttackProfile) -> list[Topic]:
    without = any(c.code == "migraine-without-aura" for c in diary.conditions)
    if without and profile.with_aura:
        text = ngettext(
            "{count} attack was logged with aura while the diagnosis reads migraine without "
            "aura: whether the diagnosis still fits.",
            "{count} attacks were logged with aura while the diagnosis reads migraine without "
            "aura: whether the diagnosis still fits.",
            profile.with_aura,
        ).format(count=profile.with_aura)
        return [Topic(50, text)]
    return []


def _response(diary: Diary, stats: Stats) -> list[Topic]:
    from fhirmig.report.response import treatment_label

    out = []
    for r in stats.treatment_response:
        change = r.migraine_day_reduction_percent
        if r.assessable and change is not None and change < 50:
            words = change_words(change)
            name = treatment_label(diary, r)
            out.append(Topic(40, message("topic.response", name=name, change=words)))
    return out


def _menstrual(stats: Stats) -> list[Topic]:
    m = stats.menstrual
    if m.pattern not in ("pure-menstrual", "menstrually-related"):
        return []
    pattern = message(f"menstrual.{m.pattern}")
    return [
        Topic(
            55,
            message(
                "topic.menstrual",
                with_migraine=m.cycles_with_migraine,
                cycles=m.cycles,
                pattern=pattern,
            ),
        )
    ]


def _coverage(stats: Stats) -> list[Topic]:
    cov = stats.coverage
    if cov.days and cov.share < COVERAGE_TOPIC_BELOW:
        text = message(
            "topic.coverage",
            recorded=cov.recorded_days,
            days=cov.days,
            share=fmt_percent(cov.share),
        )
        return [Topic(45, text)]
    return []


def _patterns(stats: Stats) -> list[Topic]:
    out: list[Topic] = []
    tw = stats.twitching
    if tw is not None and tw.attacks_with and tw.share is not None:
        sites = sites_text(tw.by_site)[0]
        where = _(", most often at {sites}").format(sites=sites) if sites else ""
        associated = [
            vocabulary_name(t.trigger, "trigger")
            for t in sorted(stats.twitching_triggers, key=lambda t: -(t.risk_ratio or 0))
            if t.associated
        ]
        if associated:
            where += _(", more often with {triggers} (an association)").format(
                triggers=joined(associated, comma=True)
            )
        out.append(
            Topic(
                60,
                message(
                    "topic.twitching",
                    attacks=tw.attacks_with,
                    total=tw.attacks_total,
                    share=fmt_percent(tw.share),
                    sites=where,
                ),
            )
        )
    for med in stats.medication_effect:
        share = med.good_or_complete_share
        acute = med.drug_class in ACUTE_CLASSES  # an antiemetic is not judged on pain relief
        if acute and med.rated >= 3 and share is not None and share < 0.5:
            out.append(
                Topic(
                    70,
                    message(
                        "topic.relief", name=med.name, good=med.good_or_complete, rated=med.rated
                    ),
                )
            )
    for exp in stats.exposures:
        if exp.enough_data and exp.ci_low is not None and exp.ci_low > 1 and exp.ratio:
            out.append(
                Topic(
                    80,
                    message(
                        "topic.exposure",
                        definition=exposure_words(exp.factor, exp.definition),
                        ratio=fmt_decimal(exp.ratio),
                        low=fmt_decimal(exp.ci_low),
                        high=fmt_decimal(exp.ci_high or 0),
                    ),
                )
            )
    return out


def change_words(change: float) -> str:
    """``fell by 12.5%`` or ``rose by 3.0%``: a change of migraine days in words."""
    percent = fmt_decimal(abs(change))
    if change >= 0:
        return _("fell by {percent}%").format(percent=percent)
    return _("rose by {percent}%").format(percent=percent)


def ranked_topics(diary: Diary, stats: Stats, profile: AttackProfile) -> list[Topic]:
    """Every topic of the period, weightiest first (a stable order for equal ranks)."""
    found = [
        *_overuse(diary, stats),
        *_disability(stats),
        *_response(diary, stats),
        *_coverage(stats),
        *_diagnosis(diary, profile),
        *_menstrual(stats),
        *_patterns(stats),
    ]
    if not found:
        judged = sum(1 for m in stats.months if m.complete)
        if not stats.months:
            found.append(Topic(90, message("topic.empty")))
        elif judged:
            found.append(Topic(90, message("topic.calm", judged_text=judged_text(judged))))
        else:
            found.append(Topic(90, message("topic.unjudged")))
    return sorted(found, key=lambda t: t.rank)
