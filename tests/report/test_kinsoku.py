"""Japanese line breaking: no line starts with a closing mark or ends with an opening bracket."""

from __future__ import annotations

from itertools import pairwise

import pytest

from fhirmig.report.kinsoku import CANNOT_END, CANNOT_START, allowed, break_before
from fhirmig.report.styles import paragraph, styles, wrap_lines

SENTENCES = [
    "予防療法中（Erenumab 70 mg monthly、OnabotulinumtoxinA 155 U）にもかかわらず急性期治療薬"
    "の使用日が多い（使用過多の基準に4か月で到達）：急性期治療の使用制限と、予防療法の効果。",
    "薬剤クラス別の最多の完全な月：トリプタン：2026/08に15日（基準10日）、複合鎮痛薬：2026/09"
    "に1日（基準10日）、非オピオイド鎮痛薬：2026/10に8日（基準15日）、複数クラス：2026/08に16日。",
    "発作75件中15件（20％）に伴う。「最も多い部位」：頸部（15件）。前兆あり：75件中0件。",
]


def _lines(text: str, width: float) -> list[str]:
    para = paragraph(text, styles().body)
    para.wrap(width, 10_000)
    return ["".join(w.text for w in line.words) for line in para.blPara.lines]


def test_breaks_are_moved_off_the_marks() -> None:
    assert not allowed("多い（使用", 3) and not allowed("月：2026", 1)
    assert allowed("多い（使用", 2)
    assert break_before("多い（使用", 3) == 2
    assert break_before("）。」", 2) is None  # nowhere to go: the caller keeps its break


@pytest.mark.parametrize("text", SENTENCES)
@pytest.mark.parametrize("width", [80.0, 113.0, 150.0, 187.0, 240.0, 333.0, 420.0])
def test_no_paragraph_line_starts_with_a_closing_mark(text: str, width: float) -> None:
    lines = _lines(text, width)
    assert "".join(lines) == text  # nothing lost or doubled
    for before, after in pairwise(lines):
        assert after[:1] not in CANNOT_START, (width, before, after)
        assert before[-1:] not in CANNOT_END, (width, before, after)


@pytest.mark.parametrize("width", [40.0, 61.0, 90.0])
def test_plain_cells_follow_the_same_rules(width: float) -> None:
    text = "急性期治療薬の使用日が多い（使用過多の基準に到達）：急性期治療。前兆あり：0件。"
    lines = wrap_lines(text, width)
    assert "".join(lines) == text
    for before, after in pairwise(lines):
        assert after[:1] not in CANNOT_START and before[-1:] not in CANNOT_END, lines
