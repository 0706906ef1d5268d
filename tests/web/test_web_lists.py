"""The medication list, treatments and questionnaires through their forms."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from fhirmig.diary import read_diary
from fhirmig.web import Secrets
from tests.web.helpers import post, problem_beside


def test_adding_and_changing_a_medication(
    client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    form = {"name": "Rizatriptan 10 mg", "class": "triptan", "atc": "N02CC04"}
    assert post(client, secrets, "/medications", form).status_code == 303
    med = read_diary(diary_path).medication("rizatriptan-10-mg")
    assert med is not None and med.drug_class == "triptan" and med.atc == "N02CC04"
    assert "Rizatriptan 10 mg" in client.get("/medications").text
    # the new medication is offered on the attack form
    assert (
        '<option value="rizatriptan-10-mg">Rizatriptan 10 mg</option>'
        in client.get("/attacks/new").text
    )
    changed = {**form, "name": "Rizatriptan 10 mg melt"}
    assert post(client, secrets, "/medications/rizatriptan-10-mg", changed).status_code == 303
    med = read_diary(diary_path).medication("rizatriptan-10-mg")
    assert med is not None and med.name == "Rizatriptan 10 mg melt"


@pytest.mark.parametrize(
    ("field", "value", "expect"),
    [
        ("name", "", "required field is missing"),
        ("rxnorm", "RX-12", "should match pattern"),
        ("atc", "n02", "should match pattern"),
        ("class", "herbal", "'triptan'"),
    ],
)
def test_an_invalid_medication_is_refused(
    field: str, value: str, expect: str, client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    before = diary_path.read_bytes()
    answer = post(
        client, secrets, "/medications", {"name": "Aspirin", "class": "nsaid", field: value}
    )
    assert answer.status_code == 422
    assert expect in problem_beside(answer.text, field)
    assert diary_path.read_bytes() == before


def test_adding_a_treatment(client: TestClient, secrets: Secrets, diary_path: Path) -> None:
    form = {"type": "botulinum-toxin", "name": "Botox 155 U", "start": "2026-09-01",
            "dates": "2026-09-01\n2026-11-24", "notes": "PREEMPT"}  # fmt: skip
    assert post(client, secrets, "/treatments", form).status_code == 303
    treatment = next(t for t in read_diary(diary_path).treatments if t.name == "Botox 155 U")
    assert treatment.type == "botulinum-toxin"
    assert [d.isoformat() for d in treatment.dates] == ["2026-09-01", "2026-11-24"]
    page = client.get(f"/treatments/{treatment.id}").text
    assert "2026-09-01\n2026-11-24" in page


@pytest.mark.parametrize(
    ("field", "value", "expect"),
    [
        ("end", "2026-08-01", "end is before start"),
        ("medication", "nope", "no medication with id 'nope'"),
        ("start", "2026-09-31", "2026-09-31"),
        ("dates", "2026-09-01 tomorrow", "tomorrow"),
    ],
)
def test_an_invalid_treatment_is_refused(
    field: str, value: str, expect: str, client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    before = diary_path.read_bytes()
    form = {
        "type": "preventive-medication",
        "name": "Topiramate",
        "start": "2026-09-01",
        field: value,
    }
    answer = post(client, secrets, "/treatments", form)
    assert answer.status_code == 422
    assert expect in problem_beside(answer.text, field)
    assert diary_path.read_bytes() == before


def test_a_midas_result_with_its_items_is_added_up(
    client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    items = {f"items[{i}]": v for i, v in enumerate(["2", "3", "1", "0", "4", "12", "7"])}
    answer = post(
        client, secrets, "/questionnaires?instrument=MIDAS", {"date": "2026-11-01", **items}
    )
    assert answer.status_code == 303
    q = read_diary(diary_path).questionnaires[-1]
    assert (q.instrument, q.score, q.items) == ("MIDAS", 10, [2, 3, 1, 0, 4, 12, 7])


def test_a_hit6_result_from_its_answers(
    client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    page = client.get("/questionnaires?instrument=HIT-6").text
    assert "Sometimes (10 points)" in page
    items = {f"items[{i}]": v for i, v in enumerate(["10", "11", "13", "8", "6", "10"])}
    answer = post(
        client, secrets, "/questionnaires?instrument=HIT-6", {"date": "2026-11-01", **items}
    )
    assert answer.status_code == 303
    q = read_diary(diary_path).questionnaires[-1]
    assert (q.instrument, q.score, q.items) == ("HIT-6", 58, [10, 11, 13, 8, 6, 10])


@pytest.mark.parametrize(
    ("instrument", "answers", "score", "field", "expect"),
    [
        (
            "HIT-6",
            ["10", "7", "13", "8", "6", "10"],
            "",
            "items[1]",
            "a HIT-6 answer scores 6, 8, 10, 11 or 13",
        ),
        (
            "HIT-6",
            ["10", "11", "13", "8", "6", "10"],
            "60",
            "score",
            "disagrees with the items, which sum to 58",
        ),
        ("HIT-6", ["", "", "", "", "", ""], "30", "score", "HIT-6 scores run from 36 to 78"),
        ("MIDAS", ["2", "3", "1", "0", "95"], "", "items[4]", "a MIDAS item counts 0 to 90 days"),
        (
            "MIDAS",
            ["2", "3", "1", "0", "4", "12", "11"],
            "",
            "items[6]",
            "MIDAS item B is pain 0 to 10",
        ),
        ("MIDAS", ["2", "3", "", "0", "4"], "", "items[2]", "valid integer"),
    ],
)
def test_an_invalid_questionnaire_is_refused(
    instrument: str,
    answers: list[str],
    score: str,
    field: str,
    expect: str,
    client: TestClient,
    secrets: Secrets,
    diary_path: Path,
) -> None:
    before = diary_path.read_bytes()
    form = {
        "date": "2026-11-01",
        "score": score,
        **{f"items[{i}]": v for i, v in enumerate(answers)},
    }
    answer = post(client, secrets, f"/questionnaires?instrument={instrument}", form)
    assert answer.status_code == 422
    assert expect in problem_beside(answer.text, field)
    assert diary_path.read_bytes() == before


def test_a_questionnaire_needs_its_date(
    client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    before = diary_path.read_bytes()
    answer = post(client, secrets, "/questionnaires?instrument=MIDAS", {"date": "", "score": "4"})
    assert answer.status_code == 422
    assert "required field is missing" in problem_beside(answer.text, "date")
    assert diary_path.read_bytes() == before


def test_a_medication_left_to_its_name_gets_the_drug_tables_class(
    client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    assert (
        post(
            client, secrets, "/medications", {"name": "Zolmitriptan 2.5 mg", "class": ""}
        ).status_code
        == 303
    )
    med = read_diary(diary_path).medication("zolmitriptan-2-5-mg")
    assert med is not None and med.drug_class == "triptan" and med.atc == "N02CC03"
    assert (
        post(client, secrets, "/medications", {"name": "Grandma's tea", "class": ""}).status_code
        == 303
    )
    tea = read_diary(diary_path).medication("grandma-s-tea")
    assert tea is not None and tea.drug_class == "other" and tea.atc is None


def test_a_questionnaire_result_can_be_changed_and_deleted(
    client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    before = read_diary(diary_path).questionnaires
    first = before[0]
    page = client.get("/questionnaires/0").text
    assert f"Change the {first.instrument} result of {first.date.isoformat()}" in page
    assert 'name="score" value=""' in page  # added up again from the answers
    assert first.items is not None
    answers = {f"items[{i}]": str(v) for i, v in enumerate(first.items)}
    if first.instrument == "MIDAS":
        answers["items[0]"] = str(first.items[0] + 1)
    else:
        answers["items[0]"] = "13" if first.items[0] != 13 else "6"
    assert (
        post(
            client, secrets, "/questionnaires/0", {"date": first.date.isoformat(), **answers}
        ).status_code
        == 303
    )
    changed = read_diary(diary_path).questionnaires[0]
    assert changed.items is not None and changed.items[0] == int(answers["items[0]"])
    assert changed.score != first.score and len(read_diary(diary_path).questionnaires) == len(
        before
    )
    asked = post(client, secrets, "/questionnaires/0/delete", {})
    assert asked.status_code == 200 and "Delete the" in asked.text
    assert post(client, secrets, "/questionnaires/0/delete", {"confirm": "yes"}).status_code == 303
    assert len(read_diary(diary_path).questionnaires) == len(before) - 1
    assert client.get("/questionnaires/99").status_code == 404
