"""Assemble the whole report and write it: page one, calendar, charts, sections, appendices.

:func:`render_report` computes the figures with :func:`fhirmig.analysis.compute_stats`;
:func:`render_stats_report` lays out figures already computed (so a caller that has the
``Stats`` does not compute them twice).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any, Literal

from fhirmig._version import __version__
from fhirmig.analysis.types import Stats
from fhirmig.diary.model import Diary
from fhirmig.errors import ReportError, UsageError

__all__ = ["PAPERS", "Paper", "render_report", "render_stats_report"]

Paper = Literal["a4", "letter"]
PAPERS: tuple[str, ...] = ("a4", "letter")


def render_report(
    diary: Diary,
    out: str | os.PathLike[str],
    *,
    start: date | None = None,
    end: date | None = None,
    paper: Paper = "a4",
    templates: str | os.PathLike[str] | None = None,
    migraine_day: Literal["diary", "ichd"] = "diary",
    generated: date | None = None,
) -> Path:
    """Write the clinician-ready PDF report of ``diary`` to ``out`` and return its path.

    ``start``/``end`` bound the period (default: the diary's own span); ``templates`` is a
    folder whose templates and ``organisations.json`` replace the built-in ones;
    ``generated`` is the date printed as "generated" (the library never reads the clock).
    The same diary, options and ``generated`` give a byte-identical file. The file is
    written atomically with mode 0600; on any error nothing is written.
    """
    from fhirmig.analysis import compute_stats

    if start is not None and end is not None and end < start:
        raise UsageError(
            "{end} " + f"{end.isoformat()} is before " + "{start} " + f"{start.isoformat()}",
            params=("end", "start"),
        )
    stats = compute_stats(diary, start=start, end=end, migraine_day=migraine_day)
    return render_stats_report(
        diary, stats, out, paper=paper, templates=templates, generated=generated
    )


def render_stats_report(
    diary: Diary,
    stats: Stats,
    out: str | os.PathLike[str],
    *,
    paper: Paper = "a4",
    templates: str | os.PathLike[str] | None = None,
    generated: date | None = None,
) -> Path:
    """Lay out the report of ``diary`` with figures ``stats`` and write it to ``out``."""
    from fhirmig.files import atomic_write, private_tempdir
    from fhirmig.report.document import PAPERS as SIZES
    from fhirmig.report.document import build_pdf

    if paper not in SIZES:
        raise UsageError(f"paper {paper!r}: choose one of {', '.join(SIZES)}")
    folder = _template_dir(templates)
    story, frame = _story(diary, stats, paper, folder, generated)
    with private_tempdir() as tmp:
        draft = tmp / "report.pdf"
        try:
            build_pdf(story, draft, frame, paper)
        except ReportError:
            raise
        except Exception as exc:  # reportlab reports layout failures as plain exceptions
            # reportlab's message quotes cell text (patient data), so only its kind is shown
            raise ReportError(
                f"{out}: the report could not be laid out ({type(exc).__name__}); "
                "this is a bug in fhirmig, please report it"
            ) from exc
        return atomic_write(out, draft.read_bytes())


def _template_dir(templates: str | os.PathLike[str] | None) -> Path | None:
    if templates is None:
        return None
    folder = Path(templates)
    if not folder.is_dir():
        raise UsageError("{templates} " + f"{folder}: not a folder", params=("templates",))
    return folder.resolve()


def _story(
    diary: Diary, stats: Stats, paper: str, templates: Path | None, generated: date | None
) -> tuple[list[Any], Any]:
    from reportlab.platypus import PageBreak

    from fhirmig.report.attack_log import attack_log, attacks_in_period
    from fhirmig.report.content import (
        load_organisations,
        markdown_flowables,
        patient_regions,
        render_template,
        select_organisations,
    )
    from fhirmig.report.details import (
        calendar_section,
        charts_section,
        factors_section,
        twitching_section,
    )
    from fhirmig.report.document import MARGIN, PageFrame
    from fhirmig.report.document import PAPERS as SIZES
    from fhirmig.report.fonts import markup
    from fhirmig.report.summary import page_one, patient_name, period_text

    width = SIZES[paper][0] - 2 * MARGIN
    patient = diary.patient
    name = patient_name(diary)
    period = period_text(stats)
    orgs = load_organisations(templates)
    regions = patient_regions(patient.timezone, patient.language)
    groups = select_organisations(orgs, regions, patient.language)
    context_common = {
        "version": __version__,
        "language": patient.language,
        "regions": list(regions) or ["none matched"],
    }
    appendix_b = render_template(
        "appendix_resources.md.j2",
        {
            **context_common,
            "organisations": [o for o in orgs if o.kind == "resource"],
        },
        templates,
    )
    appendix_c = render_template(
        "appendix_organisations.md.j2",
        {
            **context_common,
            "groups": [{"title": t, "organisations": g} for t, g in groups],
        },
        templates,
    )
    methods = render_template(
        "methods.md.j2",
        {
            **context_common,
            "period": period,
            "days": stats.days_in_period,
            "timezone": stats.timezone,
            "migraine_day": stats.migraine_day,
            "generated": generated.isoformat() if generated else "not stated",
        },
        templates,
    )
    story: list[Any] = page_one(diary, stats, generated, width)
    story += calendar_section(stats)
    story += charts_section(stats, width)
    story += twitching_section(diary, stats, width)
    story += factors_section(diary, stats, width)
    story += [PageBreak(), *markdown_flowables(methods)]
    attacks = attacks_in_period(diary, stats.period_from, stats.period_to)
    story += attack_log(diary, attacks, SIZES[paper][1] - 2 * MARGIN)
    story += [PageBreak(), *markdown_flowables(appendix_b)]
    story += [PageBreak(), *markdown_flowables(appendix_c)]
    short = name if len(name) <= 80 else name[:79] + "…"
    frame = PageFrame(
        header=f"<b>{markup(short)}</b> · born {patient.birth_date or '–'} · "
        f"period {period} · {markup(patient.timezone)}",
        footer=f"fhirmig {__version__} · patient-reported, software-computed · not a diagnosis",
        title=f"Headache diary report: {name}, {period}",
        author=f"fhirmig {__version__}",
        subject=f"Headache and migraine diary report, {period}",
        language=patient.language,
        keywords="headache diary, migraine, ICHD-3",
    )
    return story, frame
