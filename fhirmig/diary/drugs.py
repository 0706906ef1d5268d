"""fhirmig's drug table: which drug class a medication name belongs to, and its codes.

The table is data, ``drugs.csv`` beside this module, one row per active ingredient,
combination product or known-ambiguous brand: its drug class (a key of the diary format),
its ATC code where two independent public lists agree, an RxNorm ingredient code only where
two independent public sources agree (with those sources), and the names it goes by (the
international name, its spellings in English, German, French, Spanish and Portuguese, and
common over-the-counter brands). Every reader of a diary or an export classifies names here,
so that ``Sumatriptan 50 mg`` is a triptan in a spreadsheet diary, a Migraine Buddy export
and ``fhirmig validate`` alike.

Matching is on whole words: the name is lower-cased, accents are dropped, and every word or
run of words that is an ingredient or a brand is looked up; other words (doses, forms,
makers) are ignored. A name is never guessed: a brand sold under one name with different
ingredients (``Spalt``, ``Anadin``), or a name that combines drugs of unrelated classes, is
left ``other`` with the reason, and every name left ``other`` is reported by the caller
(:func:`not_counted_line`), so that no acute medication drops out of the counts unseen.

Two non-opioid analgesics together without an adjuvant are not a combination analgesic
(ICHD-3 8.2.5); one with caffeine, butalbital, an antiemetic or a muscle relaxant is.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final, Literal

from fhirmig.diary.vocabulary import ACUTE_CLASSES, DRUG_CLASSES

__all__ = [
    "DrugEntry",
    "DrugMatch",
    "drug_class",
    "drug_table",
    "left_other",
    "match_drug",
    "medication_codes",
    "normal_drug_words",
    "not_counted_line",
]

EntryKind = Literal["ingredient", "product", "adjuvant", "ambiguous"]

#: Classes that decide a name's class whatever else it contains (a triptan with naproxen
#: is a triptan day; paracetamol with codeine is an opioid day).
_STRONG: Final = ("triptan", "ergot", "opioid", "gepant", "ditan")
_ANALGESIC: Final = frozenset({"simple-analgesic", "nsaid"})
#: Classes that, taken with an analgesic in one product, make it a combination analgesic.
_ADJUVANT_CLASSES: Final = frozenset({"antiemetic", "muscle-relaxant"})
_MAX_PHRASE: Final = 4
_KINDS: Final[dict[str, EntryKind]] = {
    "ingredient": "ingredient",
    "product": "product",
    "adjuvant": "adjuvant",
    "ambiguous": "ambiguous",
}


@dataclass(frozen=True, slots=True)
class DrugEntry:
    """One row of the drug table.

    ``kind`` is ``ingredient`` (an active substance), ``product`` (a brand with several
    ingredients), ``adjuvant`` (caffeine and the like: no class of its own) or
    ``ambiguous`` (a brand whose products differ; ``drug_class`` is set only when every
    product has the same class).
    """

    key: str
    kind: EntryKind
    drug_class: str | None
    ingredients: tuple[str, ...]
    atc: str | None
    rxnorm: str | None
    rxnorm_sources: str | None
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DrugMatch:
    """What the table says about one medication name.

    ``drug_class`` is ``other`` when no word is known or the name is ambiguous; ``reason``
    then says why (None for a plain unknown name). ``atc`` and ``rxnorm`` are set only when
    the name names exactly one table entry that has the code.
    """

    name: str
    drug_class: str
    entries: tuple[str, ...] = ()
    atc: str | None = None
    rxnorm: str | None = None
    reason: str | None = None

    @property
    def classified(self) -> bool:
        """True when the table gave the name a class other than ``other``."""
        return self.drug_class != "other"

    @property
    def acute(self) -> bool:
        """True when intakes of this drug make acute-medication days."""
        return self.drug_class in ACUTE_CLASSES

    def codes(self) -> dict[str, str]:
        """The catalogue codes for the diary (``atc``, ``rxnorm``), only those known."""
        out: dict[str, str] = {}
        if self.atc:
            out["atc"] = self.atc
        if self.rxnorm:
            out["rxnorm"] = self.rxnorm
        return out


def normal_drug_words(text: str) -> list[str]:
    """The words of a name as the table compares them: lower case, no accents, ß as ss."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c if c.isalnum() else " " for c in plain).split()


@cache
def drug_table() -> tuple[DrugEntry, ...]:
    """Every row of ``drugs.csv``, in file order (read once)."""
    text = resources.files("fhirmig.diary").joinpath("drugs.csv").read_text("utf-8")
    out: list[DrugEntry] = []
    for row in csv.DictReader(io.StringIO(text)):
        kind = _KINDS.get(row["kind"])
        if kind is None:
            raise ValueError(f"drugs.csv: {row['key']}: unknown kind {row['kind']!r}")
        cls = row["class"] or None
        if cls is not None and cls not in DRUG_CLASSES:
            raise ValueError(f"drugs.csv: {row['key']}: unknown class {cls!r}")
        out.append(
            DrugEntry(
                key=row["key"],
                kind=kind,
                drug_class=cls,
                ingredients=tuple(i for i in row["ingredients"].split(";") if i),
                atc=row["atc"] or None,
                rxnorm=row["rxnorm"] or None,
                rxnorm_sources=row["rxnorm_sources"] or None,
                names=tuple(n.strip() for n in row["names"].split(";") if n.strip()),
            )
        )
    return tuple(out)


@cache
def _index() -> dict[tuple[str, ...], DrugEntry]:
    index: dict[tuple[str, ...], DrugEntry] = {}
    for entry in drug_table():
        for name in (entry.key.replace("-", " "), *entry.names):
            words = tuple(normal_drug_words(name))
            if not words or len(words) > _MAX_PHRASE:
                raise ValueError(f"drugs.csv: {entry.key}: name {name!r} has 0 or >4 words")
            other = index.get(words)
            if other is not None and other.key != entry.key:
                raise ValueError(f"drugs.csv: {name!r} names both {other.key} and {entry.key}")
            index[words] = entry
    return index


@cache
def _by_key() -> dict[str, DrugEntry]:
    return {e.key: e for e in drug_table()}


def _entries_in(name: str) -> list[DrugEntry]:
    """The table entries a name mentions, longest phrases first, each once."""
    words = normal_drug_words(name)
    index = _index()
    found: list[DrugEntry] = []
    i = 0
    while i < len(words):
        for n in range(min(_MAX_PHRASE, len(words) - i), 0, -1):
            entry = index.get(tuple(words[i : i + n]))
            if entry is not None:
                if entry not in found:
                    found.append(entry)
                i += n
                break
        else:
            i += 1
    return found


@cache
def match_drug(name: str) -> DrugMatch:
    """Classify a medication name by its ingredient or brand words (see the module doc)."""
    entries = _entries_in(name)
    keys = tuple(e.key for e in entries)
    if not entries:
        return DrugMatch(name, "other")
    for e in entries:
        if e.kind == "ambiguous" and e.drug_class is None:
            return DrugMatch(
                name, "other", keys, reason="a brand name sold with different ingredients"
            )
    classes: list[str] = []
    adjuvant = False
    for e in entries:
        if e.kind == "adjuvant":
            adjuvant = True
        elif e.drug_class is not None:
            classes.append(e.drug_class)
        if e.kind == "product":
            adjuvant = adjuvant or any(
                _by_key()[i].kind == "adjuvant" for i in e.ingredients if i in _by_key()
            )
    cls = _combine(classes, adjuvant)
    if cls is None:
        return DrugMatch(name, "other", keys, reason="the name combines drugs of different classes")
    atc = rxnorm = None
    named = [e for e in entries if e.kind in ("ingredient", "product")]
    if len(named) == 1 and len(entries) == 1:
        atc, rxnorm = named[0].atc, named[0].rxnorm
    return DrugMatch(name, cls, keys, atc, rxnorm)


def _combine(classes: list[str], adjuvant: bool) -> str | None:
    """One class for the classes a name mentions; None when they do not make one."""
    if not classes:
        return "other"
    strong = {c for c in classes if c in _STRONG}
    if len(strong) > 1:
        return None
    if strong:
        return strong.pop()
    kinds = set(classes)
    analgesics = kinds & _ANALGESIC
    if "combination-analgesic" in kinds:
        return "combination-analgesic"
    if analgesics and (adjuvant or kinds & _ADJUVANT_CLASSES):
        return "combination-analgesic"
    if analgesics:
        if kinds - _ANALGESIC:
            return None
        # ICHD-3 8.2.5: two non-opioid analgesics without an adjuvant are no combination.
        return "nsaid" if "nsaid" in analgesics else "simple-analgesic"
    if len(kinds) > 1:
        return None
    return kinds.pop()


def drug_class(name: str) -> str:
    """The diary drug class the table gives a medication name; ``other`` if it gives none."""
    return match_drug(name).drug_class


def medication_codes(name: str, declared_class: str) -> dict[str, str]:
    """ATC and RxNorm codes the table knows for a catalogue entry, as ``{"atc": ...}``.

    Only when the table classifies the name as the diary declares it (a diary that says a
    name is ``other`` or of another class gets no code invented for it).
    """
    found = match_drug(name)
    return found.codes() if found.drug_class == declared_class else {}


def left_other(medications: Iterable[object]) -> list[str]:
    """The names of catalogue entries left ``other``, sorted, each once.

    Takes any objects with ``name`` and ``drug_class`` (the diary's ``Medication``) or
    mappings with ``name`` and ``class``.
    """
    names: set[str] = set()
    for med in medications:
        if isinstance(med, dict):
            name, cls = med.get("name"), med.get("class", "other")
        else:
            name, cls = getattr(med, "name", None), getattr(med, "drug_class", "other")
        if cls == "other" and isinstance(name, str):
            names.add(name)
    return sorted(names, key=lambda n: (n.casefold(), n))


def not_counted_line(names: Iterable[str]) -> str | None:
    """``not counted as acute medication: A, B`` for the names left ``other``; None if none."""
    listed = list(names)
    if not listed:
        return None
    return "not counted as acute medication: " + ", ".join(listed)
