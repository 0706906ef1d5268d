"""The health-events block of a Migraine Buddy export as days of the diary.

Each event (a date or a date range, a time of day, a description, notes) becomes a note on
the day it started. A menstruation event marks ``menstruation`` on every day of its range,
as does an attack with the trigger ``Period: Yes`` on its start day, so that the menstrual
pattern of the clinical figures can use the export.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from fhirmig.importers import mb_vocabulary as vocab
from fhirmig.importers.dates import AmbiguousOrder, parse_local
from fhirmig.importers.mb_table import Record
from fhirmig.importers.result import Findings

__all__ = ["RANGE_SPLIT", "health_event_days"]

RANGE_SPLIT = re.compile(r"\s+(?:-|–|—|to|bis|au|a)\s+")
_EVENT_TITLES = ("health event", "date", "description", "time period")
_MENSTRUATION_EVENTS = frozenset(
    {"menstruation", "period", "menstrual period", "periods", "menses", "menstrual cycle"}
)


def health_event_days(
    events: list[Record], order: bool | None, findings: Findings, menstruation: dict[str, int]
) -> list[tuple[int, dict[str, Any]]]:
    """Health events as day notes; menstruation events and ``Period: Yes`` attack days also
    mark ``menstruation`` on their days, so the menstrual pattern can use them."""
    by_day: dict[str, tuple[int, list[str]]] = {}
    flagged: dict[str, int] = dict(menstruation)
    for record in events:
        cells = [c.strip() for c in record.cells]
        first = cells[0] if cells else ""
        parts = RANGE_SPLIT.split(first)
        try:
            day = parse_local(parts[0], order).day
            last = parse_local(parts[1], order).day if len(parts) > 1 else day
        except AmbiguousOrder as exc:
            findings.ambiguous_order(record.line, exc)
            continue
        except ValueError as exc:
            words = [vocab.normal_word(c) for c in cells if c]
            if len(words) <= 1 or any(t in w for t in _EVENT_TITLES for w in words):
                continue  # a title, or the header row of the health-events block
            if any(w.startswith("no ongoing events") for w in words):
                continue  # "No ongoing events recorded during this period."
            findings.problem(record.line, f"health event: {exc}")
            continue
        period, description, notes = [*cells, "", "", ""][1:4]
        if vocab.normal_word(description) in _MENSTRUATION_EVENTS and 0 <= (last - day).days < 15:
            for k in range((last - day).days + 1):
                flagged.setdefault((day + timedelta(days=k)).isoformat(), record.line)
        text = "Health event: " + (description or "(no description)")
        if len(parts) > 1:
            text += f" ({first})"
        if period:
            text += f" [{period}]"
        if notes:
            text += f": {notes}"
        extra = [c for c in cells[4:] if c]
        if extra:
            text += " | " + " | ".join(extra)
        key = day.isoformat()
        by_day.setdefault(key, (record.line, []))[1].append(text)
    out: list[tuple[int, dict[str, Any]]] = []
    for key in sorted(set(by_day) | set(flagged)):
        line, texts = by_day.get(key, (flagged.get(key, 0), []))
        entry: dict[str, Any] = {"date": key}
        if texts:
            entry["notes"] = "\n".join(texts)
        if key in flagged:
            entry["menstruation"] = True
        out.append((line, entry))
    return out
