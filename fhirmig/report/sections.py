"""Which sections a report shows: documented names, and presets for each kind of reader.

A neurologist wants everything; a general practitioner page one, the calendar and the
medication; a payer reviewing a preventive the figures, the treatment response, the
overuse pattern, the questionnaires and the attacks of the assessment windows.
:func:`resolve_sections` turns what a caller or the command line gives (a preset, names,
or a comma-separated list of either) into the names to print, in print order. The methods
page is always printed: it defines every figure the other sections show.
"""

from __future__ import annotations

from collections.abc import Iterable

from fhirmig.errors import UsageError

__all__ = ["DEFAULT_PRESET", "SECTIONS", "SECTION_PRESETS", "resolve_sections"]

#: Every section, in the order the report prints them.
SECTIONS: tuple[str, ...] = (
    "summary",
    "calendar",
    "charts",
    "twitching",
    "triggers",
    "medication",
    "treatment-response",
    "questionnaires",
    "log",
    "appendices",
)

#: Presets for a reader; ``neurologist`` (everything) is the default.
SECTION_PRESETS: dict[str, tuple[str, ...]] = {
    "neurologist": SECTIONS,
    "gp": ("summary", "calendar", "medication", "appendices"),
    "payer": ("summary", "medication", "treatment-response", "questionnaires", "log"),
}
DEFAULT_PRESET = "neurologist"


def resolve_sections(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """The section names ``value`` asks for, in print order, each once.

    ``value`` is ``None`` (the default preset), a preset or section name, a
    comma-separated list of them (``"summary,log"``), or an iterable of such strings.
    Raises :class:`~fhirmig.errors.UsageError` naming an unknown name, or for an empty
    selection.
    """
    if value is None:
        return SECTION_PRESETS[DEFAULT_PRESET]
    items = [value] if isinstance(value, str) else list(value)
    wanted: set[str] = set()
    for item in items:
        for raw in str(item).split(","):
            name = raw.strip().lower()
            if not name:
                continue
            if name in SECTION_PRESETS:
                wanted.update(SECTION_PRESETS[name])
            elif name in SECTIONS:
                wanted.add(name)
            else:
                raise UsageError(
                    "{sections}: "
                    + f"unknown section {raw.strip()!r}; choose from "
                    + f"{', '.join(SECTIONS)} or a preset ({', '.join(SECTION_PRESETS)})",
                    params=("sections",),
                )
    if not wanted:
        raise UsageError("{sections}: no section chosen", params=("sections",))
    return tuple(name for name in SECTIONS if name in wanted)


def is_payer(value: str | Iterable[str] | None) -> bool:
    """Whether the selection names the ``payer`` preset (its log keeps the review windows)."""
    if value is None:
        return False
    items = [value] if isinstance(value, str) else list(value)
    return any(raw.strip().lower() == "payer" for item in items for raw in str(item).split(","))
