"""De-identifying a diary for research with a key: a keyed pseudonym, every date shifted.

This is not HIPAA Safe Harbor (45 CFR 164.514(b)(2)): Safe Harbor removes every element
of a date but the year (item C) and asks that a re-identification code not be derived
from information about the individual (164.514(c)(1)), while here dates keep their day
and month (shifted) and the pseudonym is an HMAC of the patient id. What this gives is a
limited data set (164.514(e)(2): the direct identifiers removed, dates kept), to be
shared under a data use agreement (164.514(e)(4)), unless an expert determination
(164.514(b)(1)) covers it. :mod:`fhirmig.privacy.safeharbor` is the Safe Harbor export.

What happens to each part of a diary (docs/security.md has the same table for users):

- patient id: replaced by a keyed pseudonym (:func:`fhirmig.privacy.keys.pseudonym`);
  names and identifiers removed; sex, language and time zone kept (the zone decides which
  calendar day an event counts on);
- birth date: reduced to the year (written as 1 January of the year, the diary format has
  no year-only birth date), after the date shift; ages of 90 and over are grouped into
  "90 or older" by moving the birth year to make the age at the last diary entry 90;
- every date and datetime: shifted by the patient's whole-day offset in the patient's own
  calendar (wall-clock time and day of the week kept), see :mod:`fhirmig.privacy.shift`;
- record ids (attacks, conditions, medications, treatments): replaced by keyed hashes,
  because ids such as ``a-2026-05-03`` carry dates; references follow;
- free text (notes, descriptions, condition text, treatment names, ``extra``, doses that
  are not a plain amount): removed unless ``keep_notes``;
- list entries that are not vocabulary keys (a symptom written in the patient's words):
  replaced by ``other`` unless ``keep_notes``, keeping how many entries there were so that
  every clinical figure stays the same;
- medication catalogue names: kept (the report and FHIR output need the drug, and a
  product name does not identify a person).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, tzinfo
from typing import Any

from fhirmig.diary.model import (
    Attack,
    Condition,
    DayEntry,
    Diary,
    Intake,
    Medication,
    Patient,
    Questionnaire,
    ReliefUse,
    Treatment,
    Twitch,
)
from fhirmig.diary.vocabulary import (
    BODY_SITES,
    PAIN_QUALITIES,
    RELIEF_METHODS,
    SYMPTOMS,
    TRIGGERS,
)
from fhirmig.errors import PrivacyError
from fhirmig.privacy.keys import date_shift_days, pseudonym, record_pseudonym
from fhirmig.privacy.shift import shift_date, shift_datetime, shift_partial_date

__all__ = ["OTHER", "SAFE_HARBOR_AGE", "deidentify_diary", "plain_dose"]

#: What a free-text list entry becomes.
OTHER = "other"
#: Ages from this one up are shown as this one (the "90 or older" of 164.514(b)(2)(i)(C)).
SAFE_HARBOR_AGE = 90
_DOSE_RE = re.compile(
    r"^\s*\d{1,6}([.,]\d{1,4})?\s*(mg|g|mcg|µg|ug|ml|mL|IU|U|units?|tablets?|tabs?|caps?|"
    r"capsules?|puffs?|drops?|sprays?|%)?(\s*[x×]\s*\d{1,3})?\s*$",
    re.IGNORECASE,
)


class _Context:
    """What every part of one patient's diary is de-identified with."""

    def __init__(self, diary: Diary, key: bytes, keep_notes: bool) -> None:
        self.patient_id = diary.patient.id
        self.key = key
        self.keep_notes = keep_notes
        self.days = date_shift_days(self.patient_id, key)
        self.tz: tzinfo = diary.patient.tz

    def dt(self, value: datetime, where: str) -> datetime:
        return shift_datetime(value, self.days, self.tz, where)

    def opt_dt(self, value: datetime | None, where: str) -> datetime | None:
        return None if value is None else self.dt(value, where)

    def day(self, value: date, where: str) -> date:
        return shift_date(value, self.days, where)

    def opt_day(self, value: date | None, where: str) -> date | None:
        return None if value is None else self.day(value, where)

    def rid(self, kind: str, record_id: str) -> str:
        return record_pseudonym(self.patient_id, kind, record_id, self.key)

    def note(self, text: str | None) -> str | None:
        return text if self.keep_notes else None

    def entries(self, values: Iterable[str], vocabulary: Iterable[str]) -> list[str]:
        if self.keep_notes:
            return list(values)
        known = frozenset(vocabulary)
        out: list[str] = []
        for value in values:
            kept = value if value in known else OTHER
            if kept not in out:
                out.append(kept)
        return out

    def entry(self, value: str, vocabulary: Iterable[str]) -> str:
        return value if self.keep_notes or value in frozenset(vocabulary) else OTHER


def plain_dose(dose: str | None) -> bool:
    """Whether ``dose`` is only an amount (``50 mg``, ``2 tablets``, ``1 x 2``)."""
    return dose is not None and _DOSE_RE.match(dose) is not None


def deidentify_diary(diary: Diary, key: bytes, *, keep_notes: bool = False) -> Diary:
    """A de-identified copy of ``diary`` (``deidentified`` set), see the module docstring.

    The same diary and key always give the same result: the pseudonym, the date shift and
    the record ids are keyed hashes of the patient id, never random. Clinical figures
    counted per day or per period (:func:`fhirmig.analysis.compute_stats`) are unchanged;
    calendar-month breakdowns are taken over the shifted dates and so differ.

    Raises:
        PrivacyError: a date would leave the years 1 to 9999 after shifting.
    """
    ctx = _Context(diary, key, keep_notes)
    meds = {m.id: ctx.rid("medication", m.id) for m in diary.medications}
    attacks = [_attack(a, i, ctx, meds) for i, a in enumerate(diary.attacks)]
    return diary.model_copy(
        update={
            "patient": _patient(diary, ctx),
            "conditions": [_condition(c, i, ctx) for i, c in enumerate(diary.conditions)],
            "medications": [_medication(m, meds) for m in diary.medications],
            "attacks": attacks,
            "days": [_day(d, i, ctx) for i, d in enumerate(diary.days)],
            "treatments": [_treatment(t, i, ctx, meds) for i, t in enumerate(diary.treatments)],
            "questionnaires": [
                _questionnaire(q, i, ctx) for i, q in enumerate(diary.questionnaires)
            ],
            "deidentified": True,
        }
    )


def _patient(diary: Diary, ctx: _Context) -> Patient:
    patient = diary.patient
    birth: date | None = None
    if patient.birth_date is not None:
        last = ctx.day(_last_date(diary) or _today(), "patient.birthDate")
        try:
            year = ctx.day(patient.birth_date, "patient.birthDate").year
        except PrivacyError:  # a birth date at the edge of the calendar: only its year is kept
            year = patient.birth_date.year
        # Age is judged at the last diary day; with a 1 January birthday it can only grow.
        birth = date(max(year, last.year - SAFE_HARBOR_AGE, 1), 1, 1)
    return patient.model_copy(
        update={
            "id": pseudonym(patient.id, ctx.key),
            "name": None,
            "identifiers": [],
            "birth_date": birth,
        }
    )


def _today() -> date:
    """Today, or the day of ``SOURCE_DATE_EPOCH``: the age reference of an empty diary."""
    from fhirmig.clock import now

    return now().date()


def _last_date(diary: Diary) -> date | None:
    """The latest calendar day the diary speaks of (in the patient's zone), if any."""
    tz = diary.patient.tz
    found: list[date] = [a.start.astimezone(tz).date() for a in diary.attacks]
    found += [d.date for d in diary.days]
    found += [q.date for q in diary.questionnaires]
    for t in diary.treatments:
        found += [x for x in (t.start, t.end, *t.dates) if x is not None]
    return max(found, default=None)


def _condition(c: Condition, i: int, ctx: _Context) -> Condition:
    where = f"conditions[{i}].onset"
    text = c.text
    if not ctx.keep_notes and text is not None:
        text = None if c.code is not None else OTHER
    return c.model_copy(
        update={
            "id": ctx.rid("condition", c.id),
            "text": text,
            "onset": None if c.onset is None else shift_partial_date(c.onset, ctx.days, where),
            "note": ctx.note(c.note),
        }
    )


def _medication(m: Medication, meds: dict[str, str]) -> Medication:
    return m.model_copy(update={"id": meds[m.id]})


def _attack(a: Attack, i: int, ctx: _Context, meds: dict[str, str]) -> Attack:
    loc = f"attacks[{i}]"
    start = ctx.dt(a.start, f"{loc}.start")
    end = ctx.opt_dt(a.end, f"{loc}.end")
    duration = a.duration_minutes
    if end is not None and a.end is not None:
        if end < start:  # both in a repeated DST hour of the original day
            end = start + (a.end - a.start)
        if duration is not None:
            duration = round((end - start).total_seconds() / 60, 3)
    return a.model_copy(
        update={
            "id": ctx.rid("attack", a.id),
            "start": start,
            "end": end,
            "duration_minutes": duration,
            "pain_locations": ctx.entries(a.pain_locations, BODY_SITES),
            "pain_qualities": ctx.entries(a.pain_qualities, PAIN_QUALITIES),
            "symptoms": ctx.entries(a.symptoms, SYMPTOMS),
            "triggers": ctx.entries(a.triggers, TRIGGERS),
            "twitching": [
                _twitch(t, f"{loc}.twitching[{j}]", ctx) for j, t in enumerate(a.twitching)
            ],
            "medications": [
                _intake(m, f"{loc}.medications[{j}]", ctx, meds)
                for j, m in enumerate(a.medications)
            ],
            "relief_methods": [_relief(r, ctx) for r in a.relief_methods],
            "notes": ctx.note(a.notes),
            "premonitory_symptoms": ctx.entries(a.premonitory_symptoms, SYMPTOMS),
            "most_bothersome_symptom": (
                None
                if a.most_bothersome_symptom is None
                else ctx.entry(a.most_bothersome_symptom, (*SYMPTOMS, *PAIN_QUALITIES))
            ),
            "setting": None,  # where the patient was: a location, never kept
            "extra": None,
        }
    )


def _twitch(t: Twitch, loc: str, ctx: _Context) -> Twitch:
    return t.model_copy(
        update={
            "location": ctx.entry(t.location, BODY_SITES),
            "description": ctx.note(t.description),
            "start": ctx.opt_dt(t.start, f"{loc}.start"),
        }
    )


def _intake(m: Intake, loc: str, ctx: _Context, meds: dict[str, str]) -> Intake:
    dose = m.dose if ctx.keep_notes or plain_dose(m.dose) else None
    return m.model_copy(
        update={
            "medication": meds.get(m.medication, m.medication),
            "taken": ctx.opt_dt(m.taken, f"{loc}.taken"),
            "dose": dose,
        }
    )


def _relief(r: ReliefUse, ctx: _Context) -> ReliefUse:
    return r.model_copy(update={"method": ctx.entry(r.method, RELIEF_METHODS)})


def _day(d: DayEntry, i: int, ctx: _Context) -> DayEntry:
    return d.model_copy(
        update={"date": ctx.day(d.date, f"days[{i}].date"), "notes": ctx.note(d.notes)}
    )


def _treatment(t: Treatment, i: int, ctx: _Context, meds: dict[str, str]) -> Treatment:
    loc = f"treatments[{i}]"
    update: dict[str, Any] = {
        "id": ctx.rid("treatment", t.id),
        "name": ctx.note(t.name),
        "medication": None if t.medication is None else meds.get(t.medication, t.medication),
        "start": ctx.opt_day(t.start, f"{loc}.start"),
        "end": ctx.opt_day(t.end, f"{loc}.end"),
        "dates": [ctx.day(x, f"{loc}.dates[{j}]") for j, x in enumerate(t.dates)],
        "notes": ctx.note(t.notes),
    }
    return t.model_copy(update=update)


def _questionnaire(q: Questionnaire, i: int, ctx: _Context) -> Questionnaire:
    return q.model_copy(update={"date": ctx.day(q.date, f"questionnaires[{i}].date")})
