"""Page one of the report: who, which period, the key figures and what to discuss.

A neurologist should grasp it in two minutes. Threshold checks are worded as patterns for
discussion ("threshold reached"), never as a diagnosis.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fhirmig.analysis.types import CLASS_KEYS, Stats
from fhirmig.diary.model import Diary
from fhirmig.diary.timeparse import zone
from fhirmig.diary.vocabulary import ACUTE_CLASSES, label
from fhirmig.report.fonts import markup
from fhirmig.report.styles import paragraph, styles, table_style, text_paragraph

__all__ = [
    "class_label",
    "class_words",
    "figure_rows",
    "grade_text",
    "not_counted_text",
    "page_one",
    "patient_name",
    "period_text",
    "topics",
]

#: Identifiers listed on page one; a note says how many more the diary has.
PAGE_ONE_IDENTIFIERS = 5

_CLASS_LABELS = {
    "triptan": "Triptan days",
    "ergot": "Ergot days",
    "opioid": "Opioid days",
    "combination_analgesic": "Combination-analgesic days",
    "non_opioid_analgesic": "Non-opioid analgesic days (simple analgesics, NSAIDs)",
    "other_acute": "Other acute medication days (gepants, ditans)",
}


_CLASS_WORDS = {
    "combination_analgesic": "combination analgesic",
    "non_opioid_analgesic": "non-opioid analgesic",
    "other_acute": "gepant or ditan",
    "multiple_classes": "two or more classes",
}


def class_label(key: str) -> str:
    """Words for an ICHD-3 class key as a figure, e.g. ``Triptan days``."""
    return _CLASS_LABELS.get(key, key.replace("_", " "))


def class_words(key: str) -> str:
    """An ICHD-3 class key (or ``multiple_classes``) in words: ``non-opioid analgesic``."""
    return _CLASS_WORDS.get(key, key.replace("_", " "))


def grade_text(grade: str) -> str:
    """A questionnaire grade for print: ``>=60`` becomes ``≥60``; others unchanged."""
    return grade.replace(">=", "≥").replace("<=", "≤")


def patient_name(diary: Diary) -> str:
    """The patient's name as written, else their id."""
    name = diary.patient.name
    if name is None or not (name.given or name.family):
        return f"Patient {diary.patient.id}"
    return " ".join([*name.given, *([name.family] if name.family else [])])


def period_text(stats: Stats) -> str:
    """``2026-08-01 to 2026-11-30`` or ``no data``."""
    if stats.period_from is None or stats.period_to is None:
        return "no data"
    return f"{stats.period_from.isoformat()} to {stats.period_to.isoformat()}"


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def figure_rows(stats: Stats) -> list[tuple[str, int, str]]:
    """(label, total, per-28-days text) for the key-figure table, in reading order.

    Rates the figures do not carry (class days, attacks) use the same per-28-days rule.
    """
    from fhirmig.analysis import per_28_days

    days = stats.days_in_period
    per = {
        **{k: per_28_days(n, days) for k, n in stats.class_days.items()},
        "attacks": per_28_days(stats.attacks, days),
        "twitching_attacks": per_28_days(stats.twitching_attacks, days),
        **stats.per_28_days,
    }
    rows: list[tuple[str, int, str]] = [
        ("Headache days", stats.headache_days, _fmt(per.get("headache_days"))),
        ("Migraine days", stats.migraine_days, _fmt(per.get("migraine_days"))),
        (
            "Acute-medication days",
            stats.acute_medication_days,
            _fmt(per.get("acute_medication_days")),
        ),
    ]
    for key in CLASS_KEYS:
        count = stats.class_days.get(key, 0)
        if count:
            rows.append((f"  {class_label(key)}", count, _fmt(per.get(key))))
    rows.append(("Attacks", stats.attacks, _fmt(per.get("attacks"))))
    rows.append(
        (
            "Attacks with muscle twitching",
            stats.twitching_attacks,
            _fmt(per.get("twitching_attacks")),
        )
    )
    return rows


def _threshold_lines(stats: Stats) -> list[str]:
    judged = sum(1 for m in stats.months if m.complete)
    lines: list[str] = []
    over = stats.overuse
    if over.months_reached:
        reasons: dict[str, int] = {}
        for m in stats.months:
            for r in m.overuse_reasons:
                reasons[r] = reasons.get(r, 0) + 1
        why = ", ".join(
            f"{class_words(r)} in {n} month{'s' if n > 1 else ''}"
            for r, n in sorted(reasons.items())
        )
        lines.append(
            f"<b>Medication-overuse threshold (ICHD-3 8.2) reached</b> in "
            f"{len(over.months_reached)} of {judged} complete months "
            f"({', '.join(over.months_reached)}; longest run {over.longest_run} months"
            f"{'; ' + why if why else ''}). A pattern for discussion, not a diagnosis."
        )
    elif judged:
        lines.append(
            f"Medication-overuse threshold not reached in any of {judged} complete months."
        )
    else:
        lines.append("Medication-overuse threshold not judged: no complete month in the period.")
    chronic = stats.chronic_frequency
    if chronic.months_reached:
        lines.append(
            f"<b>Chronic-migraine frequency (15+ headache days with 8+ migraine days) reached</b> "
            f"in {len(chronic.months_reached)} of {judged} complete months "
            f"({', '.join(chronic.months_reached)}; longest run {chronic.longest_run} months). "
            "A pattern for discussion, not a diagnosis."
        )
    elif judged:
        lines.append(f"Chronic-migraine frequency not reached in any of {judged} complete months.")
    else:
        lines.append("Chronic-migraine frequency not judged: no complete month in the period.")
    return lines


def topics(diary: Diary, stats: Stats) -> list[str]:
    """A few "topics to discuss", derived from the figures (plain text, not markup)."""
    out: list[str] = []
    if stats.overuse.months_reached:
        out.append(
            "Acute medication was taken on many days: limits for acute treatment and whether "
            "a preventive treatment fits."
        )
    if stats.chronic_frequency.months_reached:
        out.append(
            "Headache frequency in the chronic range: the treatment plan for frequent headache."
        )
    tw = stats.twitching
    if tw is not None and tw.attacks_with and tw.share is not None:
        site = max(tw.by_site.items(), key=lambda kv: (kv[1], kv[0]))[0] if tw.by_site else None
        out.append(
            f"Muscle twitching with {tw.attacks_with} of {tw.attacks_total} attacks "
            f"({tw.share:.0%})"
            + (f", most often at {label(site)}" if site else "")
            + ": what it means and whether it needs a look."
        )
    for med in stats.medication_effect:
        share = med.good_or_complete_share
        acute = med.drug_class in ACUTE_CLASSES  # an antiemetic is not judged on pain relief
        if acute and med.rated >= 3 and share is not None and share < 0.5:
            out.append(
                f"{med.name} gave good or complete relief in {med.good_or_complete} of "
                f"{med.rated} rated intakes: whether another acute treatment would help more."
            )
    for exp in stats.exposures:
        if exp.enough_data and exp.ci_low is not None and exp.ci_low > 1 and exp.ratio:
            out.append(
                f"More attack days after {exp.definition} (rate ratio {exp.ratio:.1f}, "
                f"95% interval {exp.ci_low:.1f}-{exp.ci_high or 0:.1f}): a factor to work on."
            )
    for q in _latest_questionnaires(stats).values():
        if (q.instrument == "MIDAS" and q.grade in ("III", "IV")) or (
            q.instrument == "HIT-6" and q.score >= 60
        ):
            out.append(f"Disability is high ({q.instrument} {q.score}, {q.band}).")
    if not out:
        out.append("No threshold reached in this period: how well the current plan works.")
    return out[:6]


def _latest_questionnaires(stats: Stats) -> dict[str, Any]:
    latest: dict[str, Any] = {}
    for q in sorted(stats.questionnaires, key=lambda q: q.date):
        latest[q.instrument] = q
    return latest


def _patient_block(
    diary: Diary, stats: Stats, generated: date | None, width: float
) -> list[list[Any]]:
    """Rows of label and value; ``width`` is that of the value column."""
    st = styles()
    p = diary.patient
    shown = p.identifiers[:PAGE_ONE_IDENTIFIERS]
    ids = "; ".join(f"{i.value} ({i.system})" for i in shown) or "–"
    if len(p.identifiers) > len(shown):
        ids += f"; and {len(p.identifiers) - len(shown)} more"
    rows = [
        ("Patient", text_paragraph(patient_name(diary), st.cell_bold, width - 6)),
        ("Birth date", paragraph(p.birth_date.isoformat() if p.birth_date else "–", st.cell)),
        ("Identifiers", text_paragraph(ids, st.cell, width - 6)),
        (
            "Period",
            text_paragraph(
                f"{period_text(stats)} ({stats.days_in_period} days, {p.timezone})",
                st.cell,
                width - 6,
            ),
        ),
        ("Generated", paragraph(generated.isoformat() if generated else "not stated", st.cell)),
    ]
    return [[paragraph(k, st.cell_bold), v] for k, v in rows]


def page_one(diary: Diary, stats: Stats, generated: date | None, width: float) -> list[Any]:
    """The flowables of page one."""
    from reportlab.platypus import Spacer, Table

    st = styles()
    out: list[Any] = [paragraph("Headache diary report", st.title), Spacer(1, 4)]
    # splitInRow: a very long name still lays out, running over to the next page
    block = _patient_block(diary, stats, generated, width - 70)
    who = Table(block, colWidths=[70, width - 70], splitInRow=1)
    who.setStyle(table_style(0, zebra=False))
    out += [who, paragraph("Key figures", st.h2)]
    data: list[list[Any]] = [["", "Total", "Per 28 days"]]
    data += [[paragraph(markup(name), st.cell), str(n), per] for name, n, per in figure_rows(stats)]
    figures = Table(data, colWidths=[width - 140, 70, 70], repeatRows=1)
    figures.setStyle(table_style())
    out.append(figures)
    not_counted = not_counted_text(diary, stats)
    if not_counted:
        out.append(text_paragraph(not_counted, st.body, width))
    out.append(paragraph("Threshold patterns (for discussion)", st.h2))
    out += [paragraph(line, st.bullet, bulletText="•") for line in _threshold_lines(stats)]
    out.append(paragraph("Diagnoses and treatments (as reported)", st.h2))
    conditions = [
        f"{c.text or label(c.code or '')} ({c.clinical_status}, "
        f"{c.verification_status}{', since ' + c.onset if c.onset else ''})"
        for c in diary.conditions
    ]
    diagnoses = "Diagnoses: " + ("; ".join(conditions) or "none recorded")
    out.append(text_paragraph(diagnoses, st.body, width))
    treatments = "Treatments: " + (_treatments_line(diary) or "none recorded")
    out.append(text_paragraph(treatments, st.body, width))
    latest = _latest_questionnaires(stats)
    if latest:
        text = "; ".join(
            f"{q.instrument} {q.score} on {q.date.isoformat()} "
            f"(grade {grade_text(q.grade)}, {q.band})"
            for q in latest.values()
        )
        out.append(text_paragraph(f"Latest questionnaires: {text}", st.body, width))
    out.append(paragraph("Topics to discuss", st.h2))
    out += [text_paragraph(t, st.bullet, width, bulletText="•") for t in topics(diary, stats)]
    return out


def not_counted_text(diary: Diary, stats: Stats) -> str | None:
    """``Not counted as acute medication: A, B`` for drugs of class ``other`` taken in the period.

    A name the drug table could not classify stays ``other`` and so is in no figure above;
    the reader sees it named rather than missing.
    """
    from fhirmig.diary.drugs import left_other, not_counted_line

    tz = zone(diary.patient.timezone)
    used: set[str] = set()
    for attack in diary.attacks:
        day = attack.start.astimezone(tz).date()
        if stats.period_from is not None and day < stats.period_from:
            continue
        if stats.period_to is not None and day > stats.period_to:
            continue
        used.update(i.medication for i in attack.medications)
    line = not_counted_line(left_other(m for m in diary.medications if m.id in used))
    return line[:1].upper() + line[1:] if line else None


def _treatments_line(diary: Diary) -> str:
    items = []
    for t in diary.treatments:
        med = diary.medication(t.medication) if t.medication else None
        name = t.name or (med.name if med else label(t.type))
        span = ""
        if t.start or t.end:
            span = f" {t.start or ''}–{t.end or 'ongoing'}"
        if t.dates:
            span += f", {len(t.dates)} session{'s' if len(t.dates) > 1 else ''}"
        items.append(f"{name}{span}")
    return "; ".join(items)
