"""Turning a posted form into a diary entry's JSON data, and problems back into fields.

The form layer only reshapes: text to numbers where the text is a number, yes/no to
booleans, ticked boxes and "other" text to lists, empty rows dropped. It never decides
whether a value is acceptable; a value it cannot reshape is passed on as typed, so the
diary checks refuse it with the same message ``fhirmig validate`` gives, shown beside the
field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from fhirmig.diary.timeparse import parse_datetime
from fhirmig.errors import Problem
from fhirmig.web.fields import Field, FormSpec, Group
from fhirmig.web.uploads import Form

__all__ = [
    "Shown",
    "entry_from_form",
    "field_names",
    "local_input",
    "problems_at",
    "shown_values",
]

_ROW = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")
_MAX_ROWS = 100


def _number(text: str, whole: bool) -> Any:
    cleaned = text.strip().replace(",", ".") if not whole else text.strip()
    try:
        return int(cleaned)
    except ValueError:
        pass
    if whole:
        return text  # the checks say "a valid integer" beside the field
    try:
        value = float(cleaned)
    except ValueError:
        return text
    return int(value) if value.is_integer() else value


def _value(spec: Field, text: str) -> Any:
    """The JSON value of one control's text, or None when it was left empty."""
    text = text.strip()
    if not text:
        return None
    if spec.kind == "int":
        return _number(text, whole=True)
    if spec.kind == "number":
        return _number(text, whole=False)
    if spec.kind == "yesno":
        return {"yes": True, "no": False}.get(text, text)
    if spec.kind == "choice" and spec.choices and all(k.isdigit() for k, _ in spec.choices):
        return _number(text, whole=True)  # a numbered scale (sleep quality 1-5)
    if spec.kind == "dates":
        return [d for d in re.split(r"[\s,;]+", text) if d]
    return text


def _multi(spec: Field, form: Form, prefix: str) -> list[str]:
    keys = [k for k in form.getall(prefix + spec.name) if k]
    other = form.get(prefix + spec.name + ".other")
    keys += [part.strip() for part in re.split(r"[;,\n]", other) if part.strip()]
    return list(dict.fromkeys(keys))


def _rows(group: Group, form: Form) -> list[dict[str, Any]]:
    indexes = sorted(
        {int(m[2]) for name in form.names() if (m := _ROW.match(name)) and m[1] == group.name}
    )
    rows = []
    for i in indexes[:_MAX_ROWS]:
        row: dict[str, Any] = {}
        for sub in group.fields:
            value = _value(sub, form.get(f"{group.name}[{i}].{sub.name}"))
            if value is not None:
                row[sub.name] = value
        if row:  # a row left empty is no entry
            rows.append(row)
    return rows


def entry_from_form(
    spec: FormSpec, form: Form, base: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The entry ``base`` (its JSON data, or a new one) with the form's fields written over it.

    Keys the form does not ask about (``id``, ``extra``) are kept from ``base``; a field
    left empty removes the key.
    """
    entry: dict[str, Any] = dict(base or {})
    for item in spec.fields:
        if isinstance(item, Group):
            rows = _rows(item, form)
            value: Any = rows or None
        elif item.kind == "multi":
            value = _multi(item, form, "") or None
        else:
            value = _value(item, form.get(item.name))
        if value is None:
            entry.pop(item.name, None)
        else:
            entry[item.name] = value
    return entry


def local_input(value: Any, tz: tzinfo) -> str:
    """A diary datetime as a ``datetime-local`` control shows it: wall time in the zone."""
    if not isinstance(value, str):
        return "" if value is None else str(value)
    try:
        when = parse_datetime(value, tz).astimezone(tz)
    except ValueError:
        return value  # shown as typed, beside its problem
    return when.strftime("%Y-%m-%dT%H:%M" if when.second == 0 else "%Y-%m-%dT%H:%M:%S")


@dataclass
class Shown:
    """What a form shows: each control's text, each group's rows, and each box's state."""

    values: dict[str, str] = field(default_factory=dict)
    ticked: dict[str, set[str]] = field(default_factory=dict)
    others: dict[str, str] = field(default_factory=dict)
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)


def _text(spec: Field, value: Any, tz: tzinfo) -> str:
    if value is None:
        return ""
    if spec.kind == "datetime":
        return local_input(value, tz)
    if spec.kind == "yesno" and isinstance(value, bool):
        return "yes" if value else "no"
    if spec.kind == "dates" and isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def shown_values(
    spec: FormSpec,
    entry: Mapping[str, Any],
    tz: tzinfo,
    spares: Mapping[str, int] | None = None,
) -> Shown:
    """The controls' contents for an entry's JSON data (saved, or as just posted).

    Each repeated group shows its rows and ``spares[group]`` empty rows below them.
    """
    shown = Shown()
    for item in spec.fields:
        value = entry.get(item.name)
        if isinstance(item, Group):
            rows = [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []
            shown.rows[item.name] = [
                {sub.name: _text(sub, row.get(sub.name), tz) for sub in item.fields} for row in rows
            ]
            spare = (spares or {}).get(item.name, item.spare)
            shown.rows[item.name] += [{sub.name: "" for sub in item.fields}] * spare
        elif item.kind == "multi":
            listed = [str(v) for v in value] if isinstance(value, list) else []
            keys = {k for k, _ in item.choices}
            shown.ticked[item.name] = {v for v in listed if v in keys}
            shown.others[item.name] = ", ".join(v for v in listed if v not in keys)
        else:
            shown.values[item.name] = _text(item, value, tz)
    return shown


def problems_at(
    problems: Iterable[Problem], prefix: str, known: Iterable[str] = ()
) -> tuple[dict[str, list[str]], list[str]]:
    """Problems of the entry at JSON path ``prefix`` (``attacks[4]``), by field name.

    Returns the messages keyed by the field's name inside the entry (``twitching[1].location``)
    and the messages that belong to no field shown (listed at the top of the form).
    """
    names = set(known)
    by_field: dict[str, list[str]] = {}
    general: list[str] = []
    for p in problems:
        loc = p.location
        inner = loc[len(prefix) :].lstrip(".") if prefix and loc.startswith(prefix) else None
        if inner is None:
            general.append(f"{loc}: {p.message}" if loc else p.message)
            continue
        # a list item's problem (painLocations[2]) belongs to the list's control
        key = inner if inner in names else re.sub(r"\[\d+\]$", "", inner)
        if key in names:
            by_field.setdefault(key, []).append(p.message)
        else:
            general.append(f"{inner or 'this entry'}: {p.message}")
    return by_field, general


def field_names(spec: FormSpec, shown: Shown) -> list[str]:
    """Every control name of the form as shown (rows included), for :func:`problems_at`."""
    names: list[str] = []
    for item in spec.fields:
        if isinstance(item, Group):
            for i in range(len(shown.rows.get(item.name, []))):
                names.extend(f"{item.name}[{i}].{sub.name}" for sub in item.fields)
            names.append(item.name)
        else:
            names.append(item.name)
    return names
