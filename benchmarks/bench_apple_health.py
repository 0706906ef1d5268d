"""Peak memory of importing a large Apple Health export, against reading the same file.

Generates an export of ``--size-mb`` megabytes (default 200): heart-rate and step records
with metadata, as real exports are mostly made of, sleep-stage records from a watch and a
phone for every night, and a headache sample every few days. ``--zip`` writes it into a
zip archive instead (``--size-mb 1024``: a zip that inflates to 1 GiB); ``--nested`` puts
every record one element down (inside a wrapper element), which defeats clearing only the
root's children. Then, each in a fresh process so that the peaks do not mix:

- baseline: import fhirmig's importer modules and read the file through in 1 MB chunks;
- import:   ``import_apple_health`` on the file.

It prints each process's peak resident memory (ru_maxrss), the ratio of the two, and
whether the import stayed under the target (100 MB). Run it with
``.venv/bin/python benchmarks/bench_apple_health.py --zip --size-mb 1024`` and
``... --nested``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys
import time
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO

from fhirmig.files import private_tempdir

TARGET_MB = 100

_HR = (
    ' <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Watch" sourceVersion="11.0"'
    ' device="&lt;&lt;HKDevice: 0x0&gt;, name:Apple Watch, model:Watch&gt;" unit="count/min"'
    ' creationDate="{t}" startDate="{t}" endDate="{t}" value="{v}">\n'
    '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n'
    " </Record>\n"
)
_STEPS = (
    ' <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Phone" unit="count"'
    ' creationDate="{t}" startDate="{t}" endDate="{t}" value="{v}"/>\n'
)
_SLEEP = (
    ' <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="{src}" unit=""'
    ' creationDate="{e}" startDate="{s}" endDate="{e}" value="HKCategoryValueSleepAnalysis{v}"/>\n'
)
_HEADACHE = (
    ' <Record type="HKCategoryTypeIdentifierHeadache" sourceName="Health" creationDate="{t}"'
    ' startDate="{t}" endDate="{t}" value="HKCategoryValueSeverity{v}"/>\n'
)
_SEVERITIES = ("Mild", "NotPresent", "Moderate", "NotPresent", "Severe", "Unspecified")
_STAGES = ("AsleepCore", "AsleepDeep", "AsleepCore", "AsleepREM", "Awake", "AsleepCore")


def _fmt(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S %z")


def generate(path: Path, size_mb: int, *, in_zip: bool = False, nested: bool = False) -> int:
    """Write an export of about ``size_mb`` MB (inflated); returns the nights of sleep in it."""
    target = size_mb * 1_000_000
    tz = timezone(timedelta(hours=1))
    day = datetime(2019, 1, 1, tzinfo=tz)
    nights = written = 0
    with contextlib.ExitStack() as stack:
        if in_zip:
            archive = stack.enter_context(zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED))
            raw = stack.enter_context(
                archive.open("apple_health_export/export.xml", "w", force_zip64=True)
            )
            fh: IO[str] = stack.enter_context(io.TextIOWrapper(raw, encoding="utf-8"))
        else:
            fh = stack.enter_context(path.open("w", encoding="utf-8"))

        def write(text: str) -> None:
            nonlocal written
            fh.write(text)
            written += len(text)

        write('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n')
        write("<!ELEMENT HealthData (ExportDate,Me,(Record|Workout)*)>\n]>\n")
        write('<HealthData locale="en_GB">\n <ExportDate value="2026-11-25 10:00:00 +0100"/>\n')
        if nested:
            write(" <Records>\n")
        while written < target:
            chunk = []
            for minute in range(0, 24 * 60, 4):
                t = _fmt(day + timedelta(minutes=minute))
                chunk.append(_HR.format(t=t, v=55 + minute % 40))
                if minute % 20 == 0:
                    chunk.append(_STEPS.format(t=t, v=minute % 300))
            start = day + timedelta(hours=23)
            for i, stage in enumerate(_STAGES):
                s, e = start + timedelta(minutes=75 * i), start + timedelta(minutes=75 * (i + 1))
                chunk.append(_SLEEP.format(src="Watch", s=_fmt(s), e=_fmt(e), v=stage))
            chunk.append(
                _SLEEP.format(
                    src="Phone", s=_fmt(start), e=_fmt(start + timedelta(hours=7)), v="Asleep"
                )
            )
            if nights % 3 == 0:
                t = _fmt(day + timedelta(hours=9))
                chunk.append(_HEADACHE.format(t=t, v=_SEVERITIES[nights % len(_SEVERITIES)]))
            write("".join(chunk))
            nights += 1
            day += timedelta(days=1)
        if nested:
            write(" </Records>\n")
        write("</HealthData>\n")
    return nights


_BASELINE = """
import resource, sys, zipfile
import fhirmig.importers, fhirmig.diary
if zipfile.is_zipfile(sys.argv[1]):
    with zipfile.ZipFile(sys.argv[1]) as z, z.open(z.namelist()[0]) as fh:
        while fh.read(1 << 20):
            pass
else:
    with open(sys.argv[1], "rb") as fh:
        while fh.read(1 << 20):
            pass
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
_IMPORT = """
import resource, sys
from fhirmig.importers import import_apple_health
result = import_apple_health(sys.argv[1], patient_id="bench", timezone="Europe/Lisbon")
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, len(result.diary.days),
      len(result.diary.attacks))
"""


def _child(code: str, path: Path) -> tuple[float, list[str], float]:
    began = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True
    ).stdout.split()
    return int(out[0]) / 1024, out[1:], time.perf_counter() - began


def main() -> None:
    """Generate the export, measure both peaks, print them and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200, help="inflated size")
    parser.add_argument("--zip", action="store_true", help="write the export into a zip")
    parser.add_argument("--nested", action="store_true", help="records one element down")
    args = parser.parse_args()
    with private_tempdir("fhirmig-bench-") as folder:
        export = folder / ("export.zip" if args.zip else "export.xml")
        nights = generate(export, args.size_mb, in_zip=args.zip, nested=args.nested)
        size = export.stat().st_size / 1e6
        base_mb, _, base_s = _child(_BASELINE, export)
        peak_mb, days, import_s = _child(_IMPORT, export)
    shape = ("zip, " if args.zip else "") + ("nested records, " if args.nested else "")
    print(f"export: {shape}{size:.0f} MB on disk, {args.size_mb} MB of XML, {nights} nights")
    print(f"baseline (read the file in 1 MB chunks): peak {base_mb:.1f} MB in {base_s:.1f} s")
    print(
        f"import_apple_health: peak {peak_mb:.1f} MB in {import_s:.1f} s, "
        f"{days[0]} days, {days[1]} headache attacks"
    )
    print(f"ratio import/baseline: {peak_mb / base_mb:.2f}x memory, {import_s / base_s:.1f}x time")
    verdict = "under" if peak_mb < TARGET_MB else "OVER"
    print(f"target: peak under {TARGET_MB} MB -> {verdict} ({peak_mb:.1f} MB)")
    if peak_mb >= TARGET_MB:
        sys.exit(1)


if __name__ == "__main__":
    main()
