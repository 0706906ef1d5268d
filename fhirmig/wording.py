"""Small helpers for the words of messages: counts with their noun in the right number.

"1 days" and "3 problem(s)" read as a program that does not care; every count a user reads
goes through :func:`plural`.
"""

from __future__ import annotations

__all__ = ["plural"]


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 day``, ``2 days``, ``1 diary`` / ``2 diaries`` (given ``plural_form``)."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"
