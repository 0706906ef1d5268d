"""What the patient did about the attacks: medication effect, relief methods, and the
MIDAS and HIT-6 questionnaires with their grade bands."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from statistics import median

from fhirmig.analysis.types import MedicationFigures, QuestionnaireFigures, ReliefFigures
from fhirmig.diary.model import Attack, Medication, Questionnaire
from fhirmig.diary.vocabulary import EFFECTS

__all__ = [
    "EFFECT_KEYS",
    "HIT6_BANDS",
    "MIDAS_GRADES",
    "grade_questionnaire",
    "medication_figures",
    "questionnaire_figures",
    "relief_figures",
]

#: Effect levels of a relief rating, in the order the figures list them.
EFFECT_KEYS: tuple[str, ...] = (*EFFECTS, "unrated")
#: MIDAS grades (Stewart et al. 2001): (highest score, grade, words).
MIDAS_GRADES: tuple[tuple[int, str, str], ...] = (
    (5, "I", "little or no disability"),
    (10, "II", "mild disability"),
    (20, "III", "moderate disability"),
    (270, "IV", "severe disability"),
)
#: HIT-6 impact bands: (highest score, band label, words).
HIT6_BANDS: tuple[tuple[int, str, str], ...] = (
    (49, "<=49", "little or no impact"),
    (55, "50-55", "some impact"),
    (59, "56-59", "substantial impact"),
    (78, ">=60", "severe impact"),
)


def medication_figures(
    attacks: Sequence[Attack], catalogue: Sequence[Medication]
) -> tuple[MedicationFigures, ...]:
    """Per catalogue medication taken for ``attacks``: intakes, relief, time to intake.

    Listed in catalogue order; a medication never taken in the period is left out.
    """
    intakes: dict[str, list[tuple[str | None, float | None]]] = {}
    for attack in attacks:
        for intake in attack.medications:
            minutes = None
            if intake.taken is not None:
                minutes = (intake.taken - attack.start).total_seconds() / 60
            intakes.setdefault(intake.medication, []).append((intake.relief, minutes))
    figures = []
    for med in catalogue:
        rows = intakes.get(med.id)
        if not rows:
            continue
        rated = [relief for relief, _ in rows if relief is not None]
        good = sum(1 for relief in rated if relief in ("good", "complete"))
        times = [m for _, m in rows if m is not None]
        figures.append(
            MedicationFigures(
                medication_id=med.id,
                name=med.name,
                drug_class=med.drug_class,
                intakes=len(rows),
                rated=len(rated),
                good_or_complete=good,
                good_or_complete_share=good / len(rated) if rated else None,
                median_minutes_to_intake=float(median(times)) if times else None,
            )
        )
    return tuple(figures)


def relief_figures(attacks: Sequence[Attack]) -> tuple[ReliefFigures, ...]:
    """Each non-drug relief method used in ``attacks``, with its effects, most used first."""
    uses = Counter(
        (use.method, use.effect or "unrated") for attack in attacks for use in attack.relief_methods
    )
    effects: dict[str, Counter[str]] = {}
    for (method, effect), n in uses.items():
        effects.setdefault(method, Counter())[effect] += n
    rows = [
        ReliefFigures(
            method=method,
            uses=sum(counter.values()),
            effects={key: counter[key] for key in EFFECT_KEYS},
        )
        for method, counter in effects.items()
    ]
    return tuple(sorted(rows, key=lambda r: (-r.uses, r.method)))


def grade_questionnaire(instrument: str, score: int) -> tuple[str, str]:
    """The grade (MIDAS ``I``-``IV``) or band (HIT-6) of a score, and its words."""
    table = MIDAS_GRADES if instrument == "MIDAS" else HIT6_BANDS
    for highest, grade, words in table:
        if score <= highest:
            return grade, words
    return table[-1][1], table[-1][2]


def questionnaire_figures(
    questionnaires: Sequence[Questionnaire], first: date | None, last: date | None
) -> tuple[QuestionnaireFigures, ...]:
    """The questionnaires dated inside the period (all of them without a period), by date."""
    chosen = [q for q in questionnaires if first is None or last is None or first <= q.date <= last]
    chosen.sort(key=lambda q: (q.date, q.instrument))
    figures = []
    for q in chosen:
        grade, band = grade_questionnaire(q.instrument, q.score)
        figures.append(
            QuestionnaireFigures(
                instrument=q.instrument, date=q.date, score=q.score, grade=grade, band=band
            )
        )
    return tuple(figures)
