"""Line breaking in Japanese text (kinsoku shori): which marks may not start or end a line.

A paragraph with CJK characters is set with ``wordWrap="CJK"``: reportlab breaks it between
any two characters and keeps one closing mark (``、。）」``...) at the end of the line instead
of starting the next one with it. Its list of such marks lacks the full-width colon,
semicolon, comma, full stop, ``！`` and ``？`` that the Japanese catalogue writes, a second
closing mark after the kept one (``）。``) still starts a line, and nothing keeps an opening
bracket (``（「『``) from ending one.

:func:`install` (run once, when the first CJK paragraph style is made) adds the missing
marks to reportlab's list and wraps its CJK line splitter: when a line would end with an
opening bracket, or the next one start with a closing mark, the line is made shorter so
that its last ordinary character goes on to the next line with the marks. Plain table
cells are cut by :func:`break_before`, with the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

__all__ = ["CANNOT_END", "CANNOT_START", "allowed", "break_before", "install"]

#: Marks that may not start a line (reportlab's, with the full-width ones it lacks).
CANNOT_START: Final = (
    "!',.:;?\")]}、。」』】〕〉》｝］）：；，．！？‐゠–〜～ー・ヽヾゝゞ々〻"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ℃°′″％‰"
)
#: Marks that may not end a line: opening brackets and quotes.
CANNOT_END: Final = "([{‘“（〔［｛〈《「『【"

_installed = False


def allowed(text: str, at: int) -> bool:
    """Whether a line may break before ``text[at]`` (``0 < at < len(text)``)."""
    return text[at] not in CANNOT_START and text[at - 1] not in CANNOT_END


def break_before(text: str, cut: int) -> int | None:
    """The last allowed break at or before ``cut`` that leaves a character on the line
    (None when there is none): the next line never starts with a closing mark, this one
    never ends with an opening bracket."""
    for at in range(min(cut, len(text) - 1), 0, -1):
        if allowed(text, at):
            return at
    return None


def install() -> None:
    """Teach reportlab's CJK line splitter the rules above (once per process)."""
    global _installed
    if _installed:
        return
    from reportlab.platypus import paragraph

    paragraph.ALL_CANNOT_START = "".join(dict.fromkeys(paragraph.ALL_CANNOT_START + CANNOT_START))
    paragraph.cjkFragSplit = _wrapped(paragraph.cjkFragSplit)
    _installed = True


def _chars(line: Any) -> list[tuple[str, float]]:
    """The characters of a laid-out CJK line with their widths, as reportlab measured them."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return [
        (ch, stringWidth(ch, word.fontName, word.fontSize))
        for word in line.words
        for ch in (word.text or "")
    ]


def _bad_line(lines: Sequence[Any]) -> int | None:
    """The first line after which the break is not allowed (None: every one is)."""
    for k in range(len(lines) - 1):
        if getattr(lines[k], "lineBreak", False):
            continue  # a break the text asks for (<br/>) stays where it is
        here, after = _chars(lines[k]), _chars(lines[k + 1])
        if here and after and (here[-1][0] in CANNOT_END or after[0][0] in CANNOT_START):
            return k
    return None


def _wrapped(split: Callable[..., Any]) -> Callable[..., Any]:
    """reportlab's ``cjkFragSplit``, run again with a shorter line where a break is bad."""

    def kinsoku_split(
        frags: Any, maxWidths: Sequence[float], calcBounds: Any, encoding: str = "utf8"
    ) -> Any:
        widths = list(maxWidths)
        result = split(frags, widths, calcBounds, encoding)
        narrowed: dict[int, float] = {}
        for _ in range(4 * len(result.lines) + 4):
            k = _bad_line(result.lines)
            if k is None:
                break
            chars = _chars(result.lines[k])
            cut = break_before("".join(ch for ch, _ in chars), len(chars) - 1)
            if cut is None:
                break  # no allowed break on this line: leave it as reportlab set it
            widths += [widths[-1]] * (len(result.lines) + 1 - len(widths))
            narrowed.setdefault(k, widths[k])
            widths[k] = sum(width for _, width in chars[:cut])
            result = split(frags, widths, calcBounds, encoding)
        for k, full in narrowed.items():  # alignment measures from the frame's width
            if k < len(result.lines):
                line = result.lines[k]
                line.maxWidth, line.extraSpace = full, full - line.currentWidth
        return result

    return kinsoku_split
