"""Ordering, chunking and idempotent requests (no server needed)."""

from __future__ import annotations

import pytest

from fhirmig.errors import UploadError
from fhirmig.upload import business_identifier, plan_upload, upload_resources
from fhirmig.upload.summary import format_issues

from .conftest import make_resources


def test_patient_first_and_every_reference_points_backwards() -> None:
    plan = plan_upload(make_resources("P-1", observations=5), batch_size=3)
    order = [p.key for chunk in plan for p in chunk]
    assert order[:2] == ["Patient/pat-P-1", "Condition/cond-P-1"]
    assert order[-1] == "Provenance/prov-P-1"
    assert [len(c) for c in plan.chunks] == [1, 3, 3, 1]  # the Patient alone first
    position = {k: i for i, k in enumerate(order)}
    for p in plan.by_key.values():
        assert all(position[r] < position[p.key] for r in p.refs)


def test_requests_are_conditional_creates_or_puts() -> None:
    plan = plan_upload(make_resources("P 2&x", observations=1))
    patient = plan.by_key["Patient/pat-P-2-x"]
    assert patient.request() == {
        "method": "POST",
        "url": "Patient",
        "ifNoneExist": "identifier=urn:oid:2.999.1.1|P%202%26x",
    }
    provenance = plan.by_key["Provenance/prov-P-2-x"]
    assert provenance.request() == {"method": "PUT", "url": "Provenance/prov-P-2-x"}
    assert patient.full_url.startswith("urn:uuid:")
    assert patient.full_url == plan_upload(make_resources("P 2&x")).by_key[patient.key].full_url


def test_business_identifier_prefers_system_and_value() -> None:
    assert business_identifier({"identifier": [{"value": "a"}, {"system": "s", "value": "b"}]}) == (
        "s",
        "b",
    )
    assert business_identifier({"identifier": [{"value": "a"}]}) == (None, "a")
    assert business_identifier({"resourceType": "Provenance"}) is None


def test_bad_plans_are_refused() -> None:
    with pytest.raises(UploadError, match="circular references"):
        plan_upload(
            [
                {
                    "resourceType": "Observation",
                    "id": "a",
                    "hasMember": [{"reference": "Observation/b"}],
                },
                {
                    "resourceType": "Observation",
                    "id": "b",
                    "hasMember": [{"reference": "Observation/a"}],
                },
            ]
        )
    with pytest.raises(UploadError, match="Patient/x appears twice"):
        plan_upload([{"resourceType": "Patient", "id": "x"}] * 2)
    with pytest.raises(UploadError, match="resource #1 \\(Patient\\): no id"):
        plan_upload([{"resourceType": "Patient"}])
    with pytest.raises(UploadError, match="batch size"):
        plan_upload([], batch_size=0)


def test_dry_run_reads_the_server_and_writes_nothing() -> None:
    from fhirmig.upload.client import FhirClient

    from .mockserver import MockFhir

    server = MockFhir()
    with FhirClient(server.base, transport=server.transport()) as client:
        summary = upload_resources(
            make_resources("DRY-1", observations=2),
            server.base,
            dry_run=True,
            batch_size=2,
            client=client,
        )
    assert server.writes() == [] and server.requests  # it searched, and sent nothing
    assert summary.counts()["planned"] == 5 and summary.chunks == 3
    assert summary.results[0].status == (
        "create: POST Patient if-none-exist identifier=urn:oid:2.999.1.1|DRY-1"
    )
    assert summary.results[-1].status == "create: PUT Provenance/prov-DRY-1"
    assert summary.lines()[0] == "would create 5 (5 changes in 3 transactions); unchanged 0"
    assert summary.exit_code == 0


def test_operation_outcome_lines() -> None:
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": "invalid",
                "expression": ["Observation.status"],
                "diagnostics": "Field   required",
            },
            {"severity": "warning", "code": "processing", "details": {"text": "odd"}},
            {"code": "invalid", "location": ["Bundle.entry[2]"]},
        ],
    }
    assert format_issues(outcome) == [
        "error [Observation.status]: Field required",
        "warning: odd",
        "error [Bundle.entry[2]]: invalid",
    ]
    assert format_issues(None) == []


def test_search_syntax_in_identifiers_is_escaped() -> None:
    plan = plan_upload(
        [
            {
                "resourceType": "Patient",
                "id": "x",
                "identifier": [{"system": "urn:s", "value": r"a|b,c$d\e"}],
            }
        ]
    )
    assert plan.by_key["Patient/x"].if_none_exist() == (
        "identifier=urn:s|a%5C|b%5C%2Cc%5C%24d%5C%5Ce"
    )
