"""The web application: one diary, its pages, and the guards around them.

:func:`create_app` builds a Starlette application for the diary file at a path. Pages are
rendered on the server from the package's jinja2 templates; the little JavaScript there is
(a suggested patient id) is a packaged file, like the style sheet, so the page works
offline and fetches nothing from anywhere else.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from fhirmig.diary.vocabulary import label
from fhirmig.web.security import Guard, Secrets
from fhirmig.web.store import DiaryStore
from fhirmig.web.uploads import FORM_LIMIT, BadBody, BodyTooLarge, Form, read_body

__all__ = ["NAV", "Web", "create_app", "page", "read_form", "redirect", "web_of"]

#: The navigation, in order: (path, words).
NAV: tuple[tuple[str, str], ...] = (
    ("/", "Diary"),
    ("/attacks/new", "Log an attack"),
    ("/days/new", "Log a day"),
    ("/medications", "Medications"),
    ("/treatments", "Treatments"),
    ("/questionnaires", "Questionnaires"),
    ("/import", "Import"),
    ("/report", "Report and FHIR"),
    ("/patient", "About you"),
)


@dataclass
class Web:
    """What every page needs: the diary, the secrets, the templates and pending imports."""

    store: DiaryStore
    secrets: Secrets
    today: Callable[[], date]
    env: jinja2.Environment
    pending: dict[str, Any] = field(default_factory=dict)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("fhirmig.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["words"] = label
    env.filters["hm"] = _hours_minutes
    env.filters["sentence"] = lambda text: str(text)[:1].upper() + str(text)[1:]
    env.filters["monthname"] = lambda ym: date.fromisoformat(f"{ym}-01").strftime("%B %Y")
    env.filters["idify"] = lambda name: re.sub(r"[^A-Za-z0-9_-]+", "-", str(name)).strip("-")
    return env


def _hours_minutes(span: timedelta | None) -> str:
    """``5 h 30 min``, ``3 h``, ``45 min`` or ``not said``."""
    if span is None:
        return "not said"
    minutes = round(span.total_seconds() / 60)
    hours, rest = divmod(minutes, 60)
    parts = ([f"{hours} h"] if hours else []) + ([f"{rest} min"] if rest or not hours else [])
    return " ".join(parts)


def web_of(request: Request) -> Web:
    """The application's :class:`Web` state."""
    web: Web = request.app.state.web
    return web


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` with the navigation, the CSRF token and ``context``."""
    web = web_of(request)
    html = web.env.get_template(template).render(
        csrf=web.secrets.csrf,
        nav=NAV,
        here=request.url.path,
        has_diary=web.store.exists(),
        notice=_NOTICES.get(request.query_params.get("done", "")),
        **context,
    )
    return HTMLResponse(html, status_code=status)


#: Confirmations shown after a save (``?done=KEY``): fixed words, never user data.
_NOTICES = {
    "attack": "The attack was saved.",
    "attack-deleted": "The attack was deleted.",
    "day": "The day was saved.",
    "day-deleted": "The day entry was deleted.",
    "medication": "The medication list was saved.",
    "treatment": "The treatment was saved.",
    "questionnaire": "The questionnaire was saved.",
    "questionnaire-deleted": "The questionnaire result was deleted.",
    "patient": "Your details were saved.",
    "created": "Your new diary was created.",
    "imported": "The import was added to your diary.",
    "cancelled": "The import was cancelled; nothing was changed.",
}


def redirect(path: str, done: str | None = None) -> RedirectResponse:
    """See other (303) to ``path``, with a confirmation key."""
    return RedirectResponse(path + (f"?done={done}" if done else ""), status_code=303)


async def read_form(request: Request, limit: int = FORM_LIMIT, folder: Path | None = None) -> Form:
    """The posted form, its CSRF token checked; files (if any) go into ``folder``.

    Raises HTTPException 413 (too large), 400 (not a form) or 403 (wrong CSRF token).
    """
    try:
        form = await read_body(
            request.headers.get("content-type", ""),
            request.headers.get("content-length"),
            request.stream(),
            limit=limit,
            folder=folder,
        )
    except BodyTooLarge as exc:
        raise HTTPException(413, f"The upload is larger than {exc.limit // 2**20} MB.") from None
    except BadBody:
        raise HTTPException(400, "This request is not a form of this page.") from None
    if not web_of(request).secrets.csrf_ok(form.get("csrf") or None):
        raise HTTPException(403, "The form was out of date; open the page again and retry.")
    return form


async def _static(request: Request) -> Response:
    name = request.path_params["name"]
    folder = resources.files("fhirmig.web") / "static"
    target = folder / name
    if "/" in name or name.startswith(".") or not target.is_file():
        raise HTTPException(404, "No such file.")
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Response(target.read_bytes(), media_type=kind)


async def _error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "Something went wrong."
    return page(
        request, "error.html", status=status, status_code=status, detail=detail, title="Problem"
    )


def create_app(
    diary: str | Path,
    *,
    secrets: Secrets | None = None,
    port: int = 0,
    today: Callable[[], date] | None = None,
) -> Guard:
    """The web application (ASGI) for the diary file ``diary`` (made by its first form if absent).

    ``port`` is the port the server listens on: the Host header must be ``127.0.0.1:PORT``.
    ``today`` gives the report's "generated" date (default: today in UTC; the command
    passes the run's date, which ``SOURCE_DATE_EPOCH`` fixes for reproducible reports).
    """
    from fhirmig.web import pages_diary, pages_lists, pages_output

    routes: list[Route] = [
        Route("/static/{name}", _static),
        *pages_diary.ROUTES,
        *pages_lists.ROUTES,
        *pages_output.ROUTES,
    ]
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        HTTPException: _error,
        Exception: _error,
    }
    keys = secrets or Secrets()
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.state.web = Web(
        store=DiaryStore(Path(diary)),
        secrets=keys,
        today=today or _today,
        env=_environment(),
    )
    # outermost, so that even an internal error's answer carries the security headers
    return Guard(app, keys, port)


def _today() -> date:
    return datetime.now(UTC).date()
