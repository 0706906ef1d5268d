"""Long fuzz run of every reader: ``python scripts/fuzz.py --minutes 10``.

Runs each fuzz target of tests/hardening/targets.py (hypothesis, random inputs: the diary
readers, the FHIR reader, every importer and the report templates) for its
share of the time and prints how many inputs each got. Exits 1 at the first input that
makes a reader raise anything but a fhirmig error; hypothesis prints the shrunk input.
Known findings in code outside the suite are counted and listed, not failed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hardening.fuzzing import run_target, seen_findings, seen_sites
from hardening.targets import TARGETS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="total time (default 10)")
    parser.add_argument("--target", action="append", help="run only these targets (repeatable)")
    args = parser.parse_args()
    targets = [t for t in TARGETS if not args.target or t.name in args.target]
    if not targets:
        parser.error("no such target; known: " + ", ".join(t.name for t in TARGETS))
    share = args.minutes * 60 / len(targets)
    total = 0
    started = time.monotonic()
    for target in targets:
        t0 = time.monotonic()
        try:
            count = run_target(target, seconds=share)
        except BaseException:
            print(f"{target.name}: FAILED (input above)", flush=True)
            raise
        total += count
        print(f"{target.name}: {count} inputs in {time.monotonic() - t0:.0f} s, no finding")
    print(f"total: {total} inputs in {(time.monotonic() - started) / 60:.1f} minutes")
    for finding, n in seen_findings.items():
        print(f"known finding hit {n} times: {finding.file} {finding.function}: {finding.fix}")
    for site, n in sorted(seen_sites.items()):
        print(f"  {n:6d}  {site}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
