"""Assemble the whole report and write it: page one, calendar, charts, sections, appendices.

:func:`render_report` computes the figures with :func:`fhirmig.analysis.compute_stats`;
:func:`render_stats_report` lays out figures already computed (so a caller that has the
``Stats`` does not compute them twice).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
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
    sections: str | Iterable[str] | None = None,
    language: str | None = None,
) -> Path:
    """Write the clinician-ready PDF report of ``diary`` to ``out`` and return its path.

    ``start``/``end`` bound the period (default: the diary's own span); ``templates`` is a
    folder whose templates and ``organisations.json`` replace the built-in ones;
    ``generated`` is the date printed as "generated" (the library never reads the clock);
    ``sections`` chooses the sections (names of :data:`~fhirmig.report.SECTIONS` or a
    preset of :data:`~fhirmig.report.SECTION_PRESETS`, as a list or comma-separated;
    default ``neurologist``, everything); ``language`` the report's language (one of
    :func:`~fhirmig.report.i18n.shipped_languages`, default: the diary's
    ``patient.language`` when shipped, else English). The key figures are compared with
    the period of equal length just before this one.
    The same diary, options, language and ``generated`` give a byte-identical file. The file is
    written atomically with mode 0600; on any error nothing is written.
    """
    from fhirmig.analysis import compute_stats
    from fhirmig.report.i18n import resolve_language
    from fhirmig.report.sections import resolve_sections

    resolve_sections(sections)  # a bad name fails before any figure is computed
    resolve_language(language, diary.patient.language)
    if start is not None and end is not None and end < start:
        raise UsageError(
            "{end} " + f"{end.isoformat()} is before " + "{start} " + f"{start.isoformat()}",
            params=("end", "start"),
        )
    stats = compute_stats(
        diary, start=start, end=end, migraine_day=migraine_day, compare_previous=True
    )
    return render_stats_report(
        diary,
        stats,
        out,
        paper=paper,
        templates=templates,
        generated=generated,
        sections=sections,
        language=language,
    )


def render_stats_report(
    diary: Diary,
    stats: Stats,
    out: str | os.PathLike[str],
    *,
    paper: Paper = "a4",
    templates: str | os.PathLike[str] | None = None,
    generated: date | None = None,
    sections: str | Iterable[str] | None = None,
    language: str | None = None,
) -> Path:
    """Lay out the report of ``diary`` with figures ``stats`` and write it to ``out``.

    ``sections`` and ``language`` as for :func:`render_report`; the previous-period column
    of the key figures needs ``stats`` computed with ``compare_previous=True``.
    """
    from fhirmig.report.i18n import resolve_language, use_language

    chosen_language = resolve_language(language, diary.patient.language)
    with use_language(chosen_language):
        return _render(diary, stats, out, paper, templates, generated, sections)


def _render(
    diary: Diary,
    stats: Stats,
    out: str | os.PathLike[str],
    paper: Paper,
    templates: str | os.PathLike[str] | None,
    generated: date | None,
    sections: str | Iterable[str] | None,
) -> Path:
    from fhirmig.files import atomic_write, private_tempdir
    from fhirmig.report.document import PAPERS as SIZES
    from fhirmig.report.document import build_pdf
    from fhirmig.report.sections import is_payer, resolve_sections

    chosen = resolve_sections(sections)
    if paper not in SIZES:
        raise UsageError(f"paper {paper!r}: choose one of {', '.join(SIZES)}")
    folder = _template_dir(templates)
    story, frame = _story(diary, stats, paper, folder, generated, chosen, is_payer(sections))
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
    diary: Diary,
    stats: Stats,
    paper: str,
    templates: Path | None,
    generated: date | None,
    chosen: tuple[str, ...],
    payer: bool,
) -> tuple[list[Any], Any]:
    from reportlab.platypus import PageBreak

    from fhirmig.report.attack_log import attack_log, attacks_in_period
    from fhirmig.report.content import markdown_flowables
    from fhirmig.report.details import (
        calendar_section,
        charts_section,
        twitching_entries,
        twitching_section,
    )
    from fhirmig.report.document import PageFrame, frame_size
    from fhirmig.report.fonts import markup
    from fhirmig.report.i18n import _, current_language, fmt_date
    from fhirmig.report.profile import attack_profile
    from fhirmig.report.response import response_section, review_attacks
    from fhirmig.report.summary import page_one, patient_name, period_text
    from fhirmig.report.therapy import (
        medication_section,
        questionnaires_section,
        triggers_section,
    )

    width, height = frame_size(paper)
    wide_width = frame_size(paper, landscape=True)[0]
    patient = diary.patient
    name = patient_name(diary)
    period = period_text(stats)
    attacks = attacks_in_period(diary, stats.period_from, stats.period_to)
    methods, appendix_b, appendix_c = _texts(diary, stats, templates, generated)
    story: list[Any] = []
    if "summary" in chosen:
        story += page_one(diary, stats, attack_profile(attacks), generated, width, height)
    if "calendar" in chosen:
        story += calendar_section(stats)
    if "charts" in chosen:
        story += charts_section(stats, width, medication="medication" not in chosen)
    entries: list[Any] = []  # the twitching entries in full, printed in the log appendix
    if "twitching" in chosen:
        in_log = "log" in chosen
        story += twitching_section(diary, stats, width, in_appendix=in_log)
        entries = twitching_entries(stats, wide_width if in_log else width)
        if not in_log:
            story, entries = story + entries, []
    if "triggers" in chosen:
        story += triggers_section(stats, width)
    if "medication" in chosen:
        story += medication_section(diary, stats, width)
    if "treatment-response" in chosen:
        story += response_section(diary, stats, width)
    if "questionnaires" in chosen:
        story += questionnaires_section(stats, width)
    if not story or not isinstance(story[-1], PageBreak):  # page one already ends with one
        story.append(PageBreak())
    story += markdown_flowables(methods)
    if "log" in chosen:
        logged, scope = attacks, None
        if payer:
            logged, scope = review_attacks(diary, stats, attacks)
        story += attack_log(diary, logged, wide_width, scope=scope, after=entries)
    if "appendices" in chosen:
        story += [PageBreak(), *markdown_flowables(appendix_b)]
        story += [PageBreak(), *markdown_flowables(appendix_c)]
    short = name if len(name) <= 80 else name[:79] + "…"
    language = current_language()
    same = patient.language.replace("_", "-").split("-", 1)[0].lower() == language
    frame = PageFrame(
        header=_("<b>{name}</b> · born {birth_date} · period {period} · {timezone}").format(
            name=markup(short),
            birth_date=fmt_date(patient.birth_date),
            period=markup(period),
            timezone=markup(patient.timezone),
        ),
        footer=_(
            "fhirmig {version} · patient-reported, software-computed · not a diagnosis"
        ).format(version=__version__),
        title=_("Headache diary report: {name}, {period}").format(name=name, period=period),
        author=f"fhirmig {__version__}",
        subject=_("Headache and migraine diary report, {period}").format(period=period),
        language=patient.language if same else language,
        keywords=_("headache diary, migraine, ICHD-3"),
        page_label=_("page {number} of {total}"),
    )
    return _without_leading_breaks(story), frame


def _without_leading_breaks(story: list[Any]) -> list[Any]:
    """``story`` without the page breaks before its first content (no blank first page)."""
    from reportlab.platypus import CondPageBreak, PageBreak

    first = 0
    while first < len(story) and isinstance(story[first], (PageBreak, CondPageBreak)):
        first += 1
    return story[first:]


def _texts(
    diary: Diary, stats: Stats, templates: Path | None, generated: date | None
) -> tuple[str, str, str]:
    """The methods page and Appendices B and C, rendered from their templates, in the
    current report language (organisations chosen by the patient's country and it)."""
    from fhirmig.report.content import render_template
    from fhirmig.report.i18n import _, current_language, fmt_date, language_name, region_name
    from fhirmig.report.organisations import appendix_context, load_organisations
    from fhirmig.report.summary import period_text

    patient = diary.patient
    language = current_language()
    sources, organisations = appendix_context(
        load_organisations(templates), patient.home_country, language
    )
    if organisations["country"]:
        organisations["country_name"] = region_name(
            organisations["country"], organisations["country_name"]
        )
    for org in [*sources, *(o for g in organisations["groups"] for o in g["organisations"])]:
        org["language_names"] = [language_name(code) for code in org["languages"]]
    context_common = {
        "version": __version__,
        "language": patient.language,
        "language_name": language_name(language),
        "report_language": language,
        "regions": organisations["regions"],
    }
    appendix_b = render_template(
        "appendix_resources.md.j2",
        {**context_common, "organisations": sources},
        templates,
    )
    appendix_c = render_template(
        "appendix_organisations.md.j2",
        {**context_common, **organisations},
        templates,
    )
    methods = render_template(
        "methods.md.j2",
        {
            **context_common,
            "period": period_text(stats),
            "days": stats.days_in_period,
            "timezone": stats.timezone,
            "migraine_day": stats.migraine_day,
            "generated": fmt_date(generated, _("not stated")),
        },
        templates,
    )
    return methods, appendix_b, appendix_c
