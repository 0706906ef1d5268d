"""``fhirmig upload``: send a diary's FHIR resources (and its PDF report) to a FHIR server."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from fhirmig.commands._common import (
    csv_patient_options,
    deidentify_options,
    handle_errors,
    load_input,
    maybe_deidentify,
    profile_option,
)
from fhirmig.errors import UsageError

if TYPE_CHECKING:
    from fhirmig.diary.model import Diary
    from fhirmig.upload.auth import Auth
    from fhirmig.upload.summary import UploadSummary

__all__ = ["upload"]

AUTH_METHODS = ("none", "bearer", "smart-backend")


def _check_auth_options(
    auth: str,
    token_file: Path | None,
    client_id: str | None,
    private_key: Path | None,
    kid: str | None,
    token_url: str | None,
) -> None:
    """Refuse sign-in options that do not go with ``--auth`` (before any work is done)."""
    if auth != "bearer" and token_file is not None:
        raise UsageError("--token-file goes with --auth bearer")
    if auth != "smart-backend" and (client_id or private_key or kid or token_url):
        raise UsageError(
            "--client-id, --private-key, --kid and --token-url go with --auth smart-backend"
        )
    if auth == "smart-backend" and (not client_id or private_key is None):
        raise UsageError("--auth smart-backend needs --client-id and --private-key")


def _build_auth(
    auth: str,
    server: str,
    token_file: Path | None,
    client_id: str | None,
    private_key: Path | None,
    kid: str | None,
    scope: str,
    token_url: str | None,
) -> Auth:
    from fhirmig.upload.auth import BearerAuth, NoAuth, SmartBackendAuth, read_token

    if auth == "bearer":
        return BearerAuth(read_token(token_file))
    if auth == "smart-backend" and client_id and private_key is not None:
        from fhirmig.upload.keys import load_signing_key

        key = load_signing_key(private_key, kid)
        return SmartBackendAuth(server, client_id, key, scope=scope, token_url=token_url)
    return NoAuth()


def _report_resource(diary: Diary, workdir: Path) -> dict[str, Any]:
    """The PDF report of ``diary`` as a DocumentReference (the PDF made in a private folder).

    The report covers the diary's whole span; its "generated" date is ``SOURCE_DATE_EPOCH``
    when set, else today, as for ``fhirmig report``.
    """
    from fhirmig.analysis import compute_stats
    from fhirmig.commands.report import generated_date
    from fhirmig.errors import UploadError
    from fhirmig.fhir import document_reference
    from fhirmig.report import render_stats_report

    stats = compute_stats(diary)
    start, end = stats.period_from, stats.period_to
    if start is None or end is None:
        raise UploadError("--include-report: the diary has no days to report on")
    pdf_path = render_stats_report(diary, stats, workdir / "report.pdf", generated=generated_date())
    title = f"Headache diary report {start.isoformat()} to {end.isoformat()}"
    pdf = Path(pdf_path).read_bytes()
    return document_reference(diary, pdf, start=start, end=end, title=title)


def _print_dry_run(summary: UploadSummary) -> None:
    sizes = Counter(r.chunk for r in summary.results)
    current = 0
    for result in summary.results:
        if result.chunk != current:
            current = result.chunk
            size = sizes[current]
            click.echo(f"transaction {current} ({size} {'entry' if size == 1 else 'entries'}):")
        click.echo(f"  {result.status}")


def _print_summary(summary: UploadSummary) -> None:
    for line in summary.lines():
        click.echo(line)
    for line in summary.failure_lines():
        click.echo(line, err=True)


@click.command(name="upload")
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, path_type=Path))
@click.option("--server", required=True, metavar="BASE_URL", help="The FHIR server's base URL.")
@click.option(
    "--auth",
    type=click.Choice(AUTH_METHODS),
    default="none",
    show_default=True,
    help="How to sign in (bearer: token from $FHIRMIG_TOKEN or --token-file).",
)
@click.option(
    "--token-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="With --auth bearer: a file holding the access token.",
)
@click.option("--client-id", help="With --auth smart-backend: the client id the EHR registered.")
@click.option(
    "--private-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="With --auth smart-backend: the signing key, a PEM or JWKS file (RS384 or ES384).",
)
@click.option("--kid", help="With --auth smart-backend: the key id (default: from the file).")
@click.option(
    "--scope",
    default="system/*.read system/*.write",
    show_default=True,
    help="With --auth smart-backend: the scopes to ask for.",
)
@click.option(
    "--token-url", help="With --auth smart-backend: the token endpoint (default: discovered)."
)
@click.option(
    "--ca-bundle",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Trust this CA bundle (PEM) for the server's TLS certificate.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1.0),
    default=60.0,
    show_default=True,
    help="Seconds to wait for each answer.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1, max=10_000),
    default=500,
    show_default=True,
    help="Resources per transaction Bundle.",
)
@click.option(
    "--identifier-system",
    metavar="URI",
    help="Identifier system of the patient id, e.g. the EHR's MRN system (default: fhirmig's).",
)
@click.option(
    "--include-report", is_flag=True, help="Also send the PDF report (DocumentReference)."
)
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send nothing.")
@click.option(
    "--receipt",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a JSON record of the server's answer for every resource.",
)
@profile_option
@csv_patient_options
@deidentify_options
@handle_errors
def upload(
    input_path: Path,
    server: str,
    auth: str,
    token_file: Path | None,
    client_id: str | None,
    private_key: Path | None,
    kid: str | None,
    scope: str,
    token_url: str | None,
    ca_bundle: Path | None,
    timeout: float,
    batch_size: int,
    identifier_system: str | None,
    include_report: bool,
    dry_run: bool,
    receipt: Path | None,
    csv_patient_id: str | None,
    csv_timezone: str | None,
    deidentify: bool,
    key_file: Path | None,
    keep_notes: bool,
    profile: str,
) -> None:
    """Send INPUT (a diary, or fhirmig's FHIR Bundle or NDJSON folder) to a FHIR server.

    Resources go as transaction Bundles, the Patient first; each is a conditional create on
    its identifier, so running the same command again (after a failure) stores nothing
    twice. The token is never taken from the command line: set FHIRMIG_TOKEN or use
    --token-file. Exit codes: 0 all sent, 1 some failed, 2 usage, 3 sign-in failed.
    """
    if not server.startswith(("https://", "http://")):
        raise UsageError(f"--server must be an http(s) URL, not {server!r}")
    _check_auth_options(auth, token_file, client_id, private_key, kid, token_url)
    diary = maybe_deidentify(
        load_input(input_path, csv_patient_id, csv_timezone), deidentify, key_file, keep_notes
    )
    from fhirmig.fhir import DEFAULT_PATIENT_SYSTEM, diary_to_resources

    system = identifier_system or DEFAULT_PATIENT_SYSTEM
    resources: list[dict[str, Any]] = diary_to_resources(
        diary,
        identifier_system=system,
        profile=profile,  # type: ignore[arg-type]
    )
    if include_report:
        from fhirmig.files import private_tempdir

        with private_tempdir() as workdir:
            resources.append(_report_resource(diary, workdir))

    from fhirmig.upload import upload_resources, write_receipt

    if dry_run:
        summary = upload_resources(resources, server, batch_size=batch_size, dry_run=True)
        _print_dry_run(summary)
    else:
        from fhirmig.upload.client import FhirClient

        sign_in = _build_auth(
            auth, server, token_file, client_id, private_key, kid, scope, token_url
        )
        with FhirClient(server, sign_in, timeout=timeout, ca_bundle=ca_bundle) as client:
            summary = _send(resources, server, batch_size, client)
    _print_summary(summary)
    if receipt is not None:
        write_receipt(summary, receipt)
    if summary.exit_code:
        sys.exit(summary.exit_code)


def _send(
    resources: list[dict[str, Any]], server: str, batch_size: int, client: Any
) -> UploadSummary:
    from fhirmig.upload import upload_resources

    if not sys.stderr.isatty():
        return upload_resources(resources, server, batch_size=batch_size, client=client)
    with click.progressbar(length=len(resources), label="uploading", file=sys.stderr) as bar:
        seen = [0]

        def advance(done: int, total: int) -> None:
            bar.update(done - seen[0])
            seen[0] = done

        return upload_resources(
            resources, server, batch_size=batch_size, client=client, progress=advance
        )
