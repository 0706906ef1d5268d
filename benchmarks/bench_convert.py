"""Convert a large generated diary to FHIR and compare with floors run in the same run.

1. In process. fhirmig: ``convert_diary`` to a transaction Bundle: build every resource,
   check it with the gate, rewrite references, serialise with orjson and stream it to a
   file. Baseline, same run, same resources: the dicts built and serialised with orjson,
   written to a file, nothing checked. Prints resources per second for both and the ratio
   (target: at most 2x).
2. Whole process. ``fhirmig convert DIARY --format ndjson`` as a subprocess, against a
   floor process that only reads the same diary file (``orjson.loads``) and writes the
   same resources with orjson (streaming them, one line at a time, from one NDJSON file
   fhirmig wrote earlier in the run into one ``<Type>.ndjson`` per type through buffered
   files). Runs
   alternate, ``--repeat`` times each; prints the medians and the median of the ratios of
   each pair (target: at most 3x), with the machine's load average. Both run with
   bytecode cached, as an installed package has it (see :func:`installed_env`).
3. The per-step split of one conversion in this process: reading the diary (file, model,
   checks), building the resources, the summary figures, the gate, serialising and
   writing; each step's milliseconds and share.
4. The peak traced memory of converting diaries of two sizes (streaming: the output grows,
   the peak should not grow with it).

    .venv/bin/python benchmarks/bench_convert.py [--attacks 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import subprocess
import sys
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
from fhirmig.diary.writer import write_diary
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


FLOOR = """
import sys, orjson
diary, resources, out = sys.argv[1:4]
with open(diary, "rb") as fh:
    orjson.loads(fh.read())
files = {}
with open(resources, "rb") as lines:
    for line in lines:
        res = orjson.loads(line)
        t = res["resourceType"]
        if t not in files:
            files[t] = open(f"{out}/{t}.ndjson", "wb")
        files[t].write(orjson.dumps(res, option=orjson.OPT_SORT_KEYS) + b"\\n")
for fh in files.values():
    fh.close()
"""


def installed_env(folder: Path) -> dict[str, str]:
    """The environment of the timed processes: bytecode cached (in ``folder``) as in an
    installed package, even where ``PYTHONDONTWRITEBYTECODE`` is set, so that every run
    does not compile fhirmig's modules again (a cost an installed fhirmig never pays)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    return env


def timed_process(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one subprocess, which must succeed."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"failed with exit code {proc.returncode}: {' '.join(cmd[:4])}")
    return wall, usage.ru_utime + usage.ru_stime


def _median_line(name: str, values: list[float]) -> str:
    return f"{name} {statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f})"


def whole_process(diary_path: Path, folder: Path, repeat: int) -> None:
    """``fhirmig convert`` of the diary file against the read-and-write floor, alternating."""
    fhirmig = [sys.executable, "-m", "fhirmig", "convert", str(diary_path), "--format", "ndjson"]
    out = folder / "cli"
    env = installed_env(folder)
    subprocess.run([*fhirmig, "-o", str(out)], check=True, stdout=subprocess.DEVNULL, env=env)
    every = folder / "all.ndjson"
    with every.open("wb") as fh:  # the same resources, in fhirmig's order by type
        for part in sorted(out.glob("*.ndjson")):
            fh.write(part.read_bytes())
    floor_out = folder / "floor"
    floor_out.mkdir()
    floor = [sys.executable, "-c", FLOOR, str(diary_path), str(every), str(floor_out)]
    count = sum(1 for _ in every.open("rb"))
    runs: dict[str, list[float]] = {k: [] for k in ("wall", "cpu", "fwall", "fcpu", "rw", "rc")}
    load = [os.getloadavg()[0]]
    for _ in range(repeat):
        wall, cpu = timed_process([*fhirmig, "-o", str(out)], env)
        fwall, fcpu = timed_process(floor, env)
        values = (wall, cpu, fwall, fcpu, wall / fwall, cpu / fcpu)
        for key, value in zip(runs, values, strict=True):
            runs[key].append(value)
        load.append(os.getloadavg()[0])
    same = all((floor_out / p.name).read_bytes() == p.read_bytes() for p in out.glob("*.ndjson"))
    print(
        f"whole process, {count:,} resources to NDJSON, {repeat} runs each (median, range): "
        f"{_median_line('fhirmig convert wall', runs['wall'])}, "
        f"{_median_line('CPU', runs['cpu'])}; "
        f"{_median_line('floor (read the diary, write the resources) wall', runs['fwall'])}, "
        f"{_median_line('CPU', runs['fcpu'])}; the floor wrote the same bytes: {same}"
    )
    print(
        f"ratio fhirmig convert / floor: wall {statistics.median(runs['rw']):.2f}x, CPU "
        f"{statistics.median(runs['rc']):.2f}x (medians of each pair's ratio; target: at most "
        f"3x); load average {statistics.median(load):.1f} on {os.cpu_count()} cores"
    )


def step_split(diary_path: Path, folder: Path) -> None:
    """Time each step of one conversion of the diary file to NDJSON in this process."""
    from fhirmig.app.inputs import open_diary
    from fhirmig.fhir.bundle import dumps
    from fhirmig.fhir.gate import check_resource
    from fhirmig.fhir.summary import summary_resources

    gc.collect()
    steps: dict[str, float] = {}
    t = time.perf_counter()
    diary = open_diary(diary_path, command="convert")
    steps["read the diary (file, model, checks)"] = time.perf_counter() - t
    t = time.perf_counter()
    summaries = summary_resources(diary)
    steps["summary figures and their Observations"] = time.perf_counter() - t
    build = gate = write = 0.0
    files: dict[str, Any] = {}
    stream = shared_resources(diary, summaries=False)
    try:
        while True:
            t0 = time.perf_counter()
            res = next(stream)
            t1 = time.perf_counter()
            check_resource(res)
            t2 = time.perf_counter()
            fh = files.get(res["resourceType"])
            if fh is None:
                fh = files[res["resourceType"]] = (folder / f"{res['resourceType']}.x").open("wb")
            fh.write(dumps(res) + b"\n")
            t3 = time.perf_counter()
            build, gate, write = build + t1 - t0, gate + t2 - t1, write + t3 - t2
    except StopIteration:
        pass
    for res in summaries:
        check_resource(res)
    for fh in files.values():
        fh.close()
    steps["build the resources"] = build
    steps["gate"] = gate
    steps["serialise and write"] = write
    total = sum(steps.values())
    print(f"per step, one conversion in this process ({1000 * total:.0f} ms in all):")
    for name, sec in steps.items():
        print(f"  {name:42s} {1000 * sec:7.0f} ms  {100 * sec / total:4.0f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attacks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1795000000")
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
        print(f"ratio fhirmig / baseline time: {t_mig / t_base:.2f}x (target: at most 2x)")
        diary_path = folder / "diary.json"
        write_diary(diary, diary_path)
        whole_process(diary_path, folder, args.repeat)
        (folder / "steps").mkdir()
        step_split(diary_path, folder / "steps")
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
