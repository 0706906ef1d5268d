"""Time of importing a Migraine Buddy CSV export, against ``csv.reader`` over the same bytes.

Generates an export of ``--rows`` attack rows (default 20,000) in today's layout (ongoing
events, blank line, the attack table with UTC offsets, medication and notes), every row
with the same ``Started`` time, the case that once made the id loop quadratic. Then times:

- baseline: ``csv.reader`` over the decoded text, every row turned into a list;
- import:   ``parse_migraine_buddy`` on the bytes (reading, vocabulary, drug table, model).

It prints both times (best of ``--repeat``), their ratio, and a scaling ratio: the import
of all rows over the import of half of them (about 2 when the import is linear, 4 when it
is quadratic). Run it with ``.venv/bin/python benchmarks/bench_migraine_buddy.py``.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import time
from collections.abc import Callable

from fhirmig.importers import parse_migraine_buddy

_HEADER = (
    '"#","Started","Lasted","Start UTC Offset (min)","End UTC Offset (min)","Geohash",'
    '"Attack Types","Attack Location","Pain Level","Affected Activities","Potential Triggers",'
    '"Symptoms","Most Bothersome Symptom","Premonitory Symptoms","Pain Positions",'
    '"Helpful Medication","Somewhat Helpful Medication","Unhelpful Medication",'
    '"Unsure Medication","Helpful Non Drug Relief Methods",'
    '"Somewhat Helpful Non Drug Relief Methods","Unhelpful Non Drug Relief Methods",'
    '"Unsure Non Drug Relief Methods","Notes"\n'
)
_ROW = (
    '"{n}","10/03/26 07:40","03h 30m","60","60","u33dc0cpke7v","Migraine","Home","7",'
    '"Slower [at home]","Stress, Lack of sleep","Throbbing pain, Nausea, Sensitivity to light",'
    '"Nausea","Yawning","Left Temple, Left Eye","1x Sumatriptan 50mg","","1x Ibuprofen 400mg",'
    '"","Dark room","","","","10/03/26 at 08:00: I took this drug: Sumatriptan\nRow {n}."\n'
)


def export(rows: int) -> bytes:
    """An export with ``rows`` attacks, all starting at the same minute."""
    head = '"Date","Time Period","Description","Notes"\n"10/01/26","All day","Flu",""\n\n'
    return (head + _HEADER + "".join(_ROW.format(n=n) for n in range(rows))).encode()


def best(func: Callable[[], object], repeat: int) -> float:
    """The shortest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        gc.collect()  # start each run from the same heap, so runs of both sizes compare
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data, half = export(args.rows), export(args.rows // 2)
    text = data.decode()

    def read_csv() -> None:
        for _ in csv.reader(io.StringIO(text, newline="")):
            pass

    def run(blob: bytes) -> Callable[[], object]:
        return lambda: parse_migraine_buddy(
            blob, "bench.csv", patient_id="p", timezone="UTC", day_first=False
        )

    result = run(data)()
    assert len(result.diary.attacks) == args.rows  # type: ignore[attr-defined]
    base = best(read_csv, args.repeat)
    part = best(run(half), args.repeat)
    full = best(run(data), args.repeat)
    print(f"rows: {args.rows:,} with one start time ({len(data) / 1e6:.1f} MB)")
    print(f"csv.reader: {base:.3f} s   import: {full:.3f} s")
    print(f"ratio import/csv.reader: {full / base:.1f}x")
    print(f"scaling ratio (all rows / half the rows): {full / part:.2f} (linear = 2)")


if __name__ == "__main__":
    main()
