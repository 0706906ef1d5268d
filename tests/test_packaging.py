"""The built wheel carries everything the package reads at run time, with full metadata and
no build warning; the source distribution is the whole project."""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

#: Folders and files of the project that the source distribution must hold in full.
SDIST_TREES = ("fhirmig", "templates", "docs", "examples", "tests", "scripts", "benchmarks")
SDIST_FILES = ("LICENSE", "README.md", "Makefile", "pyproject.toml", "setup.py")
_SKIP_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis"}


def _copy_project(target: Path) -> Path:
    target.mkdir()
    for name in (*SDIST_FILES, "MANIFEST.in"):
        shutil.copy(ROOT / name, target / name)
    for name in SDIST_TREES:
        shutil.copytree(
            ROOT / name,
            target / name,
            ignore=shutil.ignore_patterns(*_SKIP_DIRS, "*.pyc", "*.egg-info", ".*"),
        )
    return target


def _build(source: Path, out: Path, what: str) -> str:
    """Build a wheel or sdist of ``source`` into ``out``; return the build's output."""
    code = (
        "import sys\n"
        "from setuptools import build_meta\n"
        f"print(build_meta.build_{what}({str(out)!r}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-W", "default", "-c", code],
        cwd=source,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""},
    )
    return proc.stdout + proc.stderr


@pytest.mark.slow
def test_wheel_holds_data_and_metadata_and_builds_without_warning(tmp_path: Path) -> None:
    source = _copy_project(tmp_path / "src")
    log = _build(source, tmp_path, "wheel")
    assert "Warning" not in log and "absent from the `packages`" not in log, log[-3000:]
    (wheel,) = tmp_path.glob("fhirmig-*.whl")
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    templates = {p.name for p in (ROOT / "templates").iterdir()}
    assert {f"fhirmig/templates/{name}" for name in templates} <= names
    assert "fhirmig/fhir/terminology.csv" in names
    assert "fhirmig/report/fonts/DejaVuSans.ttf" in names and "fhirmig/py.typed" in names
    web = ROOT / "fhirmig" / "web"
    assert {f"fhirmig/web/templates/{p.name}" for p in (web / "templates").glob("*.html")} <= names
    assert {"fhirmig/web/static/app.css", "fhirmig/web/static/app.js"} <= names
    meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
    meta = email.message_from_bytes(archive.read(meta_name))
    assert meta["License-Expression"] == "Apache-2.0"
    assert "LICENSE" in meta.get_all("License-File", [])
    assert meta["Author"] and meta.get_all("Project-URL")
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def _project_files() -> set[str]:
    found = {name for name in SDIST_FILES}
    for tree in SDIST_TREES:
        for folder, dirs, files in os.walk(ROOT / tree):
            dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and not d.startswith(".")]
            dirs[:] = [d for d in dirs if not d.endswith(".egg-info")]
            for name in files:
                if name.startswith(".") or name.endswith(".pyc"):
                    continue
                found.add((Path(folder) / name).relative_to(ROOT).as_posix())
    return found


@pytest.mark.slow
def test_the_sdist_holds_the_whole_project(tmp_path: Path) -> None:
    source = _copy_project(tmp_path / "src")
    log = _build(source, tmp_path, "sdist")
    assert "Warning" not in log, log[-3000:]
    (sdist,) = tmp_path.glob("fhirmig-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    missing = sorted(_project_files() - names)
    assert not missing, missing[:20]
    assert "tests/importers/data/mb_standard.csv" in names
    assert "tests/fhir/golden" in {
        n.rsplit("/", 1)[0] for n in names if n.startswith("tests/fhir/golden/")
    }


@pytest.mark.slow
def test_a_wheel_ships_compiled_catalogues_and_an_incomplete_one_fails_the_build(
    tmp_path: Path,
) -> None:
    source = _copy_project(tmp_path / "src")
    (tmp_path / "ok").mkdir()
    _build(source, tmp_path / "ok", "wheel")
    (wheel,) = (tmp_path / "ok").glob("fhirmig-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for language in ("de",):
        assert f"fhirmig/locale/{language}/LC_MESSAGES/fhirmig.mo" in names
        assert f"fhirmig/locale/{language}/LC_MESSAGES/fhirmig.po" in names
    po = source / "fhirmig" / "locale" / "de" / "LC_MESSAGES" / "fhirmig.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "Kennzahlen"', 'msgstr ""', 1), encoding="utf-8")
    bad = tmp_path / "bad"
    bad.mkdir()
    with pytest.raises(subprocess.CalledProcessError) as failed:
        _build(source, bad, "wheel")
    assert "no translation of 'Key figures'" in failed.value.stderr + failed.value.stdout
    assert not list(bad.glob("*.whl"))
