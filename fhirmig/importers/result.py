"""What every importer returns, and how an import turns its findings into a diary.

An import either succeeds whole, with the diary and the notes the user should read
(words kept as free text, columns not carried over, times a DST change moved), or fails
whole with :class:`ImportSourceError` listing every line it could not read. Nothing is
written for a failed import.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fhirmig.diary.model import FORMAT_VERSION, Diary
from fhirmig.diary.reader import diary_from_raw
from fhirmig.errors import DiaryError, ImportSourceError, Problem
from fhirmig.wording import plural

__all__ = ["Findings", "ImportResult", "build_diary"]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """An imported diary and the notes about what was and was not carried over.

    ``notes`` are not errors: each names the file and line (when there is one) of a value
    kept as free text, a column or record left out, or a time read in a particular way.
    """

    diary: Diary
    notes: tuple[Problem, ...] = ()
    source: str = ""

    def summary(self) -> str:
        """One line saying what was imported."""
        d = self.diary
        parts = [plural(len(d.attacks), "attack"), plural(len(d.medications), "medication")]
        parts.append(plural(len(d.days), "day"))
        return f"{self.source}: imported " + ", ".join(parts)


@dataclass
class Findings:
    """Problems (the import fails) and notes (it succeeds) gathered while reading a file."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    _once: set[str] = field(default_factory=set)

    def problem_once(self, kind: str, line: int | None, message: str) -> None:
        """A problem reported at its first line only (the same cause on every row)."""
        if kind not in self._once:
            self._once.add(kind)
            self.problem(line, message + " (reported at the first line only)")

    def ambiguous_order(self, line: int | None, exc: Exception) -> None:
        """Dates that read both day-first and month-first: one problem naming the options."""
        self.problem_once("order", line, f"{exc}; say which comes first (day first or month first)")

    def problem(self, line: int | None, message: str) -> None:
        """Something that cannot be read; the import will fail and list it."""
        self.problems.append(Problem(self.file, _where(line), message))

    def note(self, line: int | None, message: str) -> None:
        """Something the user should know; the import still succeeds."""
        self.notes.append(Problem(self.file, _where(line), message))

    def raise_if_problems(self, what: str) -> None:
        """Fail with every problem found so far."""
        if self.problems:
            raise ImportSourceError(
                f"{self.file}: cannot import this {what}; {plural(len(self.problems), 'problem')}:",
                self.problems,
            )


def _where(line: int | None) -> str:
    return f"line {line}" if line else ""


def build_diary(
    raw: dict[str, Any],
    findings: Findings,
    what: str,
    line_of: Callable[[str, int], int | None] | None = None,
) -> Diary:
    """Check the diary data an importer built, through the same model as any diary.

    ``line_of(section, index)`` gives the source line of ``attacks[3]`` or ``days[3]``, so
    that a value the diary model refuses is reported at its line in the export.
    """
    findings.raise_if_problems(what)
    raw = {"format": FORMAT_VERSION, **raw}
    try:
        return diary_from_raw(raw, findings.file)
    except DiaryError as exc:
        for p in exc.problems:
            line = None
            m = re.match(r"^(attacks|days)\[(\d+)\]", p.location)
            if m and line_of is not None:
                line = line_of(m[1], int(m[2]))
            where = f"{p.location}: " if p.location else ""
            findings.problem(line, where + p.message)
    findings.raise_if_problems(what)
    raise AssertionError("unreachable")  # pragma: no cover
