"""The editable text of the report: jinja2 templates and the organisations list.

Appendix B (patient resources), Appendix C (support groups) and the methods section are
jinja2 templates over a small Markdown subset, with their data in ``organisations.json``.
The built-in ones live in ``templates/`` at the top of the repository; a clinic passes
``templates=DIR`` to replace any of them (a file of the same name in DIR wins, the others
stay built-in).

Templates run in jinja2's immutable sandbox with autoescaping and ``StrictUndefined``,
with limits on time and size (:mod:`fhirmig.report.sandbox`); the loader reads only
regular files inside DIR and the built-in folder, never through a link
(:mod:`fhirmig.report.sealed`). The Markdown
subset is: ``#``/``##`` headings, ``- `` bullets, paragraphs, ``**bold**`` and
``[text](https://...)`` links, and nothing else: any other ``<`` or ``&`` prints literally.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fhirmig.errors import ReportError
from fhirmig.report.i18n import _

if TYPE_CHECKING:
    from fhirmig.report.sandbox import TemplateLimits

__all__ = [
    "BUILTIN_TEMPLATES",
    "Organisation",
    "load_organisations",
    "markdown_flowables",
    "patient_regions",
    "render_template",
    "select_organisations",
]


def _builtin_templates() -> Path:
    """``templates/`` of the repository, installed as ``fhirmig/templates`` in a wheel."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


BUILTIN_TEMPLATES = _builtin_templates()
ORGANISATIONS_FILE = "organisations.json"
_KINDS = ("patient", "professional", "community", "resource")


@dataclass(frozen=True, slots=True)
class Organisation:
    """One entry of Appendix C (or of the sources list of Appendix B)."""

    name: str
    url: str
    region: str
    languages: tuple[str, ...]
    kind: str
    last_checked: date
    description: str


def _field(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ReportError(f"{where}.{key}: required text is missing")
    return value


def load_organisations(templates: Path | None = None) -> tuple[Organisation, ...]:
    """Read ``organisations.json`` (from ``templates`` if it has one, else the built-in)."""
    from fhirmig.report.sealed import SealedLoader, TemplateRefused

    folders = [templates, BUILTIN_TEMPLATES] if templates is not None else [BUILTIN_TEMPLATES]
    try:
        found = SealedLoader(folders).load_text(ORGANISATIONS_FILE)
    except TemplateRefused as exc:
        raise ReportError(f"organisations list refused: {exc.message}") from None
    if found is None:
        raise ReportError(f"{ORGANISATIONS_FILE}: not found in the templates folders")
    text, path = found
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ReportError(f"{path}: cannot read the organisations list ({exc})") from None
    entries = data.get("organisations") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ReportError(f'{path}: expected an object with an "organisations" list')
    result: list[Organisation] = []
    for i, entry in enumerate(entries):
        where = f"{path}: organisations[{i}]"
        if not isinstance(entry, dict):
            raise ReportError(f"{where}: expected an object")
        url = _field(entry, "url", where)
        if not re.fullmatch(r"https?://[^\s<>\"]+", url):
            raise ReportError(f"{where}.url: not an http(s) link: {url!r}")
        kind = _field(entry, "kind", where)
        if kind not in _KINDS:
            raise ReportError(f"{where}.kind: {kind!r} is not one of {', '.join(_KINDS)}")
        try:
            checked = date.fromisoformat(_field(entry, "last_checked", where))
        except ValueError as exc:
            raise ReportError(f"{where}.last_checked: not a date YYYY-MM-DD") from exc
        languages = entry.get("languages", [])
        if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
            raise ReportError(f"{where}.languages: expected a list of language tags")
        result.append(
            Organisation(
                name=_field(entry, "name", where),
                url=url,
                region=_field(entry, "region", where),
                languages=tuple(x.lower() for x in languages),
                kind=kind,
                last_checked=checked,
                description=str(entry.get("description", "")),
            )
        )
    return tuple(result)


_ZONE_REGIONS: dict[str, tuple[str, ...]] = {
    "Europe/London": ("UK", "EU"),
    "Europe/Belfast": ("UK", "EU"),
    "Europe/Dublin": ("IE", "EU"),
    "America/Toronto": ("CA",),
    "America/Montreal": ("CA",),
    "America/Vancouver": ("CA",),
    "America/Edmonton": ("CA",),
    "America/Winnipeg": ("CA",),
    "America/Regina": ("CA",),
    "America/Halifax": ("CA",),
    "America/St_Johns": ("CA",),
    "Pacific/Honolulu": ("US",),
}
_COUNTRY_REGIONS: dict[str, tuple[str, ...]] = {
    "US": ("US",),
    "GB": ("UK", "EU"),
    "UK": ("UK", "EU"),
    "IE": ("IE", "EU"),
    "CA": ("CA",),
    "AU": ("AU",),
}


def patient_regions(timezone: str, language: str) -> tuple[str, ...]:
    """Regions of Appendix C for a patient: from the language's country, else the zone."""
    parts = language.replace("_", "-").split("-")
    country = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    regions = _COUNTRY_REGIONS.get(country or "")
    if regions is None:
        regions = _ZONE_REGIONS.get(timezone)
    if regions is None:
        area = timezone.split("/", 1)[0]
        regions = {"Europe": ("EU",), "Australia": ("AU",), "America": ("US",)}.get(area, ())
    if "CA" in regions and parts[0].lower() == "fr":
        regions = (*regions, "CA-QC")
    return regions


def select_organisations(
    organisations: Sequence[Organisation], regions: Sequence[str], language: str
) -> list[tuple[str, list[Organisation]]]:
    """Entries for the patient: their regions first (in their language), then global ones.

    Returns ``(title, organisations)`` groups. An entry is shown when it lists the
    patient's language or English (the common language of international groups).
    """
    lang = language.split("-", 1)[0].lower()
    wanted = {lang, "en"}
    groups: list[tuple[str, list[Organisation]]] = []
    for region in (*regions, "Global"):
        chosen = [
            org
            for org in organisations
            if org.region == region and (not org.languages or wanted & set(org.languages))
        ]
        chosen.sort(key=lambda org: (lang not in org.languages, _KINDS.index(org.kind)))
        if chosen:
            title = _("International") if region == "Global" else _("Region {region}")
            title = title.format(region=region)
            groups.append((title, chosen))
    return groups


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
    # {% trans %} blocks and _() read the current report language's catalogue
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.template_gettext,
        ngettext=i18n.ngettext,
        newstyle=True,
        pgettext=i18n.pgettext,
        npgettext=i18n.npgettext,
    )
    env.filters["date"] = i18n.fmt_date
    return render_in(env, name, context)


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
