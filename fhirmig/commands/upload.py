"""``fhirmig upload``: send a diary's FHIR resources (and its PDF report) to a FHIR server."""

from __future__ import annotations

import os
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from fhirmig.commands._common import (
    csv_patient_options,
    deidentify_options,
    echo_err,
    handle_errors,
    load_input,
    maybe_deidentify,
    profile_option,
)
from fhirmig.errors import UsageError

if TYPE_CHECKING:
    from fhirmig.diary.model import Diary
    from fhirmig.upload.auth import Auth
    from fhirmig.upload.client import FhirClient
    from fhirmig.upload.diary import DiaryUpload
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


def _source_date() -> date | None:
    """The report's date when ``SOURCE_DATE_EPOCH`` is set; else None: the upload dates
    the report by the diary's last day, so an unchanged diary gives the same PDF."""
    if not os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return None
    from fhirmig.commands.report import generated_date

    return generated_date()


def _print_dry_run(summary: UploadSummary) -> None:
    sent = [r for r in summary.results if r.chunk]
    sizes = Counter(r.chunk for r in sent)
    unit = {"transaction": "transaction", "batch": "batch"}.get(summary.mode, "step")
    current = 0
    for result in sent:
        if result.chunk != current:
            current = result.chunk
            size = sizes[current]
            click.echo(f"{unit} {current} ({size} {'change' if size == 1 else 'changes'}):")
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
    help="Seconds each request may take in all (connect, send and receive).",
)
@click.option(
    "--deadline",
    type=click.FloatRange(min=1.0),
    default=1800.0,
    show_default=True,
    help="Seconds the whole upload may take; then it stops (run it again to finish).",
)
@click.option(
    "--max-wait",
    type=click.FloatRange(min=0.0),
    default=120.0,
    show_default=True,
    help="Longest Retry-After wait (seconds) to honour; a busier server ends the upload.",
)
@click.option(
    "--max-response-mb",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Refuse a server answer larger than this (MB).",
)
@click.option(
    "--allow-insecure-http",
    is_flag=True,
    help="Allow plain http to a host other than this machine (data travels unencrypted).",
)
@click.option(
    "--mode",
    type=click.Choice(("auto", "transaction", "batch", "single", "document")),
    default="auto",
    show_default=True,
    help="How to send: auto reads the server's CapabilityStatement; document sends the PDF "
    "report alone as a DocumentReference.",
)
@click.option(
    "--delete-removed",
    is_flag=True,
    help="Delete records the diary no longer has (default: mark them entered-in-error).",
)
@click.option(
    "--accept-patient-mismatch",
    is_flag=True,
    help="Upload even though the server's Patient with this identifier differs in family "
    "name, birth date or sex (a deliberate correction).",
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
@click.option(
    "--include-summaries",
    is_flag=True,
    help="With --mode document: also send the summary Observations of the figures.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Read the server and list what would be created, updated and withdrawn; write nothing.",
)
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
    deadline: float,
    max_wait: float,
    max_response_mb: int,
    allow_insecure_http: bool,
    mode: str,
    delete_removed: bool,
    accept_patient_mismatch: bool,
    batch_size: int,
    identifier_system: str | None,
    include_report: bool,
    include_summaries: bool,
    dry_run: bool,
    receipt: Path | None,
    csv_patient_id: str | None,
    csv_timezone: str | None,
    deidentify: bool,
    key_file: Path | None,
    keep_notes: bool,
    profile: str,
) -> None:
    """Make a FHIR server hold what INPUT says (a diary, or fhirmig's FHIR Bundle or NDJSON).

    The upload is a sync: it finds the patient (and refuses one that looks like another
    person), reads what the server holds, then creates what is new, updates what changed
    and marks what the diary no longer has entered-in-error (--delete-removed deletes it).
    Running it again after a failure or an edit brings the server up to date. The token is
    never taken from the command line: set FHIRMIG_TOKEN or use --token-file. Exit codes:
    0 all sent, 1 some failed or refused, 2 usage, 3 sign-in failed.
    """
    from fhirmig.upload.safety import check_server_url

    check_server_url(server, allow_insecure_http=allow_insecure_http)
    _check_auth_options(auth, token_file, client_id, private_key, kid, token_url)
    if include_summaries and mode != "document":
        raise UsageError("--include-summaries goes with --mode document")
    diary = maybe_deidentify(
        load_input(input_path, csv_patient_id, csv_timezone), deidentify, key_file, keep_notes
    )
    from fhirmig.fhir.profiles import check_profile
    from fhirmig.upload import write_receipt
    from fhirmig.upload.client import FhirClient
    from fhirmig.upload.diary import DiaryUpload

    options = DiaryUpload(
        mode=mode,
        batch_size=batch_size,
        dry_run=dry_run,
        include_report=include_report,
        include_summaries=include_summaries,
        delete_removed=delete_removed,
        accept_patient_mismatch=accept_patient_mismatch,
        identifier_system=identifier_system,
        generated=_source_date(),
        profile=check_profile(profile),
    )
    sign_in = _build_auth(auth, server, token_file, client_id, private_key, kid, scope, token_url)
    with FhirClient(
        server,
        sign_in,
        timeout=timeout,
        ca_bundle=ca_bundle,
        deadline=deadline,
        max_wait=max_wait,
        max_body=max_response_mb * 1024 * 1024,
        notify=echo_err,
        allow_insecure_http=allow_insecure_http,
    ) as client:
        summary = _send(diary, options, client)
    if dry_run:
        _print_dry_run(summary)
    _print_summary(summary)
    if receipt is not None:
        write_receipt(summary, receipt)
    if summary.exit_code:
        sys.exit(summary.exit_code)


def _send(diary: Diary, options: DiaryUpload, client: FhirClient) -> UploadSummary:
    from fhirmig.upload.diary import upload_diary

    if options.dry_run or not sys.stderr.isatty():
        return upload_diary(diary, client, options, notify=echo_err)
    with click.progressbar(length=1, label="uploading", file=sys.stderr) as bar:

        def advance(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        return upload_diary(diary, client, options, notify=echo_err, progress=advance)
