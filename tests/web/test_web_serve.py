"""``fhirmig serve`` itself: the first line is the address, loopback only, Ctrl-C stops it."""

from __future__ import annotations

import json
import re
import shutil
import socket
from pathlib import Path

import httpx
from click.testing import CliRunner

from fhirmig.cli import cli
from tests.conftest import EXAMPLES
from tests.web.browser import start_server, stop_server


def test_serve_prints_its_address_first_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    diary = tmp_path / "diary.json"
    shutil.copy(EXAMPLES / "episodic-twitching.json", diary)
    served = start_server(diary, tmp_path)
    try:
        port = int(served.origin.rsplit(":", 1)[1])
        with httpx.Client(base_url=served.origin, follow_redirects=False) as client:
            assert client.get("/").status_code == 403  # no token, no page
            first = client.get(served.url.removeprefix(served.origin))
            assert first.status_code == 303 and "HttpOnly" in first.headers["set-cookie"]
            page = client.get("/")
            assert page.status_code == 200 and "Ana Maria Silva" in page.text
            assert "server" not in page.headers  # no server banner
        # only the loopback address answers
        addresses = {
            info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        }
        for address in addresses - {"127.0.0.1"}:
            with socket.socket() as other:
                other.settimeout(1)
                assert other.connect_ex((address, port)) != 0, address
    finally:
        log = stop_server(served)
    assert served.process.returncode == 0
    assert "Ana" not in log and "diary.json" not in log and "token" not in log, log


def test_serve_refuses_a_csv_diary_and_a_taken_port(tmp_path: Path) -> None:
    runner = CliRunner()
    csv_file = tmp_path / "d.csv"
    csv_file.write_text("date\n")
    result = runner.invoke(cli, ["serve", str(csv_file), "--no-browser"])
    assert result.exit_code == 2 and "keeps a JSON diary" in result.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(
            cli, ["serve", str(tmp_path / "x.json"), "--no-browser", "--port", str(port)]
        )
    assert result.exit_code == 2 and f"port {port}: cannot listen on 127.0.0.1" in result.output
    assert not (tmp_path / "x.json").exists()


def test_a_new_diary_from_serve_is_a_diary_the_cli_validates(tmp_path: Path) -> None:
    served = start_server(tmp_path / "fresh.json", tmp_path)
    try:
        with httpx.Client(base_url=served.origin, follow_redirects=True) as client:
            page = client.get(served.url.removeprefix(served.origin))
            assert "Start your diary" in page.text
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
            assert csrf is not None
            done = client.post(
                "/new",
                data={
                    "csrf": csrf[1],
                    "id": "p-7",
                    "given": "Lee",
                    "timezone": "Asia/Tokyo",
                    "language": "ja",
                },
                headers={"origin": served.origin},
            )
            assert "Your new diary was created." in done.text
    finally:
        stop_server(served)
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "fresh.json")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "fresh.json").read_text())["patient"]["timezone"] == "Asia/Tokyo"


def test_an_error_is_logged_by_its_kind_only(monkeypatch: object) -> None:
    import logging
    import sys

    from fhirmig.web.server import NoPatientData

    try:
        raise ValueError("Ana Maria Silva, eyelid flutters")
    except ValueError:
        record = logging.LogRecord(
            "uvicorn.error",
            logging.ERROR,
            __file__,
            1,
            "Exception in ASGI application: %s",
            ("Silva",),
            sys.exc_info(),
        )
    assert NoPatientData().filter(record)
    text = logging.Formatter().format(record)
    assert text == "internal error (ValueError); this is a bug in fhirmig, please report it"


def test_a_failing_page_answers_500_without_details(diary_path: Path, monkeypatch: object) -> None:
    from starlette.testclient import TestClient

    from fhirmig.web import Secrets, create_app
    from fhirmig.web.store import DiaryStore

    def broken(self: DiaryStore) -> None:
        raise RuntimeError("Ana Maria Silva")

    monkeypatch.setattr(DiaryStore, "load", broken)  # type: ignore[attr-defined]
    keys = Secrets()
    app = create_app(diary_path, secrets=keys, port=8765)
    with TestClient(app, base_url="http://127.0.0.1:8765", raise_server_exceptions=False) as client:
        client.cookies.set("fhirmig_session", keys.token)
        answer = client.get("/")
    assert answer.status_code == 500
    assert "Something went wrong." in answer.text and "Silva" not in answer.text
    assert answer.headers["content-security-policy"].startswith("default-src 'none'")
