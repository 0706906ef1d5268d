"""The FHIR test server (SEKMET, a real third-party FHIR R4 server) and upload test data.

``make test`` installs the server into ``.venv-fhir-server/`` (pinned by
``server-requirements.txt`` and ``server-constraints.txt`` beside this file) and sets
``FHIRMIG_TEST_SERVER=required``: then a missing server is a test failure, not a skip.
``FHIRMIG_FHIR_SERVER`` may name another ``sekmet`` executable.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER_EXE = Path(os.environ.get("FHIRMIG_FHIR_SERVER", ROOT / ".venv-fhir-server/bin/sekmet"))
MRN_SYSTEM = "urn:oid:2.999.1.1"
OBS_SYSTEM = "urn:fhirmig:test:observation"
START = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _private_files() -> Iterator[None]:
    """Token and key files these tests write are private (umask 077), as fhirmig demands
    of a user's; test_secrets.py checks the refusals."""
    old = os.umask(0o077)
    yield
    os.umask(old)


def _die_with_parent() -> None:
    """In the server's process (Linux): be killed when the test process dies, even by
    SIGKILL or a CI timeout, so that no server outlives its tests."""
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class FhirServer:
    """One SEKMET server on a loopback port with its own SQLite database folder."""

    def __init__(self, home: Path, auth: str = "  types: [none]\n") -> None:
        self.home = home
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/fhir"
        self.proc: subprocess.Popen[bytes] | None = None
        (home / "data").mkdir(parents=True, exist_ok=True)
        (home / "settings.yaml").write_text(
            f"base_url: {self.base_url}\nhost: 127.0.0.1\nport: {self.port}\n"
            f"data_dir: {home / 'data'}\nlog_inbound: false\nsimulator:\n  enabled: false\n"
            "validation:\n  inbound: strict\nserver_auth:\n" + auth
        )

    def start(self, timeout: float = 60.0) -> None:
        """Start the server (same database as before) and wait for ``/metadata``."""
        config = self.home / "settings.yaml"
        log = (self.home / "server.log").open("ab")
        env = dict(os.environ, SEKMET_CONFIG=str(config))
        self.proc = subprocess.Popen(
            [str(SERVER_EXE), "serve", "--config", str(config)],
            cwd=self.home,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = (self.home / "server.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"the FHIR test server exited during start-up:\n{tail}")
            try:
                if httpx.get(f"{self.base_url}/metadata", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.kill()
        pytest.fail(f"the FHIR test server gave no answer on {self.base_url} in {timeout} s")

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crash would."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)

    def stop(self) -> None:
        """Stop the server politely, then for sure."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None

    def search(self, path: str) -> list[dict[str, Any]]:
        """All resources a search finds (follows ``next`` links)."""
        found: list[dict[str, Any]] = []
        url: str | None = f"{self.base_url}/{path}"
        while url:
            r = httpx.get(url, headers={"Accept": "application/fhir+json"}, timeout=30)
            r.raise_for_status()
            body = r.json()
            found += [
                e["resource"]
                for e in body.get("entry", [])
                if e.get("search", {}).get("mode", "match") == "match"
            ]
            url = next((x["url"] for x in body.get("link", []) if x["relation"] == "next"), None)
        return found


def _server_available() -> None:
    if SERVER_EXE.exists():
        return
    message = (
        f"the FHIR test server is not installed ({SERVER_EXE} is missing); "
        "run 'make test' (it installs it into .venv-fhir-server/)"
    )
    if os.environ.get("FHIRMIG_TEST_SERVER") == "required":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def fhir_server_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Start extra servers, each with a fresh database; all are stopped at the end.

    ``auth`` is the YAML body of SEKMET's ``server_auth`` settings (default: no sign-in).
    """
    _server_available()
    started: list[FhirServer] = []

    def make(auth: str = "  types: [none]\n") -> FhirServer:
        server = FhirServer(tmp_path_factory.mktemp("fhir-server"), auth)
        server.start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def fhir_server(fhir_server_factory: Any) -> FhirServer:
    """The shared FHIR test server of this session (fresh database)."""
    server: FhirServer = fhir_server_factory()
    return server


def make_resources(
    mrn: str, observations: int = 6, provenance: bool = True
) -> list[dict[str, Any]]:
    """A small patient record as fhirmig makes it: ids, ``Type/id`` references, identifiers."""
    tag = re.sub(r"[^A-Za-z0-9.-]", "-", mrn)
    patient = {
        "resourceType": "Patient",
        "id": f"pat-{tag}",
        "identifier": [{"system": MRN_SYSTEM, "value": mrn}],
        "name": [{"family": "Test", "given": ["Upload"]}],
        "gender": "female",
        "birthDate": "1990-04-01",
    }
    condition = {
        "resourceType": "Condition",
        "id": f"cond-{tag}",
        "identifier": [{"system": "urn:fhirmig:test:condition", "value": f"{mrn}-migraine"}],
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "active",
                }
            ]
        },
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "37796009"}]},
        "subject": {"reference": f"Patient/pat-{tag}"},
    }
    obs = [
        {
            "resourceType": "Observation",
            "id": f"obs-{tag}-{i}",
            "identifier": [{"system": OBS_SYSTEM, "value": f"{mrn}-{i}"}],
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]},
            "subject": {"reference": f"Patient/pat-{tag}"},
            "focus": [{"reference": f"Condition/cond-{tag}"}],
            "effectiveDateTime": (START + timedelta(hours=8 * i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "valueInteger": i % 10,
        }
        for i in range(observations)
    ]
    out: list[dict[str, Any]] = [*obs, condition, patient]
    if provenance:
        out.append(
            {
                "resourceType": "Provenance",
                "id": f"prov-{tag}",
                "target": [
                    {"reference": f"Observation/obs-{tag}-{i}"} for i in range(observations)
                ],
                "recorded": "2026-04-01T10:00:00Z",
                "agent": [{"who": {"display": "fhirmig"}}],
            }
        )
    return out
