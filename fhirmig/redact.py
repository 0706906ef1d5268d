"""What a debug traceback may not show: secrets and patient fields, replaced before printing.

An internal error prints one line; ``FHIRMIG_DEBUG=1`` prints its traceback for a developer
on their own data. A traceback quotes exception messages and values, so it could show a
bearer token (an HTTP library refusing a header quotes the header, CR LF and all), a key,
an ``Authorization`` header, or a patient's name, birth date, identifier or note. Before a
traceback is printed or logged, :func:`redact` replaces:

- every secret the run read, remembered by :func:`remember_secret` (tokens, keys), in the
  forms a message may quote it: as it is, escaped like ``repr`` or JSON, or cut at a line
  break;
- the patient's identifying fields and free text of the diaries the run read, remembered by
  :func:`remember_diary` (only while debugging, so a normal run keeps nothing);
- whatever has the shape of a secret: ``Bearer``/``Basic`` credentials, ``Authorization``
  and cookie headers, JWTs, PEM private keys, and ``token=``/``password=``/``key=`` values;
- the values of fields that hold patient data (``name``, ``given``, ``family``,
  ``birthDate``, ``notes``, ``description``, ``identifier``, ``value``, ``text``, pydantic's
  ``input_value``) written ``field='...'`` or ``"field": "..."``.
"""

from __future__ import annotations

import json
import os
import re
import threading
import traceback
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fhirmig.diary.model import Diary

__all__ = [
    "DEBUG_ENV",
    "REDACTED",
    "debug_enabled",
    "format_redacted",
    "redact",
    "remember_diary",
    "remember_secret",
]

DEBUG_ENV = "FHIRMIG_DEBUG"
REDACTED = "[redacted]"
_SHORTEST = 4  # shorter values are too common to replace (and too short to be a secret)

_lock = threading.Lock()
_secrets: set[str] = set()
_patient: set[str] = set()

_QUOTED = r"""b?'(?:[^'\\\n]|\\.)*'|b?"(?:[^"\\\n]|\\.)*\""""
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
        "[redacted private key]",
    ),
    (re.compile(r"\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*"), "[redacted token]"),
    (re.compile(r"(?i)\b(bearer|basic|dpop|negotiate)(\s+)[^\s'\"]+"), r"\1\2" + REDACTED),
    (
        re.compile(
            r"(?i)(\b(?:proxy-)?authorization|\b(?:set-)?cookie|\bx-api-key)(['\"]?\s*[:=,]\s*)"
            r"(" + _QUOTED + r"|[^\n]+)"
        ),
        r"\1\2" + REDACTED,
    ),
    (
        re.compile(
            r"(?i)(['\"]?\b(?:access_token|refresh_token|id_token|client_secret|"
            r"client_assertion|password|passwd|secret|api_?key|token|key)\b['\"]?\s*[:=]\s*)"
            r"(" + _QUOTED + r"|[^\s,;&)}\]'\"]+)"
        ),
        r"\1" + REDACTED,
    ),
    (
        re.compile(
            r"(?i)(['\"]?\b(?:name|given|family|birth_?date|notes?|description|identifiers?|"
            r"value|text|telecom|address|phone|email|input_value)\b['\"]?\s*[:=]\s*)"
            r"(" + _QUOTED + r"|\[[^\]\n]*\])"
        ),
        r"\1" + REDACTED,
    ),
]


def debug_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``FHIRMIG_DEBUG`` asks for tracebacks."""
    env = os.environ if environ is None else environ
    return env.get(DEBUG_ENV, "") not in ("", "0")


def _forms(value: str) -> set[str]:
    """The ways a message may quote ``value``: as is, escaped, or a line of it."""
    forms = {value, repr(value)[1:-1], json.dumps(value)[1:-1]}
    forms.add(value.encode("unicode_escape").decode("ascii"))
    forms.update(part for part in re.split(r"[\r\n]+", value) if len(part) >= 6)
    return {f for f in forms if len(f) >= _SHORTEST}


def remember_secret(value: str | bytes | None) -> None:
    """Remember a secret this run read (a token, a key) so that no traceback shows it."""
    if not value:
        return
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    forms = _forms(text)
    if isinstance(value, bytes):
        forms |= {value.hex(), repr(value)[2:-1]}
    with _lock:
        _secrets.update(forms)


def _diary_values(diary: Diary) -> Iterable[str]:
    patient = diary.patient
    yield patient.id
    if patient.name is not None:
        yield from patient.name.given
        if patient.name.family:
            yield patient.name.family
    if patient.birth_date is not None:
        yield str(patient.birth_date)
    for identifier in patient.identifiers:
        yield identifier.value
    for attack in diary.attacks:
        if attack.notes:
            yield attack.notes
        for twitch in attack.twitching:
            if twitch.description:
                yield twitch.description
    for day in diary.days:
        if day.notes:
            yield day.notes


def remember_diary(diary: Diary) -> None:
    """While debugging, remember the patient fields and free text of ``diary`` to redact."""
    if not debug_enabled():
        return
    values: set[str] = set()
    for value in _diary_values(diary):
        if value and len(value) >= _SHORTEST:
            values |= _forms(value)
    with _lock:
        _patient.update(values)


def redact(text: str) -> str:
    """``text`` with every remembered secret and patient value, and secret shapes, replaced."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    with _lock:
        known = sorted(_secrets | _patient, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, REDACTED)
    return text


def format_redacted(exc: BaseException) -> str:
    """The traceback of ``exc`` (with its causes), redacted."""
    return redact("".join(traceback.format_exception(exc)))
