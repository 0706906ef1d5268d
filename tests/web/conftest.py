"""Fixtures of the web page's tests: an app with its test client, a served page, a browser."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.web.browser import (
    Browser,
    Served,
    open_browser,
    require_browser,
    start_server,
    stop_server,
)

pytest.importorskip(
    "starlette", reason="the web page needs the 'web' extra: pip install -e '.[web]'"
)

from starlette.testclient import TestClient

from fhirmig.web import Secrets, create_app

PORT = 8765
ORIGIN = f"http://127.0.0.1:{PORT}"


@pytest.fixture
def diary_path(tmp_path: Path) -> Path:
    """A copy of the example diary with twitching, in the test's folder."""
    target = tmp_path / "diary.json"
    shutil.copy(EXAMPLES / "episodic-twitching.json", target)
    target.chmod(0o600)
    return target


@pytest.fixture
def secrets() -> Secrets:
    """This run's token and CSRF token."""
    return Secrets()


def make_client(path: Path, secrets: Secrets, *, signed_in: bool = True) -> TestClient:
    """A test client of the app for ``path``, talking to it as 127.0.0.1:8765."""
    app = create_app(path, secrets=secrets, port=PORT, today=lambda: date(2026, 11, 20))
    client = TestClient(app, base_url=ORIGIN, raise_server_exceptions=True)
    if signed_in:
        client.cookies.set("fhirmig_session", secrets.token)
    return client


@pytest.fixture
def client(diary_path: Path, secrets: Secrets) -> Iterator[TestClient]:
    """A signed-in test client of the app for the example diary."""
    with make_client(diary_path, secrets) as c:
        yield c


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """``fhirmig serve`` running on a free port for a new diary in the test's folder."""
    require_browser()
    server = start_server(tmp_path / "my-diary.json", tmp_path)
    yield server
    stop_server(server)


@pytest.fixture
def browser(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Browser]:
    """Headless Chromium for one test (screenshots in build/screenshots/<test>/)."""
    require_browser()
    yield from open_browser(tmp_path, request.node.name)
