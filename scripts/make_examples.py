"""Regenerate the example diaries in examples/ deterministically.

    python scripts/make_examples.py [OUTDIR]

Each diary comes from a seeded random generator, so the files are the same on every run;
tests/test_examples.py checks that the committed files equal a fresh run and are valid.
The diaries are invented: no real person is described.
"""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

TWITCH_WORDS = {
    "left-eyelid": ["small repetitive pulses in the lower lid", "eyelid flickers like a butterfly"],
    "right-eyelid": ["rapid flutter of the upper lid", "twitching that comes and goes"],
    "face": ["cheek muscle jumps", "tiny jerks near the mouth"],
    "left-face": ["left cheek ripples under the skin"],
    "neck": ["neck muscle ticks on the left side", "jumpy feeling at the back of the neck"],
    "shoulders": ["shoulder muscles jerk now and then", "knots that twitch in both shoulders"],
    "left-shoulder": ["left trapezius flickers"],
}
NOTES = [
    "Woke up with it.",
    "Started in a meeting; had to leave early.",
    "Bright sun on the drive home.",
    "Skipped lunch, long day.",
    "Better after lying in the dark <b>two hours</b> & a cold pack.",
    "Partner says I looked pale. Took the tablet late.",
    "Weekend migraine again, after a long week.",
    "",
]


def _iso(dt: datetime) -> str:
    return dt.isoformat(timespec="minutes") if dt.second == 0 else dt.isoformat()


def _local(day: date, hour: int, minute: int, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def _headache_days(attacks: list[dict], tz: ZoneInfo) -> set[date]:
    """The days a headache (any attack but an aura-only one) touches, by the diary's rules:
    start day to end day in ``tz``; an end at exactly 00:00 does not touch the new day."""
    out: set[date] = set()
    for attack in attacks:
        if attack.get("kind") == "aura-only":
            continue
        start = datetime.fromisoformat(attack["start"]).astimezone(tz)
        if "end" in attack:
            end = datetime.fromisoformat(attack["end"]).astimezone(tz)
        elif "durationMinutes" in attack:
            end = (start + timedelta(minutes=attack["durationMinutes"])).astimezone(tz)
        else:
            end = start
        last = end.date()
        if last > start.date() and end.time() == datetime.min.time():
            last -= timedelta(days=1)
        day = start.date()
        while day <= last:
            out.add(day)
            day += timedelta(days=1)
    return out


def _mark_headache_free(
    days: list[dict], attacks: list[dict], tz: ZoneInfo, since: date, until: date
) -> None:
    """From ``since`` to ``until`` the patient marks every day without a headache as
    headache-free."""
    touched = _headache_days(attacks, tz)
    for entry in days:
        day = date.fromisoformat(entry["date"])
        if since <= day <= until and day not in touched:
            notes = entry.pop("notes", None)
            entry["headacheFree"] = True
            if notes is not None:
                entry["notes"] = notes


def episodic() -> dict:
    """Six months of episodic migraine with muscle twitching (Europe/Lisbon): menstrual
    cycles logged day by day, headache-free days marked June to September, and a preventive whose
    migraine days fall by exactly 50 % from baseline to weeks 9-12."""
    rng = random.Random(20261)
    tz = ZoneInfo("Europe/Lisbon")
    first, last = date(2026, 5, 1), date(2026, 10, 31)
    days, attacks = [], []
    day = first
    n = 0
    prev_short_sleep = False
    prev_stress = False
    while day <= last:
        sleep = round(rng.choice([5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 7.5, 8.0, 8.0, 8.5]), 1)
        stress = rng.choice([2, 3, 3, 4, 4, 5, 5, 6, 7, 8, 9])
        caffeine = rng.choice([0, 80, 80, 160, 160, 240, 320])
        entry = {
            "date": day.isoformat(),
            "sleepHours": sleep,
            "sleepQuality": max(1, min(5, int(sleep) - 3 + rng.choice([-1, 0, 0, 1]))),
            "stress": stress,
            "caffeineMg": caffeine,
            "alcoholUnits": rng.choice([0, 0, 0, 0, 1, 2]),
            "exerciseMinutes": rng.choice([0, 0, 20, 30, 45, 60]),
            "menstruation": 1 <= (day - date(2026, 5, 3)).days % 28 <= 5,
        }
        if stress >= 8 and rng.random() < 0.5:
            entry["notes"] = rng.choice(["deadline", "difficult call with the bank", "moving flat"])
        days.append(entry)
        risk = 0.08 + (0.18 if prev_short_sleep else 0) + (0.14 if prev_stress else 0)
        if rng.random() < risk:
            n += 1
            attacks.append(
                _episodic_attack(rng, day, tz, n, prev_short_sleep, prev_stress, caffeine)
            )
        prev_short_sleep, prev_stress = sleep < 6, stress >= 7
        day += timedelta(days=1)
    # headache-free days are marked from June to September, while the app reminded her daily
    _mark_headache_free(days, attacks, tz, date(2026, 6, 1), date(2026, 9, 30))
    return {
        "format": "fhirmig-diary/1",
        "patient": {
            "id": "p-0001",
            "name": {"given": ["Ana", "Maria"], "family": "Silva"},
            "birthDate": "1988-04-12",
            "sex": "female",
            "identifiers": [{"system": "urn:oid:2.16.620.1.101.10.1", "value": "PT-998877"}],
            "timezone": "Europe/Lisbon",
            "language": "en",
        },
        "conditions": [
            {
                "id": "dx-1",
                "code": "migraine-without-aura",
                "onset": "2009",
                "clinicalStatus": "active",
                "verificationStatus": "confirmed",
                "note": "diagnosed by GP",
            },
            {"id": "dx-2", "code": "menstrual-migraine", "onset": "2015-03"},
        ],
        "medications": [
            {
                "id": "suma50",
                "name": "Sumatriptan 50 mg tablet",
                "class": "triptan",
                "atc": "N02CC01",
            },
            {"id": "ibu400", "name": "Ibuprofen 400 mg", "class": "nsaid", "atc": "M01AE01"},
            {
                "id": "meto10",
                "name": "Metoclopramide 10 mg",
                "class": "antiemetic",
                "atc": "A03FA01",
            },
            {"id": "mag400", "name": "Magnesium citrate 400 mg", "class": "supplement"},
            {"id": "prop40", "name": "Propranolol 40 mg", "class": "preventive", "atc": "C07AA05"},
        ],
        "attacks": attacks,
        "days": days,
        "treatments": [
            {
                "id": "tx-1",
                "type": "supplement",
                "name": "Magnesium citrate 400 mg daily",
                "medication": "mag400",
                "start": "2026-06-01",
            },
            {
                "id": "tx-4",
                "type": "preventive-medication",
                "name": "Propranolol 40 mg twice daily",
                "medication": "prop40",
                "start": "2026-06-04",
            },
            {
                "id": "tx-2",
                "type": "acupuncture",
                "name": "Acupuncture, weekly",
                "dates": ["2026-07-06", "2026-07-13", "2026-07-20", "2026-07-27"],
                "notes": "stopped after four sessions",
            },
            {
                "id": "tx-3",
                "type": "massage",
                "name": "Neck and shoulder massage",
                "dates": ["2026-08-14", "2026-09-18"],
            },
        ],
        "questionnaires": [
            {
                "instrument": "MIDAS",
                "date": "2026-05-02",
                "score": 14,
                "items": [2, 3, 4, 2, 3, 12, 6],
            },
            {
                "instrument": "HIT-6",
                "date": "2026-05-02",
                "score": 60,
                "items": [11, 10, 10, 8, 10, 11],
            },
            {"instrument": "MIDAS", "date": "2026-10-30", "score": 9, "items": [1, 2, 2, 2, 2]},
            {
                "instrument": "HIT-6",
                "date": "2026-10-30",
                "score": 56,
                "items": [10, 10, 8, 8, 10, 10],
            },
        ],
    }


def _episodic_attack(
    rng: random.Random,
    day: date,
    tz: ZoneInfo,
    n: int,
    short_sleep: bool,
    stressed: bool,
    caffeine: int,
) -> dict:
    start = _local(
        day, rng.choice([6, 7, 8, 10, 13, 15, 17, 19, 21]), rng.choice([0, 10, 20, 30, 40, 50]), tz
    )
    hours = rng.choice([3, 4, 5, 6, 8, 10, 12, 14, 20, 30])
    end = start + timedelta(hours=hours, minutes=rng.choice([0, 15, 30, 45]))
    side = rng.choice(["left", "right"])
    kind = rng.choices(["migraine", "headache", "tension"], weights=[7, 2, 1])[0]
    attack: dict = {"id": f"a-{day.isoformat()}", "start": _iso(start)}
    if n % 9 == 0:
        attack["durationMinutes"] = hours * 60
    elif n % 13 != 0:
        attack["end"] = _iso(end)
    attack["intensity"] = (
        rng.choice([4, 5, 6, 6, 7, 7, 8, 9]) if kind == "migraine" else rng.choice([2, 3, 4, 5])
    )
    attack["kind"] = kind
    attack["aura"] = n % 11 == 0
    attack["painLocations"] = (
        [f"{side}-temple", f"behind-{side}-eye"]
        if kind == "migraine"
        else rng.choice([["forehead"], ["temples"], ["occiput", "neck"]])
    )
    attack["painQualities"] = ["throbbing"] if kind == "migraine" else ["pressing"]
    symptoms = rng.sample(
        ["nausea", "photophobia", "phonophobia", "fatigue", "neck-pain", "brain-fog"],
        k=rng.choice([1, 2, 3]),
    )
    if n % 7 == 3:
        symptoms.append("jaw feels heavy")
    twitch = rng.random() < 0.45
    if twitch:
        sites = rng.sample(sorted(TWITCH_WORDS), k=rng.choice([1, 1, 2]))
        attack["twitching"] = []
        for site in sites:
            t_start = start + timedelta(minutes=rng.choice([-40, -20, 10, 30, 60]))
            attack["twitching"].append(
                {
                    "location": site,
                    "description": rng.choice(TWITCH_WORDS[site]),
                    "intensity": rng.choice([2, 3, 4, 5]),
                    "start": _iso(t_start),
                    "durationMinutes": rng.choice([5, 10, 20, 30]),
                }
            )
        if n % 5 == 0:
            symptoms.append("muscle-twitching")
    attack["symptoms"] = symptoms
    triggers = []
    if stressed:
        triggers.append("stress")
    if short_sleep:
        triggers.append("lack-of-sleep")
    if caffeine >= 240:
        triggers.append("caffeine")
    if rng.random() < 0.15:
        triggers.append(
            rng.choice(
                ["artificial-additives", "bright-light", "weather-change", "red wine at dinner"]
            )
        )
    if triggers:
        attack["triggers"] = triggers
    meds = []
    if kind == "migraine" and attack["intensity"] >= 6:
        taken = start + timedelta(minutes=rng.choice([20, 45, 60, 90]))
        meds.append(
            {
                "medication": "suma50",
                "taken": _iso(taken),
                "dose": "50 mg",
                "relief": rng.choice(["good", "good", "complete", "some"]),
            }
        )
        if "nausea" in symptoms:
            meds.append(
                {"medication": "meto10", "taken": _iso(taken), "dose": "10 mg", "relief": "some"}
            )
    elif rng.random() < 0.7:
        intake = {
            "medication": "ibu400",
            "dose": "400 mg",
            "relief": rng.choice(["none", "some", "good"]),
        }
        if n % 4 != 0:
            intake["taken"] = _iso(start + timedelta(minutes=30))
        meds.append(intake)
    if meds:
        attack["medications"] = meds
    relief = rng.sample(
        ["dark-room", "rest", "cold-compress", "relaxation", "massage", "sleep"],
        k=rng.choice([0, 1, 2]),
    )
    if relief:
        attack["reliefMethods"] = [
            {"method": m, "effect": rng.choice(["none", "some", "good"])} for m in relief
        ]
    attack["disability"] = (
        rng.choice(["mild", "moderate", "moderate", "severe"]) if kind == "migraine" else "mild"
    )
    note = NOTES[n % len(NOTES)]
    if note:
        attack["notes"] = note
    if n == 3:
        attack["extra"] = {"app": "paper diary", "page": 4}
    return attack


def chronic() -> dict:
    """Four months of chronic migraine whose triptan use crosses the ICHD-3 threshold, with
    headache-free days marked, a week unlogged, and a CGRP antibody that does not reach a
    50 % response (botulinum toxin started too late in the period to be assessed)."""
    rng = random.Random(20262)
    tz = ZoneInfo("America/New_York")
    first, last = date(2026, 8, 1), date(2026, 11, 30)
    attacks = []
    day = first
    while day <= last:
        if rng.random() < 0.64:
            start = _local(
                day, rng.choice([5, 6, 7, 9, 14, 16, 20, 22]), rng.choice([0, 15, 30, 45]), tz
            )
            migraine = rng.random() < 0.72
            attack: dict = {
                "id": f"c-{day.isoformat()}",
                "start": _iso(start),
                "end": _iso(start + timedelta(hours=rng.choice([4, 6, 9, 14, 26]))),
                "intensity": rng.choice([5, 6, 7, 8, 9]) if migraine else rng.choice([3, 4, 5]),
                "kind": "migraine" if migraine else "headache",
                "painLocations": ["right-temple", "behind-right-eye"] if migraine else ["head"],
                "painQualities": ["pulsating"] if migraine else ["dull", "pressing"],
                "symptoms": ["nausea", "photophobia", "phonophobia"] if migraine else ["fatigue"],
                "triggers": rng.sample(
                    ["stress", "lack-of-sleep", "screen-time", "skipped-meal", "weather-change"],
                    k=2,
                ),
                "disability": "severe" if migraine and rng.random() < 0.4 else "moderate",
            }
            meds = []
            if migraine and rng.random() < 0.85:
                meds.append(
                    {
                        "medication": "riza10",
                        "taken": _iso(start + timedelta(minutes=40)),
                        "dose": "10 mg",
                        "relief": rng.choice(["some", "good", "none"]),
                    }
                )
            if rng.random() < 0.35:
                meds.append(
                    {
                        "medication": "para1g",
                        "taken": _iso(start + timedelta(hours=2)),
                        "dose": "1 g",
                        "relief": rng.choice(["none", "some"]),
                    }
                )
            if rng.random() < 0.08:
                meds.append(
                    {
                        "medication": "exc",
                        "taken": _iso(start + timedelta(hours=3)),
                        "relief": "some",
                    }
                )
            if meds:
                attack["medications"] = meds
            if rng.random() < 0.2:
                attack["twitching"] = [
                    {"location": "neck", "description": "tight neck muscle jumping"}
                ]
            if rng.random() < 0.3:
                attack["reliefMethods"] = [
                    {"method": "dark-room", "effect": "some"},
                    {"method": "hot-compress"},
                ]
            attacks.append(attack)
        day += timedelta(days=1)
    # A daily app marks the days without headache; nothing was logged on holiday (5-11 Sep).
    holiday = (date(2026, 9, 5), date(2026, 9, 11))
    days = [
        {"date": (first + timedelta(days=k)).isoformat()}
        for k in range((last - first).days + 1)
        if not holiday[0] <= first + timedelta(days=k) <= holiday[1]
    ]
    touched = _headache_days(attacks, tz)
    days = [d for d in days if date.fromisoformat(d["date"]) not in touched]
    _mark_headache_free(days, attacks, tz, first, last)
    return {
        "format": "fhirmig-diary/1",
        "patient": {
            "id": "p-0002",
            "name": {"given": ["Ελένη"], "family": "Παπαδοπούλου"},
            "birthDate": "1979-11-30",
            "sex": "female",
            "timezone": "America/New_York",
            "language": "en-US",
        },
        "conditions": [
            {
                "id": "dx-1",
                "code": "chronic-migraine",
                "onset": "2021",
                "verificationStatus": "confirmed",
            },
            {
                "id": "dx-2",
                "text": "Neck pain after whiplash",
                "onset": "2018-06-02",
                "clinicalStatus": "inactive",
            },
        ],
        "medications": [
            {"id": "riza10", "name": "Rizatriptan 10 mg", "class": "triptan", "atc": "N02CC04"},
            {
                "id": "para1g",
                "name": "Paracetamol 1 g",
                "class": "simple-analgesic",
                "atc": "N02BE01",
            },
            {"id": "exc", "name": "Aspirin/paracetamol/caffeine", "class": "combination-analgesic"},
            {"id": "topi50", "name": "Topiramate 50 mg", "class": "preventive", "atc": "N03AX11"},
            {"id": "botox", "name": "OnabotulinumtoxinA", "class": "botulinum-toxin"},
            {"id": "ere70", "name": "Erenumab 70 mg", "class": "preventive", "atc": "N02CD01"},
        ],
        "attacks": attacks,
        "days": days,
        "treatments": [
            {
                "id": "tx-1",
                "type": "preventive-medication",
                "name": "Topiramate 50 mg twice daily",
                "medication": "topi50",
                "start": "2026-03-01",
                "end": "2026-09-15",
                "notes": "stopped: tingling",
            },
            {
                "id": "tx-4",
                "type": "preventive-medication",
                "name": "Erenumab 70 mg monthly",
                "medication": "ere70",
                "start": "2026-08-29",
            },
            {
                "id": "tx-2",
                "type": "botulinum-toxin",
                "name": "OnabotulinumtoxinA 155 U",
                "medication": "botox",
                "dates": ["2026-09-20", "2026-12-14"],
            },
            {
                "id": "tx-3",
                "type": "physical-therapy",
                "name": "Physiotherapy for neck",
                "start": "2026-10-01",
            },
        ],
        "questionnaires": [
            {"instrument": "MIDAS", "date": "2026-08-02", "score": 42},
            {
                "instrument": "HIT-6",
                "date": "2026-08-02",
                "score": 66,
                "items": [13, 11, 11, 10, 10, 11],
            },
            {"instrument": "HIT-6", "date": "2026-11-28", "score": 64},
        ],
    }


def spreadsheet() -> tuple[str, dict]:
    """Two months of a spreadsheet diary (CSV) and its patient sidecar (Europe/Berlin)."""
    rng = random.Random(20263)
    rows = []
    day = date(2026, 3, 1)
    while day <= date(2026, 4, 30):
        if rng.random() < 0.2:
            hour = rng.choice([7, 9, 12, 18])
            if day == date(2026, 3, 29):
                hour = 4  # just after the spring-forward gap (02:00-03:00 does not exist)
            start = datetime(day.year, day.month, day.day, hour, 0)
            end = start + timedelta(hours=rng.choice([3, 5, 8]))
            twitch = rng.random() < 0.4
            taken = (start + timedelta(hours=1)).isoformat(timespec="minutes")
            rows.append(
                {
                    "id": "" if rng.random() < 0.3 else f"s-{day.isoformat()}",
                    "start": start.isoformat(timespec="minutes"),
                    "end": end.isoformat(timespec="minutes") if rng.random() < 0.8 else "",
                    "duration_minutes": "",
                    "intensity": str(rng.choice([3, 5, 6, 7, 8])),
                    "kind": rng.choice(["migraine", "migraine", "headache"]),
                    "aura": rng.choice(["yes", "no", ""]),
                    "pain_locations": ";".join(
                        rng.sample(["left-temple", "forehead", "neck", "behind-eyes"], k=2)
                    ),
                    "pain_qualities": "throbbing",
                    "symptoms": ";".join(rng.sample(["nausea", "photophobia", "dizziness"], k=2)),
                    "twitching_locations": "right-eyelid;face" if twitch else "",
                    "twitching_description": 'flutter, "like a pulse"' if twitch else "",
                    "twitching_intensity": "3" if twitch else "",
                    "triggers": ";".join(
                        rng.sample(
                            ["stress", "caffeine", "artificial-additives", "lack-of-sleep"], k=2
                        )
                    ),
                    "medications": f"Naproxen 500 mg@{taken}=good" if rng.random() < 0.6 else "",
                    "relief_methods": "dark-room=good;massage" if rng.random() < 0.5 else "rest",
                    "disability": rng.choice(["mild", "moderate"]),
                    "notes": rng.choice(
                        [
                            "",
                            "Long day at work, then\nheadache on the train",
                            "Coffee, then pain, then nap",
                        ]
                    ),
                }
            )
        day += timedelta(days=1)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    sidecar = {
        "patient": {
            "id": "p-0003",
            "name": {"given": ["Jonas"], "family": "Müller"},
            "birthDate": "1995-02-17",
            "sex": "male",
            "timezone": "Europe/Berlin",
            "language": "de",
        },
        "medications": [
            {"id": "napro500", "name": "Naproxen 500 mg", "class": "nsaid", "atc": "M01AE02"}
        ],
    }
    return out.getvalue(), sidecar


def write_all(outdir: Path) -> list[Path]:
    """Write every example into ``outdir``; return the paths."""
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, diary in (
        ("episodic-twitching.json", episodic()),
        ("chronic-overuse.json", chronic()),
    ):
        path = outdir / name
        path.write_text(json.dumps(diary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        paths.append(path)
    text, sidecar = spreadsheet()
    (outdir / "spreadsheet.csv").write_text(text, encoding="utf-8", newline="")
    (outdir / "spreadsheet.patient.json").write_text(
        json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    paths += [outdir / "spreadsheet.csv", outdir / "spreadsheet.patient.json"]
    return paths


def main(argv: list[str] | None = None) -> int:
    """Write the examples into the folder given (default: the repository's examples/)."""
    import argparse

    parser = argparse.ArgumentParser(
        description="Regenerate the example diaries deterministically (invented patients)."
    )
    parser.add_argument(
        "outdir",
        nargs="?",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "examples",
        help="folder to write the examples into (default: examples/ of the repository)",
    )
    args = parser.parse_args(argv)
    for p in write_all(args.outdir):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
