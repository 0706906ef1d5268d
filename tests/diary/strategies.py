"""Hypothesis strategies for valid diaries (shared by the property tests of several stages)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from fhirmig.diary.model import Diary
from fhirmig.diary.reader import diary_from_raw
from fhirmig.diary.vocabulary import (
    BODY_SITES,
    DRUG_CLASSES,
    EFFECTS,
    PAIN_QUALITIES,
    RELIEF_METHODS,
    SYMPTOMS,
    TRIGGERS,
    keys,
)

ZONES = [
    "UTC",
    "Europe/Lisbon",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tokyo",
    "Australia/Adelaide",
]

# Free text as a spreadsheet can hold it in a list cell: no ';', no surrounding blanks.
_item_text = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=";="),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)
_notes = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
    min_size=1,
    max_size=80,
).filter(lambda s: s.strip() != "")


def _item(vocabulary: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(vocabulary), _item_text)


@st.composite
def instants(draw: st.DrawFn) -> datetime:
    base = datetime(2024, 1, 1, tzinfo=UTC)
    minutes = draw(st.integers(min_value=0, max_value=3 * 365 * 24 * 60))
    offset = draw(st.sampled_from([0, 60, 120, -300, -240, 540, 570, 630]))
    return (base + timedelta(minutes=minutes)).astimezone(timezone(timedelta(minutes=offset)))


def _iso(dt: datetime) -> str:
    return dt.isoformat()


@st.composite
def raw_diaries(draw: st.DrawFn, csv_safe: bool = False, max_attacks: int = 6) -> dict[str, Any]:
    """Raw JSON data of a valid diary; ``csv_safe`` keeps to what the CSV encoding carries."""
    n_meds = draw(st.integers(0, 3))
    classes = DRUG_CLASSES
    meds = [
        {
            "id": f"m{i}",
            "name": f"Drug {i} {draw(st.sampled_from(['10 mg', '50 mg', 'tablet']))}",
            "class": draw(st.sampled_from(classes)),
        }
        for i in range(n_meds)
    ]
    attacks = []
    for i in range(draw(st.integers(0, max_attacks))):
        start = draw(instants())
        a: dict[str, Any] = {
            "id": f"a{i}",
            "start": _iso(start),
            "intensity": draw(st.integers(0, 10)),
        }
        length = draw(st.one_of(st.none(), st.integers(0, 4 * 24 * 60)))
        if length is not None:
            if draw(st.booleans()):
                a["end"] = _iso(start + timedelta(minutes=length))
            else:
                a["durationMinutes"] = length
        a["kind"] = draw(st.sampled_from(keys("attack-kind")))
        if draw(st.booleans()):
            a["aura"] = draw(st.booleans())
        for key, vocab in (
            ("painLocations", BODY_SITES),
            ("painQualities", PAIN_QUALITIES),
            ("symptoms", SYMPTOMS),
            ("triggers", TRIGGERS),
        ):
            items = draw(st.lists(_item(vocab), max_size=3))
            if items:
                a[key] = items
        sites = draw(st.lists(_item(BODY_SITES), max_size=2))
        if sites:
            desc = draw(st.one_of(st.none(), _notes if not csv_safe else _item_text))
            inten = draw(st.one_of(st.none(), st.integers(0, 10)))
            twitches = []
            for site in sites:
                t: dict[str, Any] = {"location": site}
                if desc is not None:
                    t["description"] = desc
                if inten is not None:
                    t["intensity"] = inten
                if not csv_safe and draw(st.booleans()):
                    t["start"] = _iso(start + timedelta(minutes=draw(st.integers(-60, 120))))
                    t["durationMinutes"] = draw(st.integers(1, 60))
                twitches.append(t)
            a["twitching"] = twitches
        if meds:
            intakes = []
            for med in draw(st.lists(st.sampled_from(meds), max_size=2)):
                intake: dict[str, Any] = {"medication": med["id"]}
                if draw(st.booleans()):
                    intake["taken"] = _iso(start + timedelta(minutes=draw(st.integers(0, 600))))
                if draw(st.booleans()):
                    intake["relief"] = draw(st.sampled_from(EFFECTS))
                if not csv_safe and draw(st.booleans()):
                    intake["dose"] = "1 tablet"
                intakes.append(intake)
            if intakes:
                a["medications"] = intakes
        methods = draw(st.lists(_item(RELIEF_METHODS), max_size=2))
        if methods:
            a["reliefMethods"] = [
                {
                    "method": m,
                    **({"effect": e} if (e := draw(st.sampled_from([None, *EFFECTS]))) else {}),
                }
                for m in methods
            ]
        if draw(st.booleans()):
            a["disability"] = draw(st.sampled_from(keys("disability")))
        if draw(st.booleans()):
            a["notes"] = draw(_notes)
        if draw(st.booleans()):
            a["mostBothersomeSymptom"] = draw(_item(SYMPTOMS))
        premonitory = draw(st.lists(_item(SYMPTOMS), max_size=2))
        if premonitory:
            a["premonitorySymptoms"] = premonitory
        if draw(st.booleans()):
            a["setting"] = draw(_item_text)
        attacks.append(a)
    raw: dict[str, Any] = {
        "format": "fhirmig-diary/1",
        "patient": {
            "id": draw(st.from_regex(r"p-[a-z0-9]{1,8}", fullmatch=True)),
            "timezone": draw(st.sampled_from(ZONES)),
        },
        "medications": meds,
        "attacks": attacks,
    }
    if not csv_safe:
        raw["days"] = [
            {
                "date": f"2025-01-{d:02d}",
                "sleepHours": draw(st.sampled_from([4.5, 6, 7.25, 8])),
                "stress": draw(st.integers(0, 10)),
            }
            for d in sorted(draw(st.sets(st.integers(1, 28), max_size=4)))
        ]
    return raw


def diaries(csv_safe: bool = False) -> st.SearchStrategy[Diary]:
    """Valid diary models."""
    return raw_diaries(csv_safe=csv_safe).map(lambda raw: diary_from_raw(raw, "generated.json"))
