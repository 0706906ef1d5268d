"""Sending the changes chunk by chunk, learning server ids as it goes.

Three ways to send, for what servers offer (:mod:`fhirmig.upload.capability`):

``transaction``  each chunk is one transaction Bundle (all or nothing on the server);
                 references inside the chunk are ``urn:uuid:`` references.
``batch``        each chunk is one batch Bundle; entries succeed or fail one by one, so no
                 entry of a chunk refers to a resource created in the same chunk.
``single``       one REST request per change (``POST`` with ``If-None-Exist``, ``PUT`` with
                 ``If-Match``, ``DELETE``), for servers that offer neither Bundle.

References to resources already on the server are rewritten to the ids the server gave
them (read from the search before the upload, and from each answer's ``location``).
A transaction the server refuses for its content (400, 409, 412 or 422 with an
OperationOutcome, or 413 too large) is split in halves and sent again, down to single
changes, so that one bad resource costs only itself and the resources that refer to it.
When the server stays unreachable after the retries, or sign-in fails, the upload stops;
running the same upload again reads the server again and sends what is still missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

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
from fhirmig.upload.sync import withdrawn

__all__ = ["SEND_MODES", "ProgressCallback", "SendMode", "Sender"]

#: Called after each chunk with (changes done, changes in total).
ProgressCallback = Callable[[int, int], None]
SendMode = Literal["transaction", "batch", "single"]
SEND_MODES: tuple[SendMode, ...] = ("transaction", "batch", "single")
_SPLIT_STATUS = {400, 409, 412, 413, 422}
_DONE = {
    "create": "created",
    "update": "updated",
    "retire": "retired",
    "supersede": "superseded",
    "delete": "deleted",
}
#: Answers to a DELETE that mean "this server does not delete": withdraw instead.
_NO_DELETE = {"403", "405", "409", "501"}


class Sender:
    """Sends the chunks of one plan through one client and records every answer."""

    def __init__(
        self,
        client: FhirClient,
        plan: UploadPlan,
        summary: UploadSummary,
        progress: ProgressCallback | None = None,
        *,
        mode: SendMode = "transaction",
        server_ids: dict[str, str] | None = None,
    ) -> None:
        self.client = client
        self.plan = plan
        self.summary = summary
        self.progress = progress
        self.mode = mode
        self.server_ids: dict[str, str] = dict(server_ids or {})
        self.lost: dict[str, str] = {}
        self.done = 0
        self.fallback: list[Planned] = []
        self.recorded: set[str] = set()

    def run(self) -> None:
        """Send every chunk; stop when the server is unreachable or refuses the sign-in."""
        chunks = list(self.plan.chunks)
        index = 0
        while index < len(chunks):
            chunk = chunks[index]
            try:
                self._send(chunk)
            except (TemporaryServerError, AuthError, FatalServerError) as exc:
                self.summary.auth_failed = isinstance(exc, AuthError)
                self.summary.stopped = str(exc)
                self.summary.stopped_error = exc
                rest = [p for c in chunks[index:] for p in c]
                for p in rest:
                    if p.key not in self.recorded:
                        self._record(p, "failed", "not sent", issues=[NOT_SENT])
                break
            self.summary.chunks += 1
            if self.progress is not None:
                self.progress(self.done, self.plan.total)
            index += 1
            if index == len(chunks) and self.fallback:
                chunks.append(self.fallback)
                self.fallback = []
        order = {p.key: i for i, p in enumerate(p for c in chunks for p in c)}
        self.summary.results.sort(key=lambda r: order.get(r.key, len(order)))

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
            p.key,
            p.resource_type,
            outcome,
            status,
            location,
            p.identifier_text(),
            issues or [],
            server=p.server_key,
            why=p.why,
            action=p.action,
        )
        self.summary.results.append(result)
        self.recorded.add(p.key)
        self.done += 1
        if outcome in ("updated", "retired", "superseded", "deleted", "unchanged"):
            return
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

    def _hold_back(self, chunk: list[Planned]) -> list[Planned]:
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
        return sendable

    def _send(self, chunk: list[Planned]) -> None:
        sendable = self._hold_back(chunk)
        if not sendable:
            return
        if self.mode == "single":
            for p in sendable:
                if self._hold_back([p]):
                    self._send_one(p)
            return
        bundle = self.bundle(sendable)
        try:
            answer = self.client.transaction(bundle)
        except FatalServerError as exc:
            if exc.status == 0:  # no answer about the content (TLS, redirects): stop
                raise
            deletes = [p for p in sendable if p.action == "delete"]
            if str(exc.status) in _NO_DELETE and deletes:
                # the server takes no DELETE (in a Bundle at least): withdraw those instead
                status = f"{exc.status}"
                if all(self._withdraw_instead(p, status, later=False) for p in deletes):
                    self._send(sendable)
                    return
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

    def _send_one(self, p: Planned) -> None:
        """One change as one REST request; its answer read like a Bundle entry's."""
        headers: dict[str, str] = {}
        request = p.request(self._known_subject(p, {}))
        body = self._body(p, {})
        if request["method"] == "POST" and request.get("ifNoneExist"):
            headers["If-None-Exist"] = request["ifNoneExist"]
        if request.get("ifMatch"):
            headers["If-Match"] = request["ifMatch"]
        response = self.client.request(
            request["method"], request["url"], json=body, headers=headers
        )
        parsed = response.json()
        location = response.headers.get("location") or response.headers.get("content-location")
        entry: dict[str, Any] = {
            "response": {
                "status": f"{response.status_code} {response.reason_phrase}".strip(),
                "location": location,
                "outcome": outcome_from_body(parsed),
            }
        }
        if isinstance(parsed, dict) and parsed.get("resourceType") == p.resource_type:
            entry["resource"] = parsed
        if response.status_code >= 400 and entry["response"]["outcome"] is None:
            text = response.content.decode("utf-8", "replace") if response.content else ""
            from fhirmig.upload.safety import clean_server_text

            entry["response"]["outcome"] = {
                "resourceType": "OperationOutcome",
                "issue": [{"severity": "error", "diagnostics": clean_server_text(text) or "-"}],
            }
        self._read_answer([p], {"entry": [entry]})

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
            if p.action == "create" and code == "201":
                self._record(p, "created", status, location, issues, stored_id)
            elif p.action == "create" and code.startswith("2"):
                self._record(p, "present", status, location, issues, stored_id)
            elif code.startswith("2") or (p.action == "delete" and code in ("404", "410")):
                self._record(p, _DONE[p.action], status, location, issues)
            elif p.action == "delete" and code in _NO_DELETE and self._withdraw_instead(p, status):
                continue  # sent again, marked entered-in-error, after the other chunks
            else:
                if code == "412" and p.action != "create":
                    issues = [
                        *issues,
                        "changed on the server since fhirmig read it; run the upload again",
                    ]
                self._record(p, "failed", status, location, issues)

    def _withdraw_instead(self, p: Planned, status: str, later: bool = True) -> bool:
        """The server refused a DELETE: send the record marked entered-in-error instead
        (``later``: in a chunk after the others; else the caller sends it again now)."""
        marked = withdrawn(p.resource)
        if marked is None:
            return False
        code = status.split(" ", 1)[0]
        p.action, p.resource = "retire", marked
        p.why = f"the server refused DELETE (HTTP {code}); marked entered-in-error instead"
        if later:
            self.fallback.append(p)
        return True

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

    def _known_subject(self, p: Planned, local: dict[str, str]) -> str | None:
        subject = p.subject
        if not subject or subject in local:
            return None
        return self.server_ids.get(subject)

    def _body(self, p: Planned, local: dict[str, str]) -> dict[str, Any] | None:
        if p.action == "delete":
            return None
        if p.action in ("retire", "supersede"):
            return p.resource  # the server's own copy, already in its ids
        resource: dict[str, Any] = self._rewrite(p.resource, local)  # a new dict
        if p.method == "POST":
            resource.pop("id", None)
        elif p.server_key is not None:
            resource["id"] = p.server_key.split("/", 1)[1]
        return resource

    def bundle(self, chunk: list[Planned]) -> dict[str, Any]:
        """The transaction (or batch) Bundle for ``chunk``, references rewritten."""
        local = {p.key: p.full_url for p in chunk if p.method == "POST"}
        if self.mode == "transaction":
            local.update(
                {p.key: p.key for p in chunk if p.action == "create" and p.method == "PUT"}
            )
        entries = []
        for p in chunk:
            entry: dict[str, Any] = {}
            body = self._body(p, local if self.mode == "transaction" else {})
            if p.method == "POST":
                entry["fullUrl"] = p.full_url
            elif p.method == "PUT":
                entry["fullUrl"] = self.client.url(p.target)
            if body is not None:
                entry["resource"] = body
            entry["request"] = p.request(self._known_subject(p, local))
            entries.append(entry)
        return {"resourceType": "Bundle", "type": self.mode, "entry": entries}
