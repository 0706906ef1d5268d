"""``--deidentify`` on report and batch: no identity in what they write, same figures."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from fhirmig.analysis import compute_stats
from fhirmig.cli import cli
from fhirmig.diary import read_diary
from fhirmig.privacy import date_shift_days
from tests.conftest import EXAMPLES
from tests.privacy.conftest import KEY_HEX
from tests.report.pdfhelp import pdf_pages

EPISODIC = EXAMPLES / "episodic-twitching.json"


def test_report_deidentified_shows_no_identity_and_the_same_totals(
    tmp_path: Path, key_file: Path
) -> None:
    out = tmp_path / "r.pdf"
    result = CliRunner().invoke(
        cli, ["report", str(EPISODIC), "-o", str(out), "--deidentify", "--key-file", str(key_file)]
    )
    assert result.exit_code == 0, result.output
    text = "\n".join(pdf_pages(out)[0])
    for identity in ("Silva", "Ana Maria", "PT-998877", "1988-04-12", "p-0001", "Woke up with it."):
        assert identity not in text, identity
    stats = compute_stats(read_diary(EPISODIC))
    assert (
        f"Headache days\n{stats.headache_days}" in text
        or f"Headache days {stats.headache_days}" in text
    )
    assert (
        f"Twitching was recorded with {stats.twitching_attacks} of {stats.attacks} attacks" in text
    )


def test_report_period_in_real_dates_is_shifted_with_the_diary(
    tmp_path: Path, key_file: Path
) -> None:
    out = tmp_path / "r.pdf"
    args = ["report", str(EPISODIC), "-o", str(out), "--from", "2026-06-01", "--to", "2026-06-30"]
    result = CliRunner().invoke(cli, [*args, "--deidentify", "--key-file", str(key_file)])
    assert result.exit_code == 0, result.output
    text = "\n".join(pdf_pages(out)[0])
    shift = date_shift_days("p-0001", bytes.fromhex(KEY_HEX))
    from datetime import date, timedelta

    first = date(2026, 6, 1) + timedelta(days=shift)
    assert first.isoformat() in text and "(30 days" in text
    assert "2026-06-01 to" not in text


def test_report_key_options_need_deidentify(tmp_path: Path, key_file: Path) -> None:
    result = CliRunner().invoke(
        cli, ["report", str(EPISODIC), "-o", str(tmp_path / "r.pdf"), "--key-file", str(key_file)]
    )
    assert (
        result.exit_code == 2
        and "--key-file and --keep-notes go with --deidentify" in result.stderr
    )
    assert not (tmp_path / "r.pdf").exists()


def test_batch_deidentified_ndjson_is_labelled_and_holds_no_identity(
    tmp_path: Path, key_file: Path
) -> None:
    out = tmp_path / "bulk"
    args = [
        "batch",
        str(EPISODIC),
        str(EXAMPLES / "chronic-overuse.json"),
        "-o",
        str(out),
        "-j",
        "1",
    ]
    result = CliRunner().invoke(cli, [*args, "--deidentify", "--key-file", str(key_file)])
    assert result.exit_code == 0, result.output
    everything = "".join(
        p.read_text(encoding="utf-8") for p in sorted(out.rglob("*")) if p.is_file()
    )
    for identity in ("Silva", "Παπαδοπούλου", "PT-998877", "p-0001", "p-0002", KEY_HEX):
        assert identity not in everything, identity
    patients = [
        json.loads(line) for p in out.glob("Patient*.ndjson") for line in p.read_text().splitlines()
    ]
    assert len(patients) == 2
    assert all(any(s["code"] == "PSEUDED" for s in p["meta"]["security"]) for p in patients)
    assert all(len(p["birthDate"]) == 4 for p in patients)


def test_batch_resume_converts_again_with_another_key(tmp_path: Path, key_file: Path) -> None:
    out = tmp_path / "bulk"
    base = [
        "batch",
        str(EPISODIC),
        "-o",
        str(out),
        "-j",
        "1",
        "--deidentify",
        "--key-file",
        str(key_file),
    ]
    assert CliRunner().invoke(cli, base).exit_code == 0
    first = sorted((p.name, p.read_bytes()) for p in out.glob("Patient*.ndjson"))
    other = tmp_path / "other.key"
    other.write_text("5c2e9b0f7a1d3e6b8f0a2c4e6d8b1f3a5c7e9d0b2f4a6c8e1d3b5f7a9c0e2d4b\n")
    other.chmod(0o600)
    again = CliRunner().invoke(cli, [*base[:-1], str(other), "--resume"])
    assert again.exit_code == 0, again.output
    second = sorted((p.name, p.read_bytes()) for p in out.glob("Patient*.ndjson"))
    assert first != second  # a new key means new pseudonyms, not the old parts reused
