"""The secret key of de-identification, and what is derived from it.

One key gives every patient the same pseudonym and the same date shift on every run, so
exports made months apart can be joined by a researcher without anyone learning who the
patients are. Whoever holds the key can recompute a known patient's pseudonym and shift
(and so find that patient's rows): the key must be kept like the original data.

A key file holds at least :data:`KEY_BYTES` random bytes written as text: hexadecimal
(what :func:`write_new_key` writes: 64 digits) or standard base64 (``openssl rand -base64
32``). Surrounding whitespace is ignored. Anything else (a passphrase, a word repeated,
raw bytes) is refused with a message saying how to make a key: the pseudonyms and date
shifts are only as secret as the key, and a typed phrase can be guessed offline. The
file must be readable by its owner only (mode 0600), as an SSH key must: a key that
others can read is refused rather than trusted.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import os
import re
import secrets
import string
from pathlib import Path

from fhirmig.errors import OutputError, PrivacyError
from fhirmig.files import read_private_file

__all__ = [
    "KEY_BYTES",
    "MAX_SHIFT_WEEKS",
    "date_shift_days",
    "derive",
    "load_key",
    "new_key",
    "pseudonym",
    "record_pseudonym",
    "write_new_key",
]

#: Bytes of secret a key must hold (256 bits).
KEY_BYTES = 32
#: The date shift is a whole number of weeks, at most this many either way (never zero).
MAX_SHIFT_WEEKS = 52
_MAX_KEY_FILE = 4096
#: Fewest distinct byte values in a key's first 32 bytes: 32 random bytes have about 30
#: (fewer than 20 happens with a chance below one in 10^9), a pattern far fewer.
_MIN_DISTINCT = 20
_HEX = frozenset(string.hexdigits)
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_HOW = "make one with: fhirmig deidentify --new-key FILE (or: openssl rand -hex 32 > FILE)"


def new_key() -> bytes:
    """A fresh random key of :data:`KEY_BYTES` bytes from the operating system's CSPRNG."""
    return secrets.token_bytes(KEY_BYTES)


def write_new_key(path: str | os.PathLike[str]) -> Path:
    """Create a key file at ``path`` (hexadecimal, mode 0600); never overwrite one.

    The file is created with ``O_EXCL``: an existing key is never replaced, because losing
    a key breaks the link between old and new exports for good.
    """
    p = Path(path)
    data = (new_key().hex() + "\n").encode("ascii")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(p, flags, 0o600)
    except FileExistsError:
        raise OutputError(f"{p}: already exists; a key file is never overwritten") from None
    except OSError as exc:
        raise OutputError(f"{p}: cannot create the key file ({exc.strerror})") from None
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
        os.fsync(fd)
    except OSError as exc:
        os.close(fd)
        with contextlib.suppress(OSError):
            p.unlink()
        raise OutputError(f"{p}: cannot write the key file ({exc.strerror})") from None
    os.close(fd)
    return p


def load_key(path: str | os.PathLike[str]) -> bytes:
    """The key held in the file at ``path``.

    Raises:
        PrivacyError: the file is missing, not a regular file, readable by others than its
            owner, too large to be a key, not hexadecimal or base64 text, holds fewer than
            :data:`KEY_BYTES` bytes, or is a pattern (a piece repeated, few distinct bytes).
    """
    p = Path(path)
    raw = read_private_file(
        p,
        "key file",
        limit=_MAX_KEY_FILE,
        error=PrivacyError,
        missing_hint=f" (make one with: fhirmig deidentify --new-key {p})",
    )
    return _parse_key(raw, str(p))


def _parse_key(raw: bytes, file: str) -> bytes:
    """The key bytes of a key file's content, or a refusal that says how to make a key.

    The message never quotes the content: a refused key may still be someone's secret.
    """
    try:
        text = raw.strip().decode("ascii")
    except UnicodeDecodeError:
        raise PrivacyError(_not_a_key(file, "it is not hexadecimal or base64 text")) from None
    key = _decode(text)
    if key is None:
        what = "it is empty" if not text else "a passphrase or other text is not a key"
        raise PrivacyError(_not_a_key(file, what))
    if len(key) < KEY_BYTES:
        raise PrivacyError(
            _not_a_key(file, f"it holds {len(key)} bytes; at least {KEY_BYTES} are needed")
        )
    if _patterned(text) or len(set(key[:KEY_BYTES])) < _MIN_DISTINCT:
        raise PrivacyError(_not_a_key(file, "it is too regular to be random"))
    return key


def _not_a_key(file: str, why: str) -> str:
    return (
        f"{file}: not a usable key ({why}); a key file holds {KEY_BYTES} or more random "
        f"bytes as hexadecimal or base64 text; {_HOW}"
    )


def _decode(text: str) -> bytes | None:
    """The bytes ``text`` spells in hexadecimal or standard base64, or None."""
    if text and len(text) % 2 == 0 and set(text) <= _HEX:
        return bytes.fromhex(text)
    if not text or len(text) % 4 or not _BASE64.fullmatch(text):
        return None
    if re.fullmatch(r"[a-z0-9]+", text):  # random base64 has capitals (miss: 1 in 10^10)
        return None
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        return None


def _patterned(text: str) -> bool:
    """True when ``text`` is a shorter piece repeated (``password1234`` three times)."""
    n = len(text)
    return any(n % p == 0 and text == text[:p] * (n // p) for p in range(1, n // 2 + 1))


def derive(key: bytes, purpose: str, value: str) -> bytes:
    """HMAC-SHA256 of ``value`` under ``key``, separated by ``purpose``.

    Each purpose (pseudonym, date shift, record ids) gets unrelated outputs from the same
    key, so knowing one derived value tells nothing about another.
    """
    message = purpose.encode("utf-8") + b"\x00" + value.encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).digest()


def pseudonym(patient_id: str, key: bytes) -> str:
    """The patient's pseudonym: ``pt-`` and 32 hex digits of a keyed hash of the id.

    Not reversible without the key; with it, only by trying candidate ids.
    """
    return "pt-" + derive(key, "fhirmig/pseudonym", patient_id).hex()[:32]


def record_pseudonym(patient_id: str, kind: str, record_id: str, key: bytes) -> str:
    """A stable replacement for a record id (ids such as ``a-2026-05-03`` can leak dates)."""
    digest = derive(key, f"fhirmig/record/{kind}", patient_id + "\x00" + record_id).hex()
    return f"{kind[0]}-{digest[:16]}"


def date_shift_days(patient_id: str, key: bytes) -> int:
    """The patient's date shift: a whole number of weeks, never zero, within a year.

    Whole weeks keep the day of the week, which headache research uses (weekend attacks).
    """
    digest = derive(key, "fhirmig/date-shift", patient_id)
    weeks = int.from_bytes(digest[:8], "big") % (2 * MAX_SHIFT_WEEKS) - MAX_SHIFT_WEEKS
    if weeks >= 0:
        weeks += 1
    return 7 * weeks
