"""Writing the PDF report of one input."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import Literal

from fhirmig.app.context import RunContext
from fhirmig.app.inputs import open_diary
from fhirmig.app.outputs import check_output
from fhirmig.app.period import period_warning

__all__ = ["ReportWritten", "write_report"]


@dataclass(frozen=True, slots=True)
class ReportWritten:
    """Where the report went and what the user should know about it."""

    label: str
    to_stdout: bool = False
    warnings: tuple[str, ...] = ()


def write_report(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    start: date | None = None,
    end: date | None = None,
    paper: Literal["a4", "letter"] = "a4",
    templates: str | os.PathLike[str] | None = None,
    migraine_day: Literal["diary", "ichd"] = "diary",
    patient_id: str | None = None,
    timezone: str | None = None,
    sections: str | None = None,
    context: RunContext | None = None,
    language: str | None = None,
) -> ReportWritten:
    """Write the report of ``source`` (any diary input) to ``output`` (``-``: stdout).

    ``start`` and ``end`` are real dates; a de-identified run shifts them as it shifts the
    diary. The "generated" date is the context's day (``SOURCE_DATE_EPOCH`` when set).
    ``sections`` picks the sections (comma-separated names or a preset; default: all).
    ``language`` is the report's language (a shipped catalogue, ``de`` or ``de-AT``;
    default: the diary's ``patient.language`` when shipped, else English).
    """
    ctx = context or RunContext.create()
    from fhirmig.report import render_report, resolve_language, resolve_sections

    resolve_sections(sections)  # a bad name is a usage error before the input is read
    resolve_language(language)  # so is a language without a catalogue
    out = check_output(
        output,
        protect=[
            ("input", source),
            ("templates", templates),
            *(("key", k) for k in ctx.protected),
        ],
        binary=True,
    )
    original = open_diary(source, command="report", patient_id=patient_id, timezone=timezone)
    warning = period_warning(original, start, end)
    first, last = ctx.period(original, start, end)
    diary = ctx.prepare(original)
    out.produce(
        lambda path: render_report(
            diary,
            path,
            start=first,
            end=last,
            paper=paper,
            templates=templates,
            migraine_day=migraine_day,
            generated=ctx.today,
            sections=sections,
            language=language,
        ),
        name="report.pdf",
    )
    return ReportWritten(out.label, out.is_stdout, (warning,) if warning else ())
