"""Upload overhead: fhirmig's upload against plain transaction POSTs to the same server.

Starts the FHIR test server (SEKMET, from .venv-fhir-server/, installed by `make test`) on a
free loopback port with a fresh database. The baseline POSTs the same resources, cut into
the same chunks, as ready-made transaction Bundles (conditional creates, urn:uuid
references) with plain httpx; fhirmig plans, rewrites references to server ids, records
every answer. Each side gets its own patient (same diary, another patient id) so both
create the same number of resources, then both re-send (everything already present).

    .venv/bin/python benchmarks/bench_upload.py [DIARY] [--batch-size N] [--rounds N]

The ratio (fhirmig time / baseline time, best of the rounds) is the figure to compare.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fhirmig.diary import read_diary  # noqa: E402
from fhirmig.fhir import diary_to_resources  # noqa: E402
from fhirmig.upload import plan_upload, upload_resources  # noqa: E402
from tests.upload.conftest import FhirServer  # noqa: E402


def baseline_bundles(resources: list[dict[str, Any]], batch_size: int) -> list[dict[str, Any]]:
    """Plain transaction Bundles: every reference turned into the urn:uuid of its target.

    Only valid as one transaction per dependency group, so the baseline uses one chunk
    order fhirmig computed and sends chunks whose references stay inside themselves or
    point to already-created resources by their urn (the server resolves ifNoneExist).
    """
    plan = plan_upload(resources, batch_size)
    urn = {p.key: f"urn:uuid:{uuid.uuid4()}" for c in plan for p in c}
    bundles = []
    for chunk in plan:
        entries = []
        for p in chunk:
            entries.append({"fullUrl": urn[p.key], "resource": p.resource, "request": p.request()})
        bundles.append({"resourceType": "Bundle", "type": "transaction", "entry": entries})
    return bundles


def post_all(base: str, bundles: list[dict[str, Any]]) -> float:
    start = time.perf_counter()
    with httpx.Client(timeout=120) as http:
        for b in bundles:
            r = http.post(base, json=b, headers={"Content-Type": "application/fhir+json"})
            r.raise_for_status()
    return time.perf_counter() - start


def _with_patient(diary: Any, patient_id: str) -> Any:
    return diary.model_copy(update={"patient": diary.patient.model_copy(update={"id": patient_id})})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("diary", nargs="?", default=str(ROOT / "examples/episodic-twitching.json"))
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    diary = read_diary(args.diary)
    times: dict[str, list[float]] = {k: [] for k in ("base1", "ours1", "base2", "ours2")}
    n = 0
    with tempfile.TemporaryDirectory() as home:
        server = FhirServer(Path(home))
        server.start()
        try:
            for r in range(args.rounds):
                mine = diary_to_resources(_with_patient(diary, f"bench-ours-{r}"))
                theirs = diary_to_resources(_with_patient(diary, f"bench-base-{r}"))
                n = len(mine)
                # the baseline sends one transaction: no cross-chunk references to resolve
                bundles = baseline_bundles(theirs, len(theirs))
                for _ in range(2):
                    first = "1" if not times["ours1"][r:] else "2"
                    times["base" + first].append(post_all(server.base_url, bundles))
                    t0 = time.perf_counter()
                    summary = upload_resources(mine, server.base_url, batch_size=args.batch_size)
                    times["ours" + first].append(time.perf_counter() - t0)
                    assert summary.ok, summary.lines()
        finally:
            server.stop()
    best = {k: min(v) for k, v in times.items()}
    print(f"{n} resources, fhirmig batch size {args.batch_size}, best of {args.rounds} rounds")
    for label, key in (("first upload", "1"), ("re-upload", "2")):
        base, ours = best["base" + key], best["ours" + key]
        print(f"{label:12}: baseline {base:.2f} s, fhirmig {ours:.2f} s, ratio {ours / base:.2f}")


if __name__ == "__main__":
    main()
