"""Rendering one report template: the sealed loader, the limited sandbox, errors that name it.

Every error of a render becomes a :class:`~fhirmig.errors.ReportError` that names the
template that failed and its line: the included one when an include fails to parse, the
including one (and the line of the include) when the name it includes is refused or
missing, the one running when a limit is reached.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from fhirmig.errors import ReportError
from fhirmig.report.sandbox import DEFAULT_LIMITS, LimitedEnvironment, TemplateLimits

__all__ = ["render_in", "template_environment"]


def template_environment(
    folders: Sequence[Path], limits: TemplateLimits = DEFAULT_LIMITS, **options: Any
) -> LimitedEnvironment:
    """A fresh environment for one render over ``folders`` (the first holding a name wins).

    ``options`` go to jinja2's ``Environment`` (``extensions=``, say); autoescaping,
    ``StrictUndefined`` and the block whitespace rules are fixed.
    """
    from jinja2 import StrictUndefined

    from fhirmig.report.sealed import SealedLoader

    return LimitedEnvironment(
        loader=SealedLoader(folders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        limits=limits,
        **options,
    )


def _frame(env: LimitedEnvironment, tb: TracebackType | None) -> tuple[str, int] | None:
    """The path and line of the innermost template running in the traceback ``tb``."""
    served: Mapping[str, str] = getattr(env.loader, "served", {})
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename in served:
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _where(env: LimitedEnvironment, exc: BaseException, name: str) -> str:
    frame = _frame(env, exc.__traceback__)
    if frame is None:
        return f"template {name}"
    return f"{frame[0]}, line {frame[1]}"


def render_in(env: LimitedEnvironment, name: str, context: Mapping[str, Any]) -> str:
    """Render the template ``name`` of ``env`` with ``context``, or :class:`ReportError`."""
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError

    from fhirmig.report.sandbox import TemplateLimitError
    from fhirmig.report.sealed import TemplateRefused

    env.start()
    try:
        return env.get_template(name).render(**context)
    except TemplateSyntaxError as exc:
        where = exc.filename or exc.name or name
        raise ReportError(f"{where}, line {exc.lineno}: template error: {exc.message}") from None
    except TemplateNotFound as exc:
        if _frame(env, exc.__traceback__) is None and exc.name == name:
            raise ReportError(f"template {name}: not found") from None
        raise ReportError(
            f"{_where(env, exc, name)}: template {exc.name!r} not found in the templates folder"
        ) from None
    except TemplateRefused as exc:
        raise ReportError(f"{_where(env, exc, name)}: refused: {exc.message}") from None
    except TemplateLimitError as exc:
        raise ReportError(f"{_where(env, exc, name)}: template stopped: it {exc.message}") from None
    except TemplateError as exc:
        raise ReportError(f"{_where(env, exc, name)}: template error: {exc.message}") from None
    except RecursionError:
        raise ReportError(
            f"template {name}: includes, extends or calls itself without end (a recursive template)"
        ) from None
    except Exception as exc:  # a template is code: any failure of it is the template's
        raise ReportError(
            f"{_where(env, exc, name)}: template error: {type(exc).__name__}: {exc}"
        ) from None
