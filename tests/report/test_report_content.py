"""Templates and organisations: sandbox, escaping, strict variables, region choice, overrides."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fhirmig.diary import read_diary
from fhirmig.errors import ReportError
from fhirmig.report import BUILTIN_TEMPLATES, load_organisations, select_organisations
from fhirmig.report.content import patient_regions, render_template
from tests.report.pdfhelp import EXAMPLES, render


def test_builtin_organisations_are_complete() -> None:
    orgs = load_organisations()
    assert len(orgs) >= 15
    for org in orgs:
        assert org.url.startswith("https://")
        assert org.last_checked <= date(2026, 11, 25)
        assert org.languages
    assert len({org.url for org in orgs}) == len(orgs)


@pytest.mark.parametrize(
    ("zone", "language", "regions"),
    [
        ("America/New_York", "en-US", ("US",)),
        ("Europe/Lisbon", "pt-PT", ("EU",)),
        ("Europe/London", "en", ("UK", "EU")),
        ("America/Toronto", "fr-CA", ("CA", "CA-QC")),
        ("Australia/Sydney", "en", ("AU",)),
        ("Asia/Tokyo", "ja", ()),
    ],
)
def test_patient_regions(zone: str, language: str, regions: tuple[str, ...]) -> None:
    assert patient_regions(zone, language) == regions


def test_selection_by_region_and_language() -> None:
    orgs = load_organisations()
    quebec = select_organisations(orgs, ("CA", "CA-QC"), "fr-CA")
    titles = [title for title, _ in quebec]
    assert titles == ["Region CA", "Region CA-QC", "International"]
    assert quebec[1][1][0].name == "Migraine Québec"
    uk = dict(select_organisations(orgs, ("UK", "EU"), "en-GB"))
    assert uk["Region UK"][0].name == "The Migraine Trust"  # patient groups first
    assert all(org.region == "Global" for org in uk["International"])
    (title, chosen), *rest = select_organisations(orgs, (), "ja")
    assert title == "International" and not rest
    assert {o.name for o in chosen} == {o.name for o in orgs if o.region == "Global"}


def test_variables_are_escaped(tmp_path: Path) -> None:
    (tmp_path / "t.md.j2").write_text("Hello {{ who }}")
    assert render_template("t.md.j2", {"who": "<b>x</b> & y"}, tmp_path) == (
        "Hello &lt;b&gt;x&lt;/b&gt; &amp; y"
    )


def test_undefined_variable_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "t.md.j2").write_text("{{ nobody }}")
    with pytest.raises(ReportError, match=r"t\.md\.j2, line 1.*nobody"):
        render_template("t.md.j2", {}, tmp_path)


def test_sandbox_refuses_unsafe_access(tmp_path: Path) -> None:
    (tmp_path / "t.md.j2").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(ReportError, match="template error"):
        render_template("t.md.j2", {}, tmp_path)


def test_loader_stays_inside_the_folder(tmp_path: Path) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    (tmp_path / "secret.md.j2").write_text("secret")
    (inner / "t.md.j2").write_text("{% include '../secret.md.j2' %}")
    with pytest.raises(ReportError, match=r"t\.md\.j2, line 1: refused: \.\./secret"):
        render_template("t.md.j2", {}, inner)


def test_bad_organisations_file_names_the_field(tmp_path: Path) -> None:
    entry = {
        "name": "X",
        "url": "javascript:alert(1)",
        "region": "US",
        "languages": ["en"],
        "kind": "patient",
        "last_checked": "2026-01-01",
    }
    (tmp_path / "organisations.json").write_text(json.dumps({"organisations": [entry]}))
    with pytest.raises(ReportError, match=r"organisations\[0\]\.url"):
        load_organisations(tmp_path)
    entry |= {"url": "https://x.example", "last_checked": "soon"}
    (tmp_path / "organisations.json").write_text(json.dumps({"organisations": [entry]}))
    with pytest.raises(ReportError, match=r"organisations\[0\]\.last_checked"):
        load_organisations(tmp_path)


def test_clinic_templates_replace_the_builtin_ones(tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    folder.mkdir()
    (folder / "appendix_resources.md.j2").write_text(
        '# Appendix B: Our clinic\n\nCall <img src="x.png"/> & [our team](https://clinic.example/help)\n'
    )
    orgs = {
        "organisations": [
            {
                "name": "Local group",
                "url": "https://local.example/",
                "region": "EU",
                "languages": ["en", "pt"],
                "kind": "patient",
                "last_checked": "2026-10-01",
                "description": "Meets monthly.",
            }
        ]
    }
    (folder / "organisations.json").write_text(json.dumps(orgs))
    out = render(
        read_diary(EXAMPLES / "episodic-twitching.json"), tmp_path / "r.pdf", templates=folder
    )
    text = " ".join(out.text.split())
    assert "Appendix B: Our clinic" in text
    assert 'Call <img src="x.png"/> & our team' in text  # template text stays text
    assert "Local group" in text and "https://local.example/" in text
    assert "Appendix C: Support groups and organisations" in text  # built-in still used
    assert "The Migraine Trust" not in text
    uris = {
        str(a.get_object()["/A"]["/URI"])
        for page in out.reader.pages
        for a in page.get("/Annots") or []
    }
    assert {"https://clinic.example/help", "https://local.example/"} <= uris


def test_builtin_templates_are_packaged() -> None:
    names = {p.name for p in BUILTIN_TEMPLATES.iterdir()}
    assert {
        "appendix_resources.md.j2",
        "appendix_organisations.md.j2",
        "methods.md.j2",
        "organisations.json",
    } <= names
