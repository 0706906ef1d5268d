"""Start a local FHIR R4 test server (SEKMET) to try ``fhirmig upload`` by hand.

    make fhir-server                      # or: .venv/bin/python scripts/fhir_server.py
    python scripts/fhir_server.py --port 8090 --data .fhir-server --reset

It runs the same server, from the same install, as the test suite (``.venv-fhir-server/``,
made by ``make fhir-server`` or ``make test``), on 127.0.0.1 only, with no sign-in and
strict input validation, keeping its SQLite database in ``--data`` (default
``.fhir-server/``, which git ignores). It prints the base URL to give ``--server``, then
runs until Ctrl-C. ``--reset`` empties the database first.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / ".venv-fhir-server" / "bin" / "sekmet"


def _settings(home: Path, port: int) -> Path:
    base = f"http://127.0.0.1:{port}/fhir"
    config = home / "settings.yaml"
    config.write_text(
        f"base_url: {base}\nhost: 127.0.0.1\nport: {port}\ndata_dir: {home / 'data'}\n"
        "log_inbound: false\nsimulator:\n  enabled: false\n"
        "validation:\n  inbound: strict\nserver_auth:\n  types: [none]\n"
    )
    return config


def _ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"{base}/metadata", timeout=2) as answer:
                if answer.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    return False


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the server as Ctrl-C does


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8090, help="loopback port (default 8090)")
    parser.add_argument("--data", type=Path, default=ROOT / ".fhir-server", help="data folder")
    parser.add_argument("--reset", action="store_true", help="empty the database first")
    args = parser.parse_args(argv)
    if not SERVER.exists():
        print(
            f"{SERVER} is missing: run 'make fhir-server' (it installs the server)", file=sys.stderr
        )
        return 1
    home: Path = args.data.resolve()
    if args.reset and (home / "data").exists():
        shutil.rmtree(home / "data")
    (home / "data").mkdir(parents=True, exist_ok=True)
    config = _settings(home, args.port)
    base = f"http://127.0.0.1:{args.port}/fhir"
    signal.signal(signal.SIGTERM, _stop)
    with (home / "server.log").open("ab") as log:
        proc = subprocess.Popen(
            [str(SERVER), "serve", "--config", str(config)],
            cwd=home,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        if not _ready(base, proc):
            print(f"the server did not start; see {home / 'server.log'}", file=sys.stderr)
            return 1
        print(f"FHIR server ready: {base}   (Ctrl-C stops it; data in {home})")
        print(f"try: fhirmig upload examples/episodic-twitching.json --server {base}")
        proc.wait()
        return proc.returncode or 0
    except KeyboardInterrupt:
        return 0
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
