"""A server's OperationOutcome as lines a person can read.

FHIR servers explain refusals in an OperationOutcome: a list of issues, each with a
severity, a code, the place (``expression`` or the older ``location``) and a message
(``details.text`` or ``diagnostics``). fhirmig shows each issue on one line,
``error [Observation.status]: Field required``, so the user sees what the server
disliked without reading JSON.
"""

from __future__ import annotations

from typing import Any

__all__ = ["format_issues", "outcome_from_body"]

_MAX_MESSAGE = 300


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
        text = " ".join(str(message or "no message").split())
        if len(text) > _MAX_MESSAGE:
            text = text[: _MAX_MESSAGE - 1] + "…"
        lines.append(f"{severity} [{where_text}]: {text}" if where_text else f"{severity}: {text}")
    return lines
