"""Token and private key files: only regular files that no other user can read are used."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from fhirmig.cli import cli
from fhirmig.errors import AuthError
from fhirmig.upload.auth import read_token
from fhirmig.upload.keys import load_signing_key

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def _file(path: Path, data: str, mode: int) -> Path:
    path.write_text(data)
    path.chmod(mode)
    return path


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620])
def test_token_file_others_can_read_or_change_is_refused(tmp_path: Path, mode: int) -> None:
    token = _file(tmp_path / "token", "secret-token-value", mode)
    with pytest.raises(AuthError) as info:
        read_token(token, {})
    message = str(info.value)
    assert f"mode {mode:04o}" in message and f"chmod 600 {token}" in message
    assert "secret-token-value" not in message
    token.chmod(0o600)
    assert read_token(token, {}) == "secret-token-value"
    token.chmod(0o400)
    assert read_token(token, {}) == "secret-token-value"


def test_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    key = _file(tmp_path / "key.pem", "-----BEGIN PRIVATE KEY-----\n", 0o644)
    with pytest.raises(AuthError, match=r"private key file can be read or changed by other"):
        load_signing_key(key)
    key.chmod(0o600)
    with pytest.raises(AuthError, match="not an unencrypted PEM private key"):
        load_signing_key(key)  # past the mode check: read and parsed


def test_a_pipe_folder_or_huge_file_is_no_token_and_nothing_hangs(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo, 0o600)
    result: list[BaseException] = []

    def read() -> None:
        try:
            read_token(fifo, {})
        except AuthError as exc:
            result.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "reading a pipe as a token file hung"
    assert "is not a regular file" in str(result[0])
    folder = tmp_path / "dir"
    folder.mkdir(mode=0o700)
    with pytest.raises(AuthError, match="is not a regular file"):
        read_token(folder, {})
    huge = _file(tmp_path / "huge", "x" * (64 * 1024 + 1), 0o600)
    with pytest.raises(AuthError, match="too large for a token file"):
        read_token(huge, {})
    with pytest.raises(AuthError, match="no such token file"):
        read_token(tmp_path / "missing", {})


def test_upload_command_refuses_a_shared_token_file_with_exit_3(
    tmp_path: Path, examples: Path
) -> None:
    token = _file(tmp_path / "token", "secret-token-value", 0o644)
    result = CliRunner().invoke(
        cli,
        [
            "upload",
            str(examples / "episodic-twitching.json"),
            "--server",
            "https://127.0.0.1:9/fhir",
            "--auth",
            "bearer",
            "--token-file",
            str(token),
        ],
    )
    assert result.exit_code == 3, result.output
    assert "chmod 600" in result.output and "secret-token-value" not in result.output
    assert "Traceback" not in result.output


@pytest.mark.skipif(os.name == "posix" and os.geteuid() != 0, reason="needs chown (root)")
def test_a_file_of_another_user_is_refused(tmp_path: Path) -> None:
    token = _file(tmp_path / "token", "secret-token-value", 0o600)
    os.chown(token, 65534, 65534)
    with pytest.raises(AuthError, match="belongs to another user"):
        read_token(token, {})
    os.chown(token, 0, 0)  # root's own file is accepted, as ssh does
    assert read_token(token, {}) == "secret-token-value"


def test_reading_leaves_no_file_open(tmp_path: Path) -> None:
    fds = Path("/proc/self/fd")
    if not fds.exists():
        pytest.skip("no /proc")
    token = _file(tmp_path / "token", "secret-token-value", 0o600)
    shared = _file(tmp_path / "shared", "x", 0o644)
    before = len(list(fds.iterdir()))
    for _ in range(20):
        read_token(token, {})
        with pytest.raises(AuthError):
            read_token(shared, {})
    assert len(list(fds.iterdir())) == before
