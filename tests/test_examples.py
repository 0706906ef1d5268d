"""The bundled examples are valid, exercise every field, and equal a fresh regeneration."""

from __future__ import annotations

import json
from pathlib import Path

from fhirmig.diary import read_diary
from fhirmig.diary.vocabulary import ACUTE_CLASSES
from tests.conftest import EXAMPLES, load_script


def test_examples_equal_a_fresh_regeneration(tmp_path: Path) -> None:
    written = load_script("make_examples").write_all(tmp_path)
    for path in written:
        assert path.read_bytes() == (EXAMPLES / path.name).read_bytes(), (
            f"{path.name} differs; run scripts/make_examples.py"
        )


def test_episodic_example_exercises_every_field() -> None:
    raw = json.loads((EXAMPLES / "episodic-twitching.json").read_text(encoding="utf-8"))
    d = read_diary(EXAMPLES / "episodic-twitching.json")
    attack_fields = set().union(*(a.keys() for a in raw["attacks"]))
    assert attack_fields >= {
        "id", "start", "end", "durationMinutes", "intensity", "kind", "aura", "painLocations", "painQualities",
        "symptoms", "twitching", "triggers", "medications", "reliefMethods", "disability", "notes", "extra",
    }  # fmt: skip
    twitch_fields = set().union(*(t.keys() for a in raw["attacks"] for t in a.get("twitching", [])))
    assert twitch_fields == {"location", "description", "intensity", "start", "durationMinutes"}
    sites = {t.location for a in d.attacks for t in a.twitching}
    assert {"left-eyelid", "face", "neck", "shoulders"} <= sites
    day_fields = set().union(*(day.keys() for day in raw["days"]))
    assert day_fields == {
        "date", "sleepHours", "sleepQuality", "stress", "caffeineMg", "alcoholUnits", "exerciseMinutes", "menstruation", "headacheFree", "notes",
    }  # fmt: skip
    assert len(d.days) == 184  # every day from May to October
    assert {m.drug_class for m in d.medications} >= {"triptan", "nsaid"}
    assert any(a.end is None and a.duration_minutes is None for a in d.attacks)
    assert any(i.taken is None for a in d.attacks for i in a.medications)
    assert any(not s.islower() or " " in s for a in d.attacks for s in a.symptoms)  # free text kept
    assert {q.instrument for q in d.questionnaires} == {"MIDAS", "HIT-6"}
    assert {t.type for t in d.treatments} >= {"supplement", "acupuncture"}


def test_chronic_example_crosses_the_triptan_threshold() -> None:
    d = read_diary(EXAMPLES / "chronic-overuse.json")
    by_month: dict[str, set[str]] = {}
    triptans = {m.id for m in d.medications if m.drug_class == "triptan"}
    for a in d.attacks:
        for i in a.medications:
            if i.medication in triptans and i.taken is not None:
                local = i.taken.astimezone(d.patient.tz)
                by_month.setdefault(local.strftime("%Y-%m"), set()).add(local.date().isoformat())
    assert len(by_month) == 4
    assert all(len(days) >= 10 for days in by_month.values()), {
        k: len(v) for k, v in by_month.items()
    }
    assert {m.drug_class for m in d.medications} & ACUTE_CLASSES >= {
        "triptan",
        "simple-analgesic",
        "combination-analgesic",
    }
    assert d.patient.name is not None and d.patient.name.family == "Παπαδοπούλου"
