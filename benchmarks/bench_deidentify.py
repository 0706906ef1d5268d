"""What de-identification costs: ``deidentify_diary`` against reading the same diary.

Reading (parsing and checking JSON) is what every command pays anyway; the ratio says how
much de-identifying adds on top. It also prints the scaling from N/10 to N attacks (near
10 means linear).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fhirmig.diary import Diary, dumps_diary, parse_diary_json, read_diary
from fhirmig.privacy import deidentify_diary

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "episodic-twitching.json"
KEY = bytes(range(32))


def grown(diary: Diary, n: int) -> Diary:
    """The example's attacks repeated (with fresh ids) until there are ``n``."""
    base = diary.attacks
    attacks = [base[i % len(base)].model_copy(update={"id": f"a{i}"}) for i in range(n)]
    return diary.model_copy(update={"attacks": attacks})


def best(func: Callable[..., Any], *args: Any, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        func(*args)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "attacks", nargs="?", type=int, default=20_000, help="attacks in the large diary"
    )
    n = parser.parse_args().attacks
    example = read_diary(EXAMPLE)
    big, small = grown(example, n), grown(example, n // 10)
    data = dumps_diary(big)
    read = best(parse_diary_json, data, "bench.json")
    deid = best(deidentify_diary, big, KEY)
    deid_small = best(deidentify_diary, small, KEY)
    print(f"attacks: {n}")
    print(f"read the diary:      {read:.3f} s (baseline)")
    print(f"de-identify it:      {deid:.3f} s  ratio to reading {deid / read:.2f}")
    print(f"scaling N/10 -> N:   ratio {deid / deid_small:.1f} (10 = linear)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
