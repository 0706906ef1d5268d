"""The typed model of the diary format ``fhirmig-diary/1`` (see docs/diary-format.md).

The models are immutable pydantic models whose field names are the snake_case forms of
the format's camelCase names. They check everything a single field can check (types,
ranges, enumerations, dates, time zones); checks that need the whole diary (duplicate
ids, unknown catalogue ids, ``end`` before ``start``) live in :mod:`fhirmig.diary.checks`,
so that one reading reports every problem at once.

Datetimes are always timezone-aware: a value written without an offset is read in the
patient's zone, which the readers pass as validation context ``{"tz": tzinfo}``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
)
from pydantic.alias_generators import to_camel

from fhirmig.diary.countries import country_of_zone, is_country_code
from fhirmig.diary.timeparse import zone
from fhirmig.diary.values import (
    MAX_MINUTES,
    MAX_NOTES,
    AttackKind,
    ConditionKey,
    Date,
    DateTime,
    Disability,
    DrugClass,
    EffectLevel,
    Id,
    Notes,
    Number,
    PartialDate,
    Score10,
    Text,
    TreatmentType,
)
from fhirmig.wording import excerpt

__all__ = [
    "FORMAT_VERSION",
    "MAX_NOTES",
    "SUPPORTED_FORMATS",
    "Attack",
    "Condition",
    "DayEntry",
    "Diary",
    "HumanName",
    "Identifier",
    "Intake",
    "Medication",
    "Patient",
    "Questionnaire",
    "ReliefUse",
    "Treatment",
    "Twitch",
]

FORMAT_VERSION = "fhirmig-diary/1"
SUPPORTED_FORMATS = (FORMAT_VERSION,)


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        alias_generator=to_camel,
        populate_by_name=True,
        str_strip_whitespace=False,
    )


class Identifier(_Model):
    """An identifier the patient already has elsewhere (``{system, value}``)."""

    system: Text
    value: Text


class HumanName(_Model):
    """The patient's name: given names and family name, any script."""

    given: list[Text] = Field(default_factory=list)
    family: Text | None = None


class Patient(_Model):
    """Who the diary belongs to. ``id`` seeds every deterministic resource id."""

    # ``country`` (optional, ISO 3166-1 alpha-2) is where the patient lives; the report
    # chooses support organisations by it. Without it, ``home_country`` is the country
    # of ``timezone``.

    id: Id
    name: HumanName | None = None
    birth_date: Date | None = None
    sex: Literal["female", "male", "other", "unknown"] | None = None
    identifiers: list[Identifier] = Field(default_factory=list)
    timezone: str = "UTC"
    language: Annotated[str, Field(pattern=r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")] = "en"
    country: (
        Annotated[
            str,
            Field(
                description="ISO 3166-1 alpha-2 code of the country the patient lives in",
                json_schema_extra={"pattern": "^[A-Z]{2}$"},
            ),
        ]
        | None
    ) = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone(value)
        return value

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        if value is not None and not is_country_code(value):
            hint = ""
            if value == "UK":
                hint = " (the United Kingdom is GB)"
            elif is_country_code(value.upper()):
                hint = f" (codes are written in capitals: {value.upper()})"
            raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code{hint}")
        return value

    @property
    def tz(self) -> tzinfo:
        """The patient's time zone, in which every calendar day is counted."""
        return zone(self.timezone)

    @property
    def home_country(self) -> str | None:
        """``country`` when stated, else the country of ``timezone`` (``None`` for UTC)."""
        return self.country if self.country is not None else country_of_zone(self.timezone)


class Condition(_Model):
    """A headache diagnosis the patient reports (coded by key, or free text)."""

    id: Id
    code: ConditionKey | None = None
    text: Text | None = None
    onset: PartialDate | None = None
    clinical_status: Literal[
        "active", "recurrence", "relapse", "inactive", "remission", "resolved"
    ] = "active"
    verification_status: Literal[
        "unconfirmed", "provisional", "differential", "confirmed", "refuted"
    ] = "provisional"
    note: Notes | None = None


class Medication(_Model):
    """An entry of the patient's medication catalogue, referred to by intakes."""

    id: Id
    name: Text
    drug_class: DrugClass = Field("other", alias="class")
    rxnorm: Annotated[str, Field(pattern=r"^[0-9]{1,12}$")] | None = None
    atc: Annotated[str, Field(pattern=r"^[A-Z]([0-9]{2}([A-Z]([A-Z]([0-9]{2})?)?)?)?$")] | None = (
        None
    )


class Twitch(_Model):
    """One muscle-twitching episode during (or before) an attack, in the patient's words."""

    location: Text
    description: Notes | None = None
    intensity: Score10 | None = None
    start: DateTime | None = None
    duration_minutes: Annotated[Number, Field(ge=0, le=MAX_MINUTES)] | None = None


class Intake(_Model):
    """One intake of a catalogue medication for an attack, with the relief it brought."""

    medication: Id
    taken: DateTime | None = None
    dose: Text | None = None
    relief: EffectLevel | None = None


class ReliefUse(_Model):
    """A non-drug relief method tried during an attack, with its effect."""

    method: Text
    effect: EffectLevel | None = None


class Attack(_Model):
    """One headache or migraine attack."""

    id: Id
    start: DateTime
    end: DateTime | None = None
    duration_minutes: Annotated[Number, Field(ge=0, le=MAX_MINUTES)] | None = None
    intensity: Score10
    kind: AttackKind = "migraine"
    aura: bool | None = None
    pain_locations: list[Text] = Field(default_factory=list)
    pain_qualities: list[Text] = Field(default_factory=list)
    symptoms: list[Text] = Field(default_factory=list)
    twitching: list[Twitch] = Field(default_factory=list)
    triggers: list[Text] = Field(default_factory=list)
    medications: list[Intake] = Field(default_factory=list)
    relief_methods: list[ReliefUse] = Field(default_factory=list)
    disability: Disability | None = None
    notes: Notes | None = None
    #: The symptom the patient found worst (vocabulary key or free text); also in symptoms.
    most_bothersome_symptom: Text | None = None
    #: Symptoms in the hours before the attack (prodrome); never an aura (ICHD-3 keeps
    #: prodrome and aura apart), so they set neither ``aura`` nor a migraine day.
    premonitory_symptoms: list[Text] = Field(default_factory=list)
    #: Where the attack happened, in the patient's words (home, work); only when chosen.
    setting: Text | None = None
    extra: dict[str, Any] | None = None

    @property
    def effective_end(self) -> datetime | None:
        """``end``, else ``start + durationMinutes``, else None (duration unknown)."""
        if self.end is not None:
            return self.end
        if self.duration_minutes is not None:
            # Elapsed time, not wall-clock time: across a DST change the two differ by an hour.
            end = self.start.astimezone(UTC) + timedelta(minutes=self.duration_minutes)
            return end.astimezone(self.start.tzinfo)
        return None

    @property
    def duration(self) -> timedelta | None:
        """How long the attack lasted, when the diary says."""
        end = self.effective_end
        # Subtracting datetimes that share a zone gives wall-clock time; elapsed time needs UTC.
        return None if end is None else end.astimezone(UTC) - self.start.astimezone(UTC)


class DayEntry(_Model):
    """Daily factors of one calendar day (sleep, stress, caffeine, ...)."""

    date: Date
    sleep_hours: Annotated[Number, Field(ge=0, le=24)] | None = None
    sleep_quality: Annotated[int, Field(ge=1, le=5)] | None = None
    stress: Score10 | None = None
    caffeine_mg: Annotated[Number, Field(ge=0, le=100_000)] | None = None
    alcohol_units: Annotated[Number, Field(ge=0, le=1_000)] | None = None
    exercise_minutes: Annotated[Number, Field(ge=0, le=1_440)] | None = None
    menstruation: bool | None = None
    #: the patient says the day had no headache (no attack other than aura-only touches it)
    headache_free: bool | None = None
    notes: Notes | None = None


class Treatment(_Model):
    """A treatment beside acute medication: preventives, botulinum toxin, therapies."""

    id: Id
    type: TreatmentType = "other"
    name: Text | None = None
    medication: Id | None = None
    start: Date | None = None
    end: Date | None = None
    dates: list[Date] = Field(default_factory=list)
    notes: Notes | None = None


class Questionnaire(_Model):
    """A MIDAS or HIT-6 result (score, optionally the item answers)."""

    instrument: Literal["MIDAS", "HIT-6"]
    date: Date
    score: Annotated[int, Field(ge=0, le=270)]
    items: list[Annotated[int, Field(ge=0, le=270)]] | None = None


class Diary(_Model):
    """A whole headache diary: the patient, their catalogue and everything they logged."""

    format: str
    patient: Patient
    conditions: list[Condition] = Field(default_factory=list)
    medications: list[Medication] = Field(default_factory=list)
    attacks: list[Attack] = Field(default_factory=list)
    days: list[DayEntry] = Field(default_factory=list)
    treatments: list[Treatment] = Field(default_factory=list)
    questionnaires: list[Questionnaire] = Field(default_factory=list)
    deidentified: bool | None = None

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value not in SUPPORTED_FORMATS:
            raise ValueError(
                f"unknown format {excerpt(value)}; this build of fhirmig reads "
                + ", ".join(repr(f) for f in SUPPORTED_FORMATS)
            )
        return value

    def medication(self, medication_id: str) -> Medication | None:
        """The catalogue entry with this id, or None."""
        for med in self.medications:
            if med.id == medication_id:
                return med
        return None


_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """A lower-case ``a-z0-9-`` id from a name: ``Sumatriptan 50 mg`` -> ``sumatriptan-50-mg``."""
    return _SLUG_RE.sub("-", text.lower()).strip("-") or "item"
