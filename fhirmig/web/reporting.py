"""The report's sections as the page offers them: names from the report, words for people.

The report decides which sections exist (:data:`fhirmig.report.SECTIONS`); the page only
lists them as check boxes and passes the ticked ones to ``render_report(sections=...)``.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any

import fhirmig.report as _report

__all__ = ["SECTIONS", "section_words", "sections_argument"]

_IN_PRINT_ORDER = (
    "summary", "calendar", "charts", "twitching", "triggers", "medication",
    "treatment-response", "questionnaires", "log", "appendices",
)  # fmt: skip
#: The report's sections in print order.
SECTIONS: tuple[str, ...] = tuple(getattr(_report, "SECTIONS", _IN_PRINT_ORDER))

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


def section_words(name: str) -> str:
    """A section's name in words for its check box."""
    return _WORDS.get(name, name.replace("-", " ").capitalize())


def sections_argument(chosen: Iterable[str]) -> dict[str, Any]:
    """``{"sections": [...]}`` for ``render_report``, or nothing if it prints every section."""
    if "sections" not in inspect.signature(_report.render_report).parameters:
        return {}
    names = list(chosen)
    return {} if tuple(names) == SECTIONS else {"sections": names}
