"""The headache calendar: one small grid per month, readable in grey-scale print.

Each day is shaded by its peak intensity in four grey steps (none, mild 1-3, moderate 4-6,
severe 7-10), with white digits on the two darkest steps. Acute-medication days carry the
letter of each class taken (T triptan, E ergot, O opioid, C combination analgesic, A
non-opioid analgesic, G gepant/ditan); aura days a small black triangle; days with
muscle twitching a short bar under the number. Days outside the period are hatched grey.
"""

from __future__ import annotations

import calendar as _cal
from collections.abc import Sequence
from datetime import date
from typing import Any

from fhirmig.analysis.types import DayFigures
from fhirmig.report.fonts import BODY_FONT, BOLD_FONT

__all__ = ["CLASS_LETTERS", "SHADES", "calendar_flowables", "legend_text", "shade_for"]

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
CELL = 20.0
GAP = 14.0
WEEKDAYS = "MTWTFSS"


def shade_for(peak: int | None) -> tuple[str, str]:
    """(fill, text colour) of a day with this peak intensity (None: no headache)."""
    if peak is None:
        return "#ffffff", "#000000"
    for low, fill, ink in SHADES:
        if peak >= low:
            return fill, ink
    return SHADES[-1][1], SHADES[-1][2]


def legend_text() -> str:
    """One line of the legend under the calendar (plain text)."""
    letters = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in CLASS_LETTERS.items())
    return (
        "Shading: peak intensity none (white), 0, 1-3, 4-6, 7-10 (darkest). "
        f"Letters: acute medication by class ({letters}; G = gepant or ditan). "
        "Triangle: aura. Bar under the day number: muscle twitching. Hatched: outside the period."
    )


def _month_drawing(year: int, month: int, days: dict[date, DayFigures]) -> Any:
    from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
    from reportlab.lib import colors

    weeks = _cal.Calendar(firstweekday=0).monthdatescalendar(year, month)
    width = 7 * CELL
    height = 12 + 9 + len(weeks) * CELL
    d = Drawing(width, height)
    d.add(String(0, height - 9, f"{_cal.month_name[month]} {year}", fontName=BOLD_FONT, fontSize=8))
    for col, letter in enumerate(WEEKDAYS):
        d.add(
            String(
                col * CELL + CELL / 2,
                height - 19,
                letter,
                fontName=BODY_FONT,
                fontSize=6,
                textAnchor="middle",
                fillColor=colors.HexColor("#555555"),
            )
        )
    top = height - 21
    for row, week in enumerate(weeks):
        for col, day in enumerate(week):
            if day.month != month:
                continue
            x, y = col * CELL, top - (row + 1) * CELL
            figures = days.get(day)
            if figures is None:
                d.add(
                    Rect(
                        x,
                        y,
                        CELL,
                        CELL,
                        fillColor=colors.HexColor("#f7f7f7"),
                        strokeColor=colors.HexColor("#bbbbbb"),
                        strokeWidth=0.3,
                    )
                )
                d.add(
                    Line(
                        x,
                        y,
                        x + CELL,
                        y + CELL,
                        strokeColor=colors.HexColor("#cccccc"),
                        strokeWidth=0.3,
                    )
                )
                continue
            fill, ink = shade_for(figures.peak_intensity)
            d.add(
                Rect(
                    x,
                    y,
                    CELL,
                    CELL,
                    fillColor=colors.HexColor(fill),
                    strokeColor=colors.HexColor("#888888"),
                    strokeWidth=0.3,
                )
            )
            d.add(
                String(
                    x + 1.5,
                    y + CELL - 6.5,
                    str(day.day),
                    fontName=BODY_FONT,
                    fontSize=5.5,
                    fillColor=colors.HexColor(ink),
                )
            )
            if figures.twitching:
                d.add(
                    Line(
                        x + 1.5,
                        y + CELL - 8.5,
                        x + 8,
                        y + CELL - 8.5,
                        strokeColor=colors.HexColor(ink),
                        strokeWidth=0.9,
                    )
                )
            letters = "".join(CLASS_LETTERS[k] for k in CLASS_LETTERS if k in figures.classes)
            if letters:
                d.add(
                    String(
                        x + CELL - 1.2,
                        y + 1.8,
                        letters,
                        fontName=BOLD_FONT,
                        fontSize=6 if len(letters) < 3 else 4.5,
                        textAnchor="end",
                        fillColor=colors.HexColor(ink),
                    )
                )
            if figures.aura:
                d.add(
                    Polygon(
                        [
                            x + CELL - 6,
                            y + CELL - 0.8,
                            x + CELL - 0.8,
                            y + CELL - 0.8,
                            x + CELL - 0.8,
                            y + CELL - 6,
                        ],
                        fillColor=colors.HexColor("#000000" if ink == "#000000" else "#ffffff"),
                        strokeWidth=0,
                    )
                )
    return d


def calendar_flowables(day_table: Sequence[DayFigures], per_row: int = 3) -> list[Any]:
    """The month grids of the period, ``per_row`` months side by side."""
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
    drawings = [_month_drawing(y, m, days) for y, m in months]
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
