"""Reports of the bundled examples, rendered once per test session."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import orjson
import pytest

from fhirmig.diary import Diary, parse_diary_json, read_diary
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


def three_year_diary(attacks: int = 300) -> Diary:
    """A seeded diary of ``attacks`` attacks over three years (2024-2026), with triptans,
    analgesics, twitching with descriptions, and long and short notes."""
    rng = random.Random(16)
    first = date(2024, 1, 1)
    rows = []
    for n, offset in enumerate(sorted(rng.sample(range(3 * 365), attacks))):
        day = first + timedelta(days=offset)
        start = datetime(day.year, day.month, day.day, 7, tzinfo=UTC)
        rows.append(
            {
                "id": f"a{n}",
                "start": start.isoformat(),
                "durationMinutes": rng.choice([120, 480, 1500]),
                "intensity": rng.randint(2, 9),
                "medications": [{"medication": rng.choice(["suma", "ibu"])}],
                "twitching": [
                    {"location": rng.choice(["left-eyelid", "neck"]), "description": f"pulses {n}"}
                ]
                if n % 3 == 0
                else [],
                "notes": "long note " * 900 + f"END-{n}" if n == 5 else f"note {n}",
            }
        )
    data = {
        "format": "fhirmig-diary/1",
        "patient": {"id": "p-3y", "timezone": "UTC"},
        "medications": [
            {"id": "suma", "name": "Sumatriptan 50 mg", "class": "triptan"},
            {"id": "ibu", "name": "Ibuprofen 400 mg", "class": "nsaid"},
        ],
        "attacks": rows,
    }
    return parse_diary_json(orjson.dumps(data), "three-years.json")


@pytest.fixture(scope="session")
def three_years(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The report of a three-year diary (300 attacks, a 9,000-character note)."""
    out = tmp_path_factory.mktemp("three") / "report.pdf"
    return render(three_year_diary(), out)
