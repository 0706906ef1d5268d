"""Reports of the bundled examples, rendered once per test session, and PDF helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from fhirmig.analysis import Stats, compute_stats
from fhirmig.diary import Diary, read_diary
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


@pytest.fixture(scope="session")
def chronic(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The report of examples/chronic-overuse.json (Greek name, triptan overuse)."""
    out = tmp_path_factory.mktemp("chronic") / "report.pdf"
    return render(read_diary(EXAMPLES / "chronic-overuse.json"), out)


@pytest.fixture(scope="session")
def episodic(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The report of examples/episodic-twitching.json (twitching, notes with markup)."""
    out = tmp_path_factory.mktemp("episodic") / "report.pdf"
    return render(read_diary(EXAMPLES / "episodic-twitching.json"), out)
