"""Sending a plan to the server chunk by chunk, learning server ids as it goes.

Each chunk is one transaction Bundle (all or nothing on the server). References to
resources of earlier chunks are rewritten to the ids the server gave them (read from the
``location`` of each transaction-response entry), references inside the chunk become
``urn:uuid:`` references. A chunk the server refuses for its content (400, 409, 412 or
422 with an OperationOutcome, or 413 too large) is split in halves and sent again, down to
single resources, so that one bad resource costs only itself and the resources that refer
to it. Other refusals (a wrong URL, a proxy's error page) fail the chunk as a whole.
When the server stays unreachable after the retries, or sign-in fails, the upload stops;
running the same upload again sends everything again and the conditional creates keep it
free of duplicates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fhirmig.errors import AuthError, FatalServerError, TemporaryServerError, UploadError
from fhirmig.upload.client import FhirClient
from fhirmig.upload.plan import Planned, UploadPlan
from fhirmig.upload.summary import (
    NOT_SENT,
    ResourceResult,
    UploadSummary,
    format_issues,
    outcome_from_body,
)

__all__ = ["ProgressCallback", "Sender"]

#: Called after each chunk with (resources done, resources in total).
ProgressCallback = Callable[[int, int], None]
_SPLIT_STATUS = {400, 409, 412, 413, 422}


class Sender:
    """Sends the chunks of one plan through one client and records every answer."""

    def __init__(
        self,
        client: FhirClient,
        plan: UploadPlan,
        summary: UploadSummary,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.client = client
        self.plan = plan
        self.summary = summary
        self.progress = progress
        self.server_ids: dict[str, str] = {}
        self.lost: dict[str, str] = {}
        self.done = 0

    def run(self) -> None:
        """Send every chunk; stop when the server is unreachable or refuses the sign-in."""
        for index, chunk in enumerate(self.plan.chunks):
            try:
                self._send(chunk)
            except (TemporaryServerError, AuthError, FatalServerError) as exc:
                self.summary.auth_failed = isinstance(exc, AuthError)
                self.summary.stopped = str(exc)
                self.summary.stopped_error = exc
                rest = [p for c in self.plan.chunks[index:] for p in c]
                for p in rest:
                    if p.key not in self.server_ids and p.key not in self.lost:
                        self._record(p, "failed", "not sent", issues=[NOT_SENT])
                break
            self.summary.chunks += 1
            if self.progress is not None:
                self.progress(self.done, self.plan.total)
        order = {p.key: i for i, p in enumerate(p for c in self.plan.chunks for p in c)}
        self.summary.results.sort(key=lambda r: order[r.key])

    def _record(
        self,
        p: Planned,
        outcome: str,
        status: str,
        location: str | None = None,
        issues: list[str] | None = None,
        stored_id: str | None = None,
    ) -> None:
        result = ResourceResult(
            p.key, p.resource_type, outcome, status, location, p.identifier_text(), issues or []
        )
        self.summary.results.append(result)
        self.done += 1
        if outcome not in ("created", "present"):
            self.lost[p.key] = outcome
            return
        server_id = result.server_id or (f"{p.resource_type}/{stored_id}" if stored_id else None)
        if server_id is None and p.method == "PUT":
            server_id = p.key
        if server_id is None:
            # stored, but the server did not say where: nothing can refer to it
            self.lost[p.key] = "unlocated"
        else:
            self.server_ids[p.key] = server_id

    def _send(self, chunk: list[Planned]) -> None:
        sendable: list[Planned] = []
        for p in chunk:
            missing = [r for r in p.refs if r in self.lost]
            if missing:
                why = (
                    "the server did not say where it stored it"
                    if self.lost[missing[0]] == "unlocated"
                    else "which was not sent"
                )
                self._record(p, "skipped", "not sent", issues=[f"refers to {missing[0]}, {why}"])
            else:
                sendable.append(p)
        if not sendable:
            return
        bundle = self.bundle(sendable)
        try:
            answer = self.client.transaction(bundle)
        except FatalServerError as exc:
            if exc.status == 0:  # no answer about the content (TLS, redirects): stop
                raise
            about_content = exc.outcome is not None or exc.status == 413
            if len(sendable) > 1 and exc.status in _SPLIT_STATUS and about_content:
                half = len(sendable) // 2
                self._send(sendable[:half])
                self._send(sendable[half:])
                return
            issues = format_issues(exc.outcome) or [str(exc)]
            for p in sendable:
                self._record(p, "failed", str(exc.status or ""), issues=issues)
            return
        self._read_answer(sendable, answer)

    def _read_answer(self, sent: list[Planned], answer: dict[str, Any]) -> None:
        entries = answer.get("entry") or []
        issue = None
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            issue = "the server's answer holds entries that are not JSON objects"
        elif len(entries) != len(sent):
            issue = f"the server answered {len(entries)} entries for a transaction of {len(sent)}"
        if issue is not None:
            for p in sent:
                self._record(p, "failed", "unclear answer", issues=[issue])
            return
        for p, entry in zip(sent, entries, strict=True):
            response = entry.get("response")
            response = response if isinstance(response, dict) else {}
            status = str(response.get("status") or "")
            code = status.split(" ", 1)[0]
            location = response.get("location")
            location = location if isinstance(location, str) and location else None
            stored = entry.get("resource")
            stored_id = stored.get("id") if isinstance(stored, dict) else None
            issues = format_issues(outcome_from_body(response.get("outcome")))
            if code == "201":
                self._record(p, "created", status, location, issues, stored_id)
            elif code.startswith("2"):
                self._record(p, "present", status, location, issues, stored_id)
            else:
                self._record(p, "failed", status, location, issues)

    def _rewrite(self, value: Any, local: dict[str, str]) -> Any:
        if isinstance(value, dict):
            out = {k: self._rewrite(v, local) for k, v in value.items()}
            ref = value.get("reference")
            if isinstance(ref, str):
                if ref in local:
                    out["reference"] = local[ref]
                elif ref in self.server_ids:
                    out["reference"] = self.server_ids[ref]
                elif ref in self.plan.by_key:
                    raise UploadError(f"{ref} is referred to before it was sent")
            return out
        if isinstance(value, list):
            return [self._rewrite(v, local) for v in value]
        return value

    def bundle(self, chunk: list[Planned]) -> dict[str, Any]:
        """The transaction Bundle for ``chunk``, references rewritten."""
        local = {p.key: (p.full_url if p.method == "POST" else p.key) for p in chunk}
        entries = []
        for p in chunk:
            resource = self._rewrite(p.resource, local)  # a new dict; the input stays as it was
            if p.method == "POST":
                resource.pop("id", None)
                full_url = p.full_url
            else:
                full_url = self.client.url(p.key)
            subject = p.subject
            known = self.server_ids.get(subject) if subject and subject not in local else None
            entries.append({"fullUrl": full_url, "resource": resource, "request": p.request(known)})
        return {"resourceType": "Bundle", "type": "transaction", "entry": entries}
