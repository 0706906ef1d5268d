"""One upload from start to end: check the patient, read the server, send the changes.

Nothing is written before the patient check has passed and the server's state has been
read; a refusal at either step raises and leaves the server as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from fhirmig.errors import (
    AuthError,
    FatalServerError,
    FhirmigError,
    TemporaryServerError,
    UploadError,
)
from fhirmig.upload.identity import check_checkable, differences, mismatch_error
from fhirmig.upload.plan import Planned, business_identifier, chunk_changes, order_changes
from fhirmig.upload.remote import RemoteState, fetch_state, find_patients, sync_key
from fhirmig.upload.summary import NOT_SENT, ResourceResult, UploadSummary
from fhirmig.upload.sync import REPORT_SYSTEM, SyncOptions, diff

if TYPE_CHECKING:
    from fhirmig.upload.client import FhirClient
    from fhirmig.upload.sender import ProgressCallback, SendMode

__all__ = ["find_patient", "provenance_ids", "run_sync", "stopped_summary"]

_PROVENANCE_CANDIDATES = 1000


def provenance_ids(patient: dict[str, Any], desired: Sequence[dict[str, Any]]) -> set[str]:
    """The ids fhirmig may have given this patient's Provenance: those being sent, and
    those of earlier, longer diaries (one Provenance per 1,000 resources)."""
    from fhirmig.fhir.ids import resource_id

    ids = {str(r["id"]) for r in desired if r.get("resourceType") == "Provenance"}
    for ident in patient.get("identifier") or []:
        value = ident.get("value") if isinstance(ident, dict) else None
        if isinstance(value, str) and resource_id(value, "patient", "") == patient.get("id"):
            ids.update(
                resource_id(value, "provenance", str(n)) for n in range(_PROVENANCE_CANDIDATES)
            )
    return ids


def find_patient(
    client: FhirClient, patient: dict[str, Any], *, accept_mismatch: bool = False
) -> dict[str, Any] | None:
    """The server's copy of the diary's Patient, after the identity check; None if new.

    Raises :class:`UploadError` when the diary's patient cannot be checked, when two server
    Patients carry the identifier, or (unless ``accept_mismatch``) when the server's
    Patient differs from the diary's (:mod:`fhirmig.upload.identity`).
    """
    ident = business_identifier(patient)
    if ident is None:
        raise UploadError("the diary's Patient has no identifier to find it by on the server")
    shown = f"{ident[0]}|{ident[1]}" if ident[0] else ident[1]
    check_checkable(patient, shown)
    found = find_patients(client, *ident)
    if len(found) > 1:
        raise UploadError(
            f"the server holds {len(found)} Patients with identifier {shown}; fhirmig cannot "
            "tell which one is this person, so nothing was sent (merge them on the server)"
        )
    if not found:
        return None
    fields = differences(patient, found[0])
    if fields and not accept_mismatch:
        raise mismatch_error(shown, fields)
    return found[0]


def _link_report(ordered: Sequence[Planned], state: RemoteState) -> None:
    """The new report DocumentReference says which earlier reports it replaces."""
    for p in ordered:
        key = sync_key(p.resource)
        if key is None or key[:2] != ("DocumentReference", REPORT_SYSTEM):
            continue
        earlier = sorted(
            r.server_key
            for k, remotes in state.by_key.items()
            if k[:2] == key[:2] and k != key
            for r in remotes
            if r.resource.get("status") in ("current", "superseded")
        )
        if earlier:
            p.resource = dict(p.resource)
            p.resource["relatesTo"] = [
                {"code": "replaces", "target": {"reference": ref}} for ref in earlier
            ]


def run_sync(
    client: FhirClient,
    resources: list[dict[str, Any]],
    *,
    batch_size: int = 500,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    mode: str = "transaction",
    delete_removed: bool = False,
    accept_patient_mismatch: bool = False,
    no_delete: frozenset[str] = frozenset(),
    only_sent_systems: bool = False,
) -> UploadSummary:
    """The body of :func:`fhirmig.upload.upload_resources` on an open client.

    ``no_delete`` names resource types the server cannot delete (from its
    CapabilityStatement): their removed records are marked entered-in-error instead.
    ``only_sent_systems`` (document mode) leaves alone every record on the server whose
    identifier system is not one of the resources being sent.
    """
    from fhirmig.upload.sender import SEND_MODES, Sender

    if mode not in SEND_MODES:
        raise UploadError(f"unknown sending mode {mode!r}")
    send_mode: SendMode = mode
    ordered = order_changes(resources)
    patients = [p for p in ordered if p.resource_type == "Patient"]
    if len(patients) > 1:
        raise UploadError("the input holds more than one Patient; upload one patient at a time")
    try:
        types = {str(r["resourceType"]) for r in resources} if only_sent_systems else None
        state = _read_server(client, patients, resources, accept_patient_mismatch, types)
    except (TemporaryServerError, FatalServerError, AuthError) as exc:
        return stopped_summary(client, resources, exc, send_mode, dry_run)
    if only_sent_systems:
        sent = {k[1] for r in resources if (k := sync_key(r)) is not None} | {REPORT_SYSTEM}
        state.by_key = {k: v for k, v in state.by_key.items() if k[1] in sent}
    _link_report(ordered, state)
    changes, server_ids = diff(
        ordered, state, SyncOptions(delete_removed=delete_removed), client.base_url
    )
    for p in changes:
        if p.action in ("retire", "supersede", "delete"):
            server_ids[p.key] = p.key  # a server record: its key is the server's own
    notes = _avoid_unsupported_deletes(changes, no_delete)
    plan = chunk_changes(changes, batch_size, independent=send_mode == "batch")
    summary = UploadSummary(server=client.base_url, dry_run=dry_run, mode=send_mode, notes=notes)
    keeps = [p for p in changes if p.action == "keep"]
    for p in keeps:
        summary.results.append(_result(p, "unchanged"))
    if dry_run:
        for chunk in plan:
            summary.chunks += 1
            for p in chunk:
                summary.results.append(_result(p, "planned", chunk=summary.chunks))
        summary.requests = client.requests_sent
        return summary
    sender = Sender(client, plan, summary, progress, mode=send_mode, server_ids=server_ids)
    sender.run()
    summary.requests = client.requests_sent
    return summary


def stopped_summary(
    client: FhirClient,
    resources: Sequence[dict[str, Any]],
    error: Exception,
    mode: str,
    dry_run: bool = False,
) -> UploadSummary:
    """The summary of an upload that stopped before writing anything (the server could
    not be read, or sign-in failed): every resource "not sent"."""
    summary = UploadSummary(server=client.base_url, dry_run=dry_run, mode=mode)
    summary.stopped, summary.auth_failed = str(error), isinstance(error, AuthError)
    if isinstance(error, FhirmigError):
        summary.stopped_error = error
    for r in resources:
        key = f"{r.get('resourceType')}/{r.get('id')}"
        summary.results.append(
            ResourceResult(key, str(r.get("resourceType")), "failed", "not sent", issues=[NOT_SENT])
        )
    summary.requests = client.requests_sent
    return summary


def _read_server(
    client: FhirClient,
    patients: list[Planned],
    resources: list[dict[str, Any]],
    accept_mismatch: bool,
    types: set[str] | None = None,
) -> RemoteState:
    server_patient = None
    if patients:
        server_patient = find_patient(client, patients[0].resource, accept_mismatch=accept_mismatch)
    prov = provenance_ids(server_patient, resources) if server_patient is not None else set()
    return fetch_state(client, server_patient, resources, types=types, provenance_ids=prov)


def _result(p: Planned, outcome: str, chunk: int = 0) -> ResourceResult:
    return ResourceResult(
        p.key,
        p.resource_type,
        outcome,
        p.label() if outcome == "planned" else "",
        identifier=p.identifier_text(),
        chunk=chunk,
        server=p.server_key,
        why=p.why,
        action=p.action,
    )


def _avoid_unsupported_deletes(changes: list[Planned], no_delete: frozenset[str]) -> list[str]:
    from fhirmig.upload.sync import withdrawn

    notes: list[str] = []
    for p in changes:
        if p.action == "delete" and p.resource_type in no_delete:
            marked = withdrawn(p.resource)
            if marked is not None:
                p.action, p.resource = "retire", marked
                p.why = "the server does not offer delete for this type; marked entered-in-error"
                note = (
                    f"{p.resource_type}: the server does not offer delete; marking entered-in-error"
                )
                if note not in notes:
                    notes.append(note)
    return notes
