"""Uploading one diary: its resources, optionally its PDF report, in the mode that fits.

:func:`upload_diary` is what ``fhirmig upload`` runs once it has read the diary and opened
the client: it makes the resources, reads the CapabilityStatement when the mode is
``auto`` (or to learn which deletes the server refuses), picks the mode, renders the report
when one is wanted, and runs the sync (:func:`fhirmig.upload.run.run_sync`).

``document`` mode sends only the Patient (found, or created if the server has none), the
report DocumentReference and, with ``include_summaries``, the summary Observations, one
request each; it never touches the other records a full upload may have stored earlier.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fhirmig.errors import AuthError, FatalServerError, TemporaryServerError, UploadError
from fhirmig.upload.modes import MODES, Capabilities, choose_mode, parse_capabilities
from fhirmig.upload.remote import FHIRMIG_SID

if TYPE_CHECKING:
    from fhirmig.analysis.types import Stats
    from fhirmig.diary.model import Diary
    from fhirmig.fhir.profiles import Profile
    from fhirmig.upload.client import FhirClient
    from fhirmig.upload.sender import ProgressCallback
    from fhirmig.upload.summary import UploadSummary

__all__ = ["DiaryUpload", "report_document", "upload_diary"]

_SUMMARY_SYSTEM = FHIRMIG_SID + "summary"


@dataclass(frozen=True)
class DiaryUpload:
    """The choices of one diary upload (the command's options)."""

    mode: str = "auto"
    batch_size: int = 500
    dry_run: bool = False
    include_report: bool = False
    include_summaries: bool = False
    delete_removed: bool = False
    accept_patient_mismatch: bool = False
    identifier_system: str | None = None
    generated: date | None = None
    profile: Profile = "r4"


def report_document(
    diary: Diary,
    workdir: Path,
    generated: date | None = None,
    profile: Profile = "r4",
    stats: Stats | None = None,
) -> dict[str, Any]:
    """The PDF report of the whole diary as a DocumentReference (made in ``workdir``).

    ``generated`` is the report's "generated" date (default: the end of the diary's span,
    so the same diary gives the same PDF and a re-upload finds it unchanged); ``profile``
    ``us-core`` claims US Core's DocumentReference profile; ``stats`` is
    ``compute_stats(diary)`` when the caller has it already.
    """
    from fhirmig.analysis import compute_stats
    from fhirmig.fhir import document_reference
    from fhirmig.report import render_stats_report

    if stats is None:
        stats = compute_stats(diary)
    start, end = stats.period_from, stats.period_to
    if start is None or end is None:
        raise UploadError("the report: the diary has no days to report on")
    made = generated or end
    pdf_path = render_stats_report(diary, stats, workdir / "report.pdf", generated=made)
    title = f"Headache diary report {start.isoformat()} to {end.isoformat()}"
    pdf = Path(pdf_path).read_bytes()
    return document_reference(
        diary, pdf, start=start, end=end, title=title, generated=made, profile=profile
    )


def _capabilities(client: FhirClient, needed: bool) -> Capabilities | None:
    try:
        return parse_capabilities(client.capabilities())
    except FatalServerError as exc:
        if needed and exc.status == 0:
            raise  # no answer at all (TLS, a redirect elsewhere): the error says why
        if needed:
            raise UploadError(
                "{mode} auto: cannot read the server's CapabilityStatement ("
                + exc.template
                + "); choose {mode} transaction, batch, single or document",
                params=("mode", *exc.params),
            ) from None
        return None


def _first_system(resource: dict[str, Any]) -> str:
    idents = resource.get("identifier") or [{}]
    return str(idents[0].get("system") or "")


def upload_diary(
    diary: Diary,
    client: FhirClient,
    options: DiaryUpload,
    *,
    notify: Callable[[str], None] | None = None,
    progress: ProgressCallback | None = None,
) -> UploadSummary:
    """Make the server hold what ``diary`` says (see the module doc); the summary."""
    from fhirmig.fhir import DEFAULT_PATIENT_SYSTEM, diary_to_resources
    from fhirmig.files import private_tempdir
    from fhirmig.upload.run import run_sync, stopped_summary

    if options.mode not in MODES:
        raise UploadError(f"unknown mode {options.mode!r}; choose one of {', '.join(MODES)}")
    say = notify or (lambda line: None)
    system = options.identifier_system or DEFAULT_PATIENT_SYSTEM
    from fhirmig.analysis import compute_stats

    stats = compute_stats(diary)  # once, for the summary Observations and the report
    resources = diary_to_resources(
        diary, identifier_system=system, profile=options.profile, stats=stats
    )
    try:
        caps = _capabilities(client, needed=options.mode == "auto")
    except (AuthError, TemporaryServerError, FatalServerError) as exc:
        # no answer (down, TLS, sign-in, a redirect elsewhere): nothing was sent
        return stopped_summary(client, resources, exc, options.mode, options.dry_run)
    mode = options.mode
    if mode == "auto" and caps is not None:
        types = {r["resourceType"] for r in resources}
        choice = choose_mode(caps, types, can_document=True)
        mode = choice.mode
        say(f"mode {mode}: {choice.reason}")
    notes: list[str] = []
    if caps is not None and not caps.update_create.get("Provenance", True):
        resources = [r for r in resources if r["resourceType"] != "Provenance"]
        notes.append(
            "Provenance not sent: the server does not accept ids chosen by the client "
            "(updateCreate), and Provenance has no identifier to find it by"
        )
    if mode == "document":
        resources = [
            r
            for r in resources
            if r["resourceType"] == "Patient"
            or (options.include_summaries and _first_system(r) == _SUMMARY_SYSTEM)
        ]
    wants_report = options.include_report or mode == "document"
    if wants_report:
        with private_tempdir() as workdir:
            resources.append(
                report_document(diary, workdir, options.generated, options.profile, stats)
            )
    summary = run_sync(
        client,
        resources,
        batch_size=1 if mode == "document" else options.batch_size,
        dry_run=options.dry_run,
        progress=progress,
        mode="single" if mode == "document" else mode,
        delete_removed=options.delete_removed,
        accept_patient_mismatch=options.accept_patient_mismatch,
        no_delete=caps.no_delete() if caps is not None else frozenset(),
        only_sent_systems=mode == "document",
    )
    summary.mode = mode
    summary.notes = notes + summary.notes
    for line in notes:
        say(line)
    return summary
