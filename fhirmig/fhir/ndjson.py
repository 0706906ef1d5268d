"""Bulk NDJSON: a folder with one ``<ResourceType>.ndjson`` per resource type.

As in the FHIR Bulk Data spec, each line is one resource and references stay
``Type/<id>``. Lines keep the order of the mapping (which the reverse mapping reads lists
back in); keys are sorted. Every file is written atomically; on an error none of them
replaces what was there. ``*.ndjson`` files of other types left in the folder by an
earlier run are removed, so the folder always holds exactly one diary.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from fhirmig.errors import OutputError
from fhirmig.fhir.bundle import dumps_line
from fhirmig.files import atomic_writer, ensure_dir

__all__ = ["write_ndjson"]


def write_ndjson(
    resources: Iterable[dict[str, Any]],
    folder: str | os.PathLike[str],
    check: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, int]:
    """Write the resources as NDJSON files in ``folder``; return the count per type.

    Streams: each resource is serialised and written as it comes, so memory does not grow
    with the number of resources. ``check`` (the gate) is called on each one first.
    """
    out = ensure_dir(folder)
    counts: dict[str, int] = {}
    try:
        with contextlib.ExitStack() as stack:
            files: dict[str, IO[bytes]] = {}
            for res in resources:
                if check is not None:
                    check(res)
                rtype = res["resourceType"]
                fh = files.get(rtype)
                if fh is None:
                    fh = stack.enter_context(atomic_writer(Path(out, f"{rtype}.ndjson")))
                    files[rtype] = fh
                fh.write(dumps_line(res))
                counts[rtype] = counts.get(rtype, 0) + 1
        for stale in out.glob("*.ndjson"):
            if stale.stem not in counts:
                stale.unlink()  # from an earlier run: it would mix two diaries
    except OSError as exc:
        raise OutputError(f"{out}: cannot write ({exc.strerror})") from None
    return dict(sorted(counts.items()))
