"""Time the full PDF report of a three-year diary against a bare reportlab document.

    .venv/bin/python benchmarks/bench_report.py [--attacks 1000] [--repeat 3] [--linearity]

The diary is synthetic and seeded (about 1,000 attacks over three years, with
medication, twitching, triggers, notes and daily entries). The baseline is a bare
reportlab document with the same number of pages, built in the same process: each page one
plain table of text in the standard font (the ratio printed against the 2x target), and,
for information, each page one line of text (reportlab's bare page overhead). Times are
CPU times of this process (``time.process_time``), best of ``--repeat`` runs, so other
work on a shared machine moves the ratio less than it moves wall-clock times.

``--linearity`` also renders 5,000 and 10,000 attacks over the same 14 years: the attack
log dominates both, so a cost linear in the attacks gives a time ratio near 2 (a table
laid out again at each page break would give near 4).
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import reportlab

from fhirmig.diary import Diary, parse_diary_json
from fhirmig.report import render_report

SITES = ["left-eyelid", "right-eyelid", "face", "neck", "shoulders"]
TRIGGERS = ["stress", "lack-of-sleep", "caffeine", "weather-change", "skipped-meal", "alcohol"]
SYMPTOMS = ["nausea", "photophobia", "phonophobia", "fatigue", "brain-fog", "vomiting"]
LOCATIONS = ["right-temple", "left-temple", "behind-right-eye", "forehead", "neck", "head"]


def synthetic_diary(attacks: int = 1000, years: int = 3, seed: int = 2026) -> Diary:
    """A seeded diary of ``attacks`` attacks spread over ``years`` years."""
    rng = random.Random(seed)
    tz = ZoneInfo("Europe/Berlin")
    first = date(2026, 11, 30) - timedelta(days=365 * years - 1)
    span = 365 * years
    meds = [
        {"id": "suma", "name": "Sumatriptan 50 mg", "class": "triptan"},
        {"id": "ibu", "name": "Ibuprofen 400 mg", "class": "nsaid"},
        {"id": "para", "name": "Paracetamol 1 g", "class": "simple-analgesic"},
        {"id": "meto", "name": "Metoclopramide 10 mg", "class": "antiemetic"},
    ]
    rows = []
    for n, offset in enumerate(sorted(rng.sample(range(span * 2), attacks))):
        day = first + timedelta(days=offset // 2)
        start = datetime(
            day.year, day.month, day.day, 6 + 8 * (offset % 2), rng.randrange(60), tzinfo=tz
        )
        attack: dict[str, Any] = {
            "id": f"a{n}",
            "start": start.isoformat(),
            "durationMinutes": rng.choice([90, 240, 480, 720, 1500]),
            "intensity": rng.randint(2, 9),
            "kind": rng.choice(["migraine", "migraine", "headache"]),
            "aura": rng.random() < 0.15,
            "painLocations": rng.sample(LOCATIONS, 2),
            "symptoms": rng.sample(SYMPTOMS, rng.randint(1, 3)),
            "triggers": rng.sample(TRIGGERS, rng.randint(0, 2)),
            "medications": [
                {
                    "medication": rng.choice(meds)["id"],
                    "taken": (start + timedelta(minutes=rng.randint(5, 120))).isoformat(),
                    "relief": rng.choice(["none", "some", "good", "complete"]),
                }
                for _ in range(rng.randint(0, 2))
            ],
            "reliefMethods": [{"method": "dark-room", "effect": "some"}] if n % 3 == 0 else [],
            "notes": rng.choice(["", "Woke up with it.", "Long day at work & little sleep."]),
        }
        if rng.random() < 0.3:
            attack["twitching"] = [
                {
                    "location": rng.choice(SITES),
                    "intensity": rng.randint(1, 5),
                    "description": "small repetitive pulses",
                }
            ]
        rows.append(attack)
    days = [
        {
            "date": (first + timedelta(days=i)).isoformat(),
            "sleepHours": rng.choice([5, 6.5, 7, 8]),
            "stress": rng.randint(0, 10),
            "caffeineMg": rng.choice([0, 80, 160, 240]),
        }
        for i in range(span)
    ]
    data = {
        "format": "fhirmig-diary/1",
        "patient": {
            "id": "bench",
            "name": {"given": ["Βενς"], "family": "Mark"},
            "timezone": "Europe/Berlin",
            "language": "de",
        },
        "medications": meds,
        "attacks": rows,
        "days": days,
    }
    return parse_diary_json(orjson.dumps(data), "synthetic.json")


def page_count(path: Path) -> int:
    """Pages of a PDF reportlab wrote (one ``/Type /Page`` object each)."""
    return len(re.findall(rb"/Type /Page\b", path.read_bytes()))


def bare_document(path: Path, pages: int, *, filled: bool = True) -> None:
    """The baseline: a plain reportlab document of ``pages`` pages.

    ``filled``: each page holds one plain Table of 30 rows by 9 short text cells (standard
    font, no styles, no Paragraphs): what reportlab itself costs for a page of tabular
    text, the bulk of the report. Otherwise each page holds one short paragraph.
    """
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table

    style = getSampleStyleSheet()["Normal"]
    story: list[Any] = []
    for i in range(pages):
        if filled:
            rows = [[f"r{r} c{c} text" for c in range(9)] for r in range(30)]
            story.append(Table(rows, colWidths=[52] * 9))
        else:
            story.append(Paragraph(f"Page {i + 1}: a bare page of the baseline.", style))
        story.append(PageBreak())
    SimpleDocTemplate(str(path), invariant=1).build(story[:-1])


def accelerator() -> str:
    """Whether reportlab runs its optional C helpers: they speed the bare document more."""
    from reportlab.lib import rl_accel

    return "in use" if "fp_str" in getattr(rl_accel, "_c_funcs", {}) else "not installed"


def linearity(folder: Path) -> None:
    """Print the CPU time of reports of 5,000 and 10,000 attacks over 14 years, and their
    ratio."""
    seconds: dict[int, float] = {}
    for attacks in (5000, 10000):
        diary = synthetic_diary(attacks, years=14)
        out = folder / f"linear-{attacks}.pdf"
        t0 = time.process_time()
        render_report(diary, out, generated=date(2026, 11, 30))
        seconds[attacks] = time.process_time() - t0
        print(f"{attacks} attacks over 14 years: {seconds[attacks]:.2f} s, {page_count(out)} pages")
    print(f"ratio 10,000/5,000 attacks: {seconds[10000] / seconds[5000]:.2f} (linear: about 2)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attacks", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--linearity", action="store_true", help="also time 5,000 and 10,000")
    args = parser.parse_args()
    diary = synthetic_diary(args.attacks)
    with tempfile.TemporaryDirectory() as tmp:
        report, bare = Path(tmp) / "report.pdf", Path(tmp) / "bare.pdf"
        render_report(diary, report, generated=date(2026, 11, 30))  # warm-up: fonts, imports
        pages = page_count(report)
        times: dict[str, list[float]] = {"report": [], "filled": [], "empty": []}
        for _ in range(args.repeat):
            t0 = time.process_time()
            render_report(diary, report, generated=date(2026, 11, 30))
            times["report"].append(time.process_time() - t0)
            for kind in ("filled", "empty"):
                t0 = time.process_time()
                bare_document(bare, pages, filled=kind == "filled")
                times[kind].append(time.process_time() - t0)
                assert page_count(bare) == pages
    best = {kind: min(values) for kind, values in times.items()}
    print(
        f"diary: {len(diary.attacks)} attacks, {len(diary.days)} daily entries; "
        f"report: {pages} pages; best of {args.repeat} runs; "
        f"reportlab {reportlab.Version}, C accelerator (rl_accel) {accelerator()}"
    )
    print(
        f"CPU time: report {best['report']:.2f} s; bare reportlab document of {pages} pages: "
        f"one plain table per page {best['filled']:.2f} s, "
        f"one line per page {best['empty']:.2f} s"
    )
    print(
        f"ratio report/bare (plain table pages): {best['report'] / best['filled']:.2f} "
        "(target: 2x or less)"
    )
    print(f"ratio report/bare (one-line pages): {best['report'] / best['empty']:.2f}")
    if args.linearity:
        with tempfile.TemporaryDirectory() as tmp:
            linearity(Path(tmp))


if __name__ == "__main__":
    main()
