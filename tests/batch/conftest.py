"""Fixtures of the batch tests: an S3 server (moto) for the whole session, reset per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cluster_helpers import S3Server


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """moto's standalone S3 server, a separate process on a free loopback port."""
    server = S3Server(tmp_path_factory.mktemp("moto"))
    yield server
    server.stop()


@pytest.fixture
def s3(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An empty S3 store with the bucket ``diaries``, reached through the usual variables.

    Yields the s3fs file system of the test (the batch opens its own from the same
    environment, as it would with any S3-compatible store).
    """
    s3fs = pytest.importorskip("s3fs")
    s3_server.reset()
    for key, value in s3_server.env.items():
        monkeypatch.setenv(key, value)
    fs = s3fs.S3FileSystem(skip_instance_cache=True)
    fs.mkdir("diaries")
    yield fs
    fs.invalidate_cache()
