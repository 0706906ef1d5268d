"""Real services for the batch tests, each a separate process on a free loopback port.

- :class:`S3Server`: moto's standalone S3 server (``moto_server``), reached through the
  standard ``AWS_ENDPOINT_URL`` and ``AWS_*`` credential variables, as any S3-compatible
  store would be;
- :class:`DaskCluster`: a ``dask scheduler`` and ``dask worker`` processes, each started in
  its own working directory, sharing no folder with the test or with each other.

Every process is killed when the test process dies (Linux ``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def start(cmd: list[str], home: Path, env: dict[str, str], name: str) -> subprocess.Popen[bytes]:
    """Start ``cmd`` in ``home`` (its own working directory), logging to ``home/NAME.log``."""
    home.mkdir(parents=True, exist_ok=True)
    with (home / f"{name}.log").open("ab") as log:
        return subprocess.Popen(
            cmd,
            cwd=home,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )


def wait_for(
    check: Callable[[], bool], what: str, proc: subprocess.Popen[bytes], log: Path
) -> None:
    """Wait up to 60 s for ``check()``; fail with the log's tail if ``proc`` ends first."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise AssertionError(f"{what} exited during start-up:\n{tail}")
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.1)
    raise AssertionError(
        f"{what} did not start in 60 s:\n{log.read_text(errors='replace')[-3000:]}"
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process politely, then for sure."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def clean_env() -> dict[str, str]:
    """The environment of a service: this one without any AWS setting or Python path."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "PYTHONPATH", "BATCH_TEST_"))
    }


class S3Server:
    """moto's S3 server on a free loopback port; ``env`` is what a client needs to reach it."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.env = {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "fhirmig-test",
            "AWS_SECRET_ACCESS_KEY": "fhirmig-test-secret",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        cmd = [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)]
        self.proc = start(cmd, home, clean_env(), "moto")
        wait_for(
            lambda: httpx.get(f"{self.endpoint}/moto-api/", timeout=2).status_code < 500,
            "the S3 test server",
            self.proc,
            home / "moto.log",
        )

    def reset(self) -> None:
        """Forget every bucket and object."""
        httpx.post(f"{self.endpoint}/moto-api/reset", timeout=10).raise_for_status()

    def stop(self) -> None:
        stop(self.proc)


class DaskCluster:
    """A ``dask scheduler`` and ``workers`` ``dask worker`` processes (one thread each)."""

    def __init__(
        self, home: Path, env: dict[str, str], workers: int = 2, module: Path | None = None
    ) -> None:
        """``module``: a Python file each worker gets a copy of in its own folder (importable
        there), as code is installed on a real cluster's workers."""
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        base = clean_env() | env
        self.scheduler = start(
            [
                str(BIN / "dask"),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-dashboard",
                "--no-show",
            ],
            home / "scheduler",
            base,
            "scheduler",
        )
        self.workers: list[subprocess.Popen[bytes]] = []
        for n in range(workers):
            folder = home / f"worker-{n}"
            folder.mkdir(parents=True)
            worker_env = dict(base)
            if module is not None:
                shutil.copy(module, folder / module.name)
                worker_env["PYTHONPATH"] = "."  # the worker's own folder
            self.workers.append(
                start(
                    [
                        str(BIN / "dask"),
                        "worker",
                        self.address,
                        "--host",
                        "127.0.0.1",
                        "--nthreads",
                        "1",
                        "--no-nanny",
                        "--no-dashboard",
                        "--local-directory",
                        "scratch",
                        "--name",
                        f"worker-{n}",
                    ],
                    folder,
                    worker_env,
                    "worker",
                )
            )
        self.wait_workers(workers, home)

    def wait_workers(self, n: int, home: Path) -> None:
        """Wait until the scheduler sees ``n`` workers."""
        from distributed import Client

        def ready() -> bool:
            with Client(self.address, timeout=5, set_as_default=False) as client:
                return len(client.nthreads()) >= n

        wait_for(ready, "the Dask cluster", self.scheduler, home / "scheduler/scheduler.log")

    def stop(self) -> None:
        for proc in [*self.workers, self.scheduler]:
            stop(proc)


def s3_tree(fs: Any, prefix: str) -> dict[str, bytes]:
    """Every object under ``prefix`` (relative name -> bytes)."""
    fs.invalidate_cache()
    root = prefix.rstrip("/")
    return {p[len(root) + 1 :]: fs.cat_file(p) for p in sorted(fs.find(root))}


def upload_folder(fs: Any, folder: Path, prefix: str) -> None:
    """Copy every file of ``folder`` to ``prefix``."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            fs.pipe_file(
                f"{prefix.rstrip('/')}/{path.relative_to(folder).as_posix()}", path.read_bytes()
            )
