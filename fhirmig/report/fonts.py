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
    "break_at",
    "cjk_font",
    "cjk_markup",
    "draw_text",
    "font_for",
    "has_cjk",
    "markup",
    "plain",
    "register_fonts",
    "split_text",
    "text_runs",
    "text_strings",
    "text_width",
]

FONT_DIR = Path(__file__).resolve().parent / "fonts"
BODY_FONT = "DejaVuSans"
BOLD_FONT = "DejaVuSans-Bold"

_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
_KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HAN = "\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uff65"
_CJK_RUN = re.compile(f"([{_HANGUL}]+|[{_KANA}{_HAN}]+)")
_TAG_SPLIT = re.compile(r"(<[^>]*>)")
#: a CJK character, a run of other non-space characters, or spaces (the units a line may
#: break between)
_PIECE = re.compile(rf"[{_KANA}{_HAN}{_HANGUL}]|[^\s{_KANA}{_HAN}{_HANGUL}]+|\s+")
#: characters a Japanese line may not start with, and may not end with (JIS X 4051, short)
_NO_LINE_START = frozenset(
    "、。，．・：；？！）」』】〕〉》”’ゝゞーぁぃぅぇぉっゃゅょァィゥェォッャュョ％"
)
_NO_LINE_END = frozenset("（「『【〔〈《“‘")
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


def cjk_markup(text: str) -> str:
    """Paragraph markup with every CJK run outside its tags set in the CJK font.

    For fhirmig's own text (headings, labels, catalogue sentences with ``<b>``), which is
    safe markup already: tags and entities are left as they are, and text that
    :func:`markup` already wrapped only gains a second, harmless ``<font>`` of the same face.
    """
    if not has_cjk(text):
        return text
    face = cjk_font()
    out: list[str] = []
    for part in _TAG_SPLIT.split(text):
        if not part or part.startswith("<"):
            out.append(part)
            continue
        out.extend(
            f'<font face="{face}">{run}</font>' if i % 2 else run
            for i, run in enumerate(_CJK_RUN.split(part))
            if run
        )
    return "".join(out)


def text_runs(text: str, font: str = BODY_FONT) -> list[tuple[str, str]]:
    """``text`` cut into (run, font) pieces: CJK runs in the CJK font, the rest in ``font``
    (the CJK font has no Latin letters, digits or ASCII punctuation)."""
    if not has_cjk(text):
        return [(text, font)]
    return [
        (run, cjk_font() if i % 2 else font) for i, run in enumerate(_CJK_RUN.split(text)) if run
    ]


def draw_text(
    canvas: Any, x: float, y: float, text: str, font: str, size: float, anchor: str = "start"
) -> None:
    """Draw one line of ``text`` on a canvas, run by run in fonts that have its glyphs;
    ``anchor`` ``start``, ``middle`` or ``end`` says where ``x`` lies on the line."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    runs = text_runs(text, font)
    x -= _offset(sum(stringWidth(r, f, size) for r, f in runs), anchor)
    for run, run_font in runs:
        canvas.setFont(run_font, size)
        canvas.drawString(x, y, run)
        x += stringWidth(run, run_font, size)


def text_strings(
    x: float, y: float, text: str, font: str, size: float, anchor: str = "start", **kw: Any
) -> list[Any]:
    """:func:`draw_text` for a reportlab graphics Drawing: one ``String`` per run."""
    from reportlab.graphics.shapes import String
    from reportlab.pdfbase.pdfmetrics import stringWidth

    runs = text_runs(text, font)
    x -= _offset(sum(stringWidth(r, f, size) for r, f in runs), anchor)
    out = []
    for run, run_font in runs:
        out.append(String(x, y, run, fontName=run_font, fontSize=size, **kw))
        x += stringWidth(run, run_font, size)
    return out


def split_text(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines of at most ``width``: at spaces, and between two CJK
    characters (Japanese has no spaces) where :func:`break_at` allows it; a word wider than
    a line stays whole."""
    pieces = _PIECE.findall(text)
    lines: list[str] = []
    line = ""
    for piece in pieces:
        trial = line + piece
        if line and not piece.isspace() and text_width(trial.rstrip(), font, size) > width:
            cut = break_at(trial, len(line))
            if 0 < cut:
                lines.append(trial[:cut].rstrip())
                line = trial[cut:].lstrip()
                continue
        line = trial
    if line.strip():
        lines.append(line.rstrip())
    return lines


def break_at(text: str, index: int) -> int:
    """Where to break ``text`` near ``index`` so that no line starts with closing
    punctuation (、。）」…) or ends with an opening bracket (（「…), the Japanese line-break
    rules (kinsoku): the break moves back by one or two characters; ``index`` when no
    such character is involved, 0 when no break is allowed before ``index``."""
    cut = index
    while 0 < cut < len(text) and (text[cut] in _NO_LINE_START or text[cut - 1] in _NO_LINE_END):
        cut -= 1
    return cut if cut > 0 or index == 0 else 0


def _offset(width: float, anchor: str) -> float:
    return width if anchor == "end" else width / 2 if anchor == "middle" else 0.0


def font_for(text: str, font: str = BODY_FONT) -> str:
    """The one font for a string drawn whole (weekday letters, axis labels): ``font``, or
    the CJK font when the text has CJK characters. The CJK font has no Latin letters or
    digits, so a string that mixes both is drawn with :func:`draw_text` instead."""
    return cjk_font() if has_cjk(text) else font


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


def plain(text: str) -> str:
    """User text made printable: control characters become spaces."""
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
