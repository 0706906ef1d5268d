"""Batch conversion: throughput with 1 and 2 jobs, speed-up, peak memory, per-diary baseline.

Generates N synthetic diaries of a year each (seeded, so every run converts the same
data), then in the same run:

1. converts a sample one diary at a time in this process with ``convert_diary`` (the
   measure of ``bench_convert.py``): the single-diary baseline rate;
2. runs ``fhirmig batch`` with ``--jobs 1`` and ``--jobs 2`` as subprocesses, alternating,
   ``--repeat`` times each (with bytecode cached, as an installed fhirmig runs), and reports
   diaries/s and resources/s, the median speed-up of 2 jobs over 1 and each rate as a ratio to
   the baseline;
3. runs ``fhirmig batch --jobs 2`` on 500 and on 5,000 diaries and reports the peak
   memory (the largest sum of the resident sizes of the batch process and its workers,
   sampled every 250 ms) and the ratio of the two.

Targets on a 2-core machine: speed-up >= 1.8; peak memory within 10% from 500 to 5,000.
The wall-clock speed-up needs otherwise idle cores, so each run also reports its CPU time
per diary (the cost of the work itself, whatever else runs), the cores it kept busy and the
machine's load average.

    .venv/bin/python benchmarks/bench_batch.py [--diaries 2000] [--memory 500,5000]

At scale (``--no-speedup`` skips the parts above):

4. ``--scale 10000,100000`` generates that many diaries (``--days`` long, one at a time, so
   the generator holds one diary) for each size and runs ``fhirmig batch --jobs 2`` on
   them: throughput per core (diaries per CPU-second of the batch and its workers), the
   peak memory of the batch process (the client) and of each worker, and the time to write
   the ledger and manifest from the journal; then the ratios of the largest size to the
   smallest (flat memory: under 1.2; linear ledger: time per diary about 1);
5. ``--s3 10000`` converts that many diaries disk to disk and S3 to S3 through moto's S3
   server on loopback (started here), and reports the ratio of the two rates.

    .venv/bin/python benchmarks/bench_batch.py --no-speedup --scale 10000,100000 --days 30
    .venv/bin/python benchmarks/bench_batch.py --no-speedup --s3 10000 --days 30

Needs the dask extra (for psutil), and for ``--s3`` the test extra (moto, s3fs):
pip install -e '.[test,dask]'.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
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


def year_diary(index: int, span: int = 365) -> dict[str, Any]:
    """A plausible diary of ``span`` days (a year by default): about 5 attacks a month and
    a daily entry."""
    rng = random.Random(index)
    tz = ZONES[index % len(ZONES)]
    first = date(2025, 1, 1)
    attacks = []
    for day in range(span):
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
        for i in range(span)
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


def generate(folder: Path, n: int, span: int = 365) -> None:
    """Write ``n`` diaries into ``folder``, one at a time (never more than one in memory)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"diary-{i:06d}.json").write_bytes(orjson.dumps(year_diary(i, span)))


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


def run(source: str, out: str, jobs: int, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run one batch as a subprocess; its wall and CPU time, rates and peak memory.

    ``peak_mb`` is the largest sum of the resident sizes of the batch process and its
    workers; ``client_mb`` the peak of the batch process alone and ``workers_mb`` the peak
    of each worker, sampled every 250 ms.
    """
    if not out.startswith("s3://"):
        shutil.rmtree(out, ignore_errors=True)
    fhirmig = Path(sys.executable).with_name("fhirmig")
    cmd = [str(fhirmig), "batch", source, "-o", out, "--jobs", str(jobs)]
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env or dict(os.environ)
    )
    top = psutil.Process(proc.pid)
    peak = 0
    peaks: dict[int, int] = {}
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        try:
            tree = [top, *top.children(recursive=True)]
            sizes = {p.pid: p.memory_info().rss for p in tree}
        except psutil.Error:
            sizes = {}
        peak = max(peak, sum(sizes.values()))
        for p, rss in sizes.items():
            peaks[p] = max(peaks.get(p, 0), rss)
        time.sleep(0.25)  # sampling costs CPU that the batch would otherwise get
    elapsed = time.perf_counter() - t0
    said = proc.stdout.read().decode() if proc.stdout else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"batch failed with exit code {proc.returncode}: {' '.join(cmd)}")
    # "N of M diaries converted, R resources in F files; ledger: ..."
    words = said.split()
    converted, resources = int(words[0]), int(words[5])
    cpu = usage.ru_utime + usage.ru_stime  # the batch process and its (joined) workers
    return {
        "seconds": elapsed,
        "diaries_per_s": converted / elapsed,
        "resources_per_s": resources / elapsed,
        "resources": resources,
        "peak_mb": peak / 1e6,
        "client_mb": peaks.get(proc.pid, 0) / 1e6,
        "workers_mb": [v / 1e6 for k, v in sorted(peaks.items()) if k != proc.pid],
        "cpu_ms_per_diary": 1000 * cpu / converted,
        "cpu_us_per_resource": 1e6 * cpu / max(resources, 1),
        "cores_busy": cpu / elapsed,
        "load": (load_before + os.getloadavg()[0]) / 2,
    }


def describe(r: dict[str, Any]) -> str:
    """One line of a run's figures."""
    workers = ", ".join(f"{w:.0f}" for w in r["workers_mb"]) or "none"
    return (
        f"{r['seconds']:.1f} s, {r['diaries_per_s']:,.1f} diaries/s, "
        f"{r['resources_per_s']:,.0f} resources/s; per core: "
        f"{1000 / r['cpu_ms_per_diary']:,.1f} diaries per CPU-second "
        f"({r['cpu_ms_per_diary']:.1f} ms/diary, {r['cpu_us_per_resource']:.1f} us/resource), "
        f"{r['cores_busy']:.2f} cores busy; "
        f"peak MB: client {r['client_mb']:.0f}, workers {workers}; "
        f"load average {r['load']:.1f} on {os.cpu_count()} cores"
    )


def ledger_seconds(out: Path, n: int) -> float:
    """The time to write the ledger and manifest of a finished batch from its journal."""
    from fhirmig.batch.finish import finish_batch
    from fhirmig.batch.runner import DEFAULT_CHUNK_SIZE
    from fhirmig.batch.store import open_store

    n_chunks = (n + DEFAULT_CHUNK_SIZE - 1) // DEFAULT_CHUNK_SIZE
    t0 = time.perf_counter()
    finish_batch(open_store(out), "ndjson", n_chunks, n, "2026-01-01T00:00:00Z", None)
    return time.perf_counter() - t0


def scale(work: Path, sizes: list[int], span: int, jobs: int) -> None:
    """Throughput per core, per-process peak memory and ledger time at each size."""
    results = []
    for size in sizes:
        folder, out = work / f"scale{size}", work / f"scaleout{size}"
        generate(folder, size, span)
        r = run(str(folder), str(out), jobs)
        r["ledger_s"] = ledger_seconds(out, size)
        results.append(r)
        print(f"scale, {size} diaries of {span} days, --jobs {jobs}: {describe(r)}")
        print(
            f"  ledger and manifest of {size} diaries written in {r['ledger_s']:.2f} s "
            f"({1e6 * r['ledger_s'] / size:.0f} us/diary)"
        )
        shutil.rmtree(folder)
        shutil.rmtree(out)
    if len(results) >= 2:
        a, b = results[0], results[-1]
        print(
            f"scale ratio {sizes[-1]} / {sizes[0]} diaries: client peak "
            f"{b['client_mb'] / a['client_mb']:.2f}, largest worker peak "
            f"{max(b['workers_mb'], default=0) / max(a['workers_mb'], default=1):.2f}, "
            f"ledger time per diary {b['ledger_s'] * sizes[0] / (a['ledger_s'] * sizes[-1]):.2f}"
            f", CPU per diary {b['cpu_ms_per_diary'] / a['cpu_ms_per_diary']:.2f}"
        )


def through_s3(work: Path, size: int, span: int, jobs: int) -> None:
    """The same diaries converted disk to disk and S3 to S3 (moto's server on loopback)."""
    import s3fs

    port = _free_port()
    moto = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        env = dict(
            os.environ,
            AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench-secret",
            AWS_DEFAULT_REGION="us-east-1",
        )
        os.environ.update({k: v for k, v in env.items() if k.startswith("AWS_")})
        fs = s3fs.S3FileSystem(skip_instance_cache=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                fs.mkdir("bench")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        folder = work / f"s3in{size}"
        generate(folder, size, span)
        fs.put(str(folder) + "/", "bench/in/", recursive=True)
        local = run(str(folder), str(work / "s3local"), jobs)
        print(f"disk to disk, {size} diaries of {span} days: {describe(local)}")
        remote = run("s3://bench/in/", "s3://bench/out/", jobs, env)
        print(f"S3 to S3 (moto on loopback), {size} diaries: {describe(remote)}")
        moto_cpu = psutil.Process(moto.pid).cpu_times()
        print(
            f"S3 / disk rate ratio: {remote['diaries_per_s'] / local['diaries_per_s']:.2f} "
            f"(the S3 server itself used {moto_cpu.user + moto_cpu.system:.0f} s of CPU "
            "on the same cores)"
        )
    finally:
        moto.terminate()
        moto.wait()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diaries", type=int, default=2000, help="diaries for the speed-up")
    parser.add_argument("--memory", default="500,5000", help="sizes for the memory check; '' skips")
    parser.add_argument("--sample", type=int, default=100, help="diaries for the baseline")
    parser.add_argument("--no-speedup", action="store_true", help="skip --jobs 1 against 2")
    parser.add_argument("--repeat", type=int, default=3, help="pairs of --jobs 1 and 2 runs")
    parser.add_argument("--scale", default="", help="sizes of the scale runs, e.g. 10000,100000")
    parser.add_argument("--s3", type=int, default=0, help="diaries of the run through S3")
    parser.add_argument("--days", type=int, default=365, help="days per diary of scale/S3 runs")
    parser.add_argument("--jobs", type=int, default=2, help="jobs of the scale and S3 runs")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1795000000")
    with tempfile.TemporaryDirectory(prefix="fhirmig-bench-") as tmp:
        work = Path(tmp)
        # The batches run with bytecode cached, as an installed fhirmig has it, even where
        # PYTHONDONTWRITEBYTECODE is set (else every process compiles fhirmig again).
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        if not args.no_speedup:
            speedup(work, args)
        if args.scale:
            scale(work, [int(s) for s in args.scale.split(",")], args.days, args.jobs)
        if args.s3:
            through_s3(work, args.s3, args.days, args.jobs)


def speedup(work: Path, args: argparse.Namespace) -> None:
    """--jobs 1 against --jobs 2 and the ratio to one diary at a time; memory at two sizes."""
    generate(work / "in", args.diaries)
    base_d, base_r = baseline(work / "in", min(args.sample, args.diaries))
    print(f"single diary: {base_d:,.1f} diaries/s, {base_r:,.0f} resources/s")
    runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
    for _ in range(args.repeat):  # alternating, so a busy spell of the machine hits both
        for jobs in (1, 2):
            runs[jobs].append(run(str(work / "in"), str(work / f"out{jobs}"), jobs))
    for jobs in (1, 2):
        r = sorted(runs[jobs], key=lambda x: float(x["cpu_ms_per_diary"]))[len(runs[jobs]) // 2]
        print(
            f"--jobs {jobs} (the run of median CPU of {args.repeat}): "
            f"{args.diaries} diaries in {r['seconds']:.1f} s, "
            f"{r['diaries_per_s']:,.1f} diaries/s, {r['resources_per_s']:,.0f} resources/s, "
            f"peak {r['peak_mb']:.0f} MB, "
            f"ratio to single diary {r['resources_per_s'] / base_r:.2f}; "
            f"CPU {r['cpu_ms_per_diary']:.1f} ms/diary ({r['resources'] / args.diaries:,.0f} "
            f"resources a diary, {r['cpu_us_per_resource']:.1f} us/resource), "
            f"{r['cores_busy']:.2f} cores busy, "
            f"machine load average {r['load']:.1f} on {os.cpu_count()} cores"
        )
    same = _same(work / "out1", work / "out2")
    ups = sorted(
        b["diaries_per_s"] / a["diaries_per_s"] for a, b in zip(*runs.values(), strict=True)
    )
    print(
        f"speed-up 2 jobs / 1 job: {statistics.median(ups):.2f} (median of {len(ups)} "
        f"alternating pairs, {ups[0]:.2f}-{ups[-1]:.2f})"
    )
    print(f"output identical for --jobs 1 and 2: {same}")
    sizes = [int(s) for s in args.memory.split(",") if s]
    peaks = []
    for size in sizes:
        folder = work / f"mem{size}"
        generate(folder, size)
        r = run(str(folder), str(work / f"memout{size}"), 2)
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
