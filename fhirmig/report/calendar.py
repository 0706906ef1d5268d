"""The headache calendar: one small grid per month, readable in grey-scale print.

Each day is shaded by its peak intensity in four grey steps (none, mild 1-3, moderate 4-6,
severe 7-10), with white digits on the two darkest steps. Acute-medication days carry the
letter of each class taken (T triptan, E ergot, O opioid, C combination analgesic, A
non-opioid analgesic, G gepant/ditan); aura days a small black triangle; days with
muscle twitching a short bar under the number. Days outside the period are crossed out in pale grey.
"""

from __future__ import annotations

import calendar as _cal
from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any

from fhirmig.analysis.types import DayFigures
from fhirmig.report.findings import class_words
from fhirmig.report.fonts import BODY_FONT, BOLD_FONT, draw_text, has_cjk
from fhirmig.report.i18n import _, fmt_month_name, joined, pgettext, weekday_letters

__all__ = [
    "CLASS_LETTERS",
    "SHADES",
    "calendar_flowables",
    "class_letters",
    "legend_text",
    "shade_for",
]

CLASS_LETTERS: dict[str, str] = {
    "triptan": "T",
    "ergot": "E",
    "opioid": "O",
    "combination_analgesic": "C",
    "non_opioid_analgesic": "A",
    "other_acute": "G",
}
#: (lowest intensity, fill, text colour): the grey steps of the calendar
SHADES: tuple[tuple[int, str, str], ...] = (
    (7, "#3a3a3a", "#ffffff"),
    (4, "#7a7a7a", "#ffffff"),
    (1, "#c4c4c4", "#000000"),
    (0, "#ececec", "#000000"),
)
#: Cell side (points): three months fit an A4 or Letter row with every mark at 6 pt or more.
CELL = 22.0
GAP = 12.0
#: The smallest type of the calendar (points).
MIN_TYPE = 6.0


@cache
def _colour(hex_colour: str) -> Any:
    """A reportlab colour, parsed once (a three-year calendar sets thousands)."""
    from reportlab.lib.colors import HexColor

    return HexColor(hex_colour)


def shade_for(peak: int | None) -> tuple[str, str]:
    """(fill, text colour) of a day with this peak intensity (None: no headache)."""
    if peak is None:
        return "#ffffff", "#000000"
    for low, fill, ink in SHADES:
        if peak >= low:
            return fill, ink
    return SHADES[-1][1], SHADES[-1][2]


def class_letters() -> dict[str, str]:
    """:data:`CLASS_LETTERS` in the current language (the initial of the class's name)."""
    return {
        "triptan": pgettext("calendar letter: triptan", "T"),
        "ergot": pgettext("calendar letter: ergot", "E"),
        "opioid": pgettext("calendar letter: opioid", "O"),
        "combination_analgesic": pgettext("calendar letter: combination analgesic", "C"),
        "non_opioid_analgesic": pgettext("calendar letter: non-opioid analgesic", "A"),
        "other_acute": pgettext("calendar letter: gepant or ditan", "G"),
    }


def legend_text() -> str:
    """The legend under the calendar heading (plain text)."""
    letters = joined((f"{v} {class_words(k)}" for k, v in class_letters().items()), comma=True)
    return _(
        "Shading by the day's peak intensity: white no attack; palest grey 0 (aura only); "
        "light grey 1-3; mid grey 4-6; dark 7-10. "
        "Letters: acute medication taken that day, by class ({letters}). "
        "Corner triangle: aura. Bar under the day number: muscle twitching. "
        "Crossed cell: outside the period."
    ).format(letters=letters)


def _month_grid(year: int, month: int, days: dict[date, DayFigures]) -> Any:
    """One month as a flowable that draws straight on the canvas (vectors, no shape tree:
    a three-year calendar has thousands of marks)."""
    from reportlab.platypus import Flowable

    weeks = _cal.Calendar(firstweekday=0).monthdatescalendar(year, month)
    height = 12 + 9 + len(weeks) * CELL
    title = fmt_month_name(year, month)
    weekdays = weekday_letters()
    letters = class_letters()

    class MonthGrid(Flowable):  # type: ignore[misc]
        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return 7 * CELL, height

        def draw(self) -> None:
            c = self.canv
            draw_text(c, 0, height - 9, title, BOLD_FONT, 8)
            c.setFillColor(_colour("#555555"))
            for col, letter in enumerate(weekdays):
                draw_text(
                    c, col * CELL + CELL / 2, height - 19, letter, BODY_FONT, MIN_TYPE, "centre"
                )
            c.setLineWidth(0.3)
            top = height - 21
            for row, week in enumerate(weeks):
                for col, day in enumerate(week):
                    if day.month == month:
                        x, y = col * CELL, top - (row + 1) * CELL
                        _day(c, x, y, day, days.get(day), letters)

    return MonthGrid()


def _day(
    c: Any, x: float, y: float, day: date, figures: DayFigures | None, marks: dict[str, str]
) -> None:

    if figures is None:  # outside the period: crossed out
        c.setFillColor(_colour("#f7f7f7"))
        c.setStrokeColor(_colour("#bbbbbb"))
        c.rect(x, y, CELL, CELL, stroke=1, fill=1)
        c.setStrokeColor(_colour("#cccccc"))
        c.line(x, y, x + CELL, y + CELL)
        return
    fill, ink = shade_for(figures.peak_intensity)
    c.setFillColor(_colour(fill))
    c.setStrokeColor(_colour("#888888"))
    c.rect(x, y, CELL, CELL, stroke=1, fill=1)
    c.setFillColor(_colour(ink))
    c.setFont(BODY_FONT, MIN_TYPE)
    c.drawString(x + 1.5, y + CELL - 6.8, str(day.day))
    if figures.twitching:
        c.setStrokeColor(_colour(ink))
        c.setLineWidth(0.9)
        c.line(x + 1.5, y + CELL - 8.8, x + 8.5, y + CELL - 8.8)
        c.setLineWidth(0.3)
    letters = "".join(marks[k] for k in CLASS_LETTERS if k in figures.classes)
    if letters:  # up to three letters a line, never smaller than MIN_TYPE
        c.setFont(BOLD_FONT, MIN_TYPE)
        lines = [letters[i : i + 3] for i in range(0, len(letters), 3)]
        for n, line in enumerate(reversed(lines)):
            if has_cjk(line):  # a catalogue's letters in CJK characters
                draw_text(c, x + CELL - 1.2, y + 1.8 + n * 6.2, line, BOLD_FONT, MIN_TYPE, "right")
            else:
                c.drawRightString(x + CELL - 1.2, y + 1.8 + n * 6.2, line)
    if figures.aura:
        path = c.beginPath()
        path.moveTo(x + CELL - 6, y + CELL - 0.8)
        path.lineTo(x + CELL - 0.8, y + CELL - 0.8)
        path.lineTo(x + CELL - 0.8, y + CELL - 6)
        path.close()
        c.drawPath(path, stroke=0, fill=1)


def calendar_flowables(day_table: Sequence[DayFigures], per_row: int = 3) -> list[Any]:
    """The month grids of the period, ``per_row`` months side by side (three fit the
    frame of A4 and Letter at :data:`CELL`)."""
    from reportlab.platypus import Table, TableStyle

    if not day_table:
        return []
    days = {d.day: d for d in day_table}
    first, last = day_table[0].day, day_table[-1].day
    months: list[tuple[int, int]] = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    drawings = [_month_grid(y, m, days) for y, m in months]
    rows = [drawings[i : i + per_row] for i in range(0, len(drawings), per_row)]
    rows[-1] = rows[-1] + [""] * (per_row - len(rows[-1]))
    out: list[Any] = []
    for row in rows:
        table = Table([row], colWidths=[7 * CELL + GAP] * per_row, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        out.append(table)
    return out
