"""The report page and the downloads: the PDF, FHIR in three shapes, a de-identified copy.

The figures come from :func:`fhirmig.analysis.compute_stats` and are laid out with the
report's own figure list and calendar shades, so the page says what page one of the PDF
says. Files are made by the library (``render_report``, ``convert_diary``,
``deidentify_diary``) into a private temporary folder, sent, and the folder removed.
"""

from __future__ import annotations

import calendar
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fhirmig.analysis import DayFigures, Stats, compute_stats
from fhirmig.diary import Diary, dumps_diary
from fhirmig.errors import FhirmigError
from fhirmig.fhir import convert_diary
from fhirmig.files import private_tempdir
from fhirmig.privacy import deidentify_diary, load_key, new_key
from fhirmig.report import render_report, shipped_languages
from fhirmig.report.calendar import CLASS_LETTERS, SHADES, legend_text, shade_for
from fhirmig.report.summary import class_words, figure_rows, period_text
from fhirmig.web.app import page, read_form, redirect, web_of
from fhirmig.web.pages_import import ROUTES as IMPORT_ROUTES
from fhirmig.web.reporting import (
    PRESET_WORDS,
    SECTION_PRESETS,
    SECTIONS,
    section_words,
    sections_argument,
)
from fhirmig.web.uploads import UPLOAD_LIMIT

__all__ = ["ROUTES", "Period", "calendar_css", "language_choices", "month_grids"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Period:
    """The period and sections asked for in the query string, with problems per field."""

    def __init__(self, query: Any) -> None:
        self.errors: dict[str, list[str]] = {}
        self.start = self._date(query, "from")
        self.end = self._date(query, "to")
        if self.start and self.end and self.end < self.start:
            self.errors.setdefault("to", []).append("The last day is before the first day.")
        chosen = [s for s in query.getlist("sections") if s in SECTIONS]
        preset = SECTION_PRESETS.get(query.get("preset", ""))
        self.sections = preset or (tuple(chosen) if chosen else SECTIONS)
        self.paper = "letter" if query.get("paper") == "letter" else "a4"
        self.text = {k: query.get(k, "") for k in ("from", "to")}
        # the report's language: one of the shipped catalogues, or empty (the diary's own)
        self.language = query.get("language", "").strip()
        if self.language and self.language not in shipped_languages():
            self.errors.setdefault("language", []).append("Choose one of the languages listed.")
            self.language = ""

    def _date(self, query: Any, name: str) -> date | None:
        text = (query.get(name) or "").strip()
        if not text:
            return None
        if _DATE.match(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
        self.errors.setdefault(name, []).append("Give a date as YYYY-MM-DD.")
        return None

    def query(self) -> str:
        """The query string that asks for this period and these sections again."""
        from urllib.parse import urlencode

        pairs = [(k, v) for k, v in self.text.items() if v]
        pairs += [("sections", s) for s in self.sections] + [("paper", self.paper)]
        if self.language:
            pairs.append(("language", self.language))
        return urlencode(pairs)


def _cell(day: date, month: int, stats: Stats, figures: DayFigures | None) -> dict[str, Any]:
    if day.month != month:
        return {"kind": "pad", "day": day}
    inside = stats.period_from is not None and stats.period_to is not None
    inside = inside and stats.period_from <= day <= stats.period_to  # type: ignore[operator]
    if not inside or figures is None:
        return {"kind": "out", "day": day}
    fill, _ = shade_for(figures.peak_intensity)
    letters = "".join(v for k, v in CLASS_LETTERS.items() if k in figures.classes)
    words = ["migraine" if figures.migraine else "headache" if figures.headache else "no attack"]
    if figures.peak_intensity is not None and figures.headache:
        words.append(f"worst pain {figures.peak_intensity} of 10")
    words += [class_words(k) for k in CLASS_LETTERS if k in figures.classes]
    words += ["aura"] * figures.aura + ["muscle twitching"] * figures.twitching
    return {
        "kind": "day",
        "day": day,
        "figures": figures,
        "shade": "shade-" + fill.lstrip("#").lower(),
        "letters": letters,
        "words": ": " + ", ".join(words),
    }


def month_grids(stats: Stats) -> Iterator[dict[str, Any]]:
    """The period's months as weeks of days (Monday first), each day with its figures."""
    by_day: dict[date, DayFigures] = {d.day: d for d in stats.day_table}
    if stats.period_from is None or stats.period_to is None:
        return
    year, month = stats.period_from.year, stats.period_from.month
    while (year, month) <= (stats.period_to.year, stats.period_to.month):
        weeks = [
            [_cell(day, month, stats, by_day.get(day)) for day in week]
            for week in calendar.Calendar().monthdatescalendar(year, month)
        ]
        yield {"title": date(year, month, 1).strftime("%B %Y"), "weeks": weeks}
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _ink(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (WCAG's contrast ratio)."""
    light = _luminance(fill)
    return "#000000" if (light + 0.05) / 0.05 >= 1.05 / (light + 0.05) else "#ffffff"


def calendar_css() -> str:
    """The calendar's grey steps as CSS classes, taken from the report's own shades.

    On screen the digits take black or white by contrast, so every step passes WCAG AA
    (the printed report draws them in its own way).
    """
    fills = ["#ffffff", *(fill for _, fill, _ in SHADES)]
    rules = [
        f".month td.shade-{fill.lstrip('#').lower()} {{ background: {fill}; color: {_ink(fill)}; }}"
        for fill in fills
    ]
    return "\n".join(rules) + "\n"


async def calendar_stylesheet(request: Request) -> Response:
    """The calendar's shades (a style sheet made from the report's, so both look alike)."""
    return Response(calendar_css(), media_type="text/css")


def _loaded(request: Request) -> Diary:
    web = web_of(request)
    if not web.store.exists():
        raise HTTPException(404, "There is no diary yet; start one first.")
    return web.store.load()


async def report_page(request: Request) -> Response:
    """Choose the period and sections; see page one's figures and the calendar."""
    web = web_of(request)
    if not web.store.exists():
        return redirect("/new")
    diary = web.store.load()
    period = Period(request.query_params)
    stats = None
    if not period.errors:
        stats = await run_in_threadpool(compute_stats, diary, start=period.start, end=period.end)
    return page(
        request,
        "report.html",
        status=422 if period.errors else 200,
        title="Report and FHIR",
        period=period,
        stats=stats,
        rows=figure_rows(stats) if stats else [],
        period_words=period_text(stats) if stats else "",
        months=list(month_grids(stats)) if stats else [],
        legend=legend_text(),
        sections=SECTIONS,
        section_words=section_words,
        presets=PRESET_WORDS,
        languages=language_choices(),
        upload_mb=UPLOAD_LIMIT // 2**20,
    )


def language_choices() -> list[tuple[str, str]]:
    """(code, name) of every language the report can be written in, each named in itself
    (``Deutsch``), so that a reader finds their own."""
    from babel import Locale

    return [
        (code, Locale.parse(code).get_display_name(code) or code) for code in shipped_languages()
    ]


def _download(data: bytes, filename: str, kind: str) -> Response:
    return Response(
        data,
        media_type=kind,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def _stem(diary: Diary) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", diary.patient.id)[:60] or "diary"


async def report_pdf(request: Request) -> Response:
    """The PDF report of the chosen period and sections."""
    diary = _loaded(request)
    period = Period(request.query_params)
    if period.errors:
        raise HTTPException(422, "The period is not valid; correct it on the report page.")
    today = web_of(request).today()

    def make() -> bytes:
        with private_tempdir("fhirmig-web-") as folder:
            out = folder / "report.pdf"
            render_report(
                diary,
                out,
                start=period.start,
                end=period.end,
                paper="letter" if period.paper == "letter" else "a4",
                generated=today,
                language=period.language or None,
                **sections_argument(period.sections),
            )
            return out.read_bytes()

    data = await run_in_threadpool(make)
    return _download(data, f"{_stem(diary)}-report.pdf", "application/pdf")


def _zip_folder(folder: Path) -> bytes:
    """A zip of the folder's files, sorted, with fixed dates (the same input, the same bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            info = zipfile.ZipInfo(path.name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


async def fhir_download(request: Request) -> Response:
    """The diary's FHIR R4: a transaction or collection Bundle, or NDJSON in a zip."""
    diary = _loaded(request)
    shape = request.path_params["shape"]
    if shape not in ("transaction.json", "collection.json", "ndjson.zip"):
        raise HTTPException(404, "No such download.")

    def make() -> bytes:
        with private_tempdir("fhirmig-web-") as folder:
            if shape == "ndjson.zip":
                convert_diary(diary, folder / "ndjson", "ndjson")
                return _zip_folder(folder / "ndjson")
            out = folder / "bundle.json"
            convert_diary(diary, out, "transaction" if shape.startswith("t") else "collection")
            return out.read_bytes()

    data = await run_in_threadpool(make)
    kind = "application/zip" if shape.endswith(".zip") else "application/fhir+json"
    return _download(data, f"{_stem(diary)}-{shape.replace('.json', '.bundle.json')}", kind)


async def deidentified(request: Request) -> Response:
    """A keyed de-identified copy of the diary (dates shifted) with the study's key or a new one."""
    diary = _loaded(request)
    with private_tempdir("fhirmig-web-") as folder:
        form = await read_form(request, limit=UPLOAD_LIMIT, folder=folder)
        upload = form.file("key")
        try:
            key = load_key(upload.path) if upload is not None else new_key()
        except FhirmigError as exc:
            message = str(exc).replace(str(upload.path) if upload else "", "the key file")
            raise HTTPException(422, message) from None
    result = deidentify_diary(diary, key, keep_notes=form.get("keep_notes") == "yes")
    return _download(dumps_diary(result), "deidentified-diary.json", "application/json")


ROUTES = [
    *IMPORT_ROUTES,
    Route("/calendar.css", calendar_stylesheet, methods=["GET"]),
    Route("/report", report_page, methods=["GET"]),
    Route("/report.pdf", report_pdf, methods=["GET"]),
    Route("/fhir/{shape}", fhir_download, methods=["GET"]),
    Route("/deidentify", deidentified, methods=["POST"]),
]
