"""A lean table flowable for the attack log: many rows of short text, header on each page.

reportlab's ``Table`` is general (spans, per-cell styles, nested flowables) and pays for it
on every cell and at every page break, where it lays out the rest of the table again. The
attack log needs none of that: fixed columns, text already wrapped into lines, one style.
:class:`LogTable` computes every row's height once, splits at a page break by a binary
search over the running heights (so the whole log costs time linear in its rows), and
draws each page's text in one PDF text object, one text origin per cell.

Cells are strings whose lines are separated by ``\\n`` (never parsed as markup), or, for
text that needs a second font, a reportlab flowable (a Paragraph) drawn in the cell.
The look matches the report's other tables: grey header row, zebra rows, thin rules.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from reportlab.platypus import Flowable

__all__ = ["LogStyle", "LogTable"]

#: Tolerance when fitting rows into the space left on a page (points).
_FUZZ = 1e-6


@dataclass(frozen=True)
class LogStyle:
    """Fonts, spacing and colours of a :class:`LogTable` (colours as ``#rrggbb``)."""

    font: str
    bold: str
    size: float
    leading: float
    pad_left: float
    pad_right: float
    pad_top: float
    pad_bottom: float
    ink: str
    header_fill: str
    stripe: str
    rule: str


@dataclass(frozen=True)
class _Rows:
    """Everything the pieces of one split table share, computed once."""

    header: tuple[Any, ...]
    cells: tuple[tuple[Any, ...], ...]
    heights: tuple[float, ...]
    running: tuple[float, ...]  # running[i] = sum(heights[:i])
    header_height: float
    widths: tuple[float, ...]
    width: float  # sum(widths)
    style: LogStyle


def _lines(cell: Any) -> int:
    return cell.count("\n") + 1 if isinstance(cell, str) else 0


def _row_height(row: Sequence[Any], widths: Sequence[float], style: LogStyle) -> float:
    """The height of a row: its tallest cell plus the top and bottom padding."""
    tallest = 0.0
    for cell, width in zip(row, widths, strict=True):
        if isinstance(cell, str):
            height = _lines(cell) * style.leading
        else:
            _, height = cell.wrap(width - style.pad_left - style.pad_right, 1e9)
        tallest = max(tallest, height)
    return tallest + style.pad_top + style.pad_bottom


class LogTable(Flowable):  # type: ignore[misc]
    """Rows ``start`` to ``stop`` of a table, with its header repeated on top."""

    def __init__(
        self,
        header: Sequence[Any],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        style: LogStyle,
    ) -> None:
        super().__init__()
        if any(len(row) != len(widths) for row in (header, *rows)):
            raise ValueError("every row of a LogTable needs one cell per column")
        heights = tuple(_row_height(row, widths, style) for row in rows)
        self._rows = _Rows(
            header=tuple(header),
            cells=tuple(tuple(row) for row in rows),
            heights=heights,
            running=(0.0, *accumulate(heights)),
            header_height=_row_height(header, widths, style),
            widths=tuple(widths),
            width=sum(widths),
            style=style,
        )
        self._start, self._stop = 0, len(heights)

    @classmethod
    def _piece(cls, rows: _Rows, start: int, stop: int) -> LogTable:
        piece: LogTable = cls.__new__(cls)
        Flowable.__init__(piece)
        piece._rows, piece._start, piece._stop = rows, start, stop
        return piece

    @property
    def row_range(self) -> range:
        """The indexes of the rows this piece holds."""
        return range(self._start, self._stop)

    def _body_height(self) -> float:
        return self._rows.running[self._stop] - self._rows.running[self._start]

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = self._rows.width
        self.height = self._rows.header_height + self._body_height()
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[LogTable]:
        """The rows that fit in ``available_height`` and the rest; ``[]`` if none fit."""
        rows = self._rows
        room = available_height - rows.header_height + _FUZZ
        last = bisect_right(rows.running, rows.running[self._start] + room) - 1
        fit = min(last, self._stop)
        if fit <= self._start:
            return []
        if fit >= self._stop:
            return [self]
        return [self._piece(rows, self._start, fit), self._piece(rows, fit, self._stop)]

    def draw(self) -> None:
        from reportlab.lib.colors import HexColor

        rows, st = self._rows, self._rows.style
        canvas = self.canv
        width = rows.width
        lefts = tuple(accumulate(rows.widths, initial=0.0))[:-1]
        top = rows.header_height + self._body_height()
        # Row tops from the top of the flowable down, header first.
        tops = [top] + [
            top - rows.header_height - (rows.running[i] - rows.running[self._start])
            for i in self.row_range
        ]
        heights = [rows.header_height] + [rows.heights[i] for i in self.row_range]
        canvas.saveState()
        canvas.setFillColor(HexColor(st.header_fill))
        canvas.rect(0, top - rows.header_height, width, rows.header_height, stroke=0, fill=1)
        canvas.setFillColor(HexColor(st.stripe))
        for n, i in enumerate(self.row_range, start=1):
            if i % 2:
                canvas.rect(0, tops[n] - heights[n], width, heights[n], stroke=0, fill=1)
        text = canvas.beginText()
        text.setFillColor(HexColor(st.ink))
        flowables: list[tuple[Any, float, float]] = []
        for n, row in enumerate((rows.header, *(rows.cells[i] for i in self.row_range))):
            if n <= 1:  # the header in bold, every row after it in the body font
                text.setFont(st.bold if n == 0 else st.font, st.size, st.leading)
            baseline = tops[n] - st.pad_top - st.size
            for cell, left in zip(row, lefts, strict=True):
                if isinstance(cell, str):
                    text.setTextOrigin(left + st.pad_left, baseline)
                    for line in cell.split("\n"):
                        text.textLine(line)
                else:
                    flowables.append((cell, left + st.pad_left, tops[n] - st.pad_top))
        canvas.drawText(text)
        for cell, x, y in flowables:
            cell.drawOn(canvas, x, y - cell.height)
        canvas.setStrokeColor(HexColor(st.rule))
        canvas.setLineWidth(0.6)
        canvas.line(0, top - rows.header_height, width, top - rows.header_height)
        canvas.setLineWidth(0.4)
        canvas.line(0, 0, width, 0)
        canvas.restoreState()
