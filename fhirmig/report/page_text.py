"""The words and figures of page one's header and key-figure table.

Who the diary belongs to and its period, the key figures per 28 days beside the previous
period, drugs left out of every figure, the diagnoses and the treatments as reported: each
as text in the report's language (:mod:`fhirmig.report.i18n`), laid out by
:mod:`fhirmig.report.summary`. The web page's results use the same rows.
"""

from __future__ import annotations

from datetime import date

from fhirmig.analysis.types import CLASS_KEYS, Stats
from fhirmig.diary.model import Condition, Diary
from fhirmig.diary.timeparse import zone
from fhirmig.report.i18n import (
    N_,
    _,
    fmt_date,
    fmt_decimal,
    fmt_partial_date,
    joined,
    ngettext,
    qualified,
    vocabulary_name,
)
from fhirmig.report.topics import sessions_until, treatment_name

__all__ = [
    "class_label",
    "condition_text",
    "figure_rows",
    "not_counted_text",
    "patient_name",
    "period_text",
    "previous_recorded",
    "treatments_text",
]

_CLASS_LABELS = {
    "triptan": N_("Triptan days"),
    "ergot": N_("Ergot days"),
    "opioid": N_("Opioid days"),
    "combination_analgesic": N_("Combination-analgesic days"),
    "non_opioid_analgesic": N_("Non-opioid analgesic days (simple analgesics, NSAIDs)"),
    "other_acute": N_("Other acute medication days (gepants, ditans)"),
}
#: The status words of a condition, as the diary format spells them.
_STATUS_WORDS = {
    "active": N_("active"),
    "recurrence": N_("recurrence"),
    "relapse": N_("relapse"),
    "inactive": N_("inactive"),
    "remission": N_("remission"),
    "resolved": N_("resolved"),
    "unconfirmed": N_("unconfirmed"),
    "provisional": N_("provisional"),
    "differential": N_("differential"),
    "confirmed": N_("confirmed"),
    "refuted": N_("refuted"),
    "entered-in-error": N_("entered-in-error"),
}
#: The status words a condition gets when the diary leaves them out (not printed).
_UNSTATED_STATUS = {"clinical_status": "active", "verification_status": "provisional"}


def class_label(key: str) -> str:
    """Words for an ICHD-3 class key as a figure, e.g. ``Triptan days``."""
    words = _CLASS_LABELS.get(key)
    return _(words) if words else key.replace("_", " ")


def patient_name(diary: Diary) -> str:
    """The patient's name as written, else their id."""
    name = diary.patient.name
    if name is None or not (name.given or name.family):
        return _("Patient {id}").format(id=diary.patient.id)
    return " ".join([*name.given, *([name.family] if name.family else [])])


def period_text(stats: Stats) -> str:
    """``2026-08-01 to 2026-11-30`` or ``no data`` (in the current language)."""
    if stats.period_from is None or stats.period_to is None:
        return _("no data")
    return _("{first} to {last}").format(
        first=fmt_date(stats.period_from), last=fmt_date(stats.period_to)
    )


def _fmt(value: float | None) -> str:
    return fmt_decimal(value)


def _change(now: float, before: float) -> str:
    delta = round(now - before, 1)
    if delta == 0:
        return "±" + fmt_decimal(0.0)
    return f"{'+' if delta > 0 else '−'}{fmt_decimal(abs(delta))}"


def _rates(stats: Stats) -> dict[str, float]:
    from fhirmig.analysis import per_28_days

    days = stats.days_in_period
    return {
        **{k: per_28_days(n, days) for k, n in stats.class_days.items()},
        "attacks": per_28_days(stats.attacks, days),
        "twitching_attacks": per_28_days(stats.twitching_attacks, days),
        **stats.per_28_days,
    }


def previous_recorded(stats: Stats) -> bool:
    """Whether the diary has any recorded day in the previous period (else it was not kept,
    and a comparison with it would compare with nothing)."""
    prev = stats.previous
    return prev is not None and prev.coverage.recorded_days > 0


def figure_rows(stats: Stats, compare: bool = False) -> list[tuple[str, int, str, str, str]]:
    """(label, total, per 28 days, previous per 28 days, change) for the key figures.

    Rates the figures do not carry (class days, attacks) use the same per-28-days rule.
    The last two are empty unless ``compare`` (the previous period was recorded).
    """
    per = _rates(stats)
    before = _rates(stats.previous) if compare and stats.previous is not None else {}
    keys: list[tuple[str, str, int]] = [
        (_("Headache days"), "headache_days", stats.headache_days),
        (_("Migraine days"), "migraine_days", stats.migraine_days),
        (_("Acute-medication days"), "acute_medication_days", stats.acute_medication_days),
    ]
    for key in CLASS_KEYS:
        count = stats.class_days.get(key, 0)
        if count:
            keys.append((f"  {class_label(key)}", key, count))
    keys.append((_("Attacks"), "attacks", stats.attacks))
    keys.append((_("Attacks with muscle twitching"), "twitching_attacks", stats.twitching_attacks))
    rows = []
    for name, key, count in keys:
        now = per.get(key)
        prior = before.get(key)
        change = _change(now, prior) if now is not None and prior is not None else ""
        rows.append((name, count, _fmt(now), _fmt(prior) if before else "", change))
    return rows


def not_counted_text(diary: Diary, stats: Stats) -> str | None:
    """``Not counted as acute medication: A, B`` for drugs of class ``other`` taken in the period.

    A name the drug table could not classify stays ``other`` and so is in no figure above;
    the reader sees it named rather than missing.
    """
    from fhirmig.diary.drugs import left_other

    tz = zone(diary.patient.timezone)
    used: set[str] = set()
    for attack in diary.attacks:
        day = attack.start.astimezone(tz).date()
        if stats.period_from is not None and day < stats.period_from:
            continue
        if stats.period_to is not None and day > stats.period_to:
            continue
        used.update(i.medication for i in attack.medications)
    names = list(left_other(m for m in diary.medications if m.id in used))
    if not names:
        return None
    return _("Not counted as acute medication: {names}").format(names=joined(names, comma=True))


def condition_text(c: Condition) -> str:
    """A diagnosis as reported: name, then only the statuses and onset the diary gives."""
    parts: list[str] = [
        _(_STATUS_WORDS[value]) if value in _STATUS_WORDS else value
        for field, value in (
            ("clinical_status", c.clinical_status),
            ("verification_status", c.verification_status),
        )
        if value != _UNSTATED_STATUS[field]
    ]
    if c.onset:
        parts.append(_("since {onset}").format(onset=fmt_partial_date(c.onset)))
    name = c.text or _capitalised(vocabulary_name(c.code or "", "condition"))
    return qualified(name, joined(parts, comma=True)) if parts else name


def _capitalised(words: str) -> str:
    return words[:1].upper() + words[1:]


def treatments_text(diary: Diary, last: date | None) -> str:
    """Treatments as reported, with the sessions held by ``last`` (later ones as planned)."""
    items = []
    for t in diary.treatments:
        span = ""
        if t.start or t.end:
            end = fmt_date(t.end) if t.end else _("ongoing")
            span = f" {fmt_date(t.start, '')}–{end}"
        if t.dates:
            held = sessions_until(t, last)
            later = len(t.dates) - len(held)
            if held:
                span += ngettext(
                    ", {count} session (last {date})", ", {count} sessions (last {date})", len(held)
                ).format(count=len(held), date=fmt_date(held[-1]))
            if later:
                after = sorted(d for d in t.dates if d not in held)
                span += _(", {count} after the period ({dates})").format(
                    count=later, dates=joined((fmt_date(d) for d in after), comma=True)
                )
        items.append(f"{treatment_name(diary, t)}{span}")
    return joined(items)
