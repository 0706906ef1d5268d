"""Small helpers for the words of messages: counts, and the excerpt of a value.

"1 days" and "3 problem(s)" read as a program that does not care; every count a user reads
goes through :func:`plural`. A message that quotes what the user wrote (a date or a
number of the wrong form) quotes it through :func:`excerpt`: short, and with nothing that
could act on a terminal or a log (control and format characters, lone surrogates).
"""

from __future__ import annotations

import unicodedata

__all__ = ["EXCERPT_CHARS", "excerpt", "plural"]

#: The most characters of a value a message quotes.
EXCERPT_CHARS = 60
#: Character categories never quoted: controls, format (bidi overrides), surrogates,
#: private use, unassigned, line and paragraph separators.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 day``, ``2 days``, ``1 diary`` / ``2 diaries`` (given ``plural_form``)."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """``value`` quoted for a message: at most ``limit`` characters, each hidden one a ``?``.

    ``excerpt("2026-02-30")`` is ``'2026-02-30'``, ``excerpt(-5)`` is ``-5``; a longer text
    ends in ``...``. Quote only values whose form is wrong (a date, a number, a code), never
    free text.
    """
    if isinstance(value, bool | int | float):
        number = repr(value)
        return number if len(number) <= limit else number[:limit] + "..."
    text = value if isinstance(value, str) else str(value)
    cut = text[:limit]
    shown = "".join("?" if unicodedata.category(ch) in _HIDDEN else ch for ch in cut)
    return f"'{shown}{'...' if len(text) > limit else ''}'"
