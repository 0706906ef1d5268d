"""More fuzz targets: the daily CSV importer, Apple Health archives, NDJSON and templates.

The report's templates are code a clinic supplies, so their target checks more than
"only fhirmig's errors": a render ends within its time limit (plus a margin), its output
stays within the size limit, and neither output nor message ever holds the text of a
file outside the templates folder (reached through ``..``, an absolute name or a link).
"""

from __future__ import annotations

import io
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from fhirmig.errors import FhirmigError, ReportError

from .fuzzing import HOSTILE, check_accepted, check_loaded, mutated, mutated_csv, to_json

IMPORTER_DATA = Path(__file__).resolve().parents[1] / "importers" / "data"
_SCRATCH = Path(tempfile.mkdtemp(prefix="fhirmig-fuzz-more-"))

# -- daily CSV -------------------------------------------------------------------------------

DAILY = (IMPORTER_DATA / "daily_wearable.csv").read_text(encoding="utf-8")
daily_inputs = st.tuples(
    st.one_of(mutated_csv(DAILY, max_rows=6), st.binary(max_size=300)),
    st.sampled_from(["UTC", "Europe/Lisbon", "America/New_York"]),
    st.sampled_from([None, True, False]),
)


def check_daily_csv(case: tuple[bytes, str, bool | None]) -> None:
    """Importing a daily CSV: a diary of days or a FhirmigError, nothing else."""
    from fhirmig.importers import import_daily_csv

    data, tz, day_first = case
    path = _SCRATCH / "daily.csv"
    path.write_bytes(data)
    try:
        result = import_daily_csv(path, patient_id="p-1", timezone=tz, day_first=day_first)
    except FhirmigError:
        return
    check_accepted(result.diary)


# -- Apple Health archives -------------------------------------------------------------------

APPLE = (IMPORTER_DATA / "apple_export.xml").read_text(encoding="utf-8")
_member_names = st.sampled_from(
    [
        "apple_health_export/export.xml",
        "apple_health_export/exportar.xml",
        "export.xml",
        "/abs/export.xml",
        "../export.xml",
        "a/b/export.xml",
        "apple_health_export/export_cda.xml",
    ]
)


@st.composite
def _member_text(draw: st.DrawFn) -> str:
    a = draw(st.integers(0, len(APPLE)))
    b = draw(st.integers(a, min(len(APPLE), a + 300)))
    filler = draw(st.sampled_from(["", "<HealthData>", "<Record>", "\x00", "&#0;", "]]>"]))
    return draw(
        st.sampled_from(
            [APPLE, APPLE[:a] + filler + APPLE[b:], "<ClinicalDocument/>", "<HealthData/>", ""]
        )
    )


@st.composite
def apple_archives(draw: st.DrawFn) -> bytes:
    """A zip of one to three members: real, damaged or planted exports, and other files."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in draw(st.lists(_member_names, min_size=1, max_size=3, unique=True)):
            archive.writestr(zipfile.ZipInfo(name), draw(_member_text()))
    data = out.getvalue()
    cut = draw(st.sampled_from([None, len(data) // 2, len(data) - 10]))
    return data if cut is None else data[:cut]


def check_apple_archive(data: bytes) -> None:
    """Importing an archive: the one export it holds, or a FhirmigError."""
    from fhirmig.importers import import_apple_health

    path = _SCRATCH / "export.zip"
    path.write_bytes(data)
    try:
        result = import_apple_health(path, patient_id="p-1", timezone="Europe/Berlin")
    except FhirmigError:
        return
    check_accepted(result.diary)


# -- NDJSON ----------------------------------------------------------------------------------


def ndjson_inputs(bundles: list[dict[str, Any]]) -> st.SearchStrategy[bytes]:
    """NDJSON of a bundle's resources, one resource mutated, or lines cut and doubled."""
    resources = [[e["resource"] for e in b["entry"]] for b in bundles]

    @st.composite
    def lines(draw: st.DrawFn) -> bytes:
        chosen = list(draw(st.sampled_from(resources)))
        i = draw(st.integers(0, len(chosen) - 1))
        chosen[i] = draw(mutated(chosen[i]))
        text = b"\n".join(to_json(r) for r in chosen)
        action = draw(st.sampled_from(["none", "cut", "nul", "dup-key"]))
        if action == "cut":
            text = text[: draw(st.integers(0, len(text)))]
        elif action == "nul":
            text = text.replace(b'"id":', b'"id\\u0000":', 1)
        elif action == "dup-key":
            text = text.replace(b'{"', b'{"id": "x", "', 1)
        return text

    return lines()


def check_ndjson(data: bytes) -> None:
    """Reading NDJSON back: a diary or a FhirmigError."""
    check_loaded(data, _SCRATCH / "resources.ndjson")


# -- report templates ------------------------------------------------------------------------

CANARY = "CANARY-outside-the-templates-folder"
TEMPLATES = _SCRATCH / "templates"
TEMPLATES.mkdir()
(_SCRATCH / "secret.txt").write_text(CANARY)
(TEMPLATES / "part.md.j2").write_text("[{{ who }}]")
(TEMPLATES / "link.md.j2").symlink_to(_SCRATCH / "secret.txt")
(TEMPLATES / "sub").symlink_to(_SCRATCH)
_NUMBERS = ["0", "3", "-1", "100000", "2000000000", "10 ** 100", "1e308"]
_NAMES = ["part.md.j2", "link.md.j2", "sub/secret.txt", "../secret.txt", "/etc/passwd", "t.md.j2"]
_FRAGMENTS = [
    "{{ who }}",
    "{{ n }}",
    "{{ s * N }}",
    "{{ N * [s] }}",
    "{{ N ** N }}",
    "{{ '%Wd' % 1 }}",
    "{{ '%*d' % (N, 1) }}",
    "{{ '{:>W}'.format(1) }}",
    "{{ s.ljust(N) }}",
    "{{ s|center(N) }}",
    "{{ s|indent(N) }}",
    "{{ s|replace('a', s * N) }}",
    "{{ (s * N)|wordcount }}",
    "{{ [s] * N|join(s) }}",
    "{% for i in range(N) %}{{ i }}{% endfor %}",
    "{% for i in range(N) %}{% for j in range(N) %}{% endfor %}{% endfor %}",
    "{% for c in s * N %}{{ c }}{% endfor %}",
    "{% set s = s ~ s %}",
    "{% set ns = namespace(v=s) %}{% for i in range(N) %}{% set ns.v = ns.v ~ ns.v %}{% endfor %}",
    "{% macro m(k) %}{% if k %}{{ m(k - 1) }}{{ m(k - 1) }}{% endif %}{% endmacro %}{{ m(N) }}",
    "{% include 'NAME' %}",
    "{% include 'NAME' ignore missing %}",
    "{% extends 'NAME' %}",
    "{% import 'NAME' as x %}",
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ lipsum(N) }}",
    "{{ range(N)|list|length }}",
    "{{ s|random }}",
    "{{ 'x'.translate({120: s}) }}",
    "{{ 1 / n }}",
    "{{ nobody }}",
    "{{ s.x.y }}",
    "{{",
    "{% for %}",
    "{% endfor %}",
    "{# unclosed",
]
_WIDTHS = ["3", "100000", "2000000000"]


def _fill(parts: tuple[str, str, str, str]) -> str:
    """A fragment with its template name (NAME), number (N) and width (W) put in."""
    fragment, number, name, width = parts
    return fragment.replace("NAME", name).replace("N", f"({number})").replace("W", width)


_template_piece = st.one_of(
    st.tuples(
        st.sampled_from(_FRAGMENTS),
        st.sampled_from(_NUMBERS),
        st.sampled_from(_NAMES),
        st.sampled_from(_WIDTHS),
    ).map(_fill),
    st.sampled_from(HOSTILE),
    st.text(max_size=20),
)
template_inputs = st.tuples(
    st.lists(_template_piece, min_size=1, max_size=5).map("\n".join),
    st.sampled_from([0, 1, 7]),
)
_FUZZ_SECONDS = 0.1


def check_template(case: tuple[str, int]) -> None:
    """A template renders within its limits or fails with a ReportError naming it."""
    from fhirmig.report.content import render_template
    from fhirmig.report.sandbox import TemplateLimits

    source, n = case
    (TEMPLATES / "t.md.j2").write_text(source, encoding="utf-8", errors="surrogatepass")
    limits = TemplateLimits(seconds=_FUZZ_SECONDS)
    started = time.monotonic()
    try:
        context = {"who": "<b>x</b>", "n": n, "s": "ab"}
        out = render_template("t.md.j2", context, TEMPLATES, limits=limits)
    except ReportError as exc:
        message = str(exc)
        assert CANARY not in message
        folders = (str(TEMPLATES), str(TEMPLATES.resolve()))
        assert message.startswith((*folders, "template ", "t.md.j2")), message
    else:
        assert CANARY not in out
        assert len(out) <= limits.chars
    assert time.monotonic() - started < _FUZZ_SECONDS + 2.0, source
