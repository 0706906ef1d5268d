"""How much ``fhirmig --help`` costs against ``python -c "import click"``.

    python benchmarks/bench_cli_startup.py [--rounds 30]

Both commands run alternately in fresh interpreters, so machine noise hits both alike; the
script prints the median of each and their ratio. Target: at most 1.5.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    baseline_cmd = [sys.executable, "-c", "import click"]
    fhirmig_cmd = [sys.executable, "-m", "fhirmig", "--help"]
    base, ours = [], []
    for _ in range(args.rounds):
        base.append(_time(baseline_cmd))
        ours.append(_time(fhirmig_cmd))
    b, o = statistics.median(base), statistics.median(ours)
    print(f"python -c 'import click'  median {b * 1000:.1f} ms")
    print(f"fhirmig --help            median {o * 1000:.1f} ms")
    print(f"ratio {o / b:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
