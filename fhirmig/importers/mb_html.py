"""Migraine Buddy's "For my doctor" report (an HTML page) as the tables the CSV importer reads.

The app shares this report as a web link; users save the page. It holds a header (time
period, attack type, the patient's gender and age), an overview table (Number of Attacks,
Attack Days, Attack-Free Days, Avg Attack Duration), optionally a Health Events table,
and the attack table: one row per attack (``Started`` with ``Location:`` beneath it,
``Lasted``, ``Pain Level``, affected activities, potential triggers, symptoms, auras, pain
positions split into Left and Right, medication and non-drug relief grouped as
``Helpful - 1x Sumatriptan, ...``), each followed by a row of timestamped notes.

The page is read with the standard library's :class:`html.parser.HTMLParser` (no pattern
matching over markup): cells become text with line breaks where the page breaks lines, and
the attack table becomes the same header and records as a CSV export, so both go through
one set of rules (vocabulary, drug table, location left out, unknown columns reported).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from fhirmig.importers.mb_table import Record, Table, column_key
from fhirmig.importers.mb_vocabulary import normal_word
from fhirmig.importers.result import Findings

__all__ = ["Report", "looks_like_html", "read_html_report"]

_BREAKS = frozenset({"br", "div", "p", "li", "pre", "tr", "h1", "h2", "h3", "h4"})
_GROUPS = (
    ("somewhat helpful", "Somewhat Helpful"),
    ("unhelpful", "Unhelpful"),
    ("not helpful", "Unhelpful"),
    ("unsure", "Unsure"),
    ("helpful", "Helpful"),
)
#: Overview figures of the report, by their heading.
OVERVIEW = ("number of attacks", "attack days", "attack free days", "avg attack duration")


@dataclass
class _Cell:
    text: list[str] = field(default_factory=list)
    colspan: int = 1
    css: str = ""

    def value(self) -> str:
        lines = [" ".join(part.split()) for part in "".join(self.text).split("\n")]
        return "\n".join(line for line in lines if line)


@dataclass
class _Row:
    line: int
    cells: list[_Cell] = field(default_factory=list)


class _Tables(HTMLParser):
    """Every table of the page as rows of cell texts, with the line each row starts on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[_Row]] = []
        self._open: list[list[_Row]] = []
        self._cell: _Cell | None = None
        self.has_nul = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._open.append([])
        elif tag == "tr" and self._open:
            self._open[-1].append(_Row(self.getpos()[0]))
        elif tag in ("td", "th") and self._open and self._open[-1]:
            span = a.get("colspan") or "1"
            self._cell = _Cell(colspan=int(span) if span.isdigit() else 1, css=a.get("class") or "")
            self._open[-1][-1].cells.append(self._cell)
        elif tag in _BREAKS and self._cell is not None:
            self._cell.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._cell = None
        elif tag == "table" and self._open:
            self.tables.append(self._open.pop())
        elif tag in _BREAKS and self._cell is not None:
            self._cell.text.append("\n")

    def handle_data(self, data: str) -> None:
        if "\x00" in data:
            self.has_nul = True
        if self._cell is not None:
            self._cell.text.append(data)


@dataclass
class Report:
    """What the page says beside the attacks: header fields and overview figures."""

    info: dict[str, str] = field(default_factory=dict)
    overview: dict[str, str] = field(default_factory=dict)


def looks_like_html(text: str) -> bool:
    """True for a web page (the report), false for a CSV export."""
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or "<html" in head[:1024]


def _texts(row: _Row) -> list[str]:
    return [c.value() for c in row.cells]


def _header_names(rows: list[_Row]) -> tuple[list[str], int]:
    """Column names of the attack table (its one or two header rows) and the rows used."""
    top = rows[0]
    sub = rows[1] if len(rows) > 1 else None
    sub_texts = _texts(sub) if sub is not None else []
    is_sub = bool(sub_texts) and all(normal_word(t) in ("left", "right", "") for t in sub_texts)
    names: list[str] = []
    subs = iter(sub_texts if is_sub else [])
    for cell in top.cells:
        name = " ".join(cell.value().split())
        if cell.colspan > 1:
            names += [f"{name} {next(subs, '')}".strip() for _ in range(cell.colspan)]
        else:
            names.append(name)
    return names, 2 if is_sub else 1


def _groups(text: str, kind: str) -> dict[str, str]:
    """``Helpful - 1x A, 1x B`` lines -> {"Helpful Medication": "1x A, 1x B", ...}."""
    out: dict[str, list[str]] = {}
    for line in text.split("\n"):
        head, sep, rest = line.partition("-")
        label = next((name for word, name in _GROUPS if normal_word(head) == word), None)
        if not sep or label is None:
            label, rest = "Unsure", line  # a list without its group: effect not known
        out.setdefault(f"{label} {kind}", []).append(rest.strip())
    return {k: ", ".join(v for v in vs if v) for k, vs in out.items()}


_COLUMNS = (
    "#", "Started", "Location", "Lasted", "Attack Type", "Pain Level", "Affected Activities",
    "Potential Triggers", "Symptoms", "Auras", "Pain Positions",
    "Helpful Medication", "Somewhat Helpful Medication", "Unhelpful Medication",
    "Unsure Medication", "Helpful Non Drug Relief Methods",
    "Somewhat Helpful Non Drug Relief Methods", "Unhelpful Non Drug Relief Methods",
    "Unsure Non Drug Relief Methods", "Notes",
)  # fmt: skip


def _attack_values(names: list[str], row: _Row, extra: list[str]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for name, cell in zip(names, row.cells, strict=False):
        text = cell.value()
        key = column_key(name)
        if key == "started":
            first, _, rest = text.partition("\n")
            values.setdefault("Started", []).append(first)
            place = rest.replace("Location:", "").strip()
            if place:
                values.setdefault("Location", []).append(place.replace("\n", " "))
        elif key is not None and key.startswith(("med", "relief")):
            kind = "Medication" if key.startswith("med") else "Non Drug Relief Methods"
            for column, items in _groups(text, kind).items():
                values.setdefault(column, []).append(items)
        elif key == "positions":
            values.setdefault("Pain Positions", []).append(text.replace("\n", ", "))
        elif key is not None:
            column = next((c for c in _COLUMNS if column_key(c) == key), name)
            values.setdefault(column, []).append(text)
        elif text:
            values.setdefault(name, []).append(text)
            if name not in extra:
                extra.append(name)
    return values


def read_html_report(text: str, findings: Findings) -> tuple[Table, Report]:
    """The attack table and health events of a saved report, and its header and overview."""
    parser = _Tables()
    parser.feed(text)
    parser.close()
    report = Report()
    table = Table()
    if parser.has_nul:
        findings.problem(None, "the page contains a NUL byte; it is not text")
        return table, report
    extra: list[str] = []
    rows_out: list[tuple[int, dict[str, list[str]]]] = []
    for rows in parser.tables:
        if not rows or not rows[0].cells:
            continue
        first = [normal_word(t) for t in _texts(rows[0])]
        if "started" in first and "lasted" in first:
            names, used = _header_names(rows)
            for row in rows[used:]:
                texts = _texts(row)
                if len(row.cells) == 1 or any("notes" in c.css for c in row.cells):
                    note = "\n".join(texts).strip().removeprefix("Notes:").strip()
                    if rows_out and note:
                        rows_out[-1][1].setdefault("Notes", []).append(note)
                    continue
                if any(texts):
                    rows_out.append((row.line, _attack_values(names, row, extra)))
        elif any(w in OVERVIEW for w in first) and len(rows) > 1:
            for name, value in zip(first, _texts(rows[1]), strict=False):
                report.overview[name] = value
        elif "date" in first and "description" in first:
            table.events += [Record(r.line, tuple(_texts(r))) for r in rows[1:]]
        else:
            for row in rows:
                texts = _texts(row)
                if len(texts) == 2 and texts[0].rstrip().endswith(":"):
                    report.info[normal_word(texts[0])] = texts[1]
    if rows_out:
        header = (*_COLUMNS, *extra)
        table.header = Record(max(min(line for line, _ in rows_out) - 1, 1), header)
        table.keys = [column_key(c) for c in header]
        for line, values in rows_out:
            joiner = {"Notes": "\n"}
            cells = tuple(
                joiner.get(c, ", ").join(v for v in values.get(c, []) if v) for c in header
            )
            table.attacks.append(Record(line, cells))
    return table, report
