"""The one table of the fields of an attack and of a day: names, CSV columns and codecs.

A new attack field used to touch about eleven files and nothing failed when one of them
forgot it. This table is where a field is declared once, beside its type in the model:
its JSON name is the model's alias, its CSV column and the codec that reads and writes
that column (:mod:`fhirmig.diary.csvformat` has no list of fields of its own), the
vocabulary its values come from, and a sample. The FHIR mapping says how it carries each
field of this table in :mod:`fhirmig.fhir.fields`; the test generators draw the list fields'
values from the vocabulary named here. ``tests/diary/test_field_table.py`` checks that
every field of the model is here and that each one reaches the CSV (when it has a
column), the FHIR mapping, and comes back from both unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

__all__ = [
    "ATTACK_FIELDS",
    "DAY_FIELDS",
    "TWITCH_COLUMNS",
    "AttackField",
    "Codec",
    "attack_field",
    "csv_columns",
    "json_name",
]

#: How a CSV cell carries a field: ``id`` (empty: ``row-<line>``), ``datetime`` and
#: ``word`` (the trimmed cell), ``integer``, ``number`` (dot decimal), ``bool``
#: (true/false/yes/no), ``list`` (items separated by ``;``), ``notes`` (the cell as
#: written), and the three structured cells ``twitching``, ``intakes`` (``NAME@TIME=RELIEF``)
#: and ``reliefs`` (``method=effect``).
Codec = Literal[
    "id", "datetime", "word", "integer", "number", "bool", "list", "notes",
    "twitching", "intakes", "reliefs",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class AttackField:
    """One field of an attack.

    ``name`` is the model's attribute (its JSON name is :attr:`json`); ``csv`` the CSV
    column and ``codec`` how the column's cell carries the value (None when the CSV
    encoding cannot carry it: ``csv_note`` says why). ``required`` is the message for an
    empty cell of a required column. ``optional_column`` columns are written only when an
    attack of the file has a value, so a diary without them gives the header of the format
    contract. ``vocabulary`` is the kind of the vocabulary table its values (or list items)
    come from. ``sample`` is a valid JSON value used by the round-trip tests (on a diary
    whose catalogue holds ``suma`` "Sumatriptan 50 mg").
    """

    name: str
    csv: str | None
    codec: Codec | None
    sample: Any
    vocabulary: str | None = None
    required: str = ""
    optional_column: bool = False
    csv_note: str = ""

    @property
    def json(self) -> str:
        """The field's key in the JSON diary format."""
        return json_name(self.name)


def json_name(name: str) -> str:
    """The camelCase JSON key of a snake_case model name (the model's alias rule)."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


_F = AttackField

#: Every field of an attack, in CSV column order (fields without a column at the end).
ATTACK_FIELDS: Final[tuple[AttackField, ...]] = (
    _F("id", "id", "id", "a-1"),
    _F("start", "start", "datetime", "2026-03-02T08:15:00+01:00",
       required="required; every attack has a start"),
    _F("end", "end", "datetime", "2026-03-02T12:15:00+01:00"),
    _F("duration_minutes", "duration_minutes", "number", 240),
    _F("intensity", "intensity", "integer", 7, required="required: peak pain 0-10"),
    _F("kind", "kind", "word", "tension", "attack-kind"),
    _F("aura", "aura", "bool", True),
    _F("pain_locations", "pain_locations", "list", ["left-temple", "neck"], "body-site"),
    _F("pain_qualities", "pain_qualities", "list", ["throbbing"], "pain-quality"),
    _F("symptoms", "symptoms", "list", ["nausea", "photophobia"], "symptom"),
    _F("twitching", "twitching_locations", "twitching",
       [{"location": "left-eyelid", "description": "flutters", "intensity": 3}], "body-site",
       csv_note="one description and intensity per row (columns twitching_description and "
       "twitching_intensity); no start or duration"),
    _F("triggers", "triggers", "list", ["stress", "lack-of-sleep"], "trigger"),
    _F("medications", "medications", "intakes",
       [{"medication": "suma", "taken": "2026-03-02T08:30:00+01:00", "relief": "good"}],
       csv_note="name@taken=relief; no dose"),
    _F("relief_methods", "relief_methods", "reliefs", [{"method": "rest", "effect": "some"}],
       "relief-method"),
    _F("disability", "disability", "word", "moderate", "disability"),
    _F("notes", "notes", "notes", "began after a long drive"),
    # From app exports (Migraine Buddy); columns written only when an attack has them.
    _F("most_bothersome_symptom", "most_bothersome_symptom", "word", "photophobia", "symptom",
       optional_column=True),
    _F("premonitory_symptoms", "premonitory_symptoms", "list", ["fatigue", "yawning"],
       "symptom", optional_column=True),
    _F("setting", "setting", "word", "at home", optional_column=True),
    _F("extra", None, None, {"app": {"weather": "rain"}},
       csv_note="free data of other apps: JSON only"),
)  # fmt: skip

#: The CSV columns of the first twitching entry's description and intensity (after the
#: twitching locations column).
TWITCH_COLUMNS: Final = {
    "location": "twitching_locations",
    "description": "twitching_description",
    "intensity": "twitching_intensity",
}

#: Every field of a daily entry with its JSON name and a sample (no CSV encoding).
DAY_FIELDS: Final[dict[str, tuple[str, Any]]] = {
    name: (json_name(name), sample)
    for name, sample in (
        ("date", "2026-03-02"),
        ("sleep_hours", 6.5),
        ("sleep_quality", 2),
        ("stress", 8),
        ("caffeine_mg", 300),
        ("alcohol_units", 2),
        ("exercise_minutes", 45),
        ("menstruation", True),
        ("headache_free", True),
        ("notes", "night shift"),
    )
}


def attack_field(name: str) -> AttackField:
    """The table's row of one attack field; ``KeyError`` when the model has no such field."""
    for f in ATTACK_FIELDS:
        if f.name == name:
            return f
    raise KeyError(name)


def csv_columns(used: frozenset[str] | None = None) -> tuple[str, ...]:
    """The CSV header: each field's column, the twitching detail right after its locations.

    ``used`` names the optional columns to include (default: all of them, the columns a
    reader accepts).
    """
    out: list[str] = []
    for f in ATTACK_FIELDS:
        if f.csv is None or (f.optional_column and used is not None and f.csv not in used):
            continue
        out.append(f.csv)
        if f.csv == TWITCH_COLUMNS["location"]:
            out += [TWITCH_COLUMNS["description"], TWITCH_COLUMNS["intensity"]]
    return tuple(out)
