"""Key files: making, loading and refusing them; what is derived from a key."""

from __future__ import annotations

import base64
import os
import re
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fhirmig.errors import OutputError, PrivacyError
from fhirmig.privacy import (
    KEY_BYTES,
    MAX_SHIFT_WEEKS,
    date_shift_days,
    load_key,
    pseudonym,
    record_pseudonym,
    write_new_key,
)


def _write(path: Path, data: bytes, mode: int = 0o600) -> Path:
    path.write_bytes(data)
    os.chmod(path, mode)
    return path


def test_new_key_is_private_hex_and_loads(tmp_path: Path) -> None:
    path = write_new_key(tmp_path / "k.key")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert re.fullmatch(r"[0-9a-f]{64}\n", text)
    assert load_key(path) == bytes.fromhex(text.strip())
    assert len(load_key(path)) == KEY_BYTES


def test_new_keys_differ(tmp_path: Path) -> None:
    a = load_key(write_new_key(tmp_path / "a.key"))
    b = load_key(write_new_key(tmp_path / "b.key"))
    assert a != b


def test_new_key_never_overwrites(tmp_path: Path) -> None:
    path = _write(tmp_path / "k.key", b"old key\n")
    with pytest.raises(OutputError, match="never overwritten"):
        write_new_key(path)
    assert path.read_bytes() == b"old key\n"


def test_new_key_does_not_follow_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    (tmp_path / "link.key").symlink_to(target)
    with pytest.raises(OutputError):
        write_new_key(tmp_path / "link.key")
    assert not target.exists()


def test_missing_key_names_the_way_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(PrivacyError, match=r"no such key file.*--new-key"):
        load_key(tmp_path / "absent.key")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "it is empty"),
        (b"abcdef0123456789" * 3 + b"\n", "holds 24 bytes"),  # 48 hex digits = 24 bytes
        (b"short passphrase\n", "a passphrase or other text is not a key"),
        (b"a" * 64, "too regular"),
        (b"0" * 64, "too regular"),
        (b"0123456789abcdef" * 4, "too regular"),  # hex, 32 bytes, a pattern
    ],
)
def test_short_or_regular_keys_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    with pytest.raises(PrivacyError, match=message):
        load_key(_write(tmp_path / "k.key", content))


@pytest.mark.parametrize(
    "content",
    [
        b"password1234" * 3,  # the passphrase the old check took (36 bytes, 10 distinct)
        b"password1234" * 3 + b"\n",
        b"password1234" * 4,  # 48 base64 letters, but lower case and digits only
        b"Password1234" * 4,  # valid base64 of 36 bytes: a piece repeated
        b"correct horse battery staple is a fine passphrase",
        b"Tr0ub4dor&3Tr0ub4dor&3Tr0ub4dor&3Tr0ub4dor&3",
        "pässwörter sind keine schlüssel, auch lange nicht".encode(),
    ],
)
def test_a_passphrase_is_refused_with_how_to_make_a_key(tmp_path: Path, content: bytes) -> None:
    with pytest.raises(PrivacyError) as info:
        load_key(_write(tmp_path / "k.key", content))
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'k.key'}: not a usable key")
    assert "fhirmig deidentify --new-key" in message
    assert "openssl rand -hex 32" in message
    assert "password" not in message.lower() and "horse" not in message


def test_random_hex_and_base64_keys_are_accepted(tmp_path: Path) -> None:
    for i in range(50):  # never refuses a random key (the checks' miss rate is < 1e-9)
        raw = os.urandom(KEY_BYTES + i % 3)
        assert load_key(_write(tmp_path / "h.key", raw.hex().encode() + b"\n")) == raw
        assert load_key(_write(tmp_path / "u.key", raw.hex().upper().encode())) == raw
        b64 = base64.b64encode(raw) + b"\n"
        assert load_key(_write(tmp_path / "b.key", b64)) == raw


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644, 0o606])
def test_key_readable_by_others_is_refused(tmp_path: Path, mode: int) -> None:
    path = _write(tmp_path / "k.key", os.urandom(32).hex().encode(), mode)
    with pytest.raises(PrivacyError, match=rf"mode {mode:04o}.*chmod 600"):
        load_key(path)


def test_a_folder_or_a_huge_file_is_not_a_key(tmp_path: Path) -> None:
    with pytest.raises(PrivacyError, match="not a regular file"):
        load_key(tmp_path)
    with pytest.raises(PrivacyError, match="too large"):
        load_key(_write(tmp_path / "big.key", os.urandom(5000)))


def test_raw_binary_is_not_a_key_file(tmp_path: Path) -> None:
    # raw bytes cannot be told from typed text: a key file is written as text
    with pytest.raises(PrivacyError, match="not hexadecimal or base64 text"):
        load_key(_write(tmp_path / "k.bin", bytes(range(200, 240))))


def test_the_key_never_appears_in_an_error(tmp_path: Path) -> None:
    weak = b"correct horse"
    with pytest.raises(PrivacyError) as info:
        load_key(_write(tmp_path / "weak.key", weak))
    assert "horse" not in str(info.value)


def test_pseudonym_is_keyed_stable_and_hides_the_id() -> None:
    k1, k2 = b"k" * 16 + bytes(range(16)), b"j" * 16 + bytes(range(16))
    p = pseudonym("p-0001", k1)
    assert re.fullmatch(r"pt-[0-9a-f]{32}", p)
    assert pseudonym("p-0001", k1) == p
    assert pseudonym("p-0001", k2) != p
    assert pseudonym("p-0002", k1) != p
    assert "0001" not in p


def test_record_pseudonyms_are_separate_per_kind_and_patient() -> None:
    k = bytes(range(32))
    a = record_pseudonym("p1", "attack", "x", k)
    assert re.fullmatch(r"a-[0-9a-f]{16}", a)
    assert record_pseudonym("p1", "treatment", "x", k).startswith("t-")
    assert record_pseudonym("p2", "attack", "x", k) != a
    assert record_pseudonym("p1", "attack", "y", k) != a


@given(st.text(min_size=1, max_size=40), st.binary(min_size=32, max_size=64))
def test_date_shift_is_whole_weeks_never_zero(patient_id: str, key: bytes) -> None:
    days = date_shift_days(patient_id, key)
    assert days % 7 == 0
    assert days != 0
    assert abs(days) <= 7 * MAX_SHIFT_WEEKS
    assert date_shift_days(patient_id, key) == days


def test_date_shifts_spread_both_ways() -> None:
    key = bytes(range(32))
    shifts = {date_shift_days(f"p-{i}", key) for i in range(400)}
    assert min(shifts) < -300
    assert max(shifts) > 300
    assert len(shifts) > 80
