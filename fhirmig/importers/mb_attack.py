"""One Migraine Buddy attack row turned into diary data, and the medication catalogue.

The app's words go through the tables of :mod:`fhirmig.importers.mb_vocabulary`; a word
no table knows is kept as it was written (free text) and listed once in the import's
notes, so that nothing the patient recorded is lost and nothing gets an invented code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fhirmig.diary.drugs import left_other, match_drug, not_counted_line
from fhirmig.diary.model import slug
from fhirmig.diary.timeparse import format_datetime
from fhirmig.diary.vocabulary import BODY_SITES, keys
from fhirmig.importers import mb_vocabulary as vocab
from fhirmig.importers.result import Findings
from fhirmig.wording import excerpt

__all__ = ["AttackBuilder", "Catalogue"]

_COUNT_FIRST = re.compile(r"^(\d+)\s*[x×]\s+(.+)$", re.IGNORECASE)
_COUNT_LAST = re.compile(r"^(.+?)\s+[x×]\s*(\d+)$", re.IGNORECASE)
_DOSE = re.compile(r"(\d+(?:[.,]\d+)?)\s*(mg|mcg|µg|ug|g|ml|iu|units?)\b", re.IGNORECASE)
_YES = {"yes", "y", "true", "1", "ja", "oui", "si", "sim"}
_NO = {"no", "n", "false", "0", "nein", "non", "nao"}
_KINDS = {
    "migraine": "migraine",
    "migraine attack": "migraine",
    "headache": "headache",
    "tension": "tension",
    "tension headache": "tension",
    "tension type headache": "tension",
    "cluster": "cluster",
    "cluster headache": "cluster",
    "aura": "aura-only",
    "aura only": "aura-only",
}


def _items(text: str) -> list[str]:
    out: list[str] = []
    for item in re.split(r"[,;\n]", text):
        item = item.strip()
        if item and item not in out:
            out.append(item)
    return out


@dataclass
class Catalogue:
    """The medications met in an export, by name, with ids unique in the diary."""

    by_name: dict[str, dict[str, Any]] = field(default_factory=dict)
    first_line: dict[str, int] = field(default_factory=dict)
    free_text: dict[str, int] = field(default_factory=dict)
    unclassified: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, line: int) -> str:
        """The id of the medication called ``name``, adding it on first sight."""
        key = vocab.normal_word(name)
        found = self.by_name.get(key)
        if found is not None:
            return str(found["id"])
        taken = {m["id"] for m in self.by_name.values()}
        base = new_id = slug(name)
        n = 2
        while new_id in taken:
            new_id, n = f"{base}-{n}", n + 1
        drug = match_drug(name)
        self.by_name[key] = {
            "id": new_id,
            "name": name[:1000],
            "class": drug.drug_class,
            **drug.codes(),
        }
        if drug.reason:
            self.unclassified[key] = drug.reason
        self.first_line[key] = line
        return new_id

    def entries(self, findings: Findings) -> list[dict[str, Any]]:
        """The catalogue, noting each medication whose class could not be told."""
        for key, med in self.by_name.items():
            if med["class"] == "other":
                why = self.unclassified.get(key, "not in the drug table")
                findings.note(
                    self.first_line[key],
                    f"medication {excerpt(med['name'])}: {why}; class set to 'other', so it is not "
                    "counted as acute medication (set its class in the catalogue)",
                )
        entries = sorted(self.by_name.values(), key=lambda m: str(m["id"]))
        line = not_counted_line(left_other(entries))
        if line:
            findings.note(None, line)
        return entries

    def kept(self, word: str, line: int) -> str:
        """Record an app word kept as free text; returns it unchanged."""
        self.free_text.setdefault(word, line)
        return word


def _matches(listed: str, noted: str) -> bool:
    a, b = vocab.normal_word(listed), vocab.normal_word(noted)
    if not a or not b:
        return False
    return a in b or b in a or a.split()[0] == b.split()[0]


@dataclass
class _Listed:
    name: str
    count: int
    dose: str | None
    relief: str | None


class AttackBuilder:
    """Collects the parts of one attack row, then writes them into the attack's data."""

    def __init__(self, line: int, findings: Findings, catalogue: Catalogue) -> None:
        self.line, self.findings, self.catalogue = line, findings, catalogue
        self.symptom_keys: list[str] = []
        self.qualities: list[str] = []
        self.locations: list[str] = []
        self.trigger_keys: list[str] = []
        self.reliefs: list[dict[str, Any]] = []
        self.listed: list[_Listed] = []
        self.intakes: list[dict[str, Any]] = []
        self.aura: bool | None = None
        self.bothersome: str | None = None
        self.premonitory_keys: list[str] = []
        self.disability: str | None = None
        self.setting: str | None = None
        self.menstruation = False
        self.notes: list[str] = []
        self.extra_lines: list[str] = []

    def _word(self, item: str, table: dict[str, str]) -> str | None:
        return table.get(vocab.normal_word(item))

    @staticmethod
    def _add(target: list[str], value: str) -> None:
        if value not in target:
            target.append(value)

    def kind(self, text: str | None, attack: dict[str, Any]) -> None:
        """The attack type column, when the export has one."""
        if not text:
            return
        key = _KINDS.get(vocab.normal_word(text))
        if key is None:
            self.extra_lines.append(f"Attack type: {text}")
            self.catalogue.kept(text, self.line)
        else:
            attack["kind"] = key

    def symptoms(self, text: str, bothersome: str | None) -> None:
        """Symptoms: pain qualities, aura words and symptoms; the rest as free text.

        The most bothersome symptom is kept in its own field (and among the symptoms).
        """
        items = _items(text)
        worst = _items(bothersome or "")
        items += [b for b in worst if b not in items]
        for item in items:
            if quality := self._word(item, vocab.PAIN_QUALITIES):
                self._add(self.qualities, quality)
                key = quality
            elif aura := self._word(item, vocab.AURA_WORDS):
                self.aura = True
                self._add(self.symptom_keys, aura)
                key = aura
            elif symptom := self._word(item, vocab.SYMPTOMS):
                self._add(self.symptom_keys, symptom)
                key = symptom
            else:
                key = self.catalogue.kept(item, self.line)
                self._add(self.symptom_keys, key)
            if worst and item == worst[0]:
                self.bothersome = key

    def premonitory(self, text: str) -> None:
        """Premonitory (prodrome) symptoms: kept apart, never read as an aura."""
        for item in _items(text):
            key = self._word(item, vocab.SYMPTOMS)
            if key is None or key in vocab.AURA_SYMPTOMS:
                key = self.catalogue.kept(item, self.line)
            self._add(self.premonitory_keys, key)

    def activities(self, text: str) -> None:
        """Affected activities: the highest disability level of the table; others to notes."""
        levels = keys("disability")
        unknown: list[str] = []
        for item in _items(text):
            level = vocab.ACTIVITY_DISABILITY.get(vocab.normal_word(item))
            if level is None:
                unknown.append(item)
            elif self.disability is None or levels.index(level) > levels.index(self.disability):
                self.disability = level
        if unknown:
            self.extra_lines.append("Affected activities: " + ", ".join(unknown))

    def aura_column(self, text: str) -> None:
        """The aura column: Yes/No in some app versions, premonitory symptoms in others."""
        word = vocab.normal_word(text)
        if not word:
            return
        if word in _YES or word in _NO:
            self.aura = True if word in _YES else (self.aura or False)
            return
        premonitory: list[str] = []
        for item in _items(text):
            if aura := self._word(item, vocab.AURA_WORDS):
                self.aura = True
                self._add(self.symptom_keys, aura)
            else:
                premonitory.append(item)
        if premonitory:
            self.extra_lines.append("Premonitory symptoms: " + ", ".join(premonitory))

    def triggers(self, text: str) -> None:
        """Potential triggers; ``Menstruation: Yes`` counts, ``Menstruation: No`` does not."""
        for item in _items(text):
            m = re.match(r"^(menstruation|period)\s*:\s*(\w+)$", item.strip(), re.IGNORECASE)
            if m:
                if m[2].casefold() in _YES:
                    self._add(self.trigger_keys, "menstruation")
                    self.menstruation = True
                continue
            key = self._word(item, vocab.TRIGGERS)
            self._add(self.trigger_keys, key or self.catalogue.kept(item, self.line))

    def positions(self, text: str) -> None:
        """Pain positions as body-site keys, or free text."""
        for item in _items(text):
            key = self._word(item, vocab.BODY_SITES)
            if key is None and slug(item) in BODY_SITES:
                key = slug(item)
            self._add(self.locations, key or self.catalogue.kept(item, self.line))

    def relief(self, text: str, effect: str | None) -> None:
        """Non-drug relief methods of one effect column."""
        for item in _items(text):
            key = self._word(item, vocab.RELIEF_METHODS)
            use: dict[str, Any] = {"method": key or self.catalogue.kept(item, self.line)}
            if effect:
                use["effect"] = effect
            if use not in self.reliefs:
                self.reliefs.append(use)

    def medications(self, text: str, relief: str | None) -> None:
        """Medications of one effect column: ``1x Naproxen sodium 550mg Oral``."""
        for item in _items(text):
            count = 1
            if m := _COUNT_FIRST.match(item):
                count, item = int(m[1]), m[2].strip()
            elif m := _COUNT_LAST.match(item):
                item, count = m[1].strip(), int(m[2])
            dose = _DOSE.search(item)
            self.listed.append(_Listed(item, max(count, 1), dose[0] if dose else None, relief))

    def finish_intakes(self, noted: list[tuple[str, datetime]]) -> None:
        """One intake per listed dose, timed by the Notes lines that name the drug."""
        left = sorted(noted, key=lambda item: item[1])
        for listed in self.listed:
            times = [when for what, when in left if _matches(listed.name, what)]
            left = [(what, when) for what, when in left if not _matches(listed.name, what)]
            med_id = self.catalogue.add(listed.name, self.line)
            for i in range(max(listed.count, len(times))):
                intake: dict[str, Any] = {"medication": med_id}
                if i < len(times):
                    intake["taken"] = format_datetime(times[i])
                if listed.dose:
                    intake["dose"] = listed.dose
                if listed.relief:
                    intake["relief"] = listed.relief
                self.intakes.append(intake)
        for what, when in left:
            med_id = self.catalogue.add(what, self.line)
            self.intakes.append({"medication": med_id, "taken": format_datetime(when)})

    def fill(self, attack: dict[str, Any]) -> None:
        """Write the collected parts into the attack's data."""
        for name, values in (
            ("painLocations", self.locations),
            ("painQualities", self.qualities),
            ("symptoms", self.symptom_keys),
            ("triggers", self.trigger_keys),
            ("medications", self.intakes),
            ("reliefMethods", self.reliefs),
        ):
            if values:
                attack[name] = values
        if self.aura is not None:
            attack["aura"] = self.aura
        if self.disability is not None:
            attack["disability"] = self.disability
        if self.bothersome is not None:
            attack["mostBothersomeSymptom"] = self.bothersome
        if self.premonitory_keys:
            attack["premonitorySymptoms"] = self.premonitory_keys
        if self.setting is not None:
            attack["setting"] = self.setting
        notes = "\n".join(self.notes + self.extra_lines).strip()
        if notes:
            attack["notes"] = notes
