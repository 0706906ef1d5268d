"""The terminology table: every vocabulary key with its codes, kept as data.

Every key of the diary's vocabulary table (:mod:`fhirmig.diary.vocabulary`) has a local
code of fhirmig's one code system (:data:`fhirmig.fhir.ids.CODE_SYSTEM`), written
``<kind>.<key>`` with the key's English label as display; those rows are derived from
that table, not repeated here. ``terminology.csv`` (beside this module) adds one row per
(key, code system) for SNOMED CT, LOINC, ICD-10 and ICD-10-CM codes, only where the
project's clinical reference marks them VERIFIED or CORROBORATED, and the local codes of
fhirmig's own observation elements. Free text is never given a code: it becomes a
CodeableConcept with ``text`` only.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from fhirmig.diary.vocabulary import entries
from fhirmig.fhir.ids import CODE_SYSTEM

__all__ = [
    "UNCODED_KINDS",
    "Term",
    "coding",
    "concept",
    "key_concept",
    "key_of",
    "load_table",
    "local_key",
    "terminology_markdown",
    "terms",
]


@dataclass(frozen=True, slots=True)
class Term:
    """One row of the terminology table."""

    vocabulary: str
    key: str
    system: str
    code: str
    display: str
    source: str
    status: str


#: Vocabulary kinds sent as a plain code of a FHIR element (``effect`` is the valueCode of
#: an extension), so they have no local concept.
UNCODED_KINDS = frozenset({"effect"})


@lru_cache(maxsize=1)
def load_table() -> tuple[Term, ...]:
    """Every row: each vocabulary key's local code (from the vocabulary table) followed by
    its rows of ``terminology.csv``, in the vocabulary table's order, then the other rows of
    ``terminology.csv`` in file order."""
    text = resources.files("fhirmig.fhir").joinpath("terminology.csv").read_text("utf-8")
    rows = [Term(**row) for row in csv.DictReader(io.StringIO(text))]
    vocabulary = {(e.kind, e.key) for e in entries()}
    coded: dict[tuple[str, str], list[Term]] = {}
    for term in rows:
        if (term.vocabulary, term.key) in vocabulary:
            coded.setdefault((term.vocabulary, term.key), []).append(term)
    out: list[Term] = []
    for e in entries():
        if e.kind in UNCODED_KINDS:
            continue
        local = f"{e.kind}.{e.key}"
        out.append(Term(e.kind, e.key, CODE_SYSTEM, local, e.label, "fhirmig", "local"))
        out.extend(coded.get((e.kind, e.key), ()))
    rest = [t for t in rows if (t.vocabulary, t.key) not in vocabulary]
    return (*out, *rest)


@lru_cache(maxsize=1)
def _by_key() -> dict[tuple[str, str], tuple[Term, ...]]:
    table: dict[tuple[str, str], list[Term]] = {}
    for term in load_table():
        table.setdefault((term.vocabulary, term.key), []).append(term)
    return {k: tuple(v) for k, v in table.items()}


@lru_cache(maxsize=1)
def _by_local_code() -> dict[str, tuple[str, str]]:
    return {t.code: (t.vocabulary, t.key) for t in load_table() if t.system == CODE_SYSTEM}


def terms(vocabulary: str, key: str) -> tuple[Term, ...]:
    """The rows of one key (local code first), or ``()`` when it is not a key."""
    return _by_key().get((vocabulary, key), ())


def _coding(term: Term) -> dict[str, Any]:
    return {"system": term.system, "code": term.code, "display": term.display}


def coding(vocabulary: str, key: str) -> dict[str, Any]:
    """The first Coding of a key (for fixed element codes); ``KeyError`` when unknown."""
    found = terms(vocabulary, key)
    if not found:
        raise KeyError(f"{vocabulary}/{key}")
    return _coding(found[0])


@lru_cache(maxsize=1024)
def _key_concept(vocabulary: str, key: str) -> dict[str, Any]:
    from fhirmig.fhir.gate import share

    found = terms(vocabulary, key)
    cc = {
        "coding": [{"system": t.system, "code": t.code, "display": t.display} for t in found],
        "text": found[0].display,
    }
    return share(cc, "CodeableConcept")


#: (vocabulary, key) -> its shared concept: one look-up per value of a resource (the keys
#: are the table's, so this stays as small as the table).
_KEY_CONCEPTS: dict[tuple[str, str], dict[str, Any]] = {}


def key_concept(vocabulary: str, value: str) -> dict[str, Any] | None:
    """The shared CodeableConcept of a key (see :func:`concept`); None for free text."""
    known = _KEY_CONCEPTS.get((vocabulary, value))
    if known is None and terms(vocabulary, value):
        known = _KEY_CONCEPTS[vocabulary, value] = _key_concept(vocabulary, value)
    return known


def concept(vocabulary: str, value: str) -> dict[str, Any]:
    """A CodeableConcept for a diary value: every code of a key, or text only for free text.

    The ``text`` of a key is the display of its local code; free text is kept as written.
    The concept of a key is shared between resources: copy it before changing it.
    """
    known = key_concept(vocabulary, value)
    if known is not None:
        return known
    from fhirmig.fhir.context import text as fhir_text

    return {"text": fhir_text(value)}


def local_key(vocabulary: str, cc: Any) -> str | None:
    """The key of the fhirmig coding of this vocabulary in a CodeableConcept, or None."""
    if not isinstance(cc, dict):
        return None
    for c in cc.get("coding", ()):
        if isinstance(c, dict) and c.get("system") == CODE_SYSTEM:
            found = _by_local_code().get(c.get("code", ""))
            if found and found[0] == vocabulary:
                return found[1]
    return None


def key_of(vocabulary: str, cc: dict[str, Any]) -> str | None:
    """The diary value of a CodeableConcept made by :func:`concept`.

    The key of its fhirmig coding when it has one (of this vocabulary), else its text;
    None when it has neither.
    """
    key = local_key(vocabulary, cc)
    if key is not None:
        return key
    text = cc.get("text") if isinstance(cc, dict) else None
    return text if isinstance(text, str) else None


_INTRO = """# Terminology

Every vocabulary key of the diary format, with the codes fhirmig sends for it. This page is
generated from the vocabulary table `fhirmig/diary/vocabulary.csv` (the keys and their
English labels) and `fhirmig/fhir/terminology.csv` (the other codes); a test keeps the three
equal.

- Every key has a code in fhirmig's one local code system,
  `https://fhirmig.org/fhir/CodeSystem/fhirmig`, written `<vocabulary>.<key>` (for example
  `trigger.caffeine`), with the key's label as display and as the concept's text. Codes
  of this system also name fhirmig's own observation elements (vocabulary `observation`).
- SNOMED CT, LOINC, ICD-10 and ICD-10-CM codes appear only where the project's clinical
  reference marks them **VERIFIED** (seen in an authoritative source) or **CORROBORATED**
  (the same code and display in two or more independent sources); the source is named.
  No code is invented: a key without such a code is sent with the local code and text only.
- A diary entry that is not a key (free text) is sent as text only, never with a code.
- Vocabulary `element` lists the LOINC codes of the Observation elements (HL7 Symptoms IG
  pattern); `attack-kind` and `disability` code the attack's kind and disability.
- Vocabulary `severity` codes a 0-10 rating as the Symptoms IG codes a severity: 1-4 mild,
  5-6 moderate, 7-10 severe (Serlin et al., Pain 1995;61:277-284; Palos et al., J Pain
  2006;7:49-56); `class-days` gives each ICHD-3 class figure of the summaries its own code.
- A code marked VERIFIED from the "SNOMED IPS free set" was read in the IPS free-set
  expansion HL7 publishes (`HL7/fhir-ips`, `input/fsh/valuesets/ProblemsSnomedCtIpsFreeSet.fsh`
  at commit 5f8b4e61, SNOMED CT 20220731, CC BY 4.0); the second source named beside it is
  an independent FHIR implementation guide or code set with the same code and display.

| vocabulary | key | system | code | display | status | source |
|---|---|---|---|---|---|---|
"""

_SHORT = {
    CODE_SYSTEM: "fhirmig",
    "http://snomed.info/sct": "SNOMED CT",
    "http://loinc.org": "LOINC",
    "http://hl7.org/fhir/sid/icd-10": "ICD-10",
    "http://hl7.org/fhir/sid/icd-10-cm": "ICD-10-CM",
}


def terminology_markdown() -> str:
    """The terminology table as the markdown of docs/terminology.md."""
    rows = [
        f"| {t.vocabulary} | {t.key} | {_SHORT.get(t.system, t.system)} | `{t.code}` | "
        f"{t.display} | {t.status} | {t.source} |"
        for t in load_table()
    ]
    return _INTRO + "\n".join(rows) + "\n"
