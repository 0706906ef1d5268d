"""Keeping the diary through the forms: lists, saves, and every invalid input refused."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from fhirmig.diary import DayEntry, read_diary
from fhirmig.web import Secrets
from tests.web.conftest import make_client
from tests.web.helpers import post, problem_beside, text_of

ATTACK = {
    "start": "2026-11-02T08:15",
    "end": "2026-11-02T13:45",
    "intensity": "7",
    "kind": "migraine",
    "aura": "yes",
    "painLocations": "left-temple",
    "painQualities": "throbbing",
    "symptoms": "nausea",
    "symptoms.other": "ringing ears",
    "twitching[0].location": "left-eyelid",
    "twitching[0].description": "eyelid flutters like a moth",
    "twitching[0].intensity": "3",
    "twitching[0].start": "2026-11-02T08:00",
    "twitching[0].durationMinutes": "20",
    "twitching[1].location": "neck",
    "twitching[1].description": "a jumpy feeling at the back of the neck",
    "twitching[2].location": "",
    "triggers": "lack-of-sleep",
    "triggers.other": "red wine",
    "medications[0].medication": "suma50",
    "medications[0].taken": "2026-11-02T09:00",
    "medications[0].dose": "50 mg",
    "medications[0].relief": "good",
    "reliefMethods[0].method": "dark-room",
    "reliefMethods[0].effect": "some",
    "disability": "moderate",
    "notes": "Woke up with it.",
}


def _form(**changes: str) -> list[tuple[str, str]]:
    fields = {**ATTACK, **changes}
    pairs = [(k, v) for k, v in fields.items() if k != "symptoms"]
    return [*pairs, ("symptoms", "nausea"), ("symptoms", "photophobia")]


def test_the_diary_lists_attacks_and_days_newest_first(client: TestClient) -> None:
    page = client.get("/").text
    starts = re.findall(r'<td data-label="Started">(.*?)</td>', page)
    assert starts[0] == "Thu 29 Oct 2026, 15:00" and len(starts) == 33
    days = re.findall(r'<td data-label="Date">(.*?)</td>', page)
    assert days[0] == "Sat 31 Oct 2026" and len(days) == 31  # the latest month's worth
    assert "153 older entries are not shown" in page
    assert "left eyelid" in page and "“eyelid flickers like a butterfly”" in text_of(page)


def test_the_month_filter_shows_one_month(client: TestClient) -> None:
    page = client.get("/?month=2026-06").text
    starts = re.findall(r'<td data-label="Started">(.*?)</td>', page)
    assert starts and all("Jun 2026" in s for s in starts)
    assert starts == sorted(starts, key=lambda s: int(s.split()[1]), reverse=True)
    days = re.findall(r'<td data-label="Date">(.*?)</td>', page)
    assert len(days) == 30 and days[0] == "Tue 30 Jun 2026"
    assert '<option value="2026-06" selected>' in page


def test_logging_an_attack_writes_it_through_the_checks(
    client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    answer = post(client, secrets, "/attacks/new", _form())
    assert answer.status_code == 303 and answer.headers["location"] == "/?done=attack"
    assert stat.S_IMODE(diary_path.stat().st_mode) == 0o600
    diary = read_diary(diary_path)  # the file is a valid diary the CLI reads
    attack = next(a for a in diary.attacks if a.id == "a-20261102-0815")
    assert attack.start.isoformat() == "2026-11-02T08:15:00+00:00"  # Lisbon is on UTC then
    assert attack.intensity == 7 and attack.aura is True and attack.disability == "moderate"
    assert [t.location for t in attack.twitching] == ["left-eyelid", "neck"]
    assert attack.twitching[0].description == "eyelid flutters like a moth"
    assert attack.twitching[0].duration_minutes == 20 and attack.twitching[0].intensity == 3
    assert attack.symptoms == ["nausea", "photophobia", "ringing ears"]
    assert attack.triggers == ["lack-of-sleep", "red wine"]
    assert attack.medications[0].medication == "suma50" and attack.medications[0].relief == "good"
    assert attack.relief_methods[0].method == "dark-room"
    listed = client.get("/?done=attack").text
    assert "The attack was saved." in listed and "Mon 02 Nov 2026, 08:15" in listed


def test_changing_an_attack_keeps_what_the_form_does_not_show(
    client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    data = json.loads(diary_path.read_text())
    data["attacks"][0]["extra"] = {"app": "kept"}
    diary_path.write_text(json.dumps(data))
    ident = data["attacks"][0]["id"]
    form = client.get(f"/attacks/{ident}").text
    assert 'value="2026-05-03T13:20"' in form and "left trapezius flickers" in form
    assert post(client, secrets, f"/attacks/{ident}", _form(intensity="9")).status_code == 303
    attack = next(a for a in read_diary(diary_path).attacks if a.id == ident)
    assert attack.intensity == 9 and attack.extra == {"app": "kept"}
    assert len(read_diary(diary_path).attacks) == 33


def test_add_another_row_shows_the_form_again_without_saving(
    client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    before = diary_path.read_bytes()
    answer = post(client, secrets, "/attacks/new", [*_form(), ("action", "more:twitching")])
    assert answer.status_code == 200
    assert 'name="twitching[3].location"' in answer.text  # two filled rows, two empty
    assert "eyelid flutters like a moth" in answer.text
    assert diary_path.read_bytes() == before


def test_deleting_an_attack(client: TestClient, secrets: Secrets, diary_path: Path) -> None:
    before = diary_path.read_bytes()
    asked = post(client, secrets, "/attacks/a-2026-05-03/delete", {})
    assert asked.status_code == 200 and "Delete the attack of Sun 03 May 2026, 13:20?" in asked.text
    assert diary_path.read_bytes() == before  # only asked
    assert (
        post(client, secrets, "/attacks/a-2026-05-03/delete", {"confirm": "yes"}).status_code == 303
    )
    assert "a-2026-05-03" not in {a.id for a in read_diary(diary_path).attacks}


INVALID_ATTACKS = [
    ("start", "", "required field is missing"),
    ("start", "2026-13-02T08:15", "2026-13-02T08:15"),
    ("start", "yesterday", "yesterday"),
    ("end", "2026-11-01T08:00", "end is before start"),
    ("intensity", "11", "less than or equal to 10"),
    ("intensity", "seven", "valid integer"),
    ("intensity", "", "required field is missing"),
    ("durationMinutes", "-5", "greater than or equal to 0"),
    ("durationMinutes", "30", "disagrees with end - start"),
    ("kind", "sinus", "'migraine'"),
    ("aura", "maybe", "valid boolean"),
    ("disability", "extreme", "'severe'"),
    ("notes", "x" * 10_001, "at most 10000 characters"),
    ("twitching[0].intensity", "12", "less than or equal to 10"),
    ("twitching[0].start", "soon", "soon"),
    ("twitching[1].location", "", "required field is missing"),
    ("medications[0].medication", "unknown-drug", "no medication with id 'unknown-drug'"),
    ("medications[0].relief", "great", "'complete'"),
    ("medications[0].taken", "2026-11-31T09:00", "2026-11-31"),
    ("reliefMethods[0].effect", "wonderful", "'complete'"),
]


@pytest.mark.parametrize(("field", "value", "expect"), INVALID_ATTACKS)
def test_an_invalid_attack_is_shown_again_with_the_problem_beside_its_field(
    field: str, value: str, expect: str, client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    before = diary_path.read_bytes()
    answer = post(client, secrets, "/attacks/new", _form(**{field: value}))
    assert answer.status_code == 422
    assert expect in problem_beside(answer.text, field)
    assert diary_path.read_bytes() == before  # nothing written
    if value and len(value) < 100:
        assert f'value="{value}"' in answer.text or f">{value}<" in answer.text  # kept as typed


def test_a_list_entry_too_long_is_shown_beside_its_list(
    client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    before = diary_path.read_bytes()
    answer = post(client, secrets, "/attacks/new", _form(**{"triggers.other": "y" * 1001}))
    assert answer.status_code == 422
    assert "at most 1000 characters" in problem_beside(answer.text, "triggers")
    assert diary_path.read_bytes() == before


DAY = {"date": "2026-11-03", "sleepHours": "6.5", "sleepQuality": "3", "stress": "7",
       "caffeineMg": "190", "alcoholUnits": "1", "exerciseMinutes": "30", "menstruation": "no",
       "notes": "long day"}  # fmt: skip


def test_logging_a_day(client: TestClient, secrets: Secrets, diary_path: Path) -> None:
    assert post(client, secrets, "/days/new", DAY).status_code == 303
    day = next(d for d in read_diary(diary_path).days if d.date.isoformat() == "2026-11-03")
    assert (day.sleep_hours, day.stress, day.caffeine_mg, day.menstruation) == (6.5, 7, 190, False)
    page = client.get("/days/2026-11-03").text
    assert 'value="6.5"' in page and "long day" in page
    assert post(client, secrets, "/days/2026-11-03", {**DAY, "stress": "2"}).status_code == 303
    day = next(d for d in read_diary(diary_path).days if d.date.isoformat() == "2026-11-03")
    assert day.stress == 2
    assert (
        "Delete the entry of 2026-11-03?"
        in post(client, secrets, "/days/2026-11-03/delete", {}).text
    )
    assert post(client, secrets, "/days/2026-11-03/delete", {"confirm": "yes"}).status_code == 303
    assert "2026-11-03" not in {d.date.isoformat() for d in read_diary(diary_path).days}


INVALID_DAYS = [
    ("date", "", "required field is missing"),
    ("date", "2026-02-30", "2026-02-30"),
    ("date", "2026-10-31", "a second entry for 2026-10-31"),
    ("sleepHours", "25", "less than or equal to 24"),
    ("sleepHours", "lots", "valid number"),
    ("sleepQuality", "6", "less than or equal to 5"),
    ("stress", "-1", "greater than or equal to 0"),
    ("caffeineMg", "-3", "greater than or equal to 0"),
    ("exerciseMinutes", "2000", "less than or equal to 1440"),
    ("menstruation", "sometimes", "valid boolean"),
]


@pytest.mark.parametrize(("field", "value", "expect"), INVALID_DAYS)
def test_an_invalid_day_is_refused_beside_its_field(
    field: str, value: str, expect: str, client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    before = diary_path.read_bytes()
    answer = post(client, secrets, "/days/new", {**DAY, field: value})
    assert answer.status_code == 422
    assert expect in problem_beside(answer.text, field)
    assert diary_path.read_bytes() == before


@pytest.mark.skipif("headache_free" not in DayEntry.model_fields, reason="no headacheFree yet")
def test_a_headache_free_day_can_be_logged(
    client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    assert post(client, secrets, "/days/new", {**DAY, "headacheFree": "yes"}).status_code == 303
    day = next(d for d in read_diary(diary_path).days if d.date.isoformat() == "2026-11-03")
    assert day.headache_free is True  # type: ignore[attr-defined]


def test_a_new_diary_starts_from_the_short_form(tmp_path: Path, secrets: Secrets) -> None:
    path = tmp_path / "new.json"
    with make_client(path, secrets) as client:
        assert client.get("/", follow_redirects=False).headers["location"] == "/new"
        form = client.get("/new").text
        assert 'name="id"' in form and 'name="timezone"' in form and "Start your diary" in form
        assert 'list="list-timezone"' in form and '<option value="Europe/Lisbon">' in form
        assert "saved as <code>new.json</code>" in form  # the path as given, inside this folder
        bad = post(client, secrets, "/new", {"id": "", "given": "Zoë", "family": "Berg",
                                             "birthDate": "1990-02-30", "timezone": "Mars/Olympus",
                                             "language": "en"})  # fmt: skip
        assert bad.status_code == 422 and not path.exists()
        assert "1990-02-30" in problem_beside(bad.text, "birthDate")
        assert "Mars/Olympus" in problem_beside(bad.text, "timezone")
        good = post(client, secrets, "/new", {"id": "", "given": "Zoë Ann", "family": "Berg",
                                              "birthDate": "1990-02-03", "sex": "female",
                                              "timezone": "Europe/Berlin", "language": "de"})  # fmt: skip
        assert good.status_code == 303
    diary = read_diary(path)
    assert diary.patient.id == "zo-ann-berg-1990-02-03"  # suggested, since the id was left empty
    assert diary.patient.name is not None and diary.patient.name.given == ["Zoë", "Ann"]
    assert diary.patient.timezone == "Europe/Berlin" and diary.patient.language == "de"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_patient_chooses_the_id(tmp_path: Path, secrets: Secrets) -> None:
    path = tmp_path / "new.json"
    with make_client(path, secrets) as client:
        form = {"id": "my id", "given": "A", "timezone": "UTC", "language": "en"}
        assert post(client, secrets, "/new", form).status_code == 303
    assert read_diary(path).patient.id == "my id"


INVALID_PATIENT = [
    ("timezone", "Europe/Atlantis", "Europe/Atlantis"),
    ("language", "english please", "should match pattern"),
    ("birthDate", "12/04/1988", "12/04/1988"),
    ("sex", "robot", "'female'"),
    ("country", "UK", "the United Kingdom is GB"),
]


@pytest.mark.parametrize(("field", "value", "expect"), INVALID_PATIENT)
def test_invalid_patient_details_are_refused(
    field: str, value: str, expect: str, client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    before = diary_path.read_bytes()
    form = {"given": "Ana Maria", "family": "Silva", "birthDate": "1988-04-12", "sex": "female",
            "timezone": "Europe/Lisbon", "language": "en", field: value}  # fmt: skip
    answer = post(client, secrets, "/patient", form)
    assert answer.status_code == 422
    assert expect in problem_beside(answer.text, field)
    assert diary_path.read_bytes() == before


def test_changing_the_patient_keeps_the_id_and_identifiers(
    client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    form = {"given": "Ana", "family": "Silva", "birthDate": "1988-04-12", "sex": "female",
            "timezone": "Europe/Lisbon", "language": "pt", "country": "BR",
            "id": "attempt"}  # fmt: skip
    assert post(client, secrets, "/patient", form).status_code == 303
    patient = read_diary(diary_path).patient
    assert patient.id == "p-0001" and patient.language == "pt" and len(patient.identifiers) == 1
    assert patient.country == "BR"
    form["country"] = ""  # left empty: the key goes, the time zone's country is used
    assert post(client, secrets, "/patient", form).status_code == 303
    patient = read_diary(diary_path).patient
    assert patient.country is None and patient.home_country == "PT"


@pytest.mark.skipif("headache_free" not in DayEntry.model_fields, reason="no headacheFree yet")
def test_a_headache_free_day_with_an_attack_is_refused_beside_the_field(
    client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    before = diary_path.read_bytes()
    answer = post(
        client, secrets, "/days/2026-10-29", {"date": "2026-10-29", "headacheFree": "yes"}
    )
    assert answer.status_code == 422
    assert "a-2026-10-29" in problem_beside(answer.text, "headacheFree")
    assert diary_path.read_bytes() == before
