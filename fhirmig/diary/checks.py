"""Whole-diary checks and the turning of model errors into located problems.

The pydantic model checks each field on its own. What needs the whole diary is checked
here on the raw (parsed but unvalidated) data, defensively, so that a diary with a bad
field still has its duplicate ids and unknown catalogue ids reported in the same run.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from pydantic import ValidationError

from fhirmig.diary.timeparse import parse_date, parse_datetime, zone
from fhirmig.diary.values import MAX_MINUTES
from fhirmig.errors import Problem
from fhirmig.wording import excerpt

__all__ = [
    "HIT6_ANSWERS",
    "MIDAS_ITEMS",
    "cross_check",
    "headache_free_conflicts",
    "json_path",
    "problems_from",
]

HIT6_ANSWERS = frozenset({6, 8, 10, 11, 13})
MIDAS_ITEMS = 5

Locate = Callable[[tuple[str | int, ...]], str]


def json_path(loc: tuple[str | int, ...]) -> str:
    """``("attacks", 3, "intensity")`` -> ``attacks[3].intensity``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


#: Errors about the form of a value (a number, a date, one of a list): their message may
#: quote an excerpt of the value, which the user needs to find it.
_FORM_ERRORS = frozenset(
    {
        "bool_parsing",
        "bool_type",
        "date_from_datetime_parsing",
        "date_parsing",
        "date_type",
        "datetime_parsing",
        "datetime_type",
        "enum",
        "finite_number",
        "float_parsing",
        "float_type",
        "greater_than",
        "greater_than_equal",
        "int_from_float",
        "int_parsing",
        "int_parsing_size",
        "int_type",
        "less_than",
        "less_than_equal",
        "literal_error",
        "multiple_of",
    }
)
#: Fields holding what the patient wrote in their own words or who they are: a message
#: about them never repeats their value, whatever the rule.
FREE_TEXT_FIELDS = frozenset(
    {"notes", "description", "text", "name", "given", "family", "value", "dose", "setting"}
)


def _shown(kind: str, loc: tuple[str | int, ...], value: Any) -> str:
    """`` (got '...')`` for an error about a value's form, else nothing."""
    field = next((part for part in reversed(loc) if isinstance(part, str)), "")
    if kind not in _FORM_ERRORS or field in FREE_TEXT_FIELDS:
        return ""
    if value is None or isinstance(value, dict | list):
        return ""
    return f" (got {excerpt(value)})"


def problems_from(error: ValidationError, file: str, locate: Locate = json_path) -> list[Problem]:
    """One Problem per pydantic error, located by ``locate`` and worded for people."""
    problems = []
    for err in error.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        kind = err["type"]
        msg = err["msg"]
        if kind == "extra_forbidden":
            message = "unknown field (a typo? fields are camelCase; free data goes in 'extra')"
        elif kind == "missing":
            message = "required field is missing"
        elif kind == "value_error":
            message = msg.removeprefix("Value error, ")
        else:
            message = msg[0].lower() + msg[1:] + _shown(kind, loc, err.get("input"))
        problems.append(Problem(file, locate(loc), message))
    return problems


def _items(raw: dict[str, Any], key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    value = raw.get(key)
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield i, item


def _dt(value: Any, tz: tzinfo, memo: Mapping[str, datetime] | None = None) -> datetime | None:
    if not isinstance(value, str):
        return None
    if memo is not None and (known := memo.get(value)) is not None:
        return known
    try:
        return parse_datetime(value, tz)
    except ValueError:
        return None


def _minutes(value: Any) -> float | None:
    """A duration in minutes fit to compare (the model reports any other value)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) and 0 <= value <= MAX_MINUTES else None


def _elapsed(start: datetime, end: datetime) -> timedelta:
    # Datetimes sharing a zone subtract as wall-clock times; elapsed time needs UTC.
    return end.astimezone(UTC) - start.astimezone(UTC)


def _patient_tz(raw: dict[str, Any]) -> tzinfo:
    patient = raw.get("patient")
    name = patient.get("timezone", "UTC") if isinstance(patient, dict) else "UTC"
    try:
        return zone(name)
    except (ValueError, TypeError):
        return zone("UTC")


def cross_check(
    raw: dict[str, Any],
    file: str,
    locate: Locate = json_path,
    datetimes: Mapping[str, datetime] | None = None,
) -> list[Problem]:
    """Problems that need the whole diary: duplicates, unknown ids, time order, scores.

    ``datetimes`` holds datetime texts already read in the patient's zone (by the model),
    so they are not parsed twice.
    """
    problems: list[Problem] = []

    def add(loc: tuple[str | int, ...], message: str) -> None:
        problems.append(Problem(file, locate(loc), message))

    for key in ("conditions", "medications", "attacks", "treatments"):
        seen: dict[Any, int] = {}
        for i, item in _items(raw, key):
            ident = item.get("id")
            if isinstance(ident, str):
                if ident in seen:
                    add(
                        (key, i, "id"),
                        f"duplicate id {excerpt(ident)} (first at {key}[{seen[ident]}])",
                    )
                else:
                    seen[ident] = i

    catalogue = {m["id"] for _, m in _items(raw, "medications") if isinstance(m.get("id"), str)}
    tz = _patient_tz(raw)
    for i, attack in _items(raw, "attacks"):
        intakes = attack.get("medications")
        for j, intake in enumerate(intakes if isinstance(intakes, list) else []):
            if isinstance(intake, dict):
                med = intake.get("medication")
                if isinstance(med, str) and med not in catalogue:
                    add(
                        ("attacks", i, "medications", j, "medication"),
                        f"no medication with id {excerpt(med)} in the catalogue (medications)",
                    )
        start, end = _dt(attack.get("start"), tz, datetimes), _dt(attack.get("end"), tz, datetimes)
        if start is not None and end is not None and end < start:
            add(("attacks", i, "end"), "end is before start")
        duration = _minutes(attack.get("durationMinutes"))
        if (
            start is not None
            and end is not None
            and duration is not None
            and abs(_elapsed(start, end) - timedelta(minutes=duration)) > timedelta(minutes=1)
        ):
            add(
                ("attacks", i, "durationMinutes"), "disagrees with end - start; give one of the two"
            )

    for i, treatment in _items(raw, "treatments"):
        med = treatment.get("medication")
        if isinstance(med, str) and med not in catalogue:
            add(
                ("treatments", i, "medication"),
                f"no medication with id {excerpt(med)} in the catalogue",
            )
        start, end = treatment.get("start"), treatment.get("end")
        if isinstance(start, str) and isinstance(end, str) and end < start:
            add(("treatments", i, "end"), "end is before start")

    dates: dict[Any, int] = {}
    for i, day in _items(raw, "days"):
        when = day.get("date")
        if isinstance(when, str):
            if when in dates:
                add(
                    ("days", i, "date"), f"a second entry for {when} (first at days[{dates[when]}])"
                )
            else:
                dates[when] = i

    for i, q in _items(raw, "questionnaires"):
        problems.extend(_check_questionnaire(q, ("questionnaires", i), file, locate))
    for day_index, attacks in headache_free_conflicts(raw, tz).items():
        add(("days", day_index, "headacheFree"), _conflict_message(raw, day_index, attacks))
    return problems


_SHOWN_ATTACKS = 3


def _conflict_message(raw: dict[str, Any], day_index: int, attacks: list[int]) -> str:
    day = raw["days"][day_index]["date"]
    named = []
    for i in attacks[:_SHOWN_ATTACKS]:
        ident = raw["attacks"][i].get("id")
        named.append(
            f"{excerpt(ident)} (attacks[{i}])" if isinstance(ident, str) else f"attacks[{i}]"
        )
    more = len(attacks) - _SHOWN_ATTACKS
    who = ", ".join(named) + (f" and {more} more" if more > 0 else "")
    verb = "touches" if len(attacks) == 1 else "touch"
    return (
        f"{day} is marked headache-free, but attack {who} {verb} it "
        "(only an aura-only attack may touch a headache-free day)"
    )


def _attack_days(attack: dict[str, Any], tz: tzinfo) -> tuple[date, date] | None:
    """First and last calendar day a raw attack touches (None when its start is unreadable)."""
    start = _dt(attack.get("start"), tz)
    if start is None:
        return None
    first = start.astimezone(tz).date()
    end = _dt(attack.get("end"), tz)
    if end is None and (minutes := _minutes(attack.get("durationMinutes"))) is not None:
        end = start.astimezone(UTC) + timedelta(minutes=minutes)
    if end is None:
        return first, first
    local_end = end.astimezone(tz)
    last = local_end.date()
    if last > first and local_end.time() == time(0, 0):
        last -= timedelta(days=1)  # an end at exactly 00:00 does not touch the new day
    return first, max(first, last)


def headache_free_conflicts(raw: dict[str, Any], tz: tzinfo) -> dict[int, list[int]]:
    """``days`` index -> indexes of the attacks (other than aura-only) touching a day that
    is marked ``headacheFree: true``; empty when there is no conflict.

    The day rules are those of the figures (docs/clinical-definitions.md): an attack
    touches every day from its start day to its end day in the patient's zone.
    """
    free: dict[date, int] = {}
    for i, day in _items(raw, "days"):
        when = day.get("date")
        if day.get("headacheFree") is True and isinstance(when, str):
            try:
                free.setdefault(parse_date(when), i)
            except ValueError:
                continue  # the model reports the bad date
    if not free:
        return {}
    ordered = sorted(free)
    conflicts: dict[int, list[int]] = {}
    for i, attack in _items(raw, "attacks"):
        if attack.get("kind") == "aura-only":
            continue
        span = _attack_days(attack, tz)
        if span is None:
            continue
        for when in ordered[bisect_left(ordered, span[0]) : bisect_right(ordered, span[1])]:
            conflicts.setdefault(free[when], []).append(i)
    return dict(sorted(conflicts.items()))


def _check_questionnaire(
    q: dict[str, Any], loc: tuple[str | int, ...], file: str, locate: Locate
) -> list[Problem]:
    out: list[Problem] = []
    instrument, score, items = q.get("instrument"), q.get("score"), q.get("items")
    if not isinstance(score, int) or isinstance(score, bool):
        return out
    if instrument == "HIT-6" and not 36 <= score <= 78:
        out.append(
            Problem(file, locate((*loc, "score")), f"HIT-6 scores run from 36 to 78 (got {score})")
        )
    if not isinstance(items, list) or not all(
        isinstance(x, int) and not isinstance(x, bool) for x in items
    ):
        return out
    if instrument == "HIT-6":
        if len(items) != 6:
            out.append(
                Problem(file, locate((*loc, "items")), f"HIT-6 has 6 items (got {len(items)})")
            )
        for k, x in enumerate(items):
            if x not in HIT6_ANSWERS:
                out.append(
                    Problem(
                        file,
                        locate((*loc, "items", k)),
                        f"a HIT-6 answer scores 6, 8, 10, 11 or 13 (got {x})",
                    )
                )
        if len(items) == 6 and sum(items) != score:
            out.append(
                Problem(
                    file,
                    locate((*loc, "score")),
                    f"score {score} disagrees with the items, which sum to {sum(items)}",
                )
            )
    elif instrument == "MIDAS":
        if len(items) not in (MIDAS_ITEMS, MIDAS_ITEMS + 2):
            out.append(
                Problem(
                    file,
                    locate((*loc, "items")),
                    f"MIDAS has 5 scored items, optionally A and B (got {len(items)})",
                )
            )
            return out
        for k, x in enumerate(items[:MIDAS_ITEMS]):
            if not 0 <= x <= 90:
                out.append(
                    Problem(
                        file,
                        locate((*loc, "items", k)),
                        f"a MIDAS item counts 0 to 90 days (got {x})",
                    )
                )
        if len(items) == 7:
            if not 0 <= items[5] <= 90:
                out.append(
                    Problem(
                        file,
                        locate((*loc, "items", 5)),
                        f"MIDAS item A counts 0 to 90 days (got {items[5]})",
                    )
                )
            if not 0 <= items[6] <= 10:
                out.append(
                    Problem(
                        file,
                        locate((*loc, "items", 6)),
                        f"MIDAS item B is pain 0 to 10 (got {items[6]})",
                    )
                )
        total = sum(items[:MIDAS_ITEMS])
        if total != score:
            out.append(
                Problem(
                    file,
                    locate((*loc, "score")),
                    f"score {score} disagrees with items 1-5, which sum to {total}",
                )
            )
    return out
