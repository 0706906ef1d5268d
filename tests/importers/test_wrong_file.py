"""The wrong file given to an importer gets one line: what it looks like, which command reads it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from fhirmig.cli import cli
from fhirmig.importers import import_apple_health
from fhirmig.importers.sniff import sniff

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _run(*args: str) -> tuple[int, str]:
    base = ["-o", "out.json", "--patient-id", "p", "--timezone", "UTC"]
    result = CliRunner().invoke(cli, ["import", *args, *base])
    return result.exit_code, result.stderr


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    pdf = tmp_path / "MigraineBuddy.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><html><head><title>Recipes</title></head><body>x</body></html>")
    return {
        "pdf": pdf,
        "zip": _zip(tmp_path / "photos.zip", {"notes.txt": b"hello", "a/b.xml": b"<a/>"}),
        "xlsx": _zip(
            tmp_path / "diary.xlsx",
            {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"},
        ),
        "diary": EXAMPLES / "episodic-twitching.json",
        "html": page,
    }


@pytest.mark.parametrize(
    ("source", "kind", "words"),
    [
        ("migraine-buddy", "pdf", "looks like a PDF document, not a Migraine Buddy export"),
        ("migraine-buddy", "xlsx", "looks like an Excel workbook (XLSX)"),
        ("migraine-buddy", "diary", "is a diary (JSON), which import migraine-buddy does not read"),
        ("migraine-buddy", "html", "looks like a web page, not a Migraine Buddy export"),
        ("migraine-buddy", "zip", "looks like a zip archive"),
        ("apple-health", "zip", "none of its files holds <HealthData>"),
        ("apple-health", "pdf", "looks like a PDF document, not an Apple Health export"),
        ("apple-health", "xlsx", "save it as CSV (UTF-8) first"),
        ("apple-health", "diary", "fhirmig convert, report, stats, upload or deidentify reads it"),
        ("daily-csv", "xlsx", "looks like an Excel workbook (XLSX), not a table of daily values"),
        ("daily-csv", "pdf", "looks like a PDF document"),
    ],
)
def test_wrong_file_gets_one_line(
    files: dict[str, Path], source: str, kind: str, words: str
) -> None:
    code, err = _run(source, str(files[kind]))
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(files[kind]) + ": " in lines[0]
    assert words in lines[0]
    assert not Path("out.json").exists()


def test_exports_given_to_the_other_importer_name_the_right_command() -> None:
    code, err = _run("migraine-buddy", str(DATA / "apple_export.xml"))
    assert code == 1 and "fhirmig import apple-health reads it" in err
    code, err = _run("apple-health", str(DATA / "mb_2024.csv"))
    assert code == 1 and "fhirmig import migraine-buddy reads it" in err
    assert len(err.strip().splitlines()) == 1


def test_export_found_in_the_zip_by_content_not_name(tmp_path: Path) -> None:
    xml = (DATA / "apple_export.xml").read_bytes()
    archive = _zip(tmp_path / "exportar.zip", {"apple_health_export/exportar.xml": xml,
                                               "apple_health_export/export_cda.xml": b"<Cda/>"})  # fmt: skip
    assert sniff(archive).kind == "zip-apple-health"
    diary = import_apple_health(archive, patient_id="p", timezone="Europe/Lisbon").diary
    assert [d.sleep_hours for d in diary.days if d.sleep_hours is not None] == [8.33, 5.25]


def test_zip_with_several_exports_is_refused(tmp_path: Path) -> None:
    xml = (DATA / "apple_export.xml").read_bytes()
    archive = _zip(tmp_path / "two.zip", {"a/export.xml": xml, "b/eksport.xml": xml})
    code, err = _run("apple-health", str(archive))
    assert code == 1
    assert "holds 2 Apple Health exports (a/export.xml, b/eksport.xml)" in err


def test_at_most_20_problem_lines_then_a_count(tmp_path: Path) -> None:
    header = (DATA / "mb_standard.csv").read_text().splitlines()[4]
    rows = "\n".join(f"{n},not a date {n},1h,5" + "," * 15 for n in range(30))
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "\n" + rows + "\n")
    code, err = _run("migraine-buddy", str(bad))
    lines = err.strip().splitlines()
    assert code == 1
    assert lines[0].endswith("cannot import this Migraine Buddy export; 30 problems:")
    assert len(lines) == 22
    assert lines[-1] == "and 10 more problems (--all-problems lists every one)"
    code, err = _run("migraine-buddy", str(bad), "--all-problems")
    assert code == 1 and len(err.strip().splitlines()) == 31
