"""How ``compute_stats`` scales: time for N attacks against N/10 attacks, same process.

A linear algorithm gives a ratio near 10; attacks-times-days work would give near 100.
It also prints the cost relative to a baseline that only converts every attack's start
to a calendar day in the patient's zone (the least any day count must do).
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from fhirmig.analysis import compute_stats
from fhirmig.diary import Attack, Diary, Intake, Medication, Patient, Twitch

KINDS = ("migraine", "headache", "tension", "aura-only")


def make_diary(n: int, seed: int = 7) -> Diary:
    """``n`` attacks spread over about 3.5 attacks per day, with intakes and twitching."""
    rng = random.Random(seed)
    base = datetime(2000, 1, 1, tzinfo=UTC)
    attacks = []
    for i in range(n):
        start = base + timedelta(minutes=i * 400 + rng.randrange(300))
        intakes = [Intake(medication=rng.choice(("suma", "ibu")), taken=start + timedelta(hours=1))]
        twitching = [Twitch(location="left-eyelid", start=start)] if i % 3 == 0 else []
        attacks.append(
            Attack(
                id=f"a{i}",
                start=start,
                duration_minutes=rng.randrange(30, 4000),
                intensity=rng.randrange(11),
                kind=rng.choice(KINDS),
                aura=rng.random() < 0.2,
                medications=intakes,
                twitching=twitching,
                triggers=["stress"] if i % 2 else [],
            )
        )
    meds = [
        Medication(id="suma", name="Sumatriptan", drug_class="triptan"),
        Medication(id="ibu", name="Ibuprofen", drug_class="nsaid"),
    ]
    patient = Patient(id="bench", timezone="Europe/Berlin")
    return Diary(format="fhirmig-diary/1", patient=patient, medications=meds, attacks=attacks)


def timed(func: object, *args: object) -> float:
    t0 = time.perf_counter()
    func(*args)  # type: ignore[operator]
    return time.perf_counter() - t0


def baseline(diary: Diary) -> None:
    tz = diary.patient.tz
    {a.start.astimezone(tz).date() for a in diary.attacks}


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "attacks", nargs="?", type=int, default=100_000, help="attacks in the large diary"
    )
    n = parser.parse_args().attacks
    small, large = make_diary(n // 10), make_diary(n)
    # interleaved runs, best of three each, so load on a shared machine hits both alike
    runs = [(timed(compute_stats, small), timed(compute_stats, large)) for _ in range(3)]
    t_small = min(r[0] for r in runs)
    t_large = min(r[1] for r in runs)
    t_base = min(timed(baseline, large) for _ in range(3))
    print(f"attacks: {n // 10} and {n}")
    print(f"scaling ratio ({n} / {n // 10} attacks): {t_large / t_small:.1f} (linear = 10)")
    print(f"cost against the start-day baseline: {t_large / t_base:.1f}x")


if __name__ == "__main__":
    main()
