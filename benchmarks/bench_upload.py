"""Upload sync cost: a re-upload of an unchanged diary, and of a diary with 10 changed
attacks, each as a ratio to a first upload of the same diary in the same run.

Starts the FHIR test server (SEKMET, from .venv-fhir-server/, installed by `make test`) on a
free loopback port with a fresh database. Each round uses a new patient id, so the first
upload creates everything; the re-uploads read the server, compare, and send only the
differences (nothing, or the 10 attacks with what depends on them: their summaries and the
Provenance).

    .venv/bin/python benchmarks/bench_upload.py [DIARY] [--batch-size N] [--rounds N]

The ratios (best of the rounds) are the figures to compare.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fhirmig.diary import read_diary  # noqa: E402
from fhirmig.fhir import diary_to_resources  # noqa: E402
from fhirmig.upload import upload_resources  # noqa: E402
from tests.upload.conftest import FhirServer  # noqa: E402


def _with_patient(diary: Any, patient_id: str) -> Any:
    return diary.model_copy(update={"patient": diary.patient.model_copy(update={"id": patient_id})})


def _ten_changed(diary: Any) -> Any:
    attacks = list(diary.attacks)
    for i in range(min(10, len(attacks))):
        a = attacks[i]
        level = a.intensity if a.intensity is not None else 5
        attacks[i] = a.model_copy(update={"intensity": 1 + (level % 9)})
    return diary.model_copy(update={"attacks": attacks})


def _timed(resources: list[dict[str, Any]], base: str, batch_size: int) -> tuple[float, Any]:
    start = time.perf_counter()
    summary = upload_resources(resources, base, batch_size=batch_size)
    elapsed = time.perf_counter() - start
    assert summary.ok, summary.failure_lines()
    return elapsed, summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("diary", nargs="?", default=str(ROOT / "examples/episodic-twitching.json"))
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    diary = read_diary(args.diary)
    times: dict[str, list[float]] = {"first": [], "unchanged": [], "ten": []}
    n = changed = 0
    with tempfile.TemporaryDirectory() as home:
        server = FhirServer(Path(home))
        server.start()
        try:
            for r in range(args.rounds):
                mine = _with_patient(diary, f"bench-{r}")
                resources = diary_to_resources(mine)
                n = len(resources)
                t, _ = _timed(resources, server.base_url, args.batch_size)
                times["first"].append(t)
                t, summary = _timed(resources, server.base_url, args.batch_size)
                assert summary.counts()["unchanged"] == n
                times["unchanged"].append(t)
                t, summary = _timed(
                    diary_to_resources(_ten_changed(mine)), server.base_url, args.batch_size
                )
                changed = summary.counts()["updated"]
                times["ten"].append(t)
        finally:
            server.stop()
    best = {k: min(v) for k, v in times.items()}
    print(f"{n} resources, batch size {args.batch_size}, best of {args.rounds} rounds")
    print(f"first upload            : {best['first']:.3f} s (baseline)")
    print(
        f"re-upload, unchanged    : {best['unchanged']:.3f} s, "
        f"ratio {best['unchanged'] / best['first']:.2f}"
    )
    print(
        f"re-upload, 10 attacks   : {best['ten']:.3f} s, ratio {best['ten'] / best['first']:.2f}"
        f" ({changed} resources updated)"
    )


if __name__ == "__main__":
    main()
