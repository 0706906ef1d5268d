"""The vocabulary keys of the diary format, grouped by what they describe, read from one table.

``vocabulary.csv`` (beside this module) is the one place a key is declared: one row per
key with its kind (``symptom``, ``trigger``, ``drug-class``, ...), the key itself and its
English label; acute drug classes also name their ICHD-3 8.2 class. Everything else is
derived from it: the model's closed choices (attack kind, disability, drug class,
condition, treatment type, effect), the JSON Schema, the local codes of the FHIR
terminology table and their displays, the web forms' choices, the test generators and the
key lists of docs/diary-format.md (a test checks the page).

A list entry that is not a key is free text and stays free text: it is never given a
code. Codes for the keys live in the terminology table of :mod:`fhirmig.fhir`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Final, Literal

__all__ = [
    "ACUTE_CLASSES",
    "BODY_SITES",
    "CONDITION_KEYS",
    "DRUG_CLASSES",
    "EFFECTS",
    "ICHD_CLASS_OF",
    "KINDS",
    "PAIN_QUALITIES",
    "RELIEF_METHODS",
    "SYMPTOMS",
    "TREATMENT_TYPES",
    "TRIGGERS",
    "VOCABULARIES",
    "Effect",
    "VocabularyEntry",
    "english",
    "entries",
    "keys",
    "label",
]

#: The table's file name inside the package.
TABLE: Final = "vocabulary.csv"


@dataclass(frozen=True, slots=True)
class VocabularyEntry:
    """One row of the vocabulary table.

    ``label`` is the English name in sentence case (``Lack of sleep``, ``NSAID``), which
    is also the display of the key's local FHIR code; ``ichd_class`` the ICHD-3 8.2 class
    key of an acute drug class (``clinical-metrics.md``), else empty.
    """

    kind: str
    key: str
    label: str
    ichd_class: str = ""


class _TableError(RuntimeError):
    """The packaged vocabulary table is broken (a build error, not a user's)."""


@cache
def entries() -> tuple[VocabularyEntry, ...]:
    """Every row of the vocabulary table, in file order."""
    text = resources.files("fhirmig.diary").joinpath(TABLE).read_text("utf-8")
    out = tuple(VocabularyEntry(**row) for row in csv.DictReader(io.StringIO(text)))
    seen: set[tuple[str, str]] = set()
    for e in out:
        if not (e.kind and e.key and e.label) or (e.kind, e.key) in seen:
            raise _TableError(f"{TABLE}: row {e.kind},{e.key} is empty or repeated")
        seen.add((e.kind, e.key))
    return out


def _kinds() -> tuple[str, ...]:
    return tuple(dict.fromkeys(e.kind for e in entries()))


#: Every kind of the table, in table order.
KINDS: Final = _kinds()


@cache
def keys(kind: str) -> tuple[str, ...]:
    """The keys of one kind, in table order; ``KeyError`` for an unknown kind."""
    if kind not in KINDS:
        raise KeyError(kind)
    return tuple(e.key for e in entries() if e.kind == kind)


@cache
def _labels() -> dict[tuple[str, str], str]:
    return {(e.kind, e.key): e.label for e in entries()}


def english(kind: str, key: str) -> str:
    """The English label of a key (``trigger``, ``lack-of-sleep`` -> ``Lack of sleep``).

    ``KeyError`` when it is not a key of that kind.
    """
    return _labels()[(kind, key)]


BODY_SITES: Final = keys("body-site")
PAIN_QUALITIES: Final = keys("pain-quality")
SYMPTOMS: Final = keys("symptom")
TRIGGERS: Final = keys("trigger")
RELIEF_METHODS: Final = keys("relief-method")
CONDITION_KEYS: Final = keys("condition")
DRUG_CLASSES: Final = keys("drug-class")
TREATMENT_TYPES: Final = keys("treatment-type")
#: How well a medication or a relief method helped.
EFFECTS: Final = keys("effect")

#: Diary drug class -> ICHD-3 8.2 class key of the stats contract (acute classes only).
ICHD_CLASS_OF: Final[dict[str, str]] = {
    e.key: e.ichd_class for e in entries() if e.kind == "drug-class" and e.ichd_class
}
#: Drug classes whose intake makes an acute-medication day (clinical-metrics.md).
ACUTE_CLASSES: Final = frozenset(ICHD_CLASS_OF)

#: Every vocabulary a list entry may come from, by the name the terminology table uses.
VOCABULARIES: Final[dict[str, tuple[str, ...]]] = {
    kind: keys(kind)
    for kind in (
        "body-site",
        "pain-quality",
        "symptom",
        "trigger",
        "relief-method",
        "condition",
        "drug-class",
        "treatment-type",
    )
}

if TYPE_CHECKING:
    Effect = str
else:
    #: The effect levels as a type: a ``Literal`` of the table's keys for pydantic.
    Effect = Literal[EFFECTS]


@cache
def _words() -> dict[str, str]:
    out: dict[str, str] = {}
    for kind, kind_keys in VOCABULARIES.items():
        for key in kind_keys:
            text = english(kind, key)
            # sentence case to running text, acronyms kept: "Lack of sleep" -> "lack of sleep"
            low = text if text[1:2].isupper() else text[:1].lower() + text[1:]
            out.setdefault(key, low)
    return out


def label(text: str) -> str:
    """A vocabulary key in words (``lack-of-sleep`` -> ``lack of sleep``); free text unchanged."""
    return _words().get(text, text)
