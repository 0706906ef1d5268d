"""Stage 3 of the pipeline: the clinician-ready PDF report.

>>> from fhirmig.report import render_report
>>> render_report(diary, "report.pdf", generated=date(2026, 11, 25))  # doctest: +SKIP

Page one answers the questions of the visit in a two-minute read; then the headache
calendar, charts, muscle twitching, triggers, medication, treatment response and
questionnaires; then the methods and three appendices (the attack log, patient resources,
support groups). ``sections=`` chooses which appear (``SECTIONS``, or a preset of
``SECTION_PRESETS`` for a reader: neurologist, gp, payer). Text comes from editable jinja2
templates (``templates=DIR``) and gettext message catalogues: ``language=`` writes the
report in one of ``shipped_languages()`` (:mod:`fhirmig.report.i18n`). The PDF embeds its
font, escapes all user text, and is byte-identical for the same input, language and
``generated`` date.
"""

from fhirmig.report.content import BUILTIN_TEMPLATES
from fhirmig.report.i18n import DEFAULT_LANGUAGE, resolve_language, shipped_languages
from fhirmig.report.organisations import (
    Organisation,
    OrganisationGroup,
    load_organisations,
    select_organisations,
)
from fhirmig.report.render import PAPERS, Paper, render_report, render_stats_report
from fhirmig.report.sections import SECTION_PRESETS, SECTIONS, resolve_sections

__all__ = [
    "BUILTIN_TEMPLATES",
    "DEFAULT_LANGUAGE",
    "PAPERS",
    "SECTIONS",
    "SECTION_PRESETS",
    "Organisation",
    "OrganisationGroup",
    "Paper",
    "load_organisations",
    "render_report",
    "render_stats_report",
    "resolve_language",
    "resolve_sections",
    "select_organisations",
    "shipped_languages",
]
