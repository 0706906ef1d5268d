"""Right-to-left scripts in the report: Arabic letters joined, each line in display order.

reportlab draws the characters of a string from left to right as they come, with one
glyph per character. Hebrew, Arabic, Persian or Urdu text would print backwards, and
Arabic letters unjoined. So every line of user text that has right-to-left characters is
turned into display order before it is drawn:

1. Arabic letters take their joined presentation forms (``arabic-reshaper``), which the
   body font has;
2. the Unicode bidirectional algorithm (UAX #9, with bracket pairs; ``python-bidi``)
   gives each character its embedding level, and runs are reversed level by level (rule
   L2);
3. mirrored characters on right-to-left runs, such as brackets, are swapped (rule L4).

This works on single lines: text is wrapped in logical order first, then each line is
put in display order with the base direction of the whole text, so that the lines of one
cell agree (:func:`fhirmig.report.styles.wrap_plain` does all of it). Lines without
right-to-left characters are returned unchanged, and the libraries are imported only when
a text needs them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal

__all__ = ["Direction", "base_direction", "display_line", "has_rtl", "shape"]

#: A paragraph's base direction: left-to-right or right-to-left.
Direction = Literal["L", "R"]

_RTL = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")
_TRAILING_SPACE = " \t"


def has_rtl(text: str) -> bool:
    """Whether ``text`` has characters of a right-to-left script."""
    return _RTL.search(text) is not None


def shape(text: str) -> str:
    """``text`` with Arabic letters in their joined forms, still in logical order.

    Wrapping measures shaped text, since joined forms differ in width from bare letters.
    """
    if not has_rtl(text):
        return text
    return str(_reshaper().reshape(text))


@lru_cache(maxsize=1)
def _reshaper() -> Any:
    """arabic-reshaper set to keep every character the patient typed (vowel marks too)."""
    from arabic_reshaper import ArabicReshaper

    return ArabicReshaper(configuration={"delete_harakat": False})


def base_direction(text: str) -> Direction | None:
    """The base direction of ``text`` by its first strong character (UAX #9 rules P2 and
    P3), or ``None`` for text without right-to-left characters."""
    if not has_rtl(text):
        return None
    from bidi import get_base_level

    return "R" if get_base_level(text) else "L"


@lru_cache(maxsize=4096)
def display_line(line: str, base: Direction | None = None) -> str:
    """One line of text (no line breaks) in the order its glyphs are drawn left to right.

    ``base`` is the direction of the paragraph the line belongs to; by default the line's
    own.
    """
    if not has_rtl(line):
        return line
    shaped = shape(line)
    levels = _levels(shaped, base)
    if levels is None:  # the levels could not be read: reorder without mirroring
        from bidi import get_display

        return str(get_display(shaped, base_dir=base))
    return _reorder(shaped, levels)


def _levels(text: str, base: Direction | None = None) -> list[int] | None:
    """The embedding level of each character of ``text`` (UAX #9 rules up to L1).

    python-bidi reports the levels it computed per UTF-8 byte; they are mapped back to
    characters. ``None`` if the report cannot be read.
    """
    from bidi import get_base_level, get_display

    report = str(get_display(text, base_dir=base, debug=True))
    # the text itself comes first in the report: take the last "levels:" field
    _, _, rest = report.rpartition("levels:")
    per_byte = [int(n) for n in _LEVEL.findall(rest.partition("paragraphs:")[0])]
    if len(per_byte) != len(text.encode("utf-8")):
        return None
    levels: list[int] = []
    offset = 0
    for char in text:
        levels.append(per_byte[offset])
        offset += len(char.encode("utf-8"))
    level = {"L": 0, "R": 1}[base] if base else int(get_base_level(text))
    end = len(text)
    while end and text[end - 1] in _TRAILING_SPACE:  # rule L1: trailing whitespace
        end -= 1
        levels[end] = level
    return levels


def _reorder(text: str, levels: list[int]) -> str:
    """Rules L2 and L4: reverse runs from the highest level down to the lowest odd one,
    and mirror the characters on odd (right-to-left) levels."""
    from bidi.mirror import MIRRORED

    chars = [MIRRORED.get(c, c) if level % 2 else c for c, level in zip(text, levels, strict=True)]
    odd = [level for level in levels if level % 2]
    if not odd:
        return "".join(chars)
    order = list(range(len(chars)))
    for floor in range(max(levels), min(odd) - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] < floor:
                i += 1
                continue
            j = i
            while j < len(order) and levels[order[j]] >= floor:
                j += 1
            order[i:j] = order[i:j][::-1]
            i = j
    return "".join(chars[k] for k in order)
