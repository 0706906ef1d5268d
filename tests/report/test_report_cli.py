"""``fhirmig report``: options, the generated date, errors without traceback or partial file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from fhirmig.cli import cli
from tests.report.pdfhelp import EXAMPLES, pdf_pages


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["report", *args])
    return result.exit_code, result.output


def test_report_from_json_with_period_and_source_date_epoch(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    code, output = _run(
        str(EXAMPLES / "chronic-overuse.json"),
        "-o",
        str(out),
        "--from",
        "2026-08-01",
        "--to",
        "2026-09-30",
        "--paper",
        "letter",
        "--migraine-day",
        "ichd",
    )
    assert code == 0, output
    assert f"{out}: written" in output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    pages, reader = pdf_pages(out)
    assert "Generated\n2026-11-18" in pages[0]  # SOURCE_DATE_EPOCH=1795000000 (conftest)
    assert "2026-08-01 to 2026-09-30 (61 days" in pages[0]
    assert "ICHD-3 based definition" in "\n".join(pages)
    assert float(reader.pages[0].mediabox.height) == 792.0


def test_report_from_csv(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    code, output = _run(str(EXAMPLES / "spreadsheet.csv"), "-o", str(out))
    assert code == 0, output
    pages, _ = pdf_pages(out)
    assert "Europe/Berlin" in pages[0]


def test_cli_output_is_reproducible(tmp_path: Path) -> None:
    for name in ("a.pdf", "b.pdf"):
        assert _run(str(EXAMPLES / "episodic-twitching.json"), "-o", str(tmp_path / name))[0] == 0
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_bad_diary_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "fhirmig-diary/1", "patient": {"id": "p"}, "attacks": [{}]}')
    out = tmp_path / "r.pdf"
    code, output = _run(str(bad), "-o", str(out))
    assert code == 1
    assert "bad.json" in output and "Traceback" not in output
    assert not out.exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    diary = str(EXAMPLES / "episodic-twitching.json")
    code, output = _run(diary, "-o", str(out), "--from", "2026-10-01", "--to", "2026-09-01")
    assert code == 2 and "before --from" in output
    code, output = _run(diary, "-o", str(out), "--templates", str(tmp_path / "missing"))
    assert code == 2 and "not a folder" in output
    code, output = _run(diary, "-o", str(out), "--paper", "a3")
    assert code == 2
    assert not out.exists()


def test_broken_template_exits_1_naming_the_template(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "methods.md.j2").write_text("# Methods\n{{ period }\n")
    out = tmp_path / "r.pdf"
    code, output = _run(
        str(EXAMPLES / "episodic-twitching.json"), "-o", str(out), "--templates", str(folder)
    )
    assert code == 1
    assert "methods.md.j2, line 2" in output and "Traceback" not in output
    assert not out.exists()


def test_bad_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    code, output = _run(str(EXAMPLES / "episodic-twitching.json"), "-o", str(tmp_path / "r.pdf"))
    assert code == 2 and "SOURCE_DATE_EPOCH" in output


def test_help_lists_the_options() -> None:
    code, output = _run("--help")
    assert code == 0
    for option in ("--from", "--to", "--paper", "--templates", "--migraine-day", "-o"):
        assert option in output


@pytest.mark.parametrize("fmt", ["transaction", "ndjson"])
def test_fhir_input_gives_the_same_report(tmp_path: Path, fmt: str) -> None:
    from fhirmig.diary import read_diary
    from fhirmig.fhir import convert_diary

    source = EXAMPLES / "chronic-overuse.json"
    fhir = tmp_path / ("bundle.json" if fmt == "transaction" else "ndjson")
    convert_diary(read_diary(source), fhir, fmt)
    assert _run(str(source), "-o", str(tmp_path / "diary.pdf"))[0] == 0
    code, output = _run(str(fhir), "-o", str(tmp_path / "fhir.pdf"))
    assert code == 0, output
    from_diary, _ = pdf_pages(tmp_path / "diary.pdf")
    from_fhir, _ = pdf_pages(tmp_path / "fhir.pdf")
    assert from_fhir == from_diary
    assert (tmp_path / "fhir.pdf").read_bytes() == (tmp_path / "diary.pdf").read_bytes()


def test_missing_output_folder_exits_1(tmp_path: Path) -> None:
    out = tmp_path / "no-such-folder" / "r.pdf"
    code, output = _run(str(EXAMPLES / "episodic-twitching.json"), "-o", str(out))
    assert code == 1 and "does not exist" in output
    assert not out.parent.exists()
