"""Batch conversion: throughput with 1 and 2 jobs, speed-up, peak memory, per-diary baseline.

Generates N synthetic diaries of a year each (seeded, so every run converts the same
data), then in the same run:

1. converts a sample one diary at a time in this process with ``convert_diary`` (the
   measure of ``bench_convert.py``): the single-diary baseline rate;
2. runs ``fhirmig batch`` with ``--jobs 1`` and ``--jobs 2`` as subprocesses and reports
   diaries/s and resources/s, the speed-up of 2 jobs over 1 and each rate as a ratio to
   the baseline;
3. runs ``fhirmig batch --jobs 2`` on 500 and on 5,000 diaries and reports the peak
   memory (the largest sum of the resident sizes of the batch process and its workers,
   sampled every 250 ms) and the ratio of the two.

Targets on a 2-core machine: speed-up >= 1.8; peak memory within 10% from 500 to 5,000.
The wall-clock speed-up needs otherwise idle cores, so each run also reports its CPU time
per diary (the cost of the work itself, whatever else runs), the cores it kept busy and the
machine's load average.

    .venv/bin/python benchmarks/bench_batch.py [--diaries 2000] [--memory 500,5000]

Needs the dask extra (for psutil): pip install -e '.[dask]'.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
import psutil

from fhirmig.diary import read_diary

ZONES = ("Europe/Lisbon", "America/New_York", "Europe/Berlin", "Asia/Tokyo", "UTC")
MEDS = [
    {"id": "suma50", "name": "Sumatriptan 50 mg tablet", "class": "triptan", "rxnorm": "313177"},
    {"id": "ibu400", "name": "Ibuprofen 400 mg", "class": "nsaid"},
    {"id": "para1g", "name": "Paracetamol 1 g", "class": "simple-analgesic"},
]
SYMPTOMS = ("nausea", "photophobia", "phonophobia", "vomiting", "dizziness", "fatigue")
TRIGGERS = ("stress", "lack-of-sleep", "caffeine", "alcohol", "weather-change", "screen-time")
SITES = ("left-temple", "right-temple", "forehead", "behind-eyes", "neck", "occiput")


def year_diary(index: int) -> dict[str, Any]:
    """A plausible diary of one year: about 5 attacks a month and a daily entry."""
    rng = random.Random(index)
    tz = ZONES[index % len(ZONES)]
    first = date(2025, 1, 1)
    attacks = []
    for day in range(365):
        if rng.random() > 0.17:
            continue
        d = first + timedelta(days=day)
        hour = rng.randrange(5, 20)
        attack: dict[str, Any] = {
            "id": f"a-{d.isoformat()}",
            "start": f"{d.isoformat()}T{hour:02d}:{rng.randrange(60):02d}:00",
            "durationMinutes": rng.randrange(30, 1440),
            "intensity": rng.randrange(2, 11),
            "kind": rng.choice(("migraine", "migraine", "headache", "tension")),
            "aura": rng.random() < 0.2,
            "painLocations": rng.sample(SITES, 2),
            "painQualities": ["throbbing"],
            "symptoms": rng.sample(SYMPTOMS, rng.randrange(0, 4)),
            "triggers": rng.sample(TRIGGERS, rng.randrange(0, 3)),
            "disability": rng.choice(("none", "mild", "moderate", "severe")),
        }
        if rng.random() < 0.7:
            med = rng.choice(MEDS)
            attack["medications"] = [
                {
                    "medication": med["id"],
                    "taken": f"{d.isoformat()}T{min(hour + 1, 23):02d}:00:00",
                    "relief": rng.choice(("none", "some", "good", "complete")),
                }
            ]
        attacks.append(attack)
    days = [
        {
            "date": (first + timedelta(days=i)).isoformat(),
            "sleepHours": round(rng.uniform(4, 9), 1),
            "stress": rng.randrange(0, 11),
            "caffeineMg": rng.randrange(0, 400, 50),
        }
        for i in range(365)
    ]
    return {
        "format": "fhirmig-diary/1",
        "patient": {"id": f"bench-{index:06d}", "timezone": tz, "sex": "female"},
        "conditions": [{"id": "dx-1", "code": "migraine-without-aura", "onset": "2015"}],
        "medications": MEDS,
        "attacks": attacks,
        "days": days,
        "questionnaires": [{"instrument": "MIDAS", "date": "2025-06-01", "score": 21}],
    }


def generate(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"diary-{i:06d}.json").write_bytes(orjson.dumps(year_diary(i)))


def baseline(folder: Path, sample: int) -> tuple[float, float]:
    """Diaries/s and resources/s of the FHIR benchmark's measure, one diary at a time.

    As in ``bench_convert.py``: ``convert_diary`` to a gated transaction Bundle, the diary
    already read (reading and checking it is left out here, the batch does both).
    """
    from fhirmig.fhir import convert_diary

    diaries = [read_diary(p) for p in sorted(folder.glob("*.json"))[:sample]]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bundle.json"
        convert_diary(diaries[0], out, "transaction")  # imports and caches outside the timing
        t0 = time.perf_counter()
        resources = sum(convert_diary(d, out, "transaction") for d in diaries)
        elapsed = time.perf_counter() - t0
    return len(diaries) / elapsed, resources / elapsed


def run(folder: Path, out: Path, jobs: int) -> dict[str, float]:
    """Run one batch as a subprocess; its wall time, CPU time, rates and peak memory."""
    shutil.rmtree(out, ignore_errors=True)
    fhirmig = Path(sys.executable).with_name("fhirmig")
    cmd = [str(fhirmig), "batch", str(folder), "-o", str(out), "--jobs", str(jobs)]
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    top = psutil.Process(proc.pid)
    peak = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        try:
            tree = [top, *top.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree))
        except psutil.Error:
            pass
        time.sleep(0.25)  # sampling costs CPU that the batch would otherwise get
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"batch failed with exit code {proc.returncode}: {' '.join(cmd)}")
    summary = json.loads((out / "ledger.json").read_bytes())["summary"]
    cpu = usage.ru_utime + usage.ru_stime  # the batch process and its (joined) workers
    return {
        "seconds": elapsed,
        "diaries_per_s": summary["converted"] / elapsed,
        "resources_per_s": summary["resources"] / elapsed,
        "resources": summary["resources"],
        "peak_mb": peak / 1e6,
        "cpu_ms_per_diary": 1000 * cpu / summary["converted"],
        "cores_busy": cpu / elapsed,
        "load": (load_before + os.getloadavg()[0]) / 2,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diaries", type=int, default=2000)
    parser.add_argument("--memory", default="500,5000", help="sizes for the memory check; '' skips")
    parser.add_argument("--sample", type=int, default=100, help="diaries for the baseline")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1795000000")
    with tempfile.TemporaryDirectory(prefix="fhirmig-bench-") as tmp:
        work = Path(tmp)
        generate(work / "in", args.diaries)
        base_d, base_r = baseline(work / "in", min(args.sample, args.diaries))
        print(f"single diary: {base_d:,.1f} diaries/s, {base_r:,.0f} resources/s")
        rates = {}
        for jobs in (1, 2):
            r = run(work / "in", work / f"out{jobs}", jobs)
            rates[jobs] = r
            print(
                f"--jobs {jobs}: {args.diaries} diaries in {r['seconds']:.1f} s, "
                f"{r['diaries_per_s']:,.1f} diaries/s, {r['resources_per_s']:,.0f} resources/s, "
                f"peak {r['peak_mb']:.0f} MB, "
                f"ratio to single diary {r['resources_per_s'] / base_r:.2f}; "
                f"CPU {r['cpu_ms_per_diary']:.0f} ms/diary, {r['cores_busy']:.2f} cores busy, "
                f"machine load average {r['load']:.1f} on {os.cpu_count()} cores"
            )
        same = _same(work / "out1", work / "out2")
        print(
            f"speed-up 2 jobs / 1 job: {rates[2]['diaries_per_s'] / rates[1]['diaries_per_s']:.2f}"
        )
        print(f"output identical for --jobs 1 and 2: {same}")
        sizes = [int(s) for s in args.memory.split(",") if s]
        peaks = []
        for size in sizes:
            folder = work / f"mem{size}"
            generate(folder, size)
            r = run(folder, work / f"memout{size}", 2)
            peaks.append(r["peak_mb"])
            print(f"peak memory, {size} diaries, --jobs 2: {r['peak_mb']:.0f} MB")
            shutil.rmtree(folder)
            shutil.rmtree(work / f"memout{size}")
        if len(peaks) >= 2:
            print(f"peak memory ratio {sizes[-1]} / {sizes[0]} diaries: {peaks[-1] / peaks[0]:.2f}")


def _same(a: Path, b: Path) -> bool:
    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in root.rglob("*")
            if p.is_file() and p.name != "lock"
        }

    return files(a) == files(b)


if __name__ == "__main__":
    main()
