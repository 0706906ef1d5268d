"""Adding imported data to an existing diary without changing what is already there.

The rules are the same for every source:

- an attack whose id, or whose start instant, is already in the diary is left out (the
  diary's own entry is kept);
- a day already in the diary keeps its values; the import only fills fields the diary
  leaves empty, and adds its notes when the diary's notes do not already hold them;
- a medication is matched by name (case-insensitive); a new one is added to the catalogue.

Importing the same data twice therefore changes nothing the second time, and every
change is listed in :attr:`MergeResult.changes`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from fhirmig.diary.model import Attack, DayEntry, Diary
from fhirmig.diary.reader import diary_from_raw
from fhirmig.diary.writer import diary_to_json
from fhirmig.wording import plural

__all__ = ["MergeResult", "merge_days", "merge_diaries"]

_DAY_FIELDS = tuple(name for name in DayEntry.model_fields if name not in {"date", "notes"})


@dataclass(frozen=True, slots=True)
class MergeResult:
    """The merged diary, what changed (empty: nothing did) and what was left as it was."""

    diary: Diary
    changes: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """True when the merge added or filled anything."""
        return bool(self.changes)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _merge_day_data(
    existing: dict[str, dict[str, Any]],
    days: Iterable[dict[str, Any]],
    changes: list[str],
    kept_notes: list[str],
) -> bool:
    added = 0
    filled: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    for day in days:
        key = day["date"]
        base = existing.get(key)
        if base is None:
            existing[key] = dict(day)
            added += 1
            continue
        for name in map(_camel, _DAY_FIELDS):
            if name not in day:
                continue
            if name not in base:
                base[name] = day[name]
                filled[name] += 1
            elif base[name] != day[name]:
                kept[name] += 1
        notes = day.get("notes")
        if notes and notes not in base.get("notes", ""):
            base["notes"] = f"{base['notes']}\n{notes}" if base.get("notes") else notes
            filled["notes"] += 1
    if added:
        changes.append(f"added {plural(added, 'day')}")
    for name, n in sorted(filled.items()):
        changes.append(f"filled {name} on {plural(n, 'existing day')}")
    for name, n in sorted(kept.items()):
        kept_notes.append(f"kept the diary's {name} on {plural(n, 'day')} where the import differs")
    return bool(added or filled)


def merge_days(diary: Diary, days: Iterable[DayEntry]) -> MergeResult:
    """Add daily entries (sleep, ...) to ``diary``, keeping every value it already has."""
    data = diary_to_json(diary)
    incoming = [d.model_dump(mode="json", by_alias=True, exclude_none=True) for d in days]
    existing = {d["date"]: dict(d) for d in data.get("days", [])}
    changes: list[str] = []
    kept: list[str] = []
    if not _merge_day_data(existing, incoming, changes, kept):
        return MergeResult(diary, (), tuple(kept))
    data["days"] = [existing[k] for k in sorted(existing)]
    return MergeResult(_rebuild(data, diary), tuple(changes), tuple(kept))


def merge_diaries(
    base: Diary, incoming: Diary, *, same_start_within: timedelta = timedelta(0)
) -> MergeResult:
    """Add ``incoming``'s attacks, days, catalogue entries and treatments to ``base``.

    ``base``'s patient is kept. Nothing ``base`` holds is changed or removed. An incoming
    attack whose start is within ``same_start_within`` of an attack already there is the
    same attack (a source whose times drift by minutes between exports). An imported
    ``headacheFree`` day that an attack touches is not carried over.
    """
    data = diary_to_json(base)
    new = diary_to_json(incoming)
    changes: list[str] = []
    kept: list[str] = []
    med_ids = _merge_catalogue(data, new.get("medications", []), changes)
    attack_ids = {a.id for a in base.attacks}
    starts = sorted(a.start for a in base.attacks)
    added_attacks = []
    skipped = 0
    for attack, model in zip(new.get("attacks", []), incoming.attacks, strict=True):
        if model.id in attack_ids or _near(starts, model.start, same_start_within):
            skipped += 1
            continue
        for intake in attack.get("medications", []):
            intake["medication"] = med_ids.get(intake["medication"], intake["medication"])
        added_attacks.append((model.start, attack))
        attack_ids.add(model.id)
    if added_attacks:
        ordered = [
            (a.start, raw) for a, raw in zip(base.attacks, data.get("attacks", []), strict=True)
        ]
        ordered += added_attacks
        ordered.sort(key=lambda item: item[0])
        data["attacks"] = [raw for _, raw in ordered]
        changes.append(f"added {plural(len(added_attacks), 'attack')}")
    if skipped:
        kept.append(f"left out {plural(skipped, 'attack')} already in the diary (same id or start)")
    existing = {d["date"]: dict(d) for d in data.get("days", [])}
    touched = _touched_days([*base.attacks, *incoming.attacks], base.patient.tz)
    incoming_days = [
        {k: v for k, v in d.items() if k != "headacheFree" or d["date"] not in touched}
        for d in new.get("days", [])
    ]
    incoming_days = [d for d in incoming_days if len(d) > 1]
    if _merge_day_data(existing, incoming_days, changes, kept):
        data["days"] = [existing[k] for k in sorted(existing)]
    for section, key in (("treatments", "id"), ("conditions", "id")):
        have = {item[key] for item in data.get(section, [])}
        extra = [item for item in new.get(section, []) if item[key] not in have]
        if extra:
            data[section] = data.get(section, []) + extra
            changes.append(f"added {plural(len(extra), section[:-1])}")
    if not changes:
        return MergeResult(base, (), tuple(kept))
    return MergeResult(_rebuild(data, base), tuple(changes), tuple(kept))


def _near(starts: list[datetime], start: datetime, window: timedelta) -> bool:
    """True when a start in the sorted ``starts`` lies within ``window`` of ``start``."""
    i = bisect_left(starts, start - window)
    return i < len(starts) and starts[i] <= start + window


def _touched_days(attacks: Iterable[Attack], tz: tzinfo) -> set[str]:
    """ISO dates (in ``tz``) that an attack other than an aura-only one touches."""
    out: set[str] = set()
    for a in attacks:
        if a.kind == "aura-only":
            continue
        first = a.start.astimezone(tz).date()
        end = a.effective_end or a.start
        last = max(a.start, end - timedelta(microseconds=1)).astimezone(tz).date()
        for k in range(min((last - first).days, 366) + 1):
            out.add((first + timedelta(days=k)).isoformat())
    return out


def _merge_catalogue(
    data: dict[str, Any], incoming: list[dict[str, Any]], changes: list[str]
) -> dict[str, str]:
    """Map the import's medication ids onto the diary's, adding unknown medications."""
    catalogue: list[dict[str, Any]] = data.setdefault("medications", [])
    by_name = {str(m["name"]).casefold(): m["id"] for m in catalogue}
    ids = {m["id"] for m in catalogue}
    mapping: dict[str, str] = {}
    added = 0
    for med in incoming:
        name = str(med["name"]).casefold()
        if name in by_name:
            mapping[med["id"]] = by_name[name]
            continue
        new_id, n = med["id"], 2
        while new_id in ids:
            new_id, n = f"{med['id']}-{n}", n + 1
        catalogue.append({**med, "id": new_id})
        ids.add(new_id)
        by_name[name] = new_id
        mapping[med["id"]] = new_id
        added += 1
    if added:
        changes.append(f"added {plural(added, 'medication')} to the catalogue")
    if not catalogue:
        del data["medications"]
    return mapping


def _rebuild(data: dict[str, Any], like: Diary) -> Diary:
    return diary_from_raw(data, f"<diary of {like.patient.id}>")
