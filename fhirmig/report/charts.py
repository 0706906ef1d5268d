"""The report's charts, drawn as vectors with reportlab.graphics.

Bars are told apart by grey level and hatching-free fills that stay distinct in grey-scale
print; threshold lines are dashed and labelled with their value.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from statistics import median
from typing import Any

from fhirmig.analysis.types import CLASS_KEYS, DayFigures, MonthFigures, Stats
from fhirmig.report.findings import THRESHOLDS, class_words, combined_class_days
from fhirmig.report.fonts import BODY_FONT, draw_text, font_for, text_shapes
from fhirmig.report.i18n import _, fmt_month, joined

__all__ = ["CLASS_FILLS", "days_chart", "intensity_chart", "medication_chart"]

CLASS_FILLS: dict[str, str] = {
    "triptan": "#1b1b1b",
    "ergot": "#4a4a4a",
    "opioid": "#7a7a7a",
    "combination_analgesic": "#a0a0a0",
    "non_opioid_analgesic": "#c8c8c8",
    "other_acute": "#e8e8e8",
    "multiple_classes": "#ffffff",
}
HEIGHT = 150.0


def _frame(width: float, title: str) -> tuple[Any, Any]:
    from reportlab.graphics.shapes import Drawing

    d = Drawing(width, HEIGHT)
    for shape in text_shapes(0, HEIGHT - 10, title, BODY_FONT, 8.5):
        d.add(shape)
    return d, d


def _axis_style(chart: Any, labels: Sequence[str], top: int) -> None:
    from reportlab.lib import colors

    step = 1 if len(labels) <= 12 else 3 if len(labels) <= 36 else 6
    chart.categoryAxis.categoryNames = [t if i % step == 0 else "" for i, t in enumerate(labels)]
    chart.categoryAxis.labels.fontName = font_for("".join(labels))  # months: digits
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 45 if len(labels) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(labels) > 8 else "n"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = 5 if top > 10 else 2
    chart.valueAxis.labels.fontName = BODY_FONT
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    chart.valueAxis.visibleGrid = True


def _threshold(d: Any, chart: Any, value: int, label: str) -> None:
    """A dashed line at ``value`` and its label right of the plot (wrapped to the margin)."""
    from reportlab.graphics.shapes import Line

    top = chart.valueAxis.valueMax
    y = chart.y + chart.height * value / top
    d.add(Line(chart.x, y, chart.x + chart.width, y, strokeDashArray=[3, 2], strokeWidth=0.8))
    room = d.width - chart.x - chart.width - 4
    for i, line in enumerate(_split(label, room)):
        x = chart.x + chart.width + 2 + (6 if i else 0)
        for shape in text_shapes(x, y - 2.5 - 7 * i, line, BODY_FONT, 6):
            d.add(shape)


def _split(label: str, room: float) -> list[str]:
    """``label`` in lines that fit ``room`` at 6 points (CJK measured in its font)."""
    from fhirmig.report.styles import wrap_lines

    return wrap_lines(label, room, 6, BODY_FONT)


def _legend(d: Any, x: float, y: float, items: Sequence[tuple[str, str]]) -> None:
    from reportlab.graphics.shapes import Rect
    from reportlab.lib import colors

    for i, (fill, name) in enumerate(items):
        d.add(Rect(x, y - i * 9, 6, 6, fillColor=colors.HexColor(fill), strokeWidth=0.3))
        for shape in text_shapes(x + 9, y - i * 9 + 0.5, name, BODY_FONT, 6):
            d.add(shape)


def _labels(months: Sequence[MonthFigures]) -> list[str]:
    return [fmt_month(m.month) if m.complete else f"{fmt_month(m.month)}*" for m in months]


def days_chart(months: Sequence[MonthFigures], width: float) -> Any:
    """Headache and migraine days per month, with the 15-day and 8-day lines."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.lib import colors

    d, _d = _frame(width, _("Headache and migraine days per month (* month partly in period)"))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 24, 30, width - 160, HEIGHT - 50
    chart.data = [[m.headache_days for m in months], [m.migraine_days for m in months]]
    chart.bars[0].fillColor = colors.HexColor("#b5b5b5")
    chart.bars[1].fillColor = colors.HexColor("#2b2b2b")
    chart.barSpacing = 0.5
    top = max([31, *chart.data[0]])
    _axis_style(chart, _labels(months), top)
    d.add(chart)
    _threshold(d, chart, 15, _("15 headache days"))
    _threshold(d, chart, 8, _("8 migraine days"))
    _legend(
        d,
        chart.x + chart.width + 2,
        HEIGHT - 30,
        [("#b5b5b5", _("headache days")), ("#2b2b2b", _("migraine days"))],
    )
    return d


def medication_chart(stats: Stats, width: float) -> Any:
    """Acute-medication days per month, one bar per class and one for "two or more
    classes", against the ICHD-3 8.2 lines, each labelled with the bars it applies to.

    Bars stand side by side (not stacked) because each threshold applies to one bar:
    triptan, ergot, opioid and combination-analgesic days, and the days with any of the
    five classes in a month when two or more were used, to 10; non-opioid analgesic days
    to 15. Gepant and ditan days are shown but compared with no line.
    """
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.lib import colors

    months = stats.months
    combined = combined_class_days(stats)
    d, _d = _frame(width, _("Acute-medication days per month by class (ICHD-3 8.2 thresholds)"))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 24, 30, width - 160, HEIGHT - 50
    used = [k for k in CLASS_KEYS if any(m.class_days.get(k, 0) for m in months)] or ["triptan"]
    rows = [[m.class_days.get(k, 0) for m in months] for k in used]
    if any(combined.values()):
        used.append("multiple_classes")
        rows.append([combined.get(m.month, 0) for m in months])
    chart.data = rows
    for i, key in enumerate(used):
        chart.bars[i].fillColor = colors.HexColor(CLASS_FILLS[key])
        chart.bars[i].strokeWidth = 0.3
    _axis_style(chart, _labels(months), max([31, *(max(row) for row in chart.data)]))
    d.add(chart)
    ten = [class_words(k) for k in used if THRESHOLDS.get(k) == 10]
    if ten:
        _threshold(d, chart, 10, _("10 days: {classes}").format(classes=joined(ten, comma=True)))
    if "non_opioid_analgesic" in used:
        _threshold(d, chart, 15, _("15 days: non-opioid analgesic"))
    _legend(
        d,
        chart.x + chart.width + 2,
        HEIGHT - 30,
        [(CLASS_FILLS[k], class_words(k)) for k in used],
    )
    return d


#: Periods of more months than this show intensity per month (median and range).
MONTHLY_INTENSITY_AFTER = 6


def intensity_chart(day_table: Sequence[DayFigures], width: float) -> Any:
    """Peak intensity (0-10) of each day with an attack, one dot per day; over more than
    :data:`MONTHLY_INTENSITY_AFTER` months, per month: the median of those days' peaks
    as a dot and their range as a bar (a thousand dots over years are noise).

    Drawn straight on the canvas: a shape tree of that many markers costs more than the
    rest of the charts together.
    """
    from reportlab.lib.colors import HexColor, black
    from reportlab.platypus import Flowable

    days = list(day_table)
    # per month: (index of its first day, its days, peaks of its days with an attack)
    spans: dict[str, tuple[int, int, list[int]]] = {}
    for index, day in enumerate(days):
        first, length, peaks = spans.get(day.day.isoformat()[:7], (index, 0, []))
        if day.peak_intensity is not None:
            peaks.append(day.peak_intensity)
        spans[day.day.isoformat()[:7]] = (first, length + 1, peaks)
    monthly = len(spans) > MONTHLY_INTENSITY_AFTER
    ticks = _month_ticks([d.day for d in days])
    left, bottom, plot_w, plot_h = 24.0, 22.0, width - 160, HEIGHT - 42
    span = max(len(days) - 1, 1)
    title = (
        _("Peak intensity (0-10) of the days with an attack, per month: median (dot) and range")
        if monthly
        else _("Peak intensity (0-10) of each day with an attack")
    )

    class IntensityChart(Flowable):  # type: ignore[misc]
        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return width, HEIGHT

        def draw(self) -> None:
            c = self.canv
            draw_text(c, 0, HEIGHT - 10, title, BODY_FONT, 8.5)
            c.setFont(BODY_FONT, 6.5)
            c.setLineWidth(0.5)
            for value in range(0, 11, 2):
                y = bottom + plot_h * value / 10
                c.setStrokeColor(HexColor("#dddddd") if value else black)
                c.line(left, y, left + plot_w, y)
                c.drawRightString(left - 3, y - 2, str(value))
            c.setStrokeColor(black)
            c.line(left, bottom, left, bottom + plot_h)
            c.setFont(font_for("".join(t for _i, t in ticks)), 6)
            for index, label in ticks:
                x = left + plot_w * index / span
                c.line(x, bottom, x, bottom - 3)
                c.drawCentredString(x, bottom - 10, label)
            c.setFillColor(black)
            if monthly:
                self._months(c)
                return
            for index, day in enumerate(days):
                if day.peak_intensity is not None:
                    x = left + plot_w * index / span
                    y = bottom + plot_h * day.peak_intensity / 10
                    c.rect(x - 1.2, y - 1.2, 2.4, 2.4, stroke=0, fill=1)

        def _months(self, c: Any) -> None:
            c.setLineWidth(1.6)
            for first, length, peaks in spans.values():
                if peaks:
                    x = left + plot_w * (first + (length - 1) / 2) / span
                    low, high = min(peaks), max(peaks)
                    c.setStrokeColor(HexColor("#9a9a9a"))
                    c.line(x, bottom + plot_h * low / 10, x, bottom + plot_h * high / 10)
                    y = bottom + plot_h * median(peaks) / 10
                    c.circle(x, y, 1.8, stroke=0, fill=1)

    return IntensityChart()


def _month_ticks(days: Sequence[date]) -> list[tuple[int, str]]:
    ticks = [(i, fmt_month(day.strftime("%Y-%m"))) for i, day in enumerate(days) if day.day == 1]
    step = 1 if len(ticks) <= 8 else 2 if len(ticks) <= 16 else 3 if len(ticks) <= 24 else 6
    return ticks[::step]
