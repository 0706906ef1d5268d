"""The report's sections as the page offers them: names from the report, words for people.

The report decides which sections and presets exist (:data:`fhirmig.report.SECTIONS`,
:data:`fhirmig.report.SECTION_PRESETS`); the page lists them as check boxes and passes the
ticked ones to ``render_report(sections=...)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fhirmig.report import SECTION_PRESETS, SECTIONS

__all__ = ["PRESET_WORDS", "SECTIONS", "SECTION_PRESETS", "section_words", "sections_argument"]

_WORDS = {
    "summary": "Page one: key figures and what to discuss",
    "calendar": "Headache calendar",
    "charts": "Charts by month",
    "twitching": "Muscle twitching",
    "triggers": "Triggers and daily factors",
    "medication": "Medication and relief",
    "treatment-response": "Response to preventive treatment",
    "questionnaires": "Questionnaires (MIDAS, HIT-6)",
    "log": "Attack log (every attack)",
    "appendices": "Appendices: patient resources and support groups",
}
#: The presets in words, for the links that tick their sections.
PRESET_WORDS = {
    "neurologist": "Everything, for a neurologist",
    "gp": "Short, for a family doctor",
    "payer": "Treatment response, for an insurer",
}


def section_words(name: str) -> str:
    """A section's name in words for its check box."""
    return _WORDS.get(name, name.replace("-", " ").capitalize())


def sections_argument(chosen: Iterable[str]) -> dict[str, Any]:
    """``{"sections": [...]}`` for ``render_report`` (nothing when every section is ticked)."""
    names = list(chosen)
    return {} if tuple(names) == SECTIONS else {"sections": names}
