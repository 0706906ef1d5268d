"""FHIRMIG_DEBUG=1 shows the traceback of an internal error, but no secret or patient field."""

from __future__ import annotations

import logging
import sys

import pytest

from fhirmig.commands._common import handle_errors
from fhirmig.diary import read_diary
from fhirmig.redact import REDACTED, format_redacted, redact, remember_diary, remember_secret
from tests.conftest import ROOT

TOKEN = "tok-Zx81-secret-value"


def _crash(message: str) -> None:
    try:
        raise ValueError("while sending") from RuntimeError(message)
    except ValueError as exc:
        raise KeyError("outer") from exc


def test_a_token_with_crlf_is_not_shown(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FHIRMIG_DEBUG", "1")
    remember_secret(TOKEN + "\r\nX-Injected: 1")

    @handle_errors
    def command() -> None:
        _crash(f"Illegal header value b'Bearer {TOKEN}\\r\\nX-Injected: 1'")

    with pytest.raises(SystemExit) as caught:
        command()
    assert caught.value.code == 70
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError" in err and "_crash" in err
    assert TOKEN not in err and "X-Injected" not in err
    assert f"Bearer {REDACTED}" in err


def test_without_debug_one_line_only(capsys: pytest.CaptureFixture[str]) -> None:
    @handle_errors
    def command() -> None:
        _crash(f"Bearer {TOKEN}")

    with pytest.raises(SystemExit):
        command()
    err = capsys.readouterr().err
    assert "Traceback" not in err and TOKEN not in err
    assert err.startswith("internal error (KeyError)")


@pytest.mark.parametrize(
    "text",
    [
        "headers={'Authorization': 'Basic dXNlcjpwYXNzd29yZA==', 'Accept': 'x'}",
        "Authorization: Bearer abc.def.ghi",
        "eyJhbGciOiJSUzM4NCJ9.eyJpc3MiOiJmaGlybWlnIn0.c2lnbmF0dXJl",
        '{"access_token": "opaque-123456", "expires_in": 300}',
        "client_secret=hunter2hunter2&grant_type=client_credentials",
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----",
    ],
)
def test_shapes_of_secrets_are_redacted(text: str) -> None:
    out = redact(text)
    for secret in ("dXNlcjpwYXNz", "abc.def.ghi", "eyJpc3Mi", "opaque-123456", "hunter2", "MIIEv"):
        assert secret not in out
    assert REDACTED in out or "[redacted" in out


def test_patient_fields_are_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FHIRMIG_DEBUG", "1")
    diary = read_diary(ROOT / "examples" / "episodic-twitching.json")
    remember_diary(diary)
    note = next(a.notes for a in diary.attacks if a.notes)
    try:
        raise LookupError(
            f"no match for {diary.patient.name.family!r} born {diary.patient.birth_date}"
        )  # type: ignore[union-attr]
    except LookupError as exc:
        shown = format_redacted(exc)
    assert "Silva" not in shown and "1988-04-12" not in shown
    pydantic_like = f"[type=string_type, input_value='{note}', input_type=str]"
    assert note not in redact(pydantic_like)
    assert redact('{"given": ["Ana", "Maria"], "family": "X"}') == (
        f'{{"given": {REDACTED}, "family": {REDACTED}}}'
    )


def test_the_web_log_redacts_in_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("starlette")
    from fhirmig.web.server import NoPatientData

    monkeypatch.setenv("FHIRMIG_DEBUG", "1")
    try:
        _crash(f"Bearer {TOKEN}")
    except KeyError:
        record = logging.LogRecord(
            "uvicorn.error", logging.ERROR, __file__, 1, "boom %s", ("x",), sys.exc_info()
        )
    assert NoPatientData().filter(record)
    text = logging.Formatter("%(message)s").format(record)
    assert "Traceback" in text and TOKEN not in text
