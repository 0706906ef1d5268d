"""Templates and organisations: sandbox, escaping, strict variables, overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fhirmig.diary import read_diary
from fhirmig.errors import ReportError
from fhirmig.report import BUILTIN_TEMPLATES, load_organisations
from fhirmig.report.content import render_template
from tests.report.pdfhelp import EXAMPLES, render


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
