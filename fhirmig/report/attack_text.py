"""The attacks of page one in words: their profile, the sites of twitching and the
triggers associated with it, and the daily factors of the exposure comparisons.

Each function returns report markup (user text escaped through
:func:`~fhirmig.report.fonts.markup`) in the current language, worded by
:mod:`fhirmig.report.messages`; the threshold, questionnaire, coverage and menstrual
findings are in :mod:`fhirmig.report.findings`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from fhirmig.analysis.types import Stats
from fhirmig.report.findings import join_sentences
from fhirmig.report.fonts import markup
from fhirmig.report.i18n import (
    DEFAULT_LANGUAGE,
    _,
    current_language,
    fmt_decimal,
    fmt_percent,
    list_text,
    npgettext,
    vocabulary_name,
)
from fhirmig.report.messages import message
from fhirmig.report.profile import AttackProfile, duration_text

__all__ = [
    "associated_triggers",
    "exposure_words",
    "most_often_sites",
    "profile_lines",
    "sites_text",
    "twitching_lines",
]


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return str(int(value)) if float(value).is_integer() else fmt_decimal(value)


def profile_lines(profile: AttackProfile) -> list[str]:
    """Duration, intensity spread, aura and disability of the attacks (markup)."""
    if not profile.attacks:
        return [message("profile.none")]
    lines = []
    if profile.timed:
        lines.append(
            message(
                "profile.duration",
                median=duration_text(profile.duration_median),
                low=duration_text(profile.duration_min),
                high=duration_text(profile.duration_max),
                timed=profile.timed,
                attacks=profile.attacks,
            )
        )
    else:
        lines.append(message("profile.no_duration"))
    lines.append(
        message(
            "profile.intensity",
            median=_number(profile.intensity_median),
            low=profile.intensity_min,
            high=profile.intensity_max,
            **profile.bands,
        )
    )
    only = (
        _(", {count} of them aura only").format(count=profile.aura_only)
        if profile.aura_only
        else ""
    )
    lines.append(
        message("profile.aura", aura=profile.with_aura, attacks=profile.attacks, only=only)
    )
    if profile.disability_recorded:
        lines.append(
            message(
                "profile.disability",
                disabling=profile.disabling,
                recorded=profile.disability_recorded,
            )
        )
    else:
        lines.append(message("profile.no_disability"))
    return [lines[0], lines[1], join_sentences(lines[2:])]


def most_often_sites(by_site: dict[str, int]) -> tuple[list[str], int]:
    """Every site with the highest count (tied sites all named, in name order), and it."""
    if not by_site:
        return [], 0
    top = max(by_site.values())
    return sorted(vocabulary_name(s, "body-site") for s, n in by_site.items() if n == top), top


def _and(words: Sequence[str]) -> str:
    return list_text(list(words))


def sites_text(by_site: dict[str, int]) -> tuple[str, int, int]:
    """(``left eyelid and neck``, count, number of tied sites)."""
    sites, top = most_often_sites(by_site)
    return _and(sites), top, len(sites)


def associated_triggers(stats: Stats) -> list[str]:
    """Triggers associated with twitching, strongest first, each with its risk ratio and
    interval (markup): only those with enough data whose whole interval lies above 1."""
    found = [t for t in stats.twitching_triggers if t.associated and t.risk_ratio is not None]
    found.sort(key=lambda t: (-(t.risk_ratio or 0), t.trigger))
    return [
        _("{trigger} (risk ratio {ratio}, 95% interval {low}-{high})").format(
            trigger=markup(vocabulary_name(t.trigger, "trigger")),
            ratio=fmt_decimal(t.risk_ratio, 2),
            low=fmt_decimal(t.ci95[0], 2),
            high=fmt_decimal(t.ci95[1], 2),
        )
        for t in found
        if t.ci95 is not None
    ]


def _trigger_line(stats: Stats) -> str:
    associated = associated_triggers(stats)
    if associated:
        return message("twitching.associated", items=_and(associated))
    enough = sum(1 for t in stats.twitching_triggers if t.enough_data)
    if enough:
        return npgettext(
            "twitching",
            "No trigger was associated with twitching ({count} trigger had enough attacks "
            "with and without it to compare).",
            "No trigger was associated with twitching ({count} triggers had enough attacks "
            "with and without them to compare).",
            enough,
        ).format(count=enough)
    return message("twitching.too_few")


def twitching_lines(stats: Stats) -> list[str]:
    """The twitching lines of page one: share of attacks, the most frequent sites, and the
    triggers associated with twitching where there is enough data."""
    tw = stats.twitching
    if tw is None or not tw.attacks_with or tw.share is None:
        return [message("twitching.none")]
    sites, top, tied = sites_text(tw.by_site)
    return [
        message(
            "twitching.share",
            attacks=tw.attacks_with,
            total=tw.attacks_total,
            share=fmt_percent(tw.share),
            sites=markup(sites),
            count=top,
            unit=npgettext("twitching sites", "attack", "attacks", top),
            each=_(" each") if tied > 1 else "",
        ),
        _trigger_line(stats),
    ]


def exposure_words(factor: str, definition: str) -> str:
    """A daily factor of the exposure comparisons in words, in the current language.

    ``stats`` words each factor in English (``definition``, a contract value); the known
    factors are worded from the catalogue, the caffeine median taken from that text.
    """
    if current_language() == DEFAULT_LANGUAGE:
        return definition
    if factor == "short-sleep":
        return _("sleep under 6 hours the day before")
    if factor == "high-stress":
        return _("stress 7 or more (0-10) the day before")
    found = re.search(r"\(([0-9.]+) mg\)", definition)
    if factor == "high-caffeine" and found:
        median = float(found[1])
        amount = str(int(median)) if median.is_integer() else fmt_decimal(median, 1)
        return _("caffeine above the patient's median ({amount} mg) the day before").format(
            amount=amount
        )
    return definition
