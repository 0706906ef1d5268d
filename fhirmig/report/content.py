"""The editable text of the report: jinja2 templates and the organisations list.

Appendix B (patient resources), Appendix C (support groups) and the methods section are
jinja2 templates over a small Markdown subset, with their data in ``organisations.json``
(read and chosen by :mod:`fhirmig.report.organisations`). The built-in ones live in
``templates/`` at the top of the repository; a clinic passes ``templates=DIR`` to replace
any of them (a file of the same name in DIR wins, the others stay built-in).

Templates run in jinja2's immutable sandbox with autoescaping and ``StrictUndefined``,
with limits on time and size (:mod:`fhirmig.report.sandbox`); the loader reads only
regular files inside DIR and the built-in folder, never through a link
(:mod:`fhirmig.report.sealed`). The Markdown
subset is: ``#``/``##`` headings, ``- `` bullets, paragraphs, ``**bold**`` and
``[text](https://...)`` links, and nothing else: any other ``<`` or ``&`` prints literally.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fhirmig.report.sandbox import TemplateLimits

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


def render_template(
    name: str,
    context: Mapping[str, Any],
    templates: Path | None,
    *,
    limits: TemplateLimits | None = None,
) -> str:
    """Render one template (from ``templates`` if it has it) in the sealed sandbox, escaped.

    ``limits`` bounds the render's time and size (:class:`~fhirmig.report.sandbox.TemplateLimits`,
    by default a few seconds and a million characters); any failure is a
    :class:`ReportError` naming the template and line.
    """
    from fhirmig.report import i18n
    from fhirmig.report.sandbox import DEFAULT_LIMITS
    from fhirmig.report.templating import render_in, template_environment

    folders = [templates, BUILTIN_TEMPLATES] if templates is not None else [BUILTIN_TEMPLATES]
    env = template_environment(folders, limits or DEFAULT_LIMITS, extensions=["jinja2.ext.i18n"])
    # {% trans %} blocks, _() and pgettext() read the current report language's catalogue
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.template_gettext,
        ngettext=i18n.ngettext,
        newstyle=True,
        pgettext=i18n.pgettext,
        npgettext=i18n.npgettext,
    )
    env.filters["date"] = _date_filter
    return render_in(env, name, context)


def _date_filter(value: object) -> str:
    """``| date``: a date (or an ISO ``YYYY-MM-DD`` text) in the report language's form."""
    from datetime import date

    from fhirmig.report.i18n import fmt_date

    if isinstance(value, str):
        try:
            return fmt_date(date.fromisoformat(value))
        except ValueError:
            return value
    return fmt_date(value) if isinstance(value, date) else str(value)


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
