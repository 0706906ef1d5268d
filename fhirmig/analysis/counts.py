"""Day-level counts: the day table, calendar months, and the ICHD-3 threshold checks.

Every count of the ``fhirmig stats`` contract is derived from one table with a row per day
of the period (:class:`~fhirmig.analysis.types.DayFigures`), so the period totals and the
month figures are sums over the same rows and can never disagree. Building the table walks
each attack's days once, so its cost grows with the days attacks touch, not with
attacks times days.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date

from fhirmig.analysis.days import (
    ONE_DAY,
    AttackDays,
    attack_end,
    day_range,
    is_twitching_attack,
    month_spans,
)
from fhirmig.analysis.types import (
    CLASS_KEYS,
    ICHD_CLASS_KEYS,
    DayFigures,
    MigraineDayDefinition,
    MonthFigures,
    ThresholdRun,
)
from fhirmig.diary.model import Attack, Diary
from fhirmig.diary.vocabulary import ACUTE_CLASSES, BODY_SITES, ICHD_CLASS_OF

__all__ = [
    "CHRONIC_HEADACHE_DAYS",
    "CHRONIC_MIGRAINE_DAYS",
    "OVERUSE_MULTIPLE_DAYS",
    "OVERUSE_NON_OPIOID_DAYS",
    "OVERUSE_SINGLE_CLASS_DAYS",
    "build_day_table",
    "class_day_counts",
    "ichd_migraine_attack",
    "is_twitching_attack",
    "month_figures",
    "sorted_attacks",
    "threshold_run",
]

#: ICHD-3 8.2: triptan, ergot, opioid or combination-analgesic days per month.
OVERUSE_SINGLE_CLASS_DAYS = 10
#: ICHD-3 8.2.3: simple analgesic and NSAID days (one class) per month.
OVERUSE_NON_OPIOID_DAYS = 15
#: ICHD-3 8.2.7: days with any ICHD-3-class medication, two or more classes used.
OVERUSE_MULTIPLE_DAYS = 10
#: ICHD-3 1.3: headache days and migraine days per month.
CHRONIC_HEADACHE_DAYS = 15
CHRONIC_MIGRAINE_DAYS = 8

_MIGRAINE_SPECIFIC = frozenset({"triptan", "ergot"})
_LEFT = frozenset(site for site in BODY_SITES if "left-" in site)
_RIGHT = frozenset(site for site in BODY_SITES if "right-" in site)


def _one_sided(locations: Sequence[str]) -> bool:
    return bool(locations) and (
        all(loc in _LEFT for loc in locations) or all(loc in _RIGHT for loc in locations)
    )


def ichd_migraine_attack(attack: Attack) -> bool:
    """The ``ichd`` migraine-attack features (ICHD-3 1.1 C and D, e-diary duration rule).

    At least 30 minutes (or of unknown duration), two of the four pain features and one
    of the accompanying symptoms.
    """
    symptoms = attack.symptoms
    accompanying = (
        "nausea" in symptoms
        or "vomiting" in symptoms
        or ("photophobia" in symptoms and "phonophobia" in symptoms)
    )
    if not accompanying:
        return False
    end = attack_end(attack)
    if end is not None and (end - attack.start).total_seconds() < 30 * 60:
        return False
    # Two of the four pain features: the cheap ones first, the lists only while needed.
    pain = int(attack.intensity >= 4) + int(attack.disability in ("moderate", "severe"))
    if pain < 2:
        pain += any(q in ("throbbing", "pulsating") for q in attack.pain_qualities)
    if pain < 2:
        pain += _one_sided(attack.pain_locations)
    return pain >= 2


def _migraine_attack(attack: Attack, definition: MigraineDayDefinition) -> bool:
    if attack.aura is True:
        return True
    if definition == "ichd":
        return ichd_migraine_attack(attack)
    return attack.kind == "migraine"


def sorted_attacks(diary: Diary) -> list[Attack]:
    """The attacks in time order (then by id), the order every listing uses."""
    return sorted(diary.attacks, key=lambda a: (a.start.astimezone(UTC), a.id))


# The bits of a day's flags in build_day_table: what the records touching it make of it.
_HEADACHE, _MIGRAINE, _AURA, _TWITCHING, _RECORDED, _HEADACHE_FREE = 1, 2, 4, 8, 16, 32
#: The bits above 63 are the day's acute-medication class keys: CLASS_KEYS[i] is 64 << i.
_CLASS_SHIFT = 6
#: Every set of class keys a day can have, by its bits (shifted down); rows share them.
_CLASS_SETS: tuple[frozenset[str], ...] = tuple(
    frozenset(key for i, key in enumerate(CLASS_KEYS) if mask >> i & 1)
    for mask in range(1 << len(CLASS_KEYS))
)


def _attack_bits(attack: Attack, twitching: bool, definition: MigraineDayDefinition) -> int:
    """The flags an attack sets on every day it touches."""
    bits = _RECORDED
    if attack.kind != "aura-only":
        bits |= _HEADACHE
    if _migraine_attack(attack, definition):
        bits |= _MIGRAINE
    if attack.aura is True or attack.kind == "aura-only":
        bits |= _AURA
    if twitching:
        bits |= _TWITCHING
    return bits


def _intake_bits(drug_class: str) -> int:
    """The flags an intake of ``drug_class`` sets on its day: recorded, its ICHD-3 class
    key when the class is acute, and migraine for a triptan or an ergot."""
    if drug_class not in ACUTE_CLASSES:
        return _RECORDED
    key = CLASS_KEYS.index(ICHD_CLASS_OF[drug_class])
    specific = _MIGRAINE if drug_class in _MIGRAINE_SPECIFIC else 0
    return _RECORDED | specific | 1 << (_CLASS_SHIFT + key)


def _mark_intakes(
    diary: Diary, index: Sequence[AttackDays], first: date, last: date, flags: dict[date, int]
) -> None:
    """Set the flags of every intake of the period on its day in ``flags``.

    A medication id missing from the catalogue counts as class ``other``.
    """
    class_of = {med.id: med.drug_class for med in diary.medications}
    bits_of = {med_id: _intake_bits(drug_class) for med_id, drug_class in class_of.items()}
    unknown = _intake_bits("other")
    for item in index:
        if not item.intake_days:
            continue
        for intake, day in zip(item.attack.medications, item.intake_days, strict=True):
            if first <= day <= last:
                flags[day] = flags.get(day, 0) | bits_of.get(intake.medication, unknown)


def build_day_table(
    diary: Diary,
    index: Sequence[AttackDays],
    first: date,
    last: date,
    definition: MigraineDayDefinition,
) -> tuple[DayFigures, ...]:
    """One :class:`DayFigures` per day from ``first`` to ``last``.

    A day is ``recorded`` when an attack touches it, an intake (of any medication) falls on
    it, or the diary has a ``days`` entry for it; ``headache_free`` when that entry says so.

    ``index`` is :func:`~fhirmig.analysis.days.index_attacks` of the attacks in time order.
    A day's yes/no figures and its medication classes are gathered as the bits of one
    integer, so each day a record touches costs a few dictionary operations and no object.
    """
    flags: dict[date, int] = {}
    peaks: dict[date, int] = {}
    # Tuples, grown by one id per attack: a day has few attacks, and a row takes the tuple.
    attack_ids: dict[date, tuple[str, ...]] = {}
    for item in index:
        day = item.first if item.first > first else first
        hi = item.last if item.last < last else last
        if day > hi:
            continue
        attack = item.attack
        bits = _attack_bits(attack, item.twitching, definition)
        intensity, attack_id = attack.intensity, (attack.id,)
        while day <= hi:
            flags[day] = flags.get(day, 0) | bits
            if peaks.get(day, -1) < intensity:
                peaks[day] = intensity
            attack_ids[day] = attack_ids.get(day, ()) + attack_id
            day += ONE_DAY
    _mark_intakes(diary, index, first, last, flags)
    for entry in diary.days:
        if first <= entry.date <= last:
            bits = flags.get(entry.date, 0) | _RECORDED
            if entry.headache_free is True:
                bits |= _HEADACHE_FREE
            else:
                bits &= ~_HEADACHE_FREE
            flags[entry.date] = bits
    table = []
    for day in day_range(first, last):
        bits = flags.get(day, 0)
        classes = bits >> _CLASS_SHIFT
        table.append(
            DayFigures(
                day=day,
                headache=(bits & _HEADACHE) != 0,
                migraine=(bits & _MIGRAINE) != 0,
                aura=(bits & _AURA) != 0,
                peak_intensity=peaks.get(day),
                classes=_CLASS_SETS[classes],
                acute_medication=classes != 0,
                twitching=(bits & _TWITCHING) != 0,
                attack_ids=attack_ids.get(day, ()),
                recorded=(bits & _RECORDED) != 0,
                headache_free=(bits & _HEADACHE_FREE) != 0,
            )
        )
    return tuple(table)


def class_day_counts(rows: Sequence[DayFigures]) -> dict[str, int]:
    """Days per class key (CLASS_KEYS order) over ``rows``."""
    counts = dict.fromkeys(CLASS_KEYS, 0)
    for row in rows:
        for key in row.classes:
            counts[key] += 1
    return counts


def _overuse_reasons(rows: Sequence[DayFigures], class_days: dict[str, int]) -> tuple[str, ...]:
    reasons = [
        key
        for key in ("triptan", "ergot", "opioid", "combination_analgesic")
        if class_days[key] >= OVERUSE_SINGLE_CLASS_DAYS
    ]
    if class_days["non_opioid_analgesic"] >= OVERUSE_NON_OPIOID_DAYS:
        reasons.append("non_opioid_analgesic")
    ichd = frozenset(ICHD_CLASS_KEYS)
    any_class_days = sum(1 for row in rows if row.classes & ichd)
    classes_used = sum(1 for key in ICHD_CLASS_KEYS if class_days[key] > 0)
    if any_class_days >= OVERUSE_MULTIPLE_DAYS and classes_used >= 2:
        reasons.append("multiple_classes")
    return tuple(reasons)


def month_figures(table: Sequence[DayFigures]) -> tuple[MonthFigures, ...]:
    """The calendar months of a (contiguous) day table; only complete months are judged."""
    if not table:
        return ()
    first = table[0].day
    months = []
    for key, lo, hi, complete in month_spans(first, table[-1].day):
        rows = table[(lo - first).days : (hi - first).days + 1]
        class_days = class_day_counts(rows)
        headache = sum(row.headache for row in rows)
        migraine = sum(row.migraine for row in rows)
        reasons = _overuse_reasons(rows, class_days) if complete else ()
        months.append(
            MonthFigures(
                month=key,
                days=len(rows),
                complete=complete,
                headache_days=headache,
                migraine_days=migraine,
                acute_medication_days=sum(row.acute_medication for row in rows),
                class_days=class_days,
                overuse_threshold_reached=bool(reasons),
                chronic_frequency_reached=complete
                and headache >= CHRONIC_HEADACHE_DAYS
                and migraine >= CHRONIC_MIGRAINE_DAYS,
                overuse_reasons=reasons,
                recorded_days=sum(row.recorded for row in rows),
            )
        )
    return tuple(months)


def _month_index(key: str) -> int:
    return int(key[:4]) * 12 + int(key[5:7]) - 1


def threshold_run(months: Sequence[str]) -> ThresholdRun:
    """The months reached (in order) and the longest run of consecutive calendar months."""
    ordered = sorted(months)
    longest = run = 0
    previous: int | None = None
    for key in ordered:
        index = _month_index(key)
        run = run + 1 if previous is not None and index == previous + 1 else 1
        longest = max(longest, run)
        previous = index
    return ThresholdRun(months_reached=tuple(ordered), longest_run=longest)
