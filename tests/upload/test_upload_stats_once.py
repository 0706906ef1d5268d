"""An upload with the report computes the diary's figures once, for both the summary
Observations and the PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import fhirmig.analysis
from fhirmig.diary import read_diary


@pytest.mark.server
def test_an_upload_with_the_report_computes_the_figures_once(
    examples: Path, monkeypatch: pytest.MonkeyPatch, fhir_server: Any
) -> None:
    from fhirmig.upload import FhirClient, NoAuth
    from fhirmig.upload.diary import DiaryUpload, upload_diary

    calls = []
    real = fhirmig.analysis.compute_stats

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(fhirmig.analysis, "compute_stats", counted)
    diary = read_diary(examples / "chronic-overuse.json")
    with FhirClient(fhir_server.base_url, NoAuth()) as client:
        summary = upload_diary(diary, client, DiaryUpload(include_report=True, dry_run=True))
    assert calls == [1]
    assert "DocumentReference" in summary.by_type()  # the report went into the upload
