"""``fhirmig upload``: make a FHIR server hold what a diary says (and its PDF report)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from fhirmig.app import (
    AUTH_METHODS,
    UPLOAD_MODES,
    RunContext,
    SignIn,
    Transport,
    UploadChoices,
    progress_wanted,
    upload_input,
)
from fhirmig.commands._common import (
    csv_patient_options,
    deidentify_options,
    echo_err,
    handle_errors,
    profile_option,
    word,
)

MODES = UPLOAD_MODES

__all__ = ["upload"]


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
    type=click.Choice(MODES),
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
    help="Changes per transaction or batch Bundle.",
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
    help="Write a JSON record of the server's answer for every resource (- for standard output).",
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

    \b
    Examples:
      fhirmig upload diary.json --server https://ehr.example.org/fhir --dry-run
      FHIRMIG_TOKEN=... fhirmig upload diary.json --server https://ehr.example.org/fhir \\
          --auth bearer --include-report --receipt receipt.json
      fhirmig upload diary.json --server https://ehr.example.org/fhir --mode document
    """
    context = RunContext.create(deidentify=deidentify, key_file=key_file, keep_notes=keep_notes)
    sign_in = SignIn(auth, token_file, client_id, private_key, kid, scope, token_url)
    with _progress(not dry_run and progress_wanted()) as advance:
        outcome = upload_input(
            input_path,
            server,
            sign_in=sign_in,
            ca_bundle=ca_bundle,
            timeout=timeout,
            transport=Transport(deadline, max_wait, max_response_mb, allow_insecure_http),
            choices=UploadChoices(
                mode=mode,
                delete_removed=delete_removed,
                accept_patient_mismatch=accept_patient_mismatch,
                include_summaries=include_summaries,
            ),
            batch_size=batch_size,
            identifier_system=identifier_system,
            include_report=include_report,
            dry_run=dry_run,
            notify=echo_err,
            receipt=receipt,
            patient_id=csv_patient_id,
            timezone=csv_timezone,
            profile=profile,
            context=context,
            progress=advance,
            word=word,
        )
    for line in outcome.lines:
        click.echo(line, err=outcome.to_stdout)
    for line in outcome.error_lines:
        click.echo(line, err=True)
    if outcome.exit_code:
        sys.exit(outcome.exit_code)


@contextmanager
def _progress(wanted: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on standard error (a terminal only), fed with (done, total)."""
    if not wanted:
        yield None
        return
    with click.progressbar(length=1, label="uploading", file=sys.stderr) as bar:
        seen = [0]

        def advance(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - seen[0])
            seen[0] = done

        yield advance
