"""The rules every JSON reader of fhirmig keeps: diary, CSV sidecar, FHIR input, exports.

JSON allows what fhirmig's inputs may not hold, and parsers differ on it:

- a NUL, raw or written ``\\u0000``: it ends C strings in other tools and hides the rest
  of a text (a note, a name) from whoever reads it there;
- a key twice in one object (``{"gender": "female", "gender": "male"}``): RFC 8259 section
  4 leaves the meaning open, most parsers keep the last, some the first, so two readers of
  one file would see two different patients;
- ``NaN`` and ``Infinity``, which are not JSON at all;
- nesting deeper than the parser's stack.

:func:`loads_strict` refuses each with :class:`JsonTextError`, whose ``location`` is the
line (and column) to look at; each reader turns it into its own error naming its file.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re
from typing import Any

__all__ = ["JsonTextError", "loads_strict", "nul_line"]

_ESCAPED_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


class JsonTextError(ValueError):
    """JSON text that breaks a rule; ``location`` is ``line N[, column M]`` or empty."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(f"{location}: {message}" if location else message)
        self.location = location
        self.message = message


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def nul_line(text: str) -> int | None:
    """The line of the first NUL character of ``text``, or None when it has none."""
    index = text.find("\x00")
    return None if index < 0 else _line(text, index)


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _bad_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _duplicate_at(text: str) -> str:
    """Where the first object holding a key twice starts (a slower second parse), or ""."""
    found: list[str] = []

    def parse_object(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        s, end = s_and_end
        obj, after = json.decoder.JSONObject(s_and_end, *args, **kwargs)  # type: ignore[attr-defined]
        if isinstance(obj, list) and not found:
            keys = [key for key, _ in obj]
            if len(set(keys)) != len(keys):
                line = _line(s, end - 1)
                column = end - 1 - (s.rfind("\n", 0, end - 1) + 1) + 1
                found.append(f"line {line}, column {column}")
        return dict(obj) if isinstance(obj, list) else obj, after

    decoder = json.JSONDecoder(object_pairs_hook=list)
    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        decoder.decode(text)
    except (ValueError, RecursionError):
        return ""
    return found[0] if found else ""


def loads_strict(text: str) -> Any:
    """The value of the JSON ``text``, or :class:`JsonTextError` saying where a rule breaks."""
    raw_nul = nul_line(text)
    if raw_nul is not None:
        raise JsonTextError(f"line {raw_nul}", "contains a NUL byte; not a text file")
    if "\\u0000" in text:
        escaped = _ESCAPED_NUL.search(text)
        if escaped is not None:
            raise JsonTextError(
                f"line {_line(text, escaped.start())}",
                "contains a NUL character (\\u0000); text in fhirmig's inputs may not hold one",
            )
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_bad_constant)
    except json.JSONDecodeError as exc:
        raise JsonTextError(
            f"line {exc.lineno}, column {exc.colno}", f"invalid JSON: {exc.msg}"
        ) from None
    except _DuplicateKey as exc:
        raise JsonTextError(
            _duplicate_at(text),
            f"invalid JSON: the key {_shown_key(exc.args[0])} appears twice in one object",
        ) from None
    except RecursionError:
        raise JsonTextError("", "invalid JSON: nested too deeply") from None
    except ValueError as exc:
        raise JsonTextError("", f"invalid JSON: {exc}") from None


def _shown_key(key: str) -> str:
    from fhirmig.wording import excerpt

    return excerpt(key)
