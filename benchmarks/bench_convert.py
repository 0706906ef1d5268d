"""Convert a large generated diary to FHIR and compare with a plain-dict baseline.

fhirmig: ``convert_diary`` to a transaction Bundle: build every resource, check it with
the gate, rewrite references, serialise with orjson and stream it to a file.
Baseline, same run, same resources: the dicts built and serialised with orjson, written to
a file, nothing checked. Prints resources per second for both and the ratio (target: within
4x), then the peak traced memory of converting diaries of two sizes (streaming: the output
grows, the peak should not grow with it).

    .venv/bin/python benchmarks/bench_convert.py [--attacks 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import random
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from fhirmig.diary.model import Diary
from fhirmig.diary.reader import diary_from_raw
from fhirmig.diary.vocabulary import BODY_SITES, PAIN_QUALITIES, RELIEF_METHODS, SYMPTOMS, TRIGGERS
from fhirmig.fhir import convert_diary
from fhirmig.fhir.mapping import shared_resources


def make_diary(attacks: int, seed: int = 7) -> Diary:
    """A diary with ``attacks`` attacks (symptoms, twitching, intakes, relief) and daily entries."""
    rng = random.Random(seed)
    start = datetime(2020, 1, 1, 6, 0)
    meds = [
        {"id": "suma50", "name": "Sumatriptan 50 mg", "class": "triptan", "atc": "N02CC01"},
        {"id": "ibu400", "name": "Ibuprofen 400 mg", "class": "nsaid", "atc": "M01AE01"},
    ]
    rows: list[dict[str, Any]] = []
    for i in range(attacks):
        t0 = start + timedelta(hours=13 * i + rng.randint(0, 6))
        a: dict[str, Any] = {
            "id": f"a-{i}",
            "start": t0.isoformat(timespec="seconds") + "+00:00",
            "end": (t0 + timedelta(minutes=rng.randint(30, 600))).isoformat(timespec="seconds")
            + "+00:00",
            "intensity": rng.randint(2, 9),
            "aura": rng.random() < 0.2,
            "painLocations": rng.sample(BODY_SITES, 2),
            "painQualities": rng.sample(PAIN_QUALITIES, 1),
            "symptoms": rng.sample(SYMPTOMS, 2),
            "triggers": [*rng.sample(TRIGGERS, 2), "long meeting"],
            "reliefMethods": [{"method": rng.choice(RELIEF_METHODS), "effect": "some"}],
            "disability": rng.choice(["none", "mild", "moderate", "severe"]),
            "notes": "generated attack",
        }
        if i % 3 == 0:
            a["twitching"] = [{"location": "left-eyelid", "description": "pulses", "intensity": 2}]
        if i % 2 == 0:
            a["medications"] = [
                {"medication": rng.choice(meds)["id"], "taken": a["start"], "dose": "1 tablet"}
            ]
        rows.append(a)
    days = [
        {"date": (start.date() + timedelta(days=d)).isoformat(), "sleepHours": 7, "stress": 4}
        for d in range(0, attacks // 2, 3)
    ]
    raw = {
        "format": "fhirmig-diary/1",
        "patient": {"id": "bench-1", "timezone": "UTC"},
        "medications": meds,
        "attacks": rows,
        "days": days,
    }
    return diary_from_raw(raw, "<bench>")


def baseline(diary: Diary, out: Path) -> int:
    """The same resources as plain dicts, serialised with orjson, no checks."""
    n = 0
    with out.open("wb") as fh:
        for res in shared_resources(diary):
            fh.write(orjson.dumps(res, option=orjson.OPT_SORT_KEYS) + b"\n")
            n += 1
    return n


def best_of(repeat: int, func: Any, *args: Any) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        count = func(*args)
        times.append(time.perf_counter() - t)
    return min(times), count


def peak_mb(diary: Diary, out: Path, summaries: bool = False) -> float:
    """Peak memory traced while streaming the resources; without ``summaries`` the
    figures (computed over the whole diary, like the diary itself) are left out."""
    gc.collect()
    tracemalloc.start()
    convert_diary(diary, out, "transaction", summaries=summaries)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attacks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    diary = make_diary(args.attacks)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t_base, n_base = best_of(args.repeat, baseline, diary, folder / "base.ndjson")
        t_mig, n_mig = best_of(
            args.repeat, convert_diary, diary, folder / "bundle.json", "transaction"
        )
        assert n_base == n_mig, (n_base, n_mig)
        print(f"diary: {args.attacks:,} attacks -> {n_mig:,} resources")
        print(f"baseline (dicts + orjson, no checks): {n_base / t_base:10,.0f} resources/s")
        print(f"fhirmig (gated transaction Bundle):   {n_mig / t_mig:10,.0f} resources/s")
        print(f"ratio fhirmig / baseline time: {t_mig / t_base:.2f}x (target: within 4x)")
        small = make_diary(max(args.attacks // 10, 1))
        p_small = peak_mb(small, folder / "small.json")
        p_large = peak_mb(diary, folder / "large.json")
        size_small = (folder / "small.json").stat().st_size / 1e6
        size_large = (folder / "large.json").stat().st_size / 1e6
        print(
            f"peak traced memory while streaming: {p_small:.1f} MB for a {size_small:.0f} MB "
            f"Bundle, {p_large:.1f} MB for a {size_large:.0f} MB Bundle"
        )
        s_small = peak_mb(small, folder / "small.json", summaries=True)
        s_large = peak_mb(diary, folder / "large.json", summaries=True)
        print(
            f"with the summary figures (they need the whole diary): {s_small:.1f} MB and "
            f"{s_large:.1f} MB"
        )


if __name__ == "__main__":
    main()
