"""Time the web page's diary and report pages of a three-year diary against a static file.

    .venv/bin/python benchmarks/bench_web.py [--attacks 1000] [--repeat 20]

The diary is the seeded three-year diary of bench_report.py (about 1,000 attacks and a
daily entry for most days). The page runs in this process under uvicorn on 127.0.0.1, as
``fhirmig serve`` runs it; a client on loopback asks for each page ``--repeat`` times. The
baseline is the page's own style sheet (a static file) served by the same server in the same
run, so the ratios say what the pages cost beyond serving anything at all. Targets: the
diary page under 150 ms, the report preview under the time of the CLI's report (the PDF,
rendered in this process).

Printed: median and best wall-clock times of each page, the ratio of each to the static
file, the first diary page after a change of the file (it parses the diary again), and the
ratio of the report preview to the CLI report.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from fhirmig.diary import dumps_diary
from fhirmig.report import render_report
from fhirmig.web import Secrets, bind, create_app

sys.path.insert(0, str(Path(__file__).parent))
from bench_report import synthetic_diary


def _times(client: httpx.Client, path: str, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        answer = client.get(path)
        out.append(time.perf_counter() - start)
        answer.raise_for_status()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attacks", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    diary = synthetic_diary(args.attacks)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "diary.json"
        path.write_bytes(dumps_diary(diary))
        sock = bind(0)
        port = sock.getsockname()[1]
        keys = Secrets()
        app = create_app(path, secrets=keys, port=port)
        config = uvicorn.Config(app, log_level="warning", access_log=False, log_config=None)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.01)
        origin = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=origin, cookies={"fhirmig_session": keys.token}) as client:
                for warm in ("/static/app.css", "/", "/report"):
                    client.get(warm).raise_for_status()
                static = _times(client, "/static/app.css", args.repeat)
                page = _times(client, "/", args.repeat)
                report = _times(client, "/report", max(3, args.repeat // 4))
                cold = []
                for _ in range(max(3, args.repeat // 4)):
                    path.write_bytes(dumps_diary(diary))  # a change on disk: read again
                    cold += _times(client, "/", 1)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
        cli = []
        for _ in range(max(1, args.repeat // 10)):
            start = time.perf_counter()
            render_report(diary, Path(folder) / "report.pdf")
            cli.append(time.perf_counter() - start)

    base = statistics.median(static)
    print(f"diary: {len(diary.attacks)} attacks, {len(diary.days)} days over 3 years")
    for name, values in (
        ("static file (baseline)", static),
        ("diary page", page),
        ("diary page after a change (parses)", cold),
        ("report preview page", report),
    ):
        median = statistics.median(values)
        print(
            f"{name:38s} median {median * 1000:8.1f} ms  best {min(values) * 1000:8.1f} ms  "
            f"ratio to static {median / base:7.1f}"
        )
    print(f"{'CLI report (PDF, in process)':38s} best   {min(cli) * 1000:8.1f} ms")
    print(f"ratio report preview / CLI report: {statistics.median(report) / min(cli):.2f}")
    verdict = "met" if statistics.median(page) < 0.150 else "MISSED"
    print(f"diary page target (< 150 ms): {verdict}")


if __name__ == "__main__":
    main()
