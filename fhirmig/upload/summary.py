"""What an upload did, resource by resource: the summary and the JSON receipt.

Every resource ends in one of these outcomes:

``created``     the server stored it now (HTTP 201)
``updated``     the server's copy was changed to what the diary says now
``unchanged``   the server's copy already said what the diary says: nothing was sent
``present``     a create found the record already there (a run that stopped after storing it)
``retired``     no longer in the diary: the server's copy is now marked entered-in-error
``superseded``  an earlier report, replaced by the new one
``deleted``     no longer in the diary: deleted on the server (``--delete-removed``)
``failed``      the server refused it, or the upload stopped before it was sent
``skipped``     not sent because a resource it refers to failed
``planned``     a dry run: the change it would make (``action``)

FHIR servers explain refusals in an OperationOutcome: a list of issues, each with a
severity, the place (``expression`` or the older ``location``) and a message
(``details.text`` or ``diagnostics``). Each issue is shown on one line,
``error [Observation.status]: Field required``, so the user sees what the server disliked
without reading JSON.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fhirmig.errors import EXIT_AUTH, EXIT_FAILED, EXIT_OK, FhirmigError
from fhirmig.upload.safety import clean_server_text
from fhirmig.wording import plural

__all__ = [
    "NOT_SENT",
    "OUTCOMES",
    "RECEIPT_FORMAT",
    "ResourceResult",
    "UploadSummary",
    "format_issues",
    "outcome_from_body",
    "write_receipt",
]

OUTCOMES = (
    "created",
    "updated",
    "unchanged",
    "present",
    "retired",
    "superseded",
    "deleted",
    "failed",
    "skipped",
    "planned",
)
_WORDS = {
    "created": "created",
    "updated": "updated",
    "unchanged": "unchanged",
    "present": "already present",
    "retired": "marked entered-in-error",
    "superseded": "superseded",
    "deleted": "deleted",
}
_PLANNED = {
    "create": "create",
    "update": "update",
    "retire": "mark entered-in-error",
    "supersede": "mark superseded",
    "delete": "delete",
}
RECEIPT_FORMAT = "fhirmig-upload-receipt/1"
#: The issue recorded for resources left unsent because the upload stopped.
NOT_SENT = "not sent: the upload stopped before it"


def outcome_from_body(body: Any) -> dict[str, Any] | None:
    """The OperationOutcome in a response body (itself, or an entry's ``response.outcome``)."""
    if isinstance(body, dict) and body.get("resourceType") == "OperationOutcome":
        return body
    return None


def format_issues(outcome: dict[str, Any] | None) -> list[str]:
    """One line per issue: ``severity [where]: message`` (``where`` left out when unknown)."""
    if not outcome:
        return []
    lines: list[str] = []
    for issue in outcome.get("issue") or []:
        if not isinstance(issue, dict):
            continue
        severity = str(issue.get("severity") or "error")
        where = issue.get("expression") or issue.get("location") or []
        where_text = ", ".join(str(w) for w in where) if isinstance(where, list) else str(where)
        details = issue.get("details") if isinstance(issue.get("details"), dict) else {}
        message = (details or {}).get("text") or issue.get("diagnostics") or issue.get("code")
        text = clean_server_text(message or "no message")
        severity, where_text = clean_server_text(severity, 40), clean_server_text(where_text, 200)
        lines.append(f"{severity} [{where_text}]: {text}" if where_text else f"{severity}: {text}")
    return lines


@dataclass
class ResourceResult:
    """The server's answer for one resource."""

    key: str
    resource_type: str
    outcome: str
    status: str = ""
    location: str | None = None
    identifier: str | None = None
    issues: list[str] = field(default_factory=list)
    chunk: int = 0  # the transaction (1, 2, ...) it is planned in; 0 when unknown
    server: str | None = None  # the server's Type/id of the copy changed, when known
    why: str = ""  # why a record is withdrawn
    action: str = ""  # the change made (or planned): create, update, retire, ...

    @property
    def server_id(self) -> str | None:
        """``Type/id`` on the server, from the ``location`` without its ``_history`` part."""
        if not self.location:
            return None
        path = self.location.split("/_history")[0]
        parts = path.rstrip("/").split("/")
        return "/".join(parts[-2:]) if len(parts) >= 2 else None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "resource": self.key,
            "outcome": self.outcome,
            "status": self.status,
        }
        if self.identifier:
            data["identifier"] = self.identifier
        if self.location:
            data["location"] = self.location
        if self.server:
            data["server"] = self.server
        if self.action:
            data["action"] = self.action
        if self.why:
            data["why"] = self.why
        if self.issues:
            data["issues"] = list(self.issues)
        return data


@dataclass
class UploadSummary:
    """The result of :func:`fhirmig.upload.upload_resources`.

    ``stopped`` says why the upload ended early (server unreachable, sign-in failed);
    ``auth_failed`` marks the sign-in case. ``exit_code`` is what the command exits with:
    0 everything sent, 1 something failed, 3 sign-in failed.
    """

    server: str
    dry_run: bool = False
    results: list[ResourceResult] = field(default_factory=list)
    chunks: int = 0
    requests: int = 0
    stopped: str | None = None
    #: the error that stopped the upload, so a front end can word it its own way
    stopped_error: FhirmigError | None = field(default=None, repr=False, compare=False)
    auth_failed: bool = False
    mode: str = "transaction"
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many resources ended in each outcome (all outcomes listed)."""
        seen = Counter(r.outcome for r in self.results)
        return {o: seen.get(o, 0) for o in OUTCOMES}

    def by_type(self) -> dict[str, dict[str, int]]:
        """Per resource type, how many ended in each outcome (only outcomes that occur)."""
        table: dict[str, Counter[str]] = {}
        for r in self.results:
            table.setdefault(r.resource_type, Counter())[r.outcome] += 1
        return {t: {o: c[o] for o in OUTCOMES if c[o]} for t, c in sorted(table.items())}

    @property
    def failed(self) -> list[ResourceResult]:
        """The resources that did not reach the server."""
        return [r for r in self.results if r.outcome in ("failed", "skipped")]

    @property
    def ok(self) -> bool:
        return not self.failed and self.stopped is None

    @property
    def exit_code(self) -> int:
        if self.auth_failed:
            return EXIT_AUTH
        return EXIT_OK if self.ok else EXIT_FAILED

    def result(self, key: str) -> ResourceResult:
        """The result for the resource ``Type/id`` (fhirmig's id)."""
        for r in self.results:
            if r.key == key:
                return r
        raise KeyError(key)

    def to_json(self) -> dict[str, Any]:
        """The receipt: what the server answered for every resource, in sending order."""
        return {
            "format": RECEIPT_FORMAT,
            "server": self.server,
            "dryRun": self.dry_run,
            "mode": self.mode,
            "notes": list(self.notes),
            "stopped": self.stopped,
            "counts": self.counts(),
            "byType": self.by_type(),
            "chunks": self.chunks,
            "resources": [r.to_json() for r in self.results],
        }

    def failure_lines(
        self, limit: int = 20, word: Callable[[FhirmigError], str] = str
    ) -> list[str]:
        """What went wrong: why the upload stopped, then the first ``limit`` refused resources
        with their issues. ``word`` words the stopping error (the command line names its
        flags there)."""
        out: list[str] = []
        unsent = [r for r in self.failed if r.issues == [NOT_SENT]]
        if self.stopped:
            why = word(self.stopped_error) if self.stopped_error else self.stopped
            out.append(f"upload stopped: {why}")
            if unsent:
                out.append(f"{plural(len(unsent), 'resource')} not sent")
            if not self.auth_failed:
                out.append("run the same command again to finish; it reads what the server holds")
        refused = [r for r in self.failed if r.issues != [NOT_SENT]]
        for r in refused[:limit]:
            status = f" ({r.status})" if r.status else ""
            out.append(f"{r.outcome} {r.key}{status}")
            out.extend(f"  {issue}" for issue in r.issues)
        if len(refused) > limit:
            out.append(f"... and {len(refused) - limit} more (the receipt lists them all)")
        return out

    def _unit(self) -> str:
        if self.mode in ("transaction", "batch"):
            return plural(self.chunks, self.mode, "batches" if self.mode == "batch" else None)
        return plural(self.chunks, "step")

    def lines(self) -> list[str]:
        """The summary as text lines: totals, then one line per resource type."""
        c = self.counts()
        if self.dry_run:
            planned = Counter(r.action or "create" for r in self.results if r.outcome == "planned")
            parts = [f"{_PLANNED[a]} {planned[a]}" for a in _PLANNED if planned[a]]
            head = f"would {', '.join(parts) or 'change nothing'}"
            head += f" ({plural(c['planned'], 'change')} in {self._unit()})"
            head += f"; unchanged {c['unchanged']}"
        else:
            unsent = sum(1 for r in self.failed if r.issues == [NOT_SENT])
            parts = [f"{_WORDS[o]} {c[o]}" for o in _WORDS if c[o] or o in ("created", "updated")]
            head = ", ".join([*parts, f"failed {c['failed'] + c['skipped'] - unsent}"])
            if unsent:
                head += f", not sent {unsent}"
        out = [head]
        for rtype, row in self.by_type().items():
            out.append(f"  {rtype}: " + ", ".join(f"{o} {n}" for o, n in row.items()))
        return out


def write_receipt(summary: UploadSummary, path: Path) -> Path:
    """Write the receipt JSON (0600, atomically)."""
    import orjson

    from fhirmig.files import atomic_write

    data = orjson.dumps(summary.to_json(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    return atomic_write(path, data + b"\n")
