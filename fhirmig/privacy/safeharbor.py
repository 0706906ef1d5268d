"""A research export that meets HIPAA Safe Harbor (45 CFR 164.514(b)(2)): three tables.

:func:`safe_harbor_tables` turns diaries into the rows of ``patients.csv`` (one per
patient), ``attacks.csv`` (one per attack) and ``days.csv`` (one per daily entry). Each
point follows one item of 164.514(b)(2)(i) (docs/security.md has the same list):

- no identifier of the patient (items A to R): no name, id, record id or file name; each
  patient gets a *study code* drawn at random (:func:`new_study_code`), not derived from
  any of them, as 164.514(c)(1) asks of a re-identification code; the mapping to the
  originals is the caller's to keep (``fhirmig deidentify --mapping``);
- no element of a date but the year (item C): the birth year, the year of the first diary
  day, and for every event its offset in days from the patient's first diary day and its
  clock time. No per-event year: near a new year it would pin offsets to dates;
- ages over 89 (item C): the birth year is ``90+`` when the patient is, or may be, 90 or
  older at the later of the last diary day and the export day;
- no geographic unit smaller than a state (item B): the time zone is not written (zone
  names are city names);
- no free text (any item could hide in it): list entries that are not vocabulary keys
  become ``other``, notes, descriptions, doses and medication names are left out; a drug
  is written as its class.

The period figures are the caller's: the ``fhirmig stats --json`` object computed on the
original diary, before any date is removed (this package does not compute figures).
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, tzinfo
from typing import Any

from fhirmig.diary.model import Attack, DayEntry, Diary
from fhirmig.diary.vocabulary import (
    BODY_SITES,
    PAIN_QUALITIES,
    RELIEF_METHODS,
    SYMPTOMS,
    TRIGGERS,
)
from fhirmig.errors import PrivacyError
from fhirmig.privacy.deidentify import OTHER, SAFE_HARBOR_AGE

__all__ = [
    "ATTACK_COLUMNS",
    "DAY_COLUMNS",
    "FIGURE_KEYS",
    "OVER_89",
    "PATIENT_COLUMNS",
    "SafeHarborTables",
    "figure_columns",
    "new_study_code",
    "safe_harbor_tables",
    "write_tables",
]

#: The birth year of a patient who is, or may be, 90 or older (164.514(b)(2)(i)(C)).
OVER_89 = f"{SAFE_HARBOR_AGE}+"
#: The ``stats --json`` keys copied into ``patients.csv``; nested ones as ``key.sub``.
FIGURE_KEYS = (
    "attacks",
    "headache_days",
    "migraine_days",
    "acute_medication_days",
    "class_days",
    "per_28_days",
    "twitching_attacks",
)
PATIENT_COLUMNS = ("study_code", "sex", "birth_year", "first_year", "period.days")
ATTACK_COLUMNS = (
    "study_code",
    "attack",
    "day",
    "time",
    "duration_minutes",
    "intensity",
    "kind",
    "aura",
    "disability",
    "pain_locations",
    "pain_qualities",
    "symptoms",
    "premonitory_symptoms",
    "triggers",
    "drug_classes",
    "relief_methods",
    "twitching_episodes",
)
DAY_COLUMNS = (
    "study_code",
    "day",
    "sleep_hours",
    "sleep_quality",
    "stress",
    "caffeine_mg",
    "alcohol_units",
    "exercise_minutes",
    "menstruation",
    "headache_free",
)
# Consonants only: a code can spell no month or day name and holds no digit.
_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ"
_CODE_LENGTH = 10  # 20**10: about 43 bits


@dataclass(slots=True)
class SafeHarborTables:
    """The rows of the three tables; each row a tuple of cells in the columns' order.

    ``patients`` rows are kept sorted by study code, so their order says nothing about
    the order or the names of the inputs.
    """

    patient_columns: tuple[str, ...]
    patients: list[tuple[str, ...]] = field(default_factory=list)
    attacks: list[tuple[str, ...]] = field(default_factory=list)
    days: list[tuple[str, ...]] = field(default_factory=list)

    def sort(self) -> None:
        """Order every table by study code, then attack or day (in place)."""
        self.patients.sort()
        self.attacks.sort(key=lambda r: (r[0], int(r[1])))
        self.days.sort(key=lambda r: (r[0], int(r[1])))


def new_study_code(taken: Iterable[str] = ()) -> str:
    """A random study code (``SC-`` and 10 consonants), none of ``taken``.

    Drawn from the operating system's CSPRNG and derived from nothing: knowing a patient's
    id, name or diary does not tell their code, and no key can recompute it.
    """
    used = set(taken)
    while True:
        code = "SC-" + "".join(secrets.choice(_CODE_LETTERS) for _ in range(_CODE_LENGTH))
        if code not in used:
            return code


def figure_columns(figures: Mapping[str, Any]) -> tuple[str, ...]:
    """The ``patients.csv`` columns of the figures: :data:`FIGURE_KEYS`, nested flattened."""
    columns: list[str] = []
    for key in FIGURE_KEYS:
        value = figures[key]
        if isinstance(value, Mapping):
            columns += [f"{key}.{sub}" for sub in value]
        else:
            columns.append(key)
    return tuple(columns)


def safe_harbor_tables(
    diaries: Sequence[tuple[Diary, Mapping[str, Any], str]], today: date
) -> SafeHarborTables:
    """The three tables of ``diaries``: each a diary, its ``stats --json`` figures (over
    its whole period) and its study code.

    ``today`` is the day of the export (the run's clock): with the last diary day it
    decides who is 90 or older.

    Raises:
        PrivacyError: two diaries of one patient (their rows would be two patients), or
            two diaries with one study code.
    """
    columns = figure_columns(diaries[0][1]) if diaries else figure_columns(_EMPTY)
    tables = SafeHarborTables(PATIENT_COLUMNS + columns)
    seen: set[str] = set()
    codes: set[str] = set()
    for diary, figures, code in diaries:
        if diary.patient.id in seen:
            raise PrivacyError(
                "two inputs hold the same patient; merge them into one diary first, "
                "so that the patient is one row"
            )
        if code in codes:
            raise PrivacyError("two patients were given the same study code")
        seen.add(diary.patient.id)
        codes.add(code)
        _add(tables, diary, figures, code, today)
    tables.sort()
    return tables


_EMPTY: Mapping[str, Any] = {
    "attacks": 0,
    "headache_days": 0,
    "migraine_days": 0,
    "acute_medication_days": 0,
    "class_days": {},
    "per_28_days": {},
    "twitching_attacks": 0,
}


def _add(
    tables: SafeHarborTables, diary: Diary, figures: Mapping[str, Any], code: str, today: date
) -> None:
    first_text = figures["period"]["from"]
    first = None if first_text is None else date.fromisoformat(first_text)
    last = None if figures["period"]["to"] is None else date.fromisoformat(figures["period"]["to"])
    values: list[str] = [
        code,
        diary.patient.sex or "",
        _birth_year(diary.patient.birth_date, max(today, last or today)),
        "" if first is None else str(first.year),
        _cell(figures["period"]["days"]),
    ]
    for column in figure_columns(figures):
        key, _, sub = column.partition(".")
        values.append(_cell(figures[key][sub] if sub else figures[key]))
    tables.patients.append(tuple(values))
    if first is None:
        return
    classes = {m.id: m.drug_class for m in diary.medications}
    tz = diary.patient.tz
    ordered = sorted(diary.attacks, key=lambda a: (a.start, a.id))
    for number, attack in enumerate(ordered, 1):
        tables.attacks.append(_attack_row(code, number, attack, first, tz, classes))
    for entry in sorted(diary.days, key=lambda d: d.date):
        tables.days.append(_day_row(code, entry, first))


def write_tables(tables: SafeHarborTables) -> tuple[bytes, bytes, bytes]:
    """``patients.csv``, ``attacks.csv`` and ``days.csv`` as UTF-8 bytes, header first.

    Every cell is a code, a number, a flag, ``HH:MM`` or ``90+``: none starts with
    ``=``, ``+``, ``-`` or ``@``, so a spreadsheet reads none as a formula.
    """
    out: list[bytes] = []
    for header, rows in (
        (tables.patient_columns, tables.patients),
        (ATTACK_COLUMNS, tables.attacks),
        (DAY_COLUMNS, tables.days),
    ):
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        out.append(text.getvalue().encode("utf-8"))
    return out[0], out[1], out[2]


def _birth_year(birth: date | None, reference: date) -> str:
    """The birth year, or ``90+`` when the age at ``reference`` is or may be 90 or more.

    Only the year is kept, so a patient born in ``reference.year - 90`` may already be 90:
    such a year is grouped too.
    """
    if birth is None:
        return ""
    return OVER_89 if reference.year - birth.year >= SAFE_HARBOR_AGE else str(birth.year)


def _attack_row(
    code: str,
    number: int,
    attack: Attack,
    first: date,
    tz: tzinfo,
    classes: Mapping[str, str],
) -> tuple[str, ...]:
    local = attack.start.astimezone(tz)
    duration = attack.duration
    intakes = []
    for intake in attack.medications:
        cls = classes.get(intake.medication, OTHER)
        intakes.append(cls if intake.relief is None else f"{cls}={intake.relief}")
    relief = [
        _key(r.method, RELIEF_METHODS) + ("" if r.effect is None else f"={r.effect}")
        for r in attack.relief_methods
    ]
    return (
        code,
        str(number),
        str((local.date() - first).days),
        f"{local.hour:02d}:{local.minute:02d}",
        "" if duration is None else _cell(round(duration.total_seconds() / 60, 1)),
        str(attack.intensity),
        attack.kind,
        _cell(attack.aura),
        attack.disability or "",
        _keys(attack.pain_locations, BODY_SITES),
        _keys(attack.pain_qualities, PAIN_QUALITIES),
        _keys(attack.symptoms, SYMPTOMS),
        _keys(attack.premonitory_symptoms, SYMPTOMS),
        _keys(attack.triggers, TRIGGERS),
        ";".join(intakes),
        ";".join(relief),
        str(len(attack.twitching)),
    )


def _day_row(code: str, entry: DayEntry, first: date) -> tuple[str, ...]:
    return (
        code,
        str((entry.date - first).days),
        _cell(entry.sleep_hours),
        _cell(entry.sleep_quality),
        _cell(entry.stress),
        _cell(entry.caffeine_mg),
        _cell(entry.alcohol_units),
        _cell(entry.exercise_minutes),
        _cell(entry.menstruation),
        _cell(entry.headache_free),
    )


def _key(value: str, vocabulary: Sequence[str]) -> str:
    return value if value in vocabulary else OTHER


def _keys(values: Iterable[str], vocabulary: Sequence[str]) -> str:
    """The entries as vocabulary keys joined by ``;`` (free text becomes ``other``)."""
    return ";".join(_key(v, vocabulary) for v in values)


def _cell(value: object) -> str:
    """A number or flag as CSV text: ``3``, ``2.5``, ``true``; nothing for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
