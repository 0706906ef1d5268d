"""Uploading one input (and optionally its PDF report) to a FHIR server."""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fhirmig.app.context import RunContext
from fhirmig.app.inputs import open_diary
from fhirmig.app.outputs import check_output
from fhirmig.errors import FhirmigError, UploadError, UsageError

if TYPE_CHECKING:
    from fhirmig.diary.model import Diary
    from fhirmig.upload.auth import Auth
    from fhirmig.upload.summary import UploadSummary

__all__ = ["AUTH_METHODS", "SignIn", "UploadOutcome", "progress_wanted", "upload_input"]

AUTH_METHODS = ("none", "bearer", "smart-backend")
Progress = Callable[[int, int], None]


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


def _report_resource(diary: Diary, workdir: Path, ctx: RunContext) -> dict[str, Any]:
    """The PDF report of ``diary`` as a DocumentReference (the PDF made in a private folder).

    The report covers the diary's whole span; its "generated" date is the run's day.
    """
    from fhirmig.analysis import compute_stats
    from fhirmig.fhir import document_reference
    from fhirmig.report import render_stats_report

    stats = compute_stats(diary)
    start, end = stats.period_from, stats.period_to
    if start is None or end is None:
        raise UploadError(
            "{include_report}: the diary has no days to report on", params=("include_report",)
        )
    pdf_path = render_stats_report(diary, stats, workdir / "report.pdf", generated=ctx.today)
    title = f"Headache diary report {start.isoformat()} to {end.isoformat()}"
    pdf = Path(pdf_path).read_bytes()
    return document_reference(diary, pdf, start=start, end=end, title=title)


def _dry_run_lines(summary: UploadSummary) -> list[str]:
    sizes = Counter(r.chunk for r in summary.results)
    current = 0
    lines = []
    for result in summary.results:
        if result.chunk != current:
            current = result.chunk
            size = sizes[current]
            lines.append(f"transaction {current} ({size} {'entry' if size == 1 else 'entries'}):")
        lines.append(f"  {result.status}")
    return lines


def upload_input(
    source: str | os.PathLike[str],
    server: str,
    *,
    sign_in: SignIn | None = None,
    ca_bundle: str | os.PathLike[str] | None = None,
    timeout: float = 60.0,
    batch_size: int = 500,
    identifier_system: str | None = None,
    include_report: bool = False,
    dry_run: bool = False,
    receipt: str | os.PathLike[str] | None = None,
    patient_id: str | None = None,
    timezone: str | None = None,
    profile: str = "r4",
    context: RunContext | None = None,
    progress: Progress | None = None,
    word: Callable[[FhirmigError], str] = str,
) -> UploadOutcome:
    """Send ``source`` (any diary input) to the FHIR server at ``server``.

    Everything is checked before anything is sent: the server URL, the sign-in settings,
    the receipt (never an input, key or token file). ``word`` words an error that stopped
    the upload half-way, which is reported in the outcome rather than raised.
    """
    ctx = context or RunContext.create()
    auth = sign_in or SignIn()
    if not server.startswith(("https://", "http://")):
        raise UsageError(
            "{server} " + f"must be an http(s) URL, not {server!r}", params=("server",)
        )
    auth.check()
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
    from fhirmig.fhir import DEFAULT_PATIENT_SYSTEM, diary_to_resources
    from fhirmig.fhir.profiles import check_profile

    system = identifier_system or DEFAULT_PATIENT_SYSTEM
    resources: list[dict[str, Any]] = diary_to_resources(
        diary, identifier_system=system, profile=check_profile(profile)
    )
    if include_report:
        from fhirmig.files import private_tempdir

        with private_tempdir() as workdir:
            resources.append(_report_resource(diary, workdir, ctx))

    from fhirmig.upload import upload_resources, write_receipt

    lines: list[str] = []
    if dry_run:
        summary = upload_resources(resources, server, batch_size=batch_size, dry_run=True)
        lines.extend(_dry_run_lines(summary))
    else:
        from fhirmig.upload.client import FhirClient

        built = auth.build(server)
        ca = Path(ca_bundle) if ca_bundle is not None else None
        with FhirClient(server, built, timeout=timeout, ca_bundle=ca) as client:
            summary = upload_resources(
                resources, server, batch_size=batch_size, client=client, progress=progress
            )
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
