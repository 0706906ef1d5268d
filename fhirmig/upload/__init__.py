"""Sending FHIR resources to an EHR's FHIR server: signed in, retried, never duplicated.

:func:`upload_resources` takes the plain FHIR resources fhirmig makes (deterministic ids,
``Type/id`` references, a business ``identifier`` on each resource that has one) and
sends them as transaction Bundles of at most ``batch_size`` entries, the Patient first.
Every entry is a conditional create on its identifier (resources without an identifier
element, such as Provenance, are a ``PUT`` to their deterministic id), so running the
same upload again, after a failure or not, stores nothing twice and finishes what was
left. See ``docs/howto-upload.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fhirmig.upload.auth import Auth, BearerAuth, NoAuth, SmartBackendAuth, read_token
from fhirmig.upload.keys import SigningKey, load_signing_key, public_jwk
from fhirmig.upload.plan import Planned, UploadPlan, business_identifier, plan_upload
from fhirmig.upload.retry import RetryPolicy
from fhirmig.upload.summary import ResourceResult, UploadSummary, format_issues, write_receipt

if TYPE_CHECKING:
    from collections.abc import Iterable

    from fhirmig.upload.client import FhirClient
    from fhirmig.upload.sender import ProgressCallback

__all__ = [
    "Auth",
    "BearerAuth",
    "FhirClient",
    "NoAuth",
    "Planned",
    "ResourceResult",
    "RetryPolicy",
    "SigningKey",
    "SmartBackendAuth",
    "UploadPlan",
    "UploadSummary",
    "business_identifier",
    "format_issues",
    "load_signing_key",
    "plan_upload",
    "public_jwk",
    "read_token",
    "upload_resources",
    "write_receipt",
]


def __getattr__(name: str) -> Any:
    """``FhirClient`` is imported on first use: it loads httpx, which ``import`` should not."""
    if name == "FhirClient":
        from fhirmig.upload.client import FhirClient

        return FhirClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def upload_resources(
    resources: Iterable[dict[str, Any]],
    server: str,
    auth: Auth | None = None,
    batch_size: int = 500,
    dry_run: bool = False,
    *,
    client: FhirClient | None = None,
    progress: ProgressCallback | None = None,
) -> UploadSummary:
    """Send ``resources`` to the FHIR server at ``server`` (its base URL).

    ``auth`` is a :class:`~fhirmig.upload.auth.NoAuth`, ``BearerAuth`` or
    ``SmartBackendAuth`` (default: none). ``client`` replaces the default
    :class:`~fhirmig.upload.client.FhirClient` (to set the CA bundle, timeouts, retry
    policy or, in tests, the transport). ``progress`` is called after every chunk with
    (resources done, total). With ``dry_run`` nothing is sent and every resource is
    ``planned``.

    Refusals by the server are recorded per resource in the summary, not raised; the
    summary's ``exit_code`` tells the overall result. Raises
    :class:`~fhirmig.errors.UploadError` only for input that cannot be planned
    (a resource without id, a reference cycle).
    """
    plan = plan_upload(resources, batch_size)
    summary = UploadSummary(server=server.rstrip("/"), dry_run=dry_run)
    if dry_run:
        for chunk in plan:
            summary.chunks += 1
            for p in chunk:
                summary.results.append(
                    ResourceResult(
                        p.key,
                        p.resource_type,
                        "planned",
                        p.label(),
                        identifier=p.identifier_text(),
                        chunk=summary.chunks,
                    )
                )
        return summary

    from fhirmig.upload.client import FhirClient
    from fhirmig.upload.sender import Sender

    own = client is None
    http = client if client is not None else FhirClient(server, auth)
    if client is not None and auth is not None:
        http.auth = auth
    try:
        Sender(http, plan, summary, progress).run()
        summary.requests = http.requests_sent
    finally:
        if own:
            http.close()
    return summary
