"""Sending FHIR resources to an EHR's FHIR server as a sync: signed in, retried, bounded.

:func:`upload_resources` takes the plain FHIR resources fhirmig makes (deterministic ids,
``Type/id`` references, a business ``identifier`` on each resource that has one) and makes
the server hold exactly what they say. It finds the patient by identifier and checks it
is the same person (:mod:`fhirmig.upload.identity`), reads what the server holds for that
patient (:mod:`fhirmig.upload.remote`), works out what to create, update and withdraw
(:mod:`fhirmig.upload.sync`) and sends only that (:mod:`fhirmig.upload.sender`), as
transaction or batch Bundles or single requests. Running it again, after a failure or after
editing the diary, brings the server to the diary's latest state. See
``docs/howto-upload.md``.
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
    mode: str = "transaction",
    delete_removed: bool = False,
    accept_patient_mismatch: bool = False,
) -> UploadSummary:
    """Make the FHIR server at ``server`` (its base URL) hold what ``resources`` say.

    ``auth`` is a :class:`~fhirmig.upload.auth.NoAuth`, ``BearerAuth`` or
    ``SmartBackendAuth`` (default: none). ``client`` replaces the default
    :class:`~fhirmig.upload.client.FhirClient` (to set the CA bundle, timeouts, deadline,
    retry policy or, in tests, the transport). ``progress`` is called after every chunk
    with (changes done, total). ``mode`` is ``transaction``, ``batch`` or ``single``
    (:mod:`fhirmig.upload.sender`; ``auto`` and ``document`` are chosen by
    :func:`fhirmig.upload.modes.resolve_mode`). Records the diary no longer has are marked
    entered-in-error, or deleted with ``delete_removed``. With ``dry_run`` the server is
    read but nothing is written: every change is ``planned``.

    Refusals by the server are recorded per resource in the summary, not raised; the
    summary's ``exit_code`` tells the overall result. Raises
    :class:`~fhirmig.errors.UploadError` before anything is written for input that cannot
    be planned (a resource without id, a reference cycle), a patient that cannot be checked
    or that differs from the server's (unless ``accept_patient_mismatch``).
    """
    from fhirmig.upload.client import FhirClient
    from fhirmig.upload.run import run_sync

    own = client is None
    http = client if client is not None else FhirClient(server, auth)
    if client is not None and auth is not None:
        http.auth = auth
    try:
        return run_sync(
            http,
            list(resources),
            batch_size=batch_size,
            dry_run=dry_run,
            progress=progress,
            mode=mode,
            delete_removed=delete_removed,
            accept_patient_mismatch=accept_patient_mismatch,
        )
    finally:
        if own:
            http.close()
