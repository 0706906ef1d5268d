"""The page frame of the report: header with patient and period, "page N of M", metadata.

Two page templates: ``page`` (portrait) for the report and ``wide`` (landscape, same
paper) for the attack log, whose nine columns need the width.

"page N of M" needs the page count before the first page is final. :class:`_NumberedCanvas`
keeps each finished page's drawing state and writes the footers once the document is laid
out, so the document is laid out once (not twice as with ``multiBuild``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fhirmig.report.fonts import BODY_FONT, draw_text, register_fonts
from fhirmig.report.styles import MUTED, RULE, paragraph, styles

__all__ = ["PAPERS", "PageFrame", "build_pdf", "frame_size"]

#: name -> (width, height) in points
PAPERS: dict[str, tuple[float, float]] = {"a4": (595.2756, 841.8898), "letter": (612.0, 792.0)}
MARGIN = 40.0
HEADER_SPACE = 26.0
FOOTER_SPACE = 22.0


def frame_size(paper: str, *, landscape: bool = False) -> tuple[float, float]:
    """(width, height) of the body frame of a page of ``paper`` (the space for content)."""
    width, height = PAPERS[paper]
    if landscape:
        width, height = height, width
    return width - 2 * MARGIN, height - 2 * MARGIN - 6


@dataclass(frozen=True)
class PageFrame:
    """What every page shows around the content, and the PDF's metadata."""

    header: str  # Paragraph markup (already escaped): patient and period
    footer: str  # plain text on the left of the footer
    title: str
    author: str
    subject: str
    language: str
    keywords: str = ""
    #: the page number at the foot of every page, with ``{number}`` and ``{total}``
    page_label: str = "page {number} of {total}"


def _canvas_class(frame: PageFrame) -> type[Any]:
    from reportlab.lib.colors import HexColor
    from reportlab.pdfgen.canvas import Canvas

    class _NumberedCanvas(Canvas):  # type: ignore[misc]
        """Defers each page until the total is known, then stamps "page N of M"."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("lang", frame.language)
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []
            self._outline: dict[int, list[tuple[str, str]]] = {}

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def bookmarkPage(self, key: str, **kwargs: Any) -> None:
            """Deferred: pages are written at save(); addOutlineEntry records the key."""

        def addOutlineEntry(self, title: str, key: str, level: int = 0, closed: Any = None) -> None:
            self._outline.setdefault(len(self._saved), []).append((key, title))

        def save(self) -> None:
            total = len(self._saved)
            outline = self._outline
            for number, state in enumerate(self._saved, start=1):
                self.__dict__.update(state)
                for key, title in outline.get(number - 1, []):
                    super().bookmarkPage(key)
                    super().addOutlineEntry(title, key, level=0)
                self._footer(number, total)
                super().showPage()
            if outline:
                self.showOutline()
            super().save()

        def _footer(self, number: int, total: int) -> None:
            width, _ = self._pagesize
            self.saveState()
            self.setFillColor(HexColor(MUTED))
            draw_text(self, MARGIN, MARGIN - 16, frame.footer, BODY_FONT, 7.5)
            label = frame.page_label.format(number=number, total=total)
            draw_text(self, width - MARGIN, MARGIN - 16, label, BODY_FONT, 7.5, "right")
            self.restoreState()

    return _NumberedCanvas


def _draw_header(frame: PageFrame) -> Any:
    from reportlab.lib.colors import HexColor

    def on_page(canvas: Any, doc: Any) -> None:
        width, height = canvas._pagesize
        canvas.saveState()
        para = paragraph(frame.header, styles().small)
        _, h = para.wrap(width - 2 * MARGIN, HEADER_SPACE)
        para.drawOn(canvas, MARGIN, height - MARGIN + 4)
        canvas.setStrokeColor(HexColor(RULE))
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, height - MARGIN + 1, width - MARGIN, height - MARGIN + 1)
        canvas.line(MARGIN, MARGIN - 6, width - MARGIN, MARGIN - 6)
        canvas.restoreState()
        del h

    return on_page


def build_pdf(story: list[Any], out: Path, frame: PageFrame, paper: str) -> None:
    """Lay out ``story`` on ``paper`` pages with the frame and write the PDF bytes to ``out``.

    ``invariant=1`` removes the creation time and random document id, so equal input
    gives a byte-identical file.
    """
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

    class ReportDoc(BaseDocTemplate):  # type: ignore[misc]
        """Adds a PDF outline entry (bookmark) for every section heading."""

        def afterFlowable(self, flowable: Any) -> None:
            if isinstance(flowable, Paragraph) and flowable.style.name == "h1":
                key = f"section-{len(self._sections)}"
                self._sections.append(key)
                self.canv.bookmarkPage(key)
                self.canv.addOutlineEntry(flowable.getPlainText(), key, level=0)

    register_fonts()
    width, height = PAPERS[paper]
    doc = ReportDoc(
        str(out),
        pagesize=(width, height),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 6,
        bottomMargin=MARGIN,
        title=frame.title,
        author=frame.author,
        subject=frame.subject,
        keywords=frame.keywords,
        creator="fhirmig",
        producer="fhirmig (reportlab)",
        invariant=1,
        lang=frame.language,
        initialFontName=BODY_FONT,
    )
    templates = []
    for template_id, (w, h) in (("page", (width, height)), ("wide", (height, width))):
        body = Frame(
            MARGIN,
            MARGIN,
            *frame_size(paper, landscape=template_id == "wide"),
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=f"body-{template_id}",
        )
        templates.append(
            PageTemplate(id=template_id, frames=[body], onPage=_draw_header(frame), pagesize=(w, h))
        )
    doc.addPageTemplates(templates)
    doc._sections = []
    doc.build(story, canvasmaker=_canvas_class(frame))
