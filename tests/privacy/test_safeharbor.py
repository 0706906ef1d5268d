"""``deidentify --method safe-harbor``: three tables with years as the only date elements.

Every cell of the export of the examples and of generated diaries (dates in notes, in
free-text entries, across new years, in DST zones, patients of 95) is scanned for date,
month, weekday and time-zone patterns; the figures of ``patients.csv`` are compared with
``fhirmig stats --json`` of each original, key by key.
"""

from __future__ import annotations

import csv
import io
import json
import re
import stat
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fhirmig.app import compute_figures, safe_harbor_export
from fhirmig.cli import cli
from fhirmig.diary.vocabulary import SYMPTOMS, TRIGGERS
from fhirmig.errors import OutputError, PrivacyError
from fhirmig.privacy import OVER_89, new_study_code
from tests.conftest import EXAMPLES

EXAMPLE_INPUTS = [
    EXAMPLES / "episodic-twitching.json",
    EXAMPLES / "chronic-overuse.json",
    EXAMPLES / "spreadsheet.csv",
]
YEAR_COLUMNS = {"birth_year", "first_year"}
_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec januar februar märz maerz juni juli "
    "oktober dezember janvier février fevrier mars avril mai juin juillet août aout "
    "septembre octobre novembre décembre decembre"
).split()
_WEEKDAYS = (
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun"
).split()
DATE_PATTERNS = [
    re.compile(r"\d{4}-\d{1,2}"),  # 2026-05, 2026-05-03, 2026-5-3
    re.compile(r"\d{1,2}-\d{1,2}-\d{2,4}"),  # 03-05-2026
    re.compile(r"\d{1,2}/\d{1,2}"),  # 5/3, 05/03/2026
    re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}"),  # 03.05.2026
    re.compile(r"\b\d{8}\b"),  # 20260503
    re.compile(r"\d{4}-?W\d{2}", re.IGNORECASE),  # ISO weeks
    re.compile(r"T\d{2}:\d{2}"),  # an ISO datetime
    re.compile(r"\b(" + "|".join(_MONTHS + _WEEKDAYS) + r")\b", re.IGNORECASE),
    re.compile(r"\b[A-Z][A-Za-z_]+/[A-Z][A-Za-z_]+"),  # Europe/Lisbon
]


def _tables(folder: Path) -> dict[str, list[dict[str, str]]]:
    return {
        name: list(csv.DictReader(io.StringIO((folder / name).read_text(encoding="utf-8"))))
        for name in ("patients.csv", "attacks.csv", "days.csv")
    }


def assert_no_date_element_but_years(folder: Path) -> int:
    """Scan every cell (and header) of the export; return how many cells were scanned."""
    scanned = 0
    for name, rows in _tables(folder).items():
        header = (folder / name).read_text(encoding="utf-8").splitlines()[0]
        assert not any(p.search(header) for p in DATE_PATTERNS), header
        for row in rows:
            for column, cell in row.items():
                scanned += 1
                assert not cell.startswith(("=", "+", "-", "@")), (name, column, cell)  # formulas
                if column in YEAR_COLUMNS:
                    assert re.fullmatch(r"(\d{4}|90\+)?", cell), (name, column, cell)
                    continue
                hits = [p.pattern for p in DATE_PATTERNS if p.search(cell)]
                assert not hits, (name, column, cell, hits)
    return scanned


def assert_figures_equal_stats(folder: Path, mapping: Path) -> None:
    """Each patients.csv figure equals that key of ``fhirmig stats --json`` of its input."""
    text = mapping.read_text(encoding="utf-8")
    inputs = {row["study_code"]: row["input"] for row in csv.DictReader(io.StringIO(text))}
    patients = _tables(folder)["patients.csv"]
    assert sorted(inputs) == sorted(row["study_code"] for row in patients)
    for row in patients:
        result = CliRunner().invoke(cli, ["stats", "--json", inputs[row["study_code"]]])
        assert result.exit_code == 0, result.output
        stats = json.loads(result.stdout)
        compared = 0
        for column, cell in row.items():
            key, _, sub = column.partition(".")
            if key not in stats or (key == "period" and sub != "days"):
                continue
            expected = stats[key][sub] if sub else stats[key]
            assert float(cell) == pytest.approx(float(expected), abs=0), (column, cell, expected)
            compared += 1
        for key in ("attacks", "headache_days", "migraine_days", "acute_medication_days"):
            assert key in row
        assert all(f"class_days.{k}" in row for k in stats["class_days"])
        assert all(f"per_28_days.{k}" in row for k in stats["per_28_days"])
        assert compared == 6 + len(stats["class_days"]) + len(stats["per_28_days"])


def test_the_examples_export_holds_years_only_and_the_stats_figures(tmp_path: Path) -> None:
    out, mapping = tmp_path / "export", tmp_path / "private" / "codes.csv"
    mapping.parent.mkdir()
    done = safe_harbor_export(EXAMPLE_INPUTS, out, mapping=mapping)
    assert (done.patients, done.attacks > 100, done.days > 100) == (3, True, True)
    assert assert_no_date_element_but_years(out) > 4000  # 4176 cells today
    assert_figures_equal_stats(out, mapping)
    everything = "".join((out / n).read_text() for n in ("patients.csv", "attacks.csv", "days.csv"))
    for identity in ("Silva", "Ana", "PT-998877", "p-0001", "p-0002", "p-0003", "1988-04-12",
                     "Lisbon", "Europe", "Sumatriptan", "Woke up with it", "trapezius",
                     "a-2026", "examples"):  # fmt: skip
        assert identity not in everything, identity
    tables = _tables(out)
    ages = {r["study_code"]: r["birth_year"] for r in tables["patients.csv"]}
    assert sorted(ages.values()) == ["1979", "1988", "1995"]
    assert {r["first_year"] for r in tables["patients.csv"]} == {"2026"}
    first = [r for r in tables["attacks.csv"] if r["attack"] == "1"]
    assert {r["day"] for r in first} <= {"0", "1", "2"}  # counted from the first diary day


def test_files_are_private_and_the_mapping_is_kept_apart(tmp_path: Path) -> None:
    out, mapping = tmp_path / "export", tmp_path / "codes.csv"
    safe_harbor_export(EXAMPLE_INPUTS[:1], out, mapping=mapping)
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for p in [*out.iterdir(), mapping]:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    assert sorted(p.name for p in out.iterdir()) == ["attacks.csv", "days.csv", "patients.csv"]
    rows = list(csv.DictReader(io.StringIO(mapping.read_text(encoding="utf-8"))))
    assert [(r["input"], r["patient_id"]) for r in rows] == [(str(EXAMPLE_INPUTS[0]), "p-0001")]
    before = mapping.read_bytes()
    with pytest.raises(OutputError, match="never overwritten"):
        safe_harbor_export(EXAMPLE_INPUTS[:1], tmp_path / "other", mapping=mapping)
    assert mapping.read_bytes() == before and not (tmp_path / "other").exists()
    with pytest.raises(OutputError, match="already exists"):
        safe_harbor_export(EXAMPLE_INPUTS[:1], out, mapping=tmp_path / "new.csv")
    with pytest.raises(OutputError, match="lies in the export folder"):
        safe_harbor_export(EXAMPLE_INPUTS[:1], tmp_path / "e2", mapping=tmp_path / "e2" / "m.csv")
    assert not (tmp_path / "new.csv").exists() and not (tmp_path / "e2").exists()


def test_study_codes_are_random_not_derived(tmp_path: Path) -> None:
    codes = []
    for n in range(2):
        out = tmp_path / f"e{n}"
        safe_harbor_export(EXAMPLE_INPUTS[:1], out)
        codes.append(_tables(out)["patients.csv"][0]["study_code"])
    assert codes[0] != codes[1]  # same patient, same input: a new code each export
    assert all(re.fullmatch(r"SC-[BCDFGHJKLMNPQRSTVWXZ]{10}", c) for c in codes)
    many = set()
    for _ in range(2000):
        many.add(new_study_code(many))
    assert len(many) == 2000


def test_the_same_patient_twice_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "copy.json"
    copy.write_bytes(EXAMPLE_INPUTS[0].read_bytes())
    with pytest.raises(PrivacyError, match="same patient"):
        safe_harbor_export([EXAMPLE_INPUTS[0], copy], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def _raw(birth: date | None, start: datetime, zone: str, n: int) -> dict[str, Any]:
    attacks = []
    for i in range(n):
        t = start + timedelta(hours=31 * i + 5)
        attacks.append({
            "id": f"a-{t:%Y-%m-%d}-{i}",
            "start": t.isoformat(timespec="minutes"),
            "durationMinutes": 45 + 37 * i,
            "intensity": 1 + i % 10,
            "kind": ["migraine", "headache", "tension"][i % 3],
            "symptoms": [SYMPTOMS[i % len(SYMPTOMS)], f"dizzy since {t:%B %d}"],
            "triggers": [TRIGGERS[i % len(TRIGGERS)], f"party on {t:%m/%d/%Y}"],
            "medications": [{"medication": "suma", "taken": t.isoformat(timespec="minutes"),
                             "dose": f"took it {t:%d.%m.%Y}", "relief": "good"}],
            "notes": f"On {t:%A %d %B %Y} at {t:%H:%M} (Europe/Berlin) I called Dr John",
            "twitching": [{"location": f"eyelid {t:%Y-%m-%d}", "description": "twitch"}],
            "reliefMethods": [{"method": f"walk on {t:%d %b}", "effect": "some"}],
        })  # fmt: skip
    days = [
        {"date": (start.date() + timedelta(days=d)).isoformat(), "sleepHours": 6.5 + d % 3,
         "stress": d % 11, "notes": f"{start.date() + timedelta(days=d):%Y%m%d} fine"}
        for d in range(0, 3 * n, 2)
    ]  # fmt: skip
    patient: dict[str, Any] = {"id": f"MRN {start:%Y%m%d}", "timezone": zone, "sex": "male",
                               "name": {"given": ["Oskar"], "family": "Weinberger"},
                               "identifiers": [{"system": "urn:x", "value": "SSN 123-45-6789"}]}  # fmt: skip
    if birth is not None:
        patient["birthDate"] = birth.isoformat()
    return {
        "format": "fhirmig-diary/1",
        "patient": patient,
        "medications": [{"id": "suma", "name": "Sumatriptan 50 mg (Dec 2025)", "class": "triptan"}],
        "attacks": attacks,
        "days": days,
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    birth=st.one_of(st.none(), st.dates(date(1925, 1, 1), date(2010, 12, 31))),
    start=st.datetimes(datetime(2019, 12, 1), datetime(2031, 12, 31)),
    zone=st.sampled_from(["Europe/Berlin", "America/Indiana/Tell_City", "Asia/Kolkata", "UTC"]),
    n=st.integers(1, 25),
)
def test_generated_diaries_export_years_only_and_their_stats(
    birth: date | None, start: datetime, zone: str, n: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / f"Oskar Weinberger {start:%Y-%m-%d}.json"
        source.write_text(json.dumps(_raw(birth, start, zone, n)))
        out, mapping = folder / "export", folder / "codes.csv"
        done = safe_harbor_export([source], out, mapping=mapping)
        assert (done.patients, done.attacks) == (1, n)
        assert_no_date_element_but_years(out)
        assert_figures_equal_stats(out, mapping)
        text = "".join((out / f).read_text() for f in ("patients.csv", "attacks.csv", "days.csv"))
        for word in ("Oskar", "Weinberger", "MRN", "SSN", "John", "party", "Sumatriptan", "Tell"):
            assert word not in text, word
        row = _tables(out)["patients.csv"][0]
        figures = json.loads(compute_figures(source).to_json_text())
        last = date.fromisoformat(figures["period"]["to"])
        if birth is None:
            assert row["birth_year"] == ""
        elif max(last, date(2026, 11, 18)).year - birth.year >= 90:  # SOURCE_DATE_EPOCH day
            assert row["birth_year"] == OVER_89
        else:
            assert row["birth_year"] == str(birth.year)
        assert row["first_year"] == figures["period"]["from"][:4]
        attacks = _tables(out)["attacks.csv"]
        assert [int(a["day"]) for a in attacks] == sorted(int(a["day"]) for a in attacks)
        assert all(set(a["symptoms"].split(";")) <= {*SYMPTOMS, "other"} for a in attacks)
        assert all(a["drug_classes"] == "triptan=good" for a in attacks)


def test_the_command_writes_the_export_and_refuses_keyed_options(tmp_path: Path) -> None:
    out, mapping = tmp_path / "export", tmp_path / "codes.csv"
    args = ["deidentify", "--method", "safe-harbor", *map(str, EXAMPLE_INPUTS), "-o", str(out)]
    result = CliRunner().invoke(cli, [*args, "--mapping", str(mapping)])
    assert result.exit_code == 0, result.output
    assert "Safe Harbor export written (3 patients" in result.stderr
    assert_figures_equal_stats(out, mapping)
    refused = CliRunner().invoke(cli, [*args[:-1], str(tmp_path / "x"), "--key-file", "k.key"])
    assert refused.exit_code == 2 and "--key-file and --keep-notes go with --method keyed" in (
        refused.stderr
    )
    keyed = CliRunner().invoke(cli, ["deidentify", *map(str, EXAMPLE_INPUTS[:2]), "-o", "x.json"])
    assert keyed.exit_code == 2 and "takes one DIARY" in keyed.stderr
    help_text = CliRunner().invoke(cli, ["deidentify", "--help"]).output
    assert "limited data set" in help_text and "not Safe" in help_text


GOLDEN = Path(__file__).parent / "golden" / "safe-harbor-examples"


def _normalised(folder: Path, mapping: Path) -> dict[str, str]:
    """The tables with each random study code replaced by its input's name, rows re-sorted."""
    text = mapping.read_text(encoding="utf-8")
    names = {r["study_code"]: Path(r["input"]).stem for r in csv.DictReader(io.StringIO(text))}
    out: dict[str, str] = {}
    for name in ("patients.csv", "attacks.csv", "days.csv"):
        header, *rows = (folder / name).read_text(encoding="utf-8").splitlines()
        fixed = []
        for row in rows:
            code, rest = row.split(",", 1)
            fixed.append(f"{names[code]},{rest}")
        out[name] = "\n".join([header, *sorted(fixed)]) + "\n"
    return out


def test_the_examples_export_equals_the_golden_tables(tmp_path: Path) -> None:
    """Every cell of the examples' export, study codes aside (python -m tests.privacy.
    test_safeharbor rewrites the golden files after a deliberate change)."""
    out, mapping = tmp_path / "export", tmp_path / "codes.csv"
    safe_harbor_export(EXAMPLE_INPUTS, out, mapping=mapping)
    for name, text in _normalised(out, mapping).items():
        assert text == (GOLDEN / name).read_text(encoding="utf-8"), name


if __name__ == "__main__":  # rewrite the golden files
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        safe_harbor_export(EXAMPLE_INPUTS, folder / "e", mapping=folder / "m.csv")
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for name, text in _normalised(folder / "e", folder / "m.csv").items():
            (GOLDEN / name).write_text(text, encoding="utf-8")
