"""The editable text of the report: jinja2 templates and the organisations list.

Appendix B (patient resources), Appendix C (support groups) and the methods section are
jinja2 templates over a small Markdown subset, with their data in ``organisations.json``
(read and chosen by :mod:`fhirmig.report.organisations`).
The built-in ones live in ``templates/`` at the top of the repository; a clinic passes
``templates=DIR`` to replace any of them (a file of the same name in DIR wins, the others
stay built-in).

Templates run in jinja2's ``SandboxedEnvironment`` with autoescaping and
``StrictUndefined``; the loader reads only inside DIR and the built-in folder. The Markdown
subset is: ``#``/``##`` headings, ``- `` bullets, paragraphs, ``**bold**`` and
``[text](https://...)`` links, and nothing else: any other ``<`` or ``&`` prints literally.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fhirmig.errors import ReportError

__all__ = [
    "BUILTIN_TEMPLATES",
    "markdown_flowables",
    "render_template",
]


def _builtin_templates() -> Path:
    """``templates/`` of the repository, installed as ``fhirmig/templates`` in a wheel."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


BUILTIN_TEMPLATES = _builtin_templates()


def render_template(name: str, context: Mapping[str, Any], templates: Path | None) -> str:
    """Render one template (from ``templates`` if it has it) in the sandbox, escaped."""
    from jinja2 import (
        ChoiceLoader,
        FileSystemLoader,
        StrictUndefined,
        TemplateError,
        TemplateNotFound,
    )
    from jinja2.sandbox import SandboxedEnvironment

    loaders = [FileSystemLoader(str(templates))] if templates is not None else []
    loaders.append(FileSystemLoader(str(BUILTIN_TEMPLATES)))
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    try:
        return env.get_template(name).render(**context)
    except TemplateNotFound as exc:
        raise ReportError(f"template {name}: not found") from exc
    except TemplateError as exc:
        line = getattr(exc, "lineno", None) or _template_line(exc)
        where = f"{getattr(exc, 'filename', None) or name}" + (f", line {line}" if line else "")
        raise ReportError(f"{where}: template error: {exc.message or exc}") from exc
    except RecursionError:
        raise ReportError(
            f"template {name}: includes or extends itself without end (a recursive template)"
        ) from None


def _template_line(exc: BaseException) -> int | None:
    """The template line of a render-time error (jinja2 maps its frames to template lines)."""
    import traceback

    lines = [
        frame.lineno
        for frame in traceback.extract_tb(exc.__traceback__)
        if frame.filename.endswith((".j2", ".md", ".txt"))
    ]
    return lines[-1] if lines else None


_INLINE = re.compile(
    r'\[(?P<label>[^\]\n]+)\]\((?P<url>https?://[^)\s"<>]+)\)|\*\*(?P<bold>.+?)\*\*'
)


def _inline(text: str) -> str:
    """Markdown inline -> Paragraph markup; only links and bold become markup.

    The template output is unescaped once, split into plain, bold and link pieces, and each
    piece escaped again through :func:`~fhirmig.report.fonts.markup`: escaped variables
    and any literal ``<``/``&`` of the template itself print as text, CJK runs get a font
    that has them, and right-to-left pieces are put in display order without breaking a
    link apart.
    """
    from html import unescape
    from xml.sax.saxutils import escape

    from fhirmig.report.fonts import markup

    source = unescape(text)
    parts: list[str] = []
    position = 0
    for found in _INLINE.finditer(source):
        parts.append(markup(source[position : found.start()]))
        if found["url"]:
            href = escape(found["url"], {'"': "&quot;"})
            parts.append(f'<a href="{href}" color="#1f4e99"><u>{markup(found["label"])}</u></a>')
        else:
            parts.append(f"<b>{markup(found['bold'])}</b>")
        position = found.end()
    parts.append(markup(source[position:]))
    return "".join(parts)


def markdown_flowables(text: str) -> list[Any]:
    """Flowables for rendered template text in the Markdown subset."""
    from fhirmig.report.styles import paragraph, styles

    st = styles()
    out: list[Any] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            out.append(paragraph(_inline(" ".join(buffer)), st.body))
            buffer.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            out.append(paragraph(_inline(line[3:]), st.h2))
        elif line.startswith("# "):
            flush()
            out.append(paragraph(_inline(line[2:]), st.h1))
        elif line.startswith("- "):
            flush()
            out.append(paragraph(_inline(line[2:]), st.bullet, bulletText="•"))
        else:
            buffer.append(line)
    flush()
    return out
