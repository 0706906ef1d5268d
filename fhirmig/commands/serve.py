"""``fhirmig serve [DIARY]``: the local web page for keeping the diary and getting the report."""

from __future__ import annotations

from pathlib import Path

import click

from fhirmig.app import serve_page
from fhirmig.commands._common import handle_errors

__all__ = ["serve"]


@click.command()
@click.argument("diary", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free port).",
)
@click.option("--no-browser", is_flag=True, help="Do not open the page in the browser.")
@handle_errors
def serve(diary: Path | None, port: int, no_browser: bool) -> None:
    """Open a local web page to keep DIARY, import exports and get the report and FHIR.

    DIARY is a diary JSON file (default: headache-diary.json here); if it does not exist,
    the page starts a new one. The first line printed is the page's address
    (http://127.0.0.1:PORT/?token=...); it answers on this computer only and stops with
    Ctrl-C.

    \b
    Examples:
      fhirmig serve                      (keeps headache-diary.json in this folder)
      fhirmig serve my-diary.json --no-browser
    """
    serve_page(diary, port=port, open_browser=not no_browser)
