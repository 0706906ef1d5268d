"""Serving the local web page: the diary file checked, the run's clock, then the server.

The page itself (:mod:`fhirmig.web`) is a front end of its own; this function is what the
``serve`` command calls, so the command only parses its options.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fhirmig.app.context import RunContext
from fhirmig.errors import UsageError

__all__ = ["DEFAULT_DIARY", "serve_page"]

#: The diary the page keeps when none is named (in the current folder).
DEFAULT_DIARY = Path("headache-diary.json")


def _today() -> date:
    # read at each report, not once: the page may run past midnight
    return RunContext.create().today


def serve_page(diary: Path | None = None, *, port: int = 0, open_browser: bool = True) -> None:
    """Serve the page for ``diary`` (default ``headache-diary.json``) until Ctrl-C.

    Raises UsageError for a CSV diary or a path that is not a regular file, and when the
    ``web`` extra is not installed; the server's own errors (a port in use) likewise.
    """
    path = diary or DEFAULT_DIARY
    if path.suffix.lower() == ".csv":
        raise UsageError(f"{path}: the page keeps a JSON diary; convert the CSV first")
    if path.exists() and not path.is_file():
        raise UsageError(f"{path}: not a regular file")
    RunContext.create()  # a bad SOURCE_DATE_EPOCH is refused before the page starts
    try:
        from fhirmig.web import serve
    except ImportError as exc:
        raise UsageError(
            f"the web page needs the 'web' extra ({exc.name} is missing): "
            "pip install 'fhirmig[web]'"
        ) from None
    try:
        serve(path, port=port, open_browser=open_browser, today=_today)
    except KeyboardInterrupt:
        pass
