"""What each form of the page asks, as data: one list of fields per diary entry.

A field's ``name`` is its JSON path inside the entry (``twitching[1].location``), so a
problem the diary checks report at ``attacks[4].twitching[1].location`` lands beside the
control that holds it. The choices come from the diary model and its vocabulary; nothing
clinical is decided here, the page only asks for what the diary format holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args, get_origin
from zoneinfo import available_timezones

from pydantic import BaseModel

from fhirmig.diary import Attack, DayEntry, Patient
from fhirmig.diary.checks import HIT6_ANSWERS
from fhirmig.diary.countries import country_codes, country_name
from fhirmig.diary.vocabulary import (
    BODY_SITES,
    DRUG_CLASSES,
    PAIN_QUALITIES,
    RELIEF_METHODS,
    SYMPTOMS,
    TREATMENT_TYPES,
    TRIGGERS,
    keys,
    label,
)

__all__ = [
    "ATTACK",
    "DAY",
    "EFFECTS",
    "HIT6_LABELS",
    "MEDICATION",
    "PATIENT",
    "QUESTIONNAIRE",
    "TREATMENT",
    "Field",
    "Group",
    "Kind",
    "choices_of",
]

Kind = Literal[
    "text", "textarea", "int", "number", "datetime", "date", "yesno", "choice", "multi", "dates"
]


@dataclass(frozen=True)
class Field:
    """One control: its JSON name, label, kind, choices (key, words) and a hint."""

    name: str
    label: str
    kind: Kind = "text"
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    lo: float | None = None
    hi: float | None = None
    suggest: tuple[tuple[str, str], ...] = ()  # free text with suggestions (a datalist)
    required: bool = False
    default: str = ""  # the diary's value when the field is left out (no empty choice then)
    blank: str = "Not said"  # the words of the empty choice


@dataclass(frozen=True)
class Group:
    """A repeated group of fields (several twitching sites, several intakes)."""

    name: str
    legend: str
    item: str
    fields: tuple[Field, ...]
    spare: int = 1  # empty rows offered below the filled ones
    hint: str = ""


@dataclass(frozen=True)
class FormSpec:
    """A form: plain fields and repeated groups, in page order."""

    fields: tuple[Field | Group, ...] = field(default_factory=tuple)


def _words(keys: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((k, label(k)) for k in keys)


def _literal_values(tp: object) -> list[str]:
    if get_origin(tp) is Literal:
        return [v for v in get_args(tp) if isinstance(v, str)]
    return [v for arg in get_args(tp) for v in _literal_values(arg)]


def choices_of(model: type[BaseModel], name: str) -> tuple[str, ...]:
    """The allowed values of a Literal field of a diary model (``Attack``, ``kind``)."""
    return tuple(_literal_values(model.model_fields[name].annotation))


EFFECTS = tuple((key, key) for key in keys("effect"))
#: The words of HIT-6's five answers, by the points each scores.
HIT6_LABELS = {6: "never", 8: "rarely", 10: "sometimes", 11: "very often", 13: "always"}
if set(HIT6_LABELS) != HIT6_ANSWERS:  # pragma: no cover - the checks changed their answers
    raise RuntimeError("HIT-6 answer words do not match the diary checks")

ATTACK = FormSpec(
    (
        Field("start", "Started", "datetime", required=True, hint="Date and time it began."),
        Field("end", "Ended", "datetime", hint="Leave empty if you give the duration instead."),
        Field("durationMinutes", "Duration (minutes)", "number", lo=0),
        Field("intensity", "Worst pain, 0 to 10", "int", lo=0, hi=10, required=True),
        Field(
            "kind",
            "Kind of headache",
            "choice",
            _words(choices_of(Attack, "kind")),
            default="migraine",
        ),
        Field("aura", "Aura before or during the pain", "yesno"),
        Field("painLocations", "Where it hurt", "multi", _words(BODY_SITES)),
        Field("painQualities", "What the pain felt like", "multi", _words(PAIN_QUALITIES)),
        Field("symptoms", "Other symptoms", "multi", _words(SYMPTOMS)),
        Group(
            "twitching",
            "Muscle twitching",
            "Twitching site",
            (
                Field(
                    "location",
                    "Where",
                    suggest=_words(BODY_SITES),
                    hint="A body site or your own words.",
                ),
                Field("description", "What it felt like, in your words", "textarea"),
                Field("intensity", "How strong, 0 to 10", "int", lo=0, hi=10),
                Field("start", "Started", "datetime"),
                Field("durationMinutes", "Lasted (minutes)", "number", lo=0),
            ),
            spare=2,
        ),
        Field("triggers", "Possible triggers", "multi", _words(TRIGGERS)),
        Group(
            "medications",
            "Medications taken",
            "Medication",
            (
                Field(
                    "medication",
                    "Medication",
                    "choice",
                    hint="From your medication list.",
                    blank="Choose a medication",
                ),
                Field("taken", "Taken at", "datetime"),
                Field("dose", "Dose", hint="For example 50 mg."),
                Field("relief", "Did it help?", "choice", EFFECTS),
            ),
        ),
        Group(
            "reliefMethods",
            "Other things you tried",
            "Relief method",
            (
                Field("method", "What you tried", suggest=_words(RELIEF_METHODS)),
                Field("effect", "Did it help?", "choice", EFFECTS),
            ),
        ),
        Field(
            "disability",
            "How much it stopped you",
            "choice",
            _words(choices_of(Attack, "disability")),
        ),
        Field("notes", "Notes", "textarea"),
    )
)

_DAY_FIELDS: list[Field] = [
    Field("date", "Date", "date", required=True),
    Field("sleepHours", "Sleep (hours)", "number", lo=0, hi=24),
    Field(
        "sleepQuality",
        "Sleep quality",
        "choice",
        tuple(
            (str(n), f"{n} ({w})")
            for n, w in zip(
                range(1, 6), ("poor", "fair", "average", "good", "very good"), strict=True
            )
        ),
    ),
    Field("stress", "Stress, 0 to 10", "int", lo=0, hi=10),
    Field("caffeineMg", "Caffeine (mg)", "number", lo=0, hint="A cup of coffee is about 95 mg."),
    Field("alcoholUnits", "Alcohol (units)", "number", lo=0),
    Field("exerciseMinutes", "Exercise (minutes)", "number", lo=0),
    Field("menstruation", "Menstruation", "yesno"),
]
if "headache_free" in DayEntry.model_fields:
    _DAY_FIELDS.append(
        Field(
            "headacheFree",
            "No headache all day",
            "yesno",
            hint="Say so on days without any headache.",
        )
    )
_DAY_FIELDS.append(Field("notes", "Notes", "textarea"))
DAY = FormSpec(tuple(_DAY_FIELDS))

MEDICATION = FormSpec(
    (
        Field("name", "Name", required=True, hint="As on the pack, for example Sumatriptan 50 mg."),
        Field(
            "class",
            "Kind of medication",
            "choice",
            _words(DRUG_CLASSES),
            blank="Work it out from the name",
            hint="Left to the name, a known drug gets its class and ATC code.",
        ),
        Field("rxnorm", "RxNorm code", hint="Optional; digits only."),
        Field("atc", "ATC code", hint="Optional; for example N02CC01."),
    )
)

TREATMENT = FormSpec(
    (
        Field("type", "Type", "choice", _words(TREATMENT_TYPES), default="other"),
        Field("name", "Name"),
        Field(
            "medication",
            "Medication",
            "choice",
            hint="When it is one of your medications.",
            blank="None of them",
        ),
        Field("start", "From", "date"),
        Field("end", "Until", "date"),
        Field(
            "dates", "Session dates", "dates", hint="One date per line, for injections or sessions."
        ),
        Field("notes", "Notes", "textarea"),
    )
)

QUESTIONNAIRE = FormSpec(
    (
        Field("date", "Date answered", "date", required=True),
        Field("score", "Total score", "int", lo=0, hint="Leave empty to add up the answers."),
    )
)

PATIENT = FormSpec(
    (
        Field("given", "Given names"),
        Field("family", "Family name"),
        Field("birthDate", "Birth date", "date"),
        Field("sex", "Sex", "choice", _words(choices_of(Patient, "sex"))),
        Field(
            "timezone",
            "Time zone",
            required=True,
            hint="Where you live, for example Europe/Berlin.",
            suggest=tuple((z, z) for z in sorted(available_timezones()) if "/" in z),
        ),
        Field("language", "Language", required=True, hint="A language code such as en, de or fr."),
        Field(
            "country",
            "Country",
            hint="Where you live, for the support organisations in the report: a code such as "
            "PT, DE or JP. Left empty, the country of your time zone is used.",
            suggest=tuple((code, country_name(code)) for code in sorted(country_codes())),
        ),
    )
)
