"""The Dask engine gives the same bytes as the local engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from batch_helpers import CONVERTER, mixed_folder, tree, write_diaries

from fhirmig.batch import run_batch

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A small in-process Dask cluster (threads, no worker processes)."""
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0"
    ) as local:
        yield local


def test_dask_and_local_engines_give_identical_output(tmp_path: Path, cluster: Any) -> None:
    mixed_folder(tmp_path / "in")
    write_diaries(tmp_path / "in/more", 11)
    common: dict[str, Any] = {"converter": CONVERTER, "chunk_size": 4}
    local = run_batch(["in"], "local", jobs=2, **common)
    on_dask = run_batch(
        ["in"], "dask", engine="dask", scheduler=cluster.scheduler_address, **common
    )
    assert (on_dask.converted, on_dask.failed) == (local.converted, local.failed) == (21, 5)
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")


def test_dask_resume_and_bundles(tmp_path: Path, cluster: Any) -> None:
    write_diaries(tmp_path / "in", 9)
    common: dict[str, Any] = {"converter": CONVERTER, "chunk_size": 4}
    run_batch(["in"], "local", format="bundles", jobs=1, **common)
    address = cluster.scheduler_address
    run_batch(["in"], "dask", format="bundles", engine="dask", scheduler=address, **common)
    again = run_batch(
        ["in"], "dask", format="bundles", engine="dask", scheduler=address, resume=True, **common
    )
    assert again.skipped == 9
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")
