"""Dropping an export on the page: read it with the importers, preview the merge, apply it.

The upload is streamed into a private temporary folder (mode 0700), read there by
:mod:`fhirmig.importers`, and the folder is removed before the answer is sent, whatever
happens. Nothing changes in the diary until the patient confirms the preview; the merge is
then done again on the diary as it is at that moment, with the importers' own rules
(:func:`fhirmig.importers.merge_diaries`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fhirmig.diary import Diary
from fhirmig.errors import FhirmigError, Problem
from fhirmig.files import private_tempdir
from fhirmig.importers import (
    ImportResult,
    import_apple_health,
    import_daily_csv,
    import_fitbit_sleep,
    import_migraine_buddy,
    merge_diaries,
)
from fhirmig.web.app import page, read_form, redirect, web_of
from fhirmig.web.uploads import APPLE_HEALTH_LIMIT, UPLOAD_LIMIT

__all__ = ["ROUTES", "SOURCES", "Pending"]

#: The exports the page reads: key -> (words, the file types the field accepts).
SOURCES: dict[str, tuple[str, str]] = {
    "migraine-buddy": ("Migraine Buddy export (CSV or HTML report)", ".csv,.html,.htm"),
    "fitbit": ("Fitbit sleep export (Google Takeout JSON, or the sleep CSV)", ".json,.csv"),
    "daily-csv": (
        "A daily table from Fitbit, Garmin, Oura or another app (CSV, one row per day)",
        ".csv,text/csv",
    ),
    "apple-health": ("Apple Health export (export.zip or export.xml)", ".zip,.xml"),
}

_DAY_ORDER = {"": None, "day-first": True, "month-first": False}
_MAX_PENDING = 8


@dataclass(frozen=True)
class Pending:
    """An import read and previewed, waiting for the patient's yes."""

    source: str
    filename: str
    incoming: Diary
    notes: tuple[Problem, ...]


def _reader(source: str, day_first: bool | None, diary: Diary) -> Callable[[Path], ImportResult]:
    pid, tz = diary.patient.id, diary.patient.timezone
    if source == "migraine-buddy":
        return lambda p: import_migraine_buddy(p, patient_id=pid, timezone=tz, day_first=day_first)
    if source == "apple-health":
        return lambda p: import_apple_health(p, patient_id=pid, timezone=tz)
    if source == "fitbit":
        return lambda p: import_fitbit_sleep(p, patient_id=pid, timezone=tz)
    return lambda p: import_daily_csv(p, patient_id=pid, timezone=tz, day_first=day_first)


def _import_page(request: Request, status: int = 200, **context: Any) -> Response:
    context.setdefault("errors", {})
    context.setdefault("problems", [])
    return page(
        request,
        "import.html",
        status=status,
        title="Import an export",
        sources=SOURCES,
        upload_mb=UPLOAD_LIMIT // 2**20,
        apple_mb=APPLE_HEALTH_LIMIT // 2**20,
        **context,
    )


async def import_form(request: Request) -> Response:
    """The two upload forms: app exports (50 MB) and Apple Health (500 MB)."""
    if not web_of(request).store.exists():
        return redirect("/new")
    return _import_page(request)


def _shown_name(name: str) -> str:
    return Path(name.replace("\\", "/")).name[:120] or "the file"


async def import_upload(request: Request) -> Response:
    """Read the dropped export and show what merging it would change."""
    web = web_of(request)
    if not web.store.exists():
        return redirect("/new")
    apple = request.url.path.endswith("/apple-health")
    limit = APPLE_HEALTH_LIMIT if apple else UPLOAD_LIMIT
    diary = web.store.load()
    with private_tempdir("fhirmig-web-") as folder:
        try:
            form = await read_form(request, limit=limit, folder=folder)
        except HTTPException as exc:
            if exc.status_code != 413:
                raise
            return _import_page(request, 413, errors={"export": [str(exc.detail)]})
        source = "apple-health" if apple else form.get("source")
        upload = form.file("export")
        if source not in SOURCES:
            return _import_page(
                request, 422, errors={"source": ["Choose what kind of export it is."]}
            )
        if upload is None:
            return _import_page(request, 422, errors={"export": ["Choose the file to import."]})
        day_first = _DAY_ORDER.get(form.get("order"))
        read = _reader(source, day_first, diary)
        try:
            result = await run_in_threadpool(read, upload.path)
        except FhirmigError as exc:
            problems = list(getattr(exc, "problems", ()))
            message = str(exc).splitlines()[0]
            # the file's place on disk is ours; the patient knows it by its own name
            name = _shown_name(upload.filename)
            message = message.replace(str(upload.path), name)
            shown = [f"{p.location}: {p.message}" if p.location else p.message for p in problems]
            return _import_page(request, 422, errors={"export": [message]}, problems=shown)
    key = secrets.token_urlsafe(16)
    while len(web.pending) >= _MAX_PENDING:
        web.pending.pop(next(iter(web.pending)))
    web.pending[key] = Pending(source, _shown_name(upload.filename), result.diary, result.notes)
    return _preview(request, key)


def _preview(request: Request, key: str) -> Response:
    web = web_of(request)
    pending: Pending | None = web.pending.get(key)
    if pending is None:
        raise HTTPException(404, "This import is no longer waiting; drop the file again.")
    diary = web.store.load()
    merged = merge_diaries(diary, pending.incoming)
    known = {a.id for a in diary.attacks}
    added = sorted(
        (a for a in merged.diary.attacks if a.id not in known), key=lambda a: a.start, reverse=True
    )
    return page(
        request,
        "import_preview.html",
        title="Check the import",
        key=key,
        pending=pending,
        source_words=SOURCES[pending.source][0],
        merged=merged,
        added=added,
        tz=diary.patient.tz,
        notes=[str(n).replace(n.file + ": ", "", 1) for n in pending.notes],
        med_names={m.id: m.name for m in merged.diary.medications},
    )


async def import_apply(request: Request) -> Response:
    """Merge the previewed import into the diary as it is now, and write it."""
    await read_form(request)
    web = web_of(request)
    pending = web.pending.pop(request.path_params["key"], None)
    if pending is None:
        raise HTTPException(404, "This import is no longer waiting; drop the file again.")

    def merge(diary: Diary) -> Diary | None:
        merged = merge_diaries(diary, pending.incoming)
        return merged.diary if merged.changed else None

    web.store.update(merge)
    return redirect("/", "imported")


async def import_cancel(request: Request) -> Response:
    """Forget the previewed import."""
    await read_form(request)
    web_of(request).pending.pop(request.path_params["key"], None)
    return redirect("/import", "cancelled")


ROUTES = [
    Route("/import", import_form, methods=["GET"]),
    Route("/import", import_upload, methods=["POST"]),
    Route("/import/apple-health", import_upload, methods=["POST"]),
    Route("/import/{key}/apply", import_apply, methods=["POST"]),
    Route("/import/{key}/cancel", import_cancel, methods=["POST"]),
]
