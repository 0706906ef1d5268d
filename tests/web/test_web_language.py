"""The report page's language choice: offered by name, checked, passed to the PDF."""

from __future__ import annotations

import io

from pypdf import PdfReader
from starlette.testclient import TestClient

from fhirmig.report import shipped_languages
from fhirmig.report.i18n import _, use_language


def _text(content: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages
    )


def test_the_report_page_offers_every_shipped_language_by_its_own_name(client: TestClient) -> None:
    html = client.get("/report").text
    assert '<select id="f-language" name="language"' in html
    assert '<option value="en" lang="en">English</option>' in html
    for code in shipped_languages():
        assert f'<option value="{code}" lang="{code}"' in html


def test_an_unknown_language_is_refused_on_the_page_and_for_the_pdf(client: TestClient) -> None:
    answer = client.get("/report?language=tlh")
    assert answer.status_code == 422 and "Choose one of the languages listed." in answer.text
    assert client.get("/report.pdf?language=tlh").status_code == 422


def test_the_language_is_kept_in_the_download_link_and_used_for_the_pdf(client: TestClient) -> None:
    for code in shipped_languages():
        page = client.get(f"/report?from=2026-05-01&to=2026-05-31&language={code}").text
        assert f"language={code}" in page and f'value="{code}" lang="{code}" selected' in page
        pdf = client.get(f"/report.pdf?from=2026-05-01&to=2026-05-31&language={code}")
        assert pdf.status_code == 200
        with use_language(code):
            heading = _("Key figures")
        assert heading in _text(pdf.content)


def test_english_asked_for_is_the_default_pdf_of_an_english_diary(client: TestClient) -> None:
    # the example diary's patient.language is "en"
    default = client.get("/report.pdf?from=2026-05-01&to=2026-05-31").content
    english = client.get("/report.pdf?from=2026-05-01&to=2026-05-31&language=en").content
    assert default == english
