"""Fonts and safe text for the report: any script prints, no user text becomes markup.

The body font is DejaVu Sans (Bitstream Vera licence, see ``fonts/LICENSE-DejaVu.txt``),
shipped inside the package and embedded (subset) into every PDF. It covers Latin, Greek,
Cyrillic, Armenian, Georgian, Hebrew, Arabic and many symbols. It has no Chinese, Japanese
or Korean glyphs: runs of those scripts are set in Droid Sans Fallback (Apache-2.0, see
``fonts/LICENSE-DroidSansFallback.txt``), also shipped and embedded (subset). That font is
loaded only when a text has such characters, since reading it costs a quarter second.

:func:`markup` is the only way user text enters a reportlab ``Paragraph``: it escapes
``& < >`` and wraps CJK runs in ``<font>`` tags, so ``<b>``, ``<img src=..>`` or
``</para>`` in a note print literally. It also puts each line of right-to-left text in
display order (:mod:`fhirmig.report.rtl`).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from fhirmig.report.rtl import Direction

__all__ = [
    "BODY_FONT",
    "BOLD_FONT",
    "CJK_FONT",
    "FONT_DIR",
    "SOFT_HYPHEN",
    "cjk_font",
    "cjk_runs",
    "draw_text",
    "font_for",
    "has_cjk",
    "markup",
    "plain",
    "register_fonts",
    "text_shapes",
    "text_width",
]

FONT_DIR = Path(__file__).resolve().parent / "fonts"
BODY_FONT = "DejaVuSans"
BOLD_FONT = "DejaVuSans-Bold"

_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
_KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HAN = "\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uff65"
_CJK_RUN = re.compile(f"([{_HANGUL}]+|[{_KANA}{_HAN}]+)")
#: characters that are never printable text (controls other than newline; tabs too,
#: which the fonts have no glyph for)
_CONTROL = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]")

CJK_FONT = "DroidSansFallback"


@cache
def register_fonts() -> None:
    """Register the embedded body fonts and the CJK fallbacks with reportlab (once)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from fhirmig.errors import ReportError

    try:
        pdfmetrics.registerFont(TTFont(BODY_FONT, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD_FONT, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    except Exception as exc:  # reportlab raises plain exceptions for unreadable fonts
        raise ReportError(f"{FONT_DIR}: cannot load the report font ({exc})") from exc
    for bold, italic, name in ((0, 0, BODY_FONT), (1, 0, BOLD_FONT)):
        addMapping(BODY_FONT, bold, italic, name)
        addMapping(BODY_FONT, bold, 1, name if bold else BODY_FONT)


@cache
def cjk_font() -> str:
    """Register the CJK font on first use and return its name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from fhirmig.errors import ReportError

    try:
        pdfmetrics.registerFont(TTFont(CJK_FONT, str(FONT_DIR / "DroidSansFallback.ttf")))
    except Exception as exc:  # reportlab raises plain exceptions for unreadable fonts
        raise ReportError(f"{FONT_DIR}: cannot load the CJK font ({exc})") from exc
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(CJK_FONT, bold, italic, CJK_FONT)
    return CJK_FONT


def has_cjk(text: str) -> bool:
    """Whether ``text`` has characters the body font lacks (Chinese, Japanese, Korean)."""
    return _CJK_RUN.search(text) is not None


def cjk_runs(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into (run, is CJK) pieces, in order."""
    return [(run, bool(i % 2)) for i, run in enumerate(_CJK_RUN.split(text)) if run]


def draw_text(
    canvas: Any, x: float, y: float, text: str, font: str, size: float, align: str = "left"
) -> None:
    """Draw ``text`` on a canvas at ``x`` (its left, right or centre by ``align``), each CJK
    run in the CJK font and the rest in ``font`` (the CJK font has no Latin letters)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = text.replace(SOFT_HYPHEN, "")
    runs = [(run, cjk_font() if is_cjk else font) for run, is_cjk in cjk_runs(text)]
    widths = [stringWidth(run, face, size) for run, face in runs]
    left = {"left": x, "right": x - sum(widths), "centre": x - sum(widths) / 2}[align]
    for (run, face), width in zip(runs, widths, strict=True):
        canvas.setFont(face, size)
        canvas.drawString(left, y, run)
        left += width


def text_shapes(
    x: float, y: float, text: str, font: str, size: float, **attributes: Any
) -> list[Any]:
    """``text`` as reportlab graphics ``String`` shapes from ``x``, one per run of one
    script, CJK runs in the CJK font (for charts)."""
    from reportlab.graphics.shapes import String
    from reportlab.pdfbase.pdfmetrics import stringWidth

    shapes = []
    for run, is_cjk in cjk_runs(text.replace(SOFT_HYPHEN, "")):
        face = cjk_font() if is_cjk else font
        shapes.append(String(x, y, run, fontName=face, fontSize=size, **attributes))
        x += stringWidth(run, face, size)
    return shapes


def font_for(text: str, font: str = BODY_FONT) -> str:
    """The font for a text of one script: the CJK font when it is all CJK (a weekday
    letter in Japanese), else ``font``."""
    runs = cjk_runs(text)
    return cjk_font() if runs and all(is_cjk for _, is_cjk in runs) else font


def text_width(text: str, font: str, size: float) -> float:
    """The printed width of ``text``: CJK runs in the CJK font, the rest in ``font``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if not has_cjk(text):
        return float(stringWidth(text, font, size))
    return float(
        sum(
            stringWidth(run, cjk_font() if i % 2 else font, size)
            for i, run in enumerate(_CJK_RUN.split(text))
        )
    )


SOFT_HYPHEN = "\u00ad"


def plain(text: str) -> str:
    """Text made printable as one string: control characters become spaces, and soft
    hyphens (where a catalogue lets a long word break in a paragraph) are dropped."""
    if SOFT_HYPHEN in text:
        text = text.replace(SOFT_HYPHEN, "")
    return _CONTROL.sub(" ", text)


def markup(text: object, *, newlines: bool = False, base: Direction | None = None) -> str:
    """Paragraph markup that prints ``text`` literally, in a font that has its glyphs.

    With ``newlines`` the line breaks of the text are kept (``<br/>``); otherwise they are
    spaces, as in any paragraph. Right-to-left text is put in display order line by line,
    so a paragraph that wraps it should get it already broken into lines; ``base`` is then
    the direction of the whole text (:func:`fhirmig.report.rtl.base_direction`).
    """
    from fhirmig.report.rtl import display_line

    flat = plain(str(text)).replace("\r\n", "\n")
    lines = flat.split("\n") if newlines else [flat.replace("\r", " ").replace("\n", " ")]
    return "<br/>".join(_escape_runs(display_line(line, base)) for line in lines)


def _escape_runs(line: str) -> str:
    parts: list[str] = []
    for i, chunk in enumerate(_CJK_RUN.split(line)):
        if not chunk:
            continue
        escaped = escape(chunk)
        parts.append(f'<font face="{cjk_font()}">{escaped}</font>' if i % 2 else escaped)
    return "".join(parts)
