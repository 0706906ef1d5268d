"""Importing exports with a preview, and the report, FHIR and de-identified downloads."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from fhirmig.analysis import compute_stats
from fhirmig.diary import read_diary
from fhirmig.privacy import pseudonym, write_new_key
from fhirmig.web import Secrets
from tests.conftest import ROOT
from tests.web.helpers import post, text_of

DATA = ROOT / "tests" / "importers" / "data"


def _upload(client: TestClient, secrets: Secrets, path: str, file: Path, **fields: str) -> object:
    return client.post(
        path,
        data={"csrf": secrets.csrf, **fields},
        files={"export": (file.name, file.read_bytes(), "text/csv")},
        follow_redirects=False,
    )


def test_a_migraine_buddy_export_is_previewed_then_applied(
    client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    before = diary_path.read_bytes()
    preview = _upload(client, secrets, "/import", DATA / "mb_standard.csv", source="migraine-buddy")
    assert preview.status_code == 200  # type: ignore[attr-defined]
    html = preview.text  # type: ignore[attr-defined]
    assert "Check the import" in html and "mb_standard.csv" in html
    assert "Added 3 attacks" in html, text_of(html)[:2000]
    assert diary_path.read_bytes() == before  # nothing changes before the patient says yes
    key = html.split("/import/")[1].split("/apply")[0]
    assert post(client, secrets, f"/import/{key}/apply", {}).status_code == 303
    diary = read_diary(diary_path)
    assert len(diary.attacks) == 36
    # the same file again: the preview says nothing would change
    again = _upload(client, secrets, "/import", DATA / "mb_standard.csv", source="migraine-buddy")
    assert "would change nothing" in again.text  # type: ignore[attr-defined]
    assert "/apply" not in again.text  # type: ignore[attr-defined]


def test_a_cancelled_import_changes_nothing(
    client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    before = diary_path.read_bytes()
    preview = _upload(client, secrets, "/import", DATA / "daily_wearable.csv", source="daily-csv")
    html = preview.text  # type: ignore[attr-defined]
    assert "Filled" in html or "Added" in html, text_of(html)[:1500]
    key = html.split("/import/")[1].split("/apply")[0]
    assert post(client, secrets, f"/import/{key}/cancel", {}).status_code == 303
    assert post(client, secrets, f"/import/{key}/apply", {}).status_code == 404
    assert diary_path.read_bytes() == before


def test_an_apple_health_export(client: TestClient, secrets: Secrets, diary_path: Path) -> None:
    preview = _upload(client, secrets, "/import/apple-health", DATA / "apple_export.xml")
    assert preview.status_code == 200, preview.text[:3000]  # type: ignore[attr-defined]
    assert "Apple Health" in preview.text  # type: ignore[attr-defined]


def test_an_export_that_cannot_be_read_lists_its_problems(
    client: TestClient, secrets: Secrets, diary_path: Path, tmp_path: Path
) -> None:
    before = diary_path.read_bytes()
    answer = _upload(client, secrets, "/import", DATA / "mb_bad_rows.csv", source="migraine-buddy")
    assert answer.status_code == 422  # type: ignore[attr-defined]
    html = answer.text  # type: ignore[attr-defined]
    assert "The file could not be imported" in html and "line 4" in html
    assert "mb_bad_rows.csv" in html and str(tmp_path) not in html  # our temp path is not shown
    assert diary_path.read_bytes() == before


def test_a_migraine_buddy_html_report_is_previewed(
    client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    before = diary_path.read_bytes()
    answer = _upload(
        client, secrets, "/import", DATA / "mb_report_dmy.html", source="migraine-buddy"
    )
    assert answer.status_code == 200, text_of(answer.text)[:1500]  # type: ignore[attr-defined]
    assert "Check the import" in answer.text and "mb_report_dmy.html" in answer.text  # type: ignore[attr-defined]
    assert "attack" in text_of(answer.text)  # type: ignore[attr-defined]
    assert diary_path.read_bytes() == before


def test_a_fitbit_sleep_export_keeps_the_diarys_sleep_hours(
    client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    preview = _upload(client, secrets, "/import", DATA / "fitbit_sleep.csv", source="fitbit")
    html = preview.text  # type: ignore[attr-defined]
    assert preview.status_code == 200, text_of(html)[:1500]  # type: ignore[attr-defined]
    assert "Fitbit sleep export" in html
    # both nights are days the diary already has, with its own sleep hours: they are kept
    assert "would change nothing" in html and "/apply" not in html
    assert "Kept the diary's sleepHours on 2 days" in text_of(html), text_of(html)[:1500]


@pytest.mark.parametrize(
    ("fields", "field", "expect"),
    [
        ({"source": "fax"}, "source", "Choose what kind"),
        ({"source": "daily-csv"}, "export", "Choose the file"),
    ],
)
def test_the_import_form_says_what_is_missing(
    fields: dict[str, str], field: str, expect: str, client: TestClient, secrets: Secrets
) -> None:
    answer = client.post(
        "/import",
        data={"csrf": secrets.csrf, **fields},
        files={"export": ("", b"", "application/octet-stream")}
        if field == "export"
        else {"export": ("a.csv", b"x", "text/csv")},
    )
    assert answer.status_code == 422
    assert f'id="err-{field}"' in answer.text and expect in answer.text


def test_the_report_page_shows_page_ones_figures_and_the_calendar(
    client: TestClient, diary_path: Path
) -> None:
    html = client.get("/report?from=2026-06-01&to=2026-06-30").text
    stats = compute_stats(read_diary(diary_path), start=None, end=None)
    june = compute_stats(
        read_diary(diary_path),
        start=__import__("datetime").date(2026, 6, 1),
        end=__import__("datetime").date(2026, 6, 30),
    )
    text = text_of(html)
    assert "Key figures, 2026-06-01 to 2026-06-30" in text
    assert f"You recorded {june.coverage.recorded_days} of them" in text
    assert f"Headache days {june.headache_days} " in text
    assert f"Migraine days {june.migraine_days} " in text
    assert stats.headache_days != june.headache_days
    assert "<caption>June 2026</caption>" in html and "<caption>July 2026</caption>" not in html
    # a migraine day of June is described for screen readers
    assert ": migraine, worst pain" in html


def test_the_report_page_refuses_a_bad_period(client: TestClient) -> None:
    answer = client.get("/report?from=2026-06-31&to=2026-05-01")
    assert answer.status_code == 422 and "Give a date as YYYY-MM-DD." in answer.text
    answer = client.get("/report?from=2026-06-10&to=2026-05-01")
    assert answer.status_code == 422 and "The last day is before the first day." in answer.text
    assert client.get("/report.pdf?from=2026-06-10&to=2026-05-01").status_code == 422


def test_the_pdf_download_holds_the_attack_and_the_twitching(client: TestClient) -> None:
    answer = client.get("/report.pdf?from=2026-05-01&to=2026-05-31")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert 'filename="p-0001-report.pdf"' in answer.headers["content-disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    assert "2026-05-01 to 2026-05-31" in text
    assert "left trapezius flickers" in " ".join(text.split())
    again = client.get("/report.pdf?from=2026-05-01&to=2026-05-31")
    assert again.content == answer.content  # deterministic


def test_fhir_downloads_hold_the_twitching_observation(client: TestClient) -> None:
    for shape, kind in (("transaction.json", "transaction"), ("collection.json", "collection")):
        answer = client.get(f"/fhir/{shape}")
        assert answer.status_code == 200
        bundle = answer.json()
        assert bundle["resourceType"] == "Bundle" and bundle["type"] == kind
        twitches = [
            e["resource"] for e in bundle["entry"]
            if e["resource"]["resourceType"] == "Observation"
            and any(c.get("code") == "82470000" for c in e["resource"].get("valueCodeableConcept", {}).get("coding", []))
        ]  # fmt: skip
        notes = {n["text"] for t in twitches for n in t.get("note", [])}
        assert "left trapezius flickers" in notes
    archive = zipfile.ZipFile(io.BytesIO(client.get("/fhir/ndjson.zip").content))
    assert "Observation.ndjson" in archive.namelist() and "Patient.ndjson" in archive.namelist()
    lines = archive.read("Observation.ndjson").decode().splitlines()
    assert any("left trapezius flickers" in line for line in lines)
    assert client.get("/fhir/ndjson.zip").content == client.get("/fhir/ndjson.zip").content
    assert client.get("/fhir/other.json").status_code == 404


def test_a_deidentified_copy_with_the_study_key(
    client: TestClient, secrets: Secrets, tmp_path: Path
) -> None:
    key_file = write_new_key(tmp_path / "study.key")
    answer = client.post(
        "/deidentify",
        data={"csrf": secrets.csrf},
        files={"key": ("study.key", key_file.read_bytes(), "application/octet-stream")},
    )
    assert answer.status_code == 200
    copy = json.loads(answer.content)
    from fhirmig.privacy import load_key

    assert copy["patient"]["id"] == pseudonym("p-0001", load_key(key_file))
    assert copy["deidentified"] is True and "name" not in copy["patient"]
    assert "Silva" not in answer.text and "trapezius" not in answer.text  # notes removed


def test_a_deidentified_copy_without_a_key_uses_a_fresh_one(
    client: TestClient, secrets: Secrets
) -> None:
    first = client.post("/deidentify", data={"csrf": secrets.csrf, "keep_notes": "yes"}).json()
    second = client.post("/deidentify", data={"csrf": secrets.csrf}).json()
    assert first["patient"]["id"] != second["patient"]["id"]
    assert "trapezius" in json.dumps(first) and "trapezius" not in json.dumps(second)


def test_a_bad_key_file_is_refused(client: TestClient, secrets: Secrets) -> None:
    answer = client.post(
        "/deidentify",
        data={"csrf": secrets.csrf},
        files={"key": ("study.key", b"short", "application/octet-stream")},
    )
    assert answer.status_code == 422 and "the key file" in answer.text


def test_the_pdf_holds_only_the_ticked_sections(client: TestClient) -> None:
    def read(query: str) -> tuple[int, str]:
        pdf = PdfReader(io.BytesIO(client.get(f"/report.pdf?{query}").content))
        return len(pdf.pages), " ".join(" ".join(p.extract_text() for p in pdf.pages).split())

    full_pages, full = read("paper=a4")
    short_pages, short = read("sections=summary&sections=calendar&paper=letter")
    assert short_pages < full_pages
    assert "left trapezius flickers" in full and "left trapezius flickers" not in short
    page = client.get("/report?preset=gp").text
    ticked = set(re.findall(r'name="sections" value="([a-z-]+)" checked', page))
    assert ticked == {"summary", "calendar", "medication", "appendices"}
    assert "preset=gp" not in page.split("Download the PDF report")[0].split("/report.pdf?")[-1]
    assert "sections=medication" in page  # the download asks for the ticked sections
