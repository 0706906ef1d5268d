"""Render a report and read it back: its text page by page and the PDF reader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from fhirmig.analysis import Stats, compute_stats
from fhirmig.diary import Diary
from fhirmig.report import render_report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GENERATED = date(2026, 11, 25)


@dataclass(frozen=True)
class Rendered:
    """One rendered report: its diary, figures, file and text page by page."""

    diary: Diary
    stats: Stats
    path: Path
    pages: list[str]
    reader: Any

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def pdf_pages(path: Path) -> tuple[list[str], Any]:
    """The extracted text of every page, and the reader."""
    reader = PdfReader(str(path))
    return [page.extract_text() or "" for page in reader.pages], reader


def render(diary: Diary, out: Path, **kwargs: Any) -> Rendered:
    """Render ``diary`` to ``out`` and read it back."""
    kwargs.setdefault("generated", GENERATED)
    render_report(diary, out, **kwargs)
    pages, reader = pdf_pages(out)
    stats = compute_stats(
        diary,
        start=kwargs.get("start"),
        end=kwargs.get("end"),
        migraine_day=kwargs.get("migraine_day", "diary"),
    )
    return Rendered(diary, stats, out, pages, reader)
