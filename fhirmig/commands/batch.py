"""``fhirmig batch INPUT... -o OUTDIR``: convert many diaries at once."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fhirmig.app import RunContext, batch_convert, plural
from fhirmig.commands._common import (
    deidentify_options,
    echo_err,
    handle_errors,
    profile_option,
)

__all__ = ["batch"]


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "-o",
    "--outdir",
    required=True,
    metavar="OUTDIR",
    help="Output folder (created when missing), or an fsspec URL such as s3://bucket/export/.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["ndjson", "bundles"]),
    default="ndjson",
    show_default=True,
    help="ndjson: bulk NDJSON parts and a Bulk Data manifest; bundles: one Bundle per diary.",
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes [all cores].")
@click.option("--resume", is_flag=True, help="Skip diaries finished by an earlier run.")
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="local: a process pool; dask: a Dask cluster (pip install 'fhirmig[dask]').",
)
@click.option("--scheduler", metavar="ADDRESS", help="With --engine dask: the scheduler address.")
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Diaries per unit of work (the output layout depends on it).",
)
@click.option(
    "--max-part-mb",
    type=click.IntRange(min=1),
    default=32,
    show_default=True,
    help="Upper size of one NDJSON part in MiB.",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="Prefix for the file URLs in the manifest [the OUTDIR URL for object storage].",
)
@click.option(
    "--summaries/--no-summaries",
    default=True,
    show_default=True,
    help="Add Observations of the clinical figures (headache, migraine, medication days).",
)
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="With --deidentify: write which input number (input-000001) is which input to "
    "FILE (mode 0600, never overwritten, not in OUTDIR). Without it the link is kept nowhere.",
)
@profile_option
@deidentify_options
@handle_errors
def batch(
    inputs: tuple[str, ...],
    outdir: str,
    output_format: str,
    jobs: int | None,
    resume: bool,
    engine: str,
    scheduler: str | None,
    chunk_size: int,
    max_part_mb: int,
    base_url: str | None,
    summaries: bool,
    deidentify: bool,
    key_file: Path | None,
    keep_notes: bool,
    profile: str,
    mapping: Path | None,
) -> None:
    """Convert every diary in INPUT... (files, folders, glob patterns or fsspec URLs such
    as s3://bucket/diaries/) to FHIR R4.

    Writes OUTDIR/ledger.json (every input with its sha256, status, resource counts or
    errors) and, for NDJSON, OUTDIR/manifest.json. A bad diary is reported and skipped.
    With --deidentify, the folder names inputs by number and keeps keyed digests only.
    Exits 0 when every diary was converted, 1 when any failed, 2 on a usage error.

    \b
    Examples:
      fhirmig batch diaries/ -o out/
      fhirmig batch 'registry/**/*.json' -o out/ --format bundles -j 4
      fhirmig batch s3://bucket/diaries/ -o out/ --resume
    """
    context = RunContext.create(deidentify=deidentify, key_file=key_file, keep_notes=keep_notes)
    summary = batch_convert(
        list(inputs),
        outdir,
        format=output_format,
        jobs=jobs,
        resume=resume,
        engine=engine,
        scheduler=scheduler,
        chunk_size=chunk_size,
        max_part_bytes=max_part_mb * 1024 * 1024,
        base_url=base_url,
        summaries=summaries,
        progress=sys.stderr,
        profile=profile,
        context=context,
        mapping=mapping,
    )
    click.echo(
        f"{summary.converted} of {plural(summary.inputs, 'diary', 'diaries')} converted, "
        f"{plural(summary.resources, 'resource')} in {plural(summary.files, 'file')}; "
        f"ledger: {summary.ledger}"
    )
    if summary.failed:
        echo_err(
            f"{plural(summary.failed, 'diary', 'diaries')} failed; "
            f"their errors are in {summary.ledger}"
        )
        sys.exit(1)
