"""Uploading one input (and optionally its PDF report) to a FHIR server, as a sync.

The work is :func:`fhirmig.upload.diary.upload_diary`; this layer opens the input, checks
the options, the server URL and the receipt before anything is sent, builds the sign-in
and the bounded client, and words the result.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fhirmig.app.context import RunContext
from fhirmig.app.inputs import open_diary
from fhirmig.app.outputs import check_output
from fhirmig.errors import FhirmigError, UsageError

if TYPE_CHECKING:
    from fhirmig.upload.auth import Auth
    from fhirmig.upload.summary import UploadSummary

__all__ = [
    "AUTH_METHODS",
    "UPLOAD_MODES",
    "SignIn",
    "Transport",
    "UploadChoices",
    "UploadOutcome",
    "progress_wanted",
    "upload_input",
]

AUTH_METHODS = ("none", "bearer", "smart-backend")
#: ``--mode`` values: how the changes travel (see :mod:`fhirmig.upload.modes`).
UPLOAD_MODES = ("auto", "transaction", "batch", "single", "document")
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Transport:
    """The transport bounds: the whole upload's ``deadline`` (s), the longest
    ``Retry-After`` honoured (``max_wait``, s), the largest answer read (MB), and whether
    plain http to another machine is allowed."""

    deadline: float = 1800.0
    max_wait: float = 120.0
    max_response_mb: int = 50
    allow_insecure_http: bool = False


@dataclass(frozen=True, slots=True)
class UploadChoices:
    """How the sync runs: the ``mode``, deleting removed records instead of withdrawing
    them, accepting a patient mismatch, and (document mode) adding the summaries."""

    mode: str = "auto"
    delete_removed: bool = False
    accept_patient_mismatch: bool = False
    include_summaries: bool = False


@dataclass(frozen=True, slots=True)
class SignIn:
    """How to sign in to the server: ``none``, ``bearer`` (token from the environment or
    ``token_file``) or ``smart-backend`` (a signed client assertion)."""

    auth: str = "none"
    token_file: Path | None = None
    client_id: str | None = None
    private_key: Path | None = None
    kid: str | None = None
    scope: str = "system/*.read system/*.write"
    token_url: str | None = None

    def check(self) -> None:
        """Refuse settings that do not go with ``auth`` (before any work is done)."""
        if self.auth not in AUTH_METHODS:
            raise UsageError(
                "{auth} " + f"must be one of {', '.join(AUTH_METHODS)}", params=("auth",)
            )
        if self.auth != "bearer" and self.token_file is not None:
            raise UsageError("{token_file} goes with {auth} bearer", params=("token_file", "auth"))
        smart = ("client_id", "private_key", "kid", "token_url")
        if self.auth != "smart-backend" and any(getattr(self, n) for n in smart):
            raise UsageError(
                "{client_id}, {private_key}, {kid} and {token_url} go with {auth} smart-backend",
                params=(*smart, "auth"),
            )
        if self.auth == "smart-backend" and (not self.client_id or self.private_key is None):
            raise UsageError(
                "{auth} smart-backend needs {client_id} and {private_key}",
                params=("auth", "client_id", "private_key"),
            )

    def build(self, server: str) -> Auth:
        """The sign-in object for ``server`` (reads the token or key file)."""
        from fhirmig.upload.auth import BearerAuth, NoAuth, SmartBackendAuth, read_token

        if self.auth == "bearer":
            return BearerAuth(read_token(self.token_file))
        if self.auth == "smart-backend" and self.client_id and self.private_key is not None:
            from fhirmig.upload.keys import load_signing_key

            key = load_signing_key(self.private_key, self.kid)
            return SmartBackendAuth(
                server, self.client_id, key, scope=self.scope, token_url=self.token_url
            )
        return NoAuth()


@dataclass(frozen=True, slots=True)
class UploadOutcome:
    """The result for the user: ``lines`` for standard output, ``error_lines`` for
    standard error, and the exit code (0 all sent, 1 some failed, 3 sign-in failed)."""

    lines: tuple[str, ...]
    error_lines: tuple[str, ...]
    exit_code: int
    summary: UploadSummary
    #: the receipt went to standard output (``-``): the lines belong on standard error
    to_stdout: bool = False


def _dry_run_lines(summary: UploadSummary) -> list[str]:
    """Each change the dry run would send, grouped as it would send them."""
    sent = [r for r in summary.results if r.chunk]
    sizes = Counter(r.chunk for r in sent)
    unit = {"transaction": "transaction", "batch": "batch"}.get(summary.mode, "step")
    current = 0
    lines = []
    for result in sent:
        if result.chunk != current:
            current = result.chunk
            size = sizes[current]
            lines.append(f"{unit} {current} ({size} {'change' if size == 1 else 'changes'}):")
        lines.append(f"  {result.status}")
    return lines


def upload_input(
    source: str | os.PathLike[str],
    server: str,
    *,
    sign_in: SignIn | None = None,
    ca_bundle: str | os.PathLike[str] | None = None,
    timeout: float = 60.0,
    transport: Transport | None = None,
    choices: UploadChoices | None = None,
    batch_size: int = 500,
    identifier_system: str | None = None,
    include_report: bool = False,
    dry_run: bool = False,
    notify: Callable[[str], None] | None = None,
    receipt: str | os.PathLike[str] | None = None,
    patient_id: str | None = None,
    timezone: str | None = None,
    profile: str = "r4",
    context: RunContext | None = None,
    progress: Progress | None = None,
    word: Callable[[FhirmigError], str] = str,
) -> UploadOutcome:
    """Make the FHIR server at ``server`` hold what ``source`` (any diary input) says.

    Everything is checked before anything is sent: the server URL (http(s), no credentials
    in it, no plain http to another machine unless allowed), the sign-in settings, the
    receipt (never an input, key or token file). ``notify`` receives progress notes (the
    mode chosen and why, waits over 5 s). ``word`` words an error that stopped the upload
    half-way, which is reported in the outcome rather than raised.
    """
    from fhirmig.upload.safety import check_server_url

    ctx = context or RunContext.create()
    auth = sign_in or SignIn()
    bounds = transport or Transport()
    how = choices or UploadChoices()
    check_server_url(server, allow_insecure_http=bounds.allow_insecure_http)
    auth.check()
    if how.mode not in UPLOAD_MODES:
        raise UsageError("{mode} " + f"must be one of {', '.join(UPLOAD_MODES)}", params=("mode",))
    if how.include_summaries and how.mode != "document":
        raise UsageError(
            "{include_summaries} goes with {mode} document", params=("include_summaries", "mode")
        )
    receipt_out = None
    if receipt is not None:
        receipt_out = check_output(
            receipt,
            protect=[
                ("input", source),
                ("token file", auth.token_file),
                ("signing key", auth.private_key),
                ("CA bundle", ca_bundle),
                *(("key", k) for k in ctx.protected),
            ],
        )
    diary = ctx.prepare(
        open_diary(source, command="upload", patient_id=patient_id, timezone=timezone)
    )
    from fhirmig.fhir.profiles import check_profile
    from fhirmig.upload import write_receipt
    from fhirmig.upload.client import FhirClient
    from fhirmig.upload.diary import DiaryUpload, upload_diary

    options = DiaryUpload(
        mode=how.mode,
        batch_size=batch_size,
        dry_run=dry_run,
        include_report=include_report,
        include_summaries=how.include_summaries,
        delete_removed=how.delete_removed,
        accept_patient_mismatch=how.accept_patient_mismatch,
        identifier_system=identifier_system,
        # the report is dated by the diary (the same diary, the same PDF) unless the run
        # is made reproducible with SOURCE_DATE_EPOCH
        generated=ctx.today if ctx.reproducible else None,
        profile=check_profile(profile),
    )
    built = auth.build(server)
    ca = Path(ca_bundle) if ca_bundle is not None else None
    with FhirClient(
        server,
        built,
        timeout=timeout,
        ca_bundle=ca,
        deadline=bounds.deadline,
        max_wait=bounds.max_wait,
        max_body=bounds.max_response_mb * 1024 * 1024,
        notify=notify,
        allow_insecure_http=bounds.allow_insecure_http,
    ) as client:
        summary = upload_diary(
            diary, client, options, notify=notify, progress=None if dry_run else progress
        )
    lines: list[str] = _dry_run_lines(summary) if dry_run else []
    lines.extend(summary.lines())
    if receipt_out is not None:
        receipt_out.produce(lambda path: write_receipt(summary, path), name="receipt.json")
    return UploadOutcome(
        tuple(lines),
        tuple(summary.failure_lines(word=word)),
        summary.exit_code,
        summary,
        to_stdout=receipt_out is not None and receipt_out.is_stdout,
    )


def progress_wanted() -> bool:
    """True when standard error is a terminal (a progress bar helps there, not in logs)."""
    return sys.stderr.isatty()
