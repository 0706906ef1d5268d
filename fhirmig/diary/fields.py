"""The one table of the fields of an attack: their JSON name, their CSV column, and a sample.

A new attack field used to touch about eleven files and nothing failed when one of them
forgot it. This table is where a field is declared once: the CSV header and the mapping of
model errors to CSV columns are derived from it, and ``tests/diary/test_field_table.py``
checks that every field of the model is here and that each one reaches the CSV (when it
has a column), the FHIR mapping, and comes back from both unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

__all__ = ["ATTACK_FIELDS", "DAY_FIELDS", "TWITCH_COLUMNS", "AttackField", "csv_columns"]


@dataclass(frozen=True, slots=True)
class AttackField:
    """One field of an attack.

    ``name`` is the model's attribute, ``json`` the diary format's key; ``csv`` the CSV
    column (None when the CSV encoding cannot carry it, ``csv_note`` says why); ``sample``
    a valid JSON value used by the round-trip tests (on a diary whose catalogue holds
    ``suma`` "Sumatriptan 50 mg"). ``fhir_note`` is empty for a field the FHIR mapping
    carries there and back; otherwise it says why not, and the round-trip test expects the
    field to be lost (so mapping it later makes the test ask for the note to go).
    """

    name: str
    json: str
    csv: str | None
    sample: Any
    csv_note: str = ""
    fhir_note: str = ""


#: Every field of an attack, in CSV column order (fields without a column at the end).
ATTACK_FIELDS: Final[tuple[AttackField, ...]] = (
    AttackField("id", "id", "id", "a-1"),
    AttackField("start", "start", "start", "2026-03-02T08:15:00+01:00"),
    AttackField("end", "end", "end", "2026-03-02T12:15:00+01:00"),
    AttackField("duration_minutes", "durationMinutes", "duration_minutes", 240),
    AttackField("intensity", "intensity", "intensity", 7),
    AttackField("kind", "kind", "kind", "tension"),
    AttackField("aura", "aura", "aura", True),
    AttackField("pain_locations", "painLocations", "pain_locations", ["left-temple", "neck"]),
    AttackField("pain_qualities", "painQualities", "pain_qualities", ["throbbing"]),
    AttackField("symptoms", "symptoms", "symptoms", ["nausea", "photophobia"]),
    AttackField(
        "twitching",
        "twitching",
        "twitching_locations",
        [{"location": "left-eyelid", "description": "flutters", "intensity": 3}],
        "one description and intensity per row (columns twitching_description and "
        "twitching_intensity); no start or duration",
    ),
    AttackField("triggers", "triggers", "triggers", ["stress", "lack-of-sleep"]),
    AttackField(
        "medications",
        "medications",
        "medications",
        [{"medication": "suma", "taken": "2026-03-02T08:30:00+01:00", "relief": "good"}],
        "name@taken=relief; no dose",
    ),
    AttackField(
        "relief_methods", "reliefMethods", "relief_methods", [{"method": "rest", "effect": "some"}]
    ),
    AttackField("disability", "disability", "disability", "moderate"),
    AttackField("notes", "notes", "notes", "began after a long drive"),
    AttackField(
        "extra", "extra", None, {"app": {"weather": "rain"}}, "free data of other apps: JSON only"
    ),
    # From app exports (Migraine Buddy); JSON only so far, and not yet in the FHIR mapping.
    AttackField(
        "most_bothersome_symptom",
        "mostBothersomeSymptom",
        None,
        "photophobia",
        "not in the CSV encoding yet",
        "not mapped to FHIR yet (a symptom Observation would need a qualifier)",
    ),
    AttackField(
        "premonitory_symptoms",
        "premonitorySymptoms",
        None,
        ["fatigue"],
        "not in the CSV encoding yet",
        "not mapped to FHIR yet (premonitory is not aura; it needs its own coding)",
    ),
    AttackField(
        "setting",
        "setting",
        None,
        "at home",
        "not in the CSV encoding yet",
        "not mapped to FHIR: a place is location data and stays out of what is sent",
    ),
)

#: The CSV columns of the first twitching entry's description and intensity (after the
#: twitching locations column).
TWITCH_COLUMNS: Final = {
    "location": "twitching_locations",
    "description": "twitching_description",
    "intensity": "twitching_intensity",
}

#: Every field of a daily entry with a sample (daily entries have no CSV encoding).
DAY_FIELDS: Final[dict[str, tuple[str, Any]]] = {
    "date": ("date", "2026-03-02"),
    "sleep_hours": ("sleepHours", 6.5),
    "sleep_quality": ("sleepQuality", 2),
    "stress": ("stress", 8),
    "caffeine_mg": ("caffeineMg", 300),
    "alcohol_units": ("alcoholUnits", 2),
    "exercise_minutes": ("exerciseMinutes", 45),
    "menstruation": ("menstruation", True),
    "headache_free": ("headacheFree", True),
    "notes": ("notes", "night shift"),
}


def csv_columns() -> tuple[str, ...]:
    """The CSV header: each field's column, the twitching detail right after its locations."""
    out: list[str] = []
    for f in ATTACK_FIELDS:
        if f.csv is None:
            continue
        out.append(f.csv)
        if f.csv == TWITCH_COLUMNS["location"]:
            out += [TWITCH_COLUMNS["description"], TWITCH_COLUMNS["intensity"]]
    return tuple(out)
