"""Reports of the bundled examples, rendered once per test session."""

from __future__ import annotations

import pytest

from fhirmig.diary import read_diary
from tests.report.pdfhelp import EXAMPLES, Rendered, render


@pytest.fixture(scope="session")
def chronic(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The report of examples/chronic-overuse.json (Greek name, triptan overuse)."""
    out = tmp_path_factory.mktemp("chronic") / "report.pdf"
    return render(read_diary(EXAMPLES / "chronic-overuse.json"), out)


@pytest.fixture(scope="session")
def episodic(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The report of examples/episodic-twitching.json (twitching, notes with markup)."""
    out = tmp_path_factory.mktemp("episodic") / "report.pdf"
    return render(read_diary(EXAMPLES / "episodic-twitching.json"), out)
