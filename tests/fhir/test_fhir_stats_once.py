"""The clinical figures are computed once per diary and shared by everything that shows them.

The summary Observations and the PDF report of an upload show the same figures; a caller
that has them (``stats=``) hands them over, and the conversion does not compute them again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import fhirmig.analysis
from fhirmig.analysis import compute_stats
from fhirmig.diary import read_diary
from fhirmig.fhir import diary_to_resources
from fhirmig.fhir.mapping import shared_resources


def test_given_figures_make_the_same_resources_without_computing_them(
    examples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    diary = read_diary(examples / "chronic-overuse.json")
    expected = diary_to_resources(diary)
    stats = compute_stats(diary)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the figures were computed a second time")

    monkeypatch.setattr(fhirmig.analysis, "compute_stats", refuse)
    assert diary_to_resources(diary, stats=stats) == expected
    assert list(shared_resources(diary, stats=stats)) == expected
    with pytest.raises(AssertionError, match="a second time"):
        diary_to_resources(diary)  # without them, the summary computes them itself
