"""The attack log's table: row heights, page splits that lose and repeat nothing, drawing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fhirmig.report.fonts import BODY_FONT, BOLD_FONT, register_fonts
from fhirmig.report.log_table import LogStyle, LogTable
from tests.report.pdfhelp import pdf_pages

STYLE = LogStyle(
    font=BODY_FONT,
    bold=BOLD_FONT,
    size=7.0,
    leading=8.0,
    pad_left=3.0,
    pad_right=3.0,
    pad_top=1.5,
    pad_bottom=2.5,
    ink="#1a1a1a",
    header_fill="#e4e4e4",
    stripe="#f2f2f2",
    rule="#9a9a9a",
)
WIDTHS = [60.0, 120.0]


def _table(rows: list[list[Any]]) -> LogTable:
    register_fonts()
    return LogTable(["Day", "Notes"], rows, WIDTHS, STYLE)


def test_height_is_header_plus_tallest_cell_of_each_row() -> None:
    table = _table([["a", "one\ntwo\nthree"], ["b\nc", "x"]])
    width, height = table.wrap(500, 1000)
    assert width == 180
    # header 1 line; rows of 3 and 2 lines; each row padded by 1.5 + 2.5
    assert height == pytest.approx((8 + 4) + (24 + 4) + (16 + 4))


def test_split_fits_the_space_and_keeps_every_row_once() -> None:
    rows = [[str(n), "line\n" * (n % 4) + f"row {n}"] for n in range(1000)]
    table = _table(rows)
    pieces, rest, available = [], table, 500.0
    while True:
        parts = rest.split(600, available)
        if parts == [rest]:
            pieces.append(rest)
            break
        first, rest = parts
        assert first.wrap(600, available)[1] <= available
        # one more row would not have fitted
        grown = [*first.row_range, rest.row_range[0]]
        assert sum(rows_height(rows, grown)) + 12 > available
        pieces.append(first)
    covered = [i for piece in pieces for i in piece.row_range]
    assert covered == list(range(1000))
    assert len(pieces) > 20


def rows_height(rows: list[list[Any]], indexes: list[int]) -> list[float]:
    return [(rows[i][1].count("\n") + 1) * 8 + 4 for i in indexes]


def test_split_returns_nothing_when_no_row_fits() -> None:
    table = _table([["a", "x\n" * 9 + "y"]])
    assert table.split(600, 40) == []
    assert table.split(600, 12 + 84) == [table]


def test_rows_need_one_cell_per_column() -> None:
    with pytest.raises(ValueError, match="one cell per column"):
        _table([["only one"]])


def test_draws_text_flowable_cells_and_header_on_each_page(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A6
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from fhirmig.report.fonts import markup
    from fhirmig.report.styles import styles

    cjk = Paragraph(markup("頭痛 headache"), styles().cell)
    rows: list[list[Any]] = [[f"day {n}", f"note {n}\nsecond {n}"] for n in range(60)]
    rows[5][1] = cjk
    out = tmp_path / "t.pdf"
    SimpleDocTemplate(str(out), pagesize=A6, invariant=1).build([_table(rows)])
    pages, _ = pdf_pages(out)
    assert len(pages) > 2
    assert all(page.startswith("Day") and "Notes" in page for page in pages)
    text = "\n".join(pages)
    for n in range(60):
        assert text.count(f"day {n}\n") == 1
        if n != 5:
            assert f"note {n}\nsecond {n}" in text
    assert "頭痛 headache" in text


def test_every_row_is_measured_once_however_many_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cost is linear: a build measures each row once, never again at a page break."""
    from reportlab.lib.pagesizes import A6
    from reportlab.platypus import SimpleDocTemplate

    from fhirmig.report import log_table

    calls = 0
    measure = log_table._row_height

    def counted(*args: Any) -> float:
        nonlocal calls
        calls += 1
        return measure(*args)

    monkeypatch.setattr(log_table, "_row_height", counted)
    rows: list[list[Any]] = [[f"day {n}", f"note {n}"] for n in range(2000)]
    out = tmp_path / "t.pdf"
    SimpleDocTemplate(str(out), pagesize=A6, invariant=1).build([_table(rows)])
    assert calls == 2000 + 1  # the rows and the header
    assert len(pdf_pages(out)[0]) > 50
