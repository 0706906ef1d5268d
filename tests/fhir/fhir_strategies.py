"""Hypothesis strategies for whole, valid diaries (every field of the format exercised)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from fhirmig.diary.model import Diary
from fhirmig.diary.reader import diary_from_raw
from fhirmig.diary.timeparse import format_datetime
from fhirmig.diary.vocabulary import (
    BODY_SITES,
    CONDITION_KEYS,
    DRUG_CLASSES,
    PAIN_QUALITIES,
    RELIEF_METHODS,
    SYMPTOMS,
    TREATMENT_TYPES,
    TRIGGERS,
)
from fhirmig.diary.vocabulary import keys as vocabulary_keys

# Whitespace a FHIR string cannot hold is written as a plain space and a control character
# and a blank text as U+FFFD (documented in docs/mapping.md), so generated text leaves them
# out; everything else of Unicode is in.
FOREIGN_SPACE = (
    "\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
)
CONTROL = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r")
_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters=FOREIGN_SPACE + CONTROL)
text = st.text(_chars, min_size=1, max_size=12).filter(lambda t: not t.isspace())
ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ._#/|%é-]{0,8}[A-Za-z0-9]|[A-Za-z0-9]", fullmatch=True)
# Dates near the attacks keep the period (and the summary figures) a few years long.
days_near = st.dates(date(2024, 1, 1), date(2027, 12, 31))
effects = st.sampled_from(vocabulary_keys("effect"))


def vocab(keys: tuple[str, ...]) -> st.SearchStrategy[str]:
    """A vocabulary key or free text."""
    return st.one_of(st.sampled_from(keys), text)


@st.composite
def moments(draw: st.DrawFn) -> datetime:
    naive = draw(st.datetimes(datetime(2024, 1, 1), datetime(2027, 12, 31)))
    if draw(st.booleans()):
        naive = naive.replace(microsecond=0)
    offset = timezone(timedelta(minutes=15 * draw(st.integers(-48, 56))))
    return naive.replace(tzinfo=offset)


def _opt(draw: st.DrawFn, target: dict[str, Any], key: str, strategy: Any) -> None:
    if draw(st.booleans()):
        target[key] = draw(strategy)


@st.composite
def attacks(draw: st.DrawFn, attack_id: str, catalogue: list[str]) -> dict[str, Any]:
    start = draw(moments())
    a: dict[str, Any] = {"id": attack_id, "start": format_datetime(start)}
    a["intensity"] = draw(st.integers(0, 10))
    how = draw(st.sampled_from(["end", "duration", "none"]))
    minutes = draw(st.integers(0, 5000))
    if how == "end":
        a["end"] = format_datetime(start + timedelta(minutes=minutes))
    elif how == "duration":
        a["durationMinutes"] = draw(st.one_of(st.just(minutes), st.floats(0, 5000)))
    _opt(draw, a, "kind", st.sampled_from(vocabulary_keys("attack-kind")))
    _opt(draw, a, "aura", st.booleans())
    for key, keys in (
        ("painLocations", BODY_SITES),
        ("painQualities", PAIN_QUALITIES),
        ("symptoms", SYMPTOMS),
        ("triggers", TRIGGERS),
    ):
        _opt(draw, a, key, st.lists(vocab(keys), min_size=1, max_size=3))
    twitch = st.fixed_dictionaries(
        {"location": vocab(BODY_SITES)},
        optional={
            "description": text,
            "intensity": st.integers(0, 10),
            "start": moments().map(format_datetime),
            "durationMinutes": st.floats(0, 600),
        },
    )
    _opt(draw, a, "twitching", st.lists(twitch, min_size=1, max_size=2))
    if catalogue:
        intake = st.fixed_dictionaries(
            {"medication": st.sampled_from(catalogue)},
            optional={"taken": moments().map(format_datetime), "dose": text, "relief": effects},
        )
        _opt(draw, a, "medications", st.lists(intake, min_size=1, max_size=2))
    relief = st.fixed_dictionaries({"method": vocab(RELIEF_METHODS)}, optional={"effect": effects})
    _opt(draw, a, "reliefMethods", st.lists(relief, min_size=1, max_size=2))
    _opt(draw, a, "disability", st.sampled_from(vocabulary_keys("disability")))
    _opt(draw, a, "notes", text)
    _opt(draw, a, "mostBothersomeSymptom", vocab(SYMPTOMS))
    _opt(draw, a, "premonitorySymptoms", st.lists(vocab(SYMPTOMS), min_size=1, max_size=3))
    _opt(draw, a, "setting", text)
    _opt(
        draw,
        a,
        "extra",
        st.dictionaries(text, st.one_of(st.integers(), text, st.booleans()), max_size=2),
    )
    return a


def _start_day(attack: dict[str, Any]) -> date:
    return datetime.fromisoformat(attack["start"]).date()


@st.composite
def raw_diaries(draw: st.DrawFn) -> dict[str, Any]:
    patient: dict[str, Any] = {"id": draw(ids)}
    _opt(
        draw,
        patient,
        "name",
        st.fixed_dictionaries({}, optional={"given": st.lists(text, max_size=2), "family": text}),
    )
    _opt(draw, patient, "birthDate", days_near.map(lambda d: d.isoformat()))
    _opt(draw, patient, "sex", st.sampled_from(["female", "male", "other", "unknown"]))
    _opt(
        draw,
        patient,
        "identifiers",
        st.lists(
            st.fixed_dictionaries(
                {"system": st.from_regex(r"urn:oid:[0-9.]{1,9}", fullmatch=True), "value": text}
            ),
            min_size=1,
            max_size=2,
        ),
    )
    _opt(
        draw,
        patient,
        "timezone",
        st.sampled_from(["UTC", "Europe/Lisbon", "America/New_York", "Asia/Kolkata"]),
    )
    _opt(draw, patient, "language", st.sampled_from(["en", "pt-PT", "el"]))
    raw: dict[str, Any] = {"format": "fhirmig-diary/1", "patient": patient}
    med_ids = draw(st.lists(ids, max_size=3, unique=True))
    meds = []
    for mid in med_ids:
        m: dict[str, Any] = {"id": mid, "name": draw(text)}
        _opt(draw, m, "class", st.sampled_from(DRUG_CLASSES))
        _opt(draw, m, "rxnorm", st.from_regex(r"[0-9]{1,8}", fullmatch=True))
        _opt(draw, m, "atc", st.sampled_from(["N02CC01", "M01AE01", "A03FA01", "N02B"]))
        meds.append(m)
    raw["medications"] = meds
    conditions = []
    for cid in draw(st.lists(ids, max_size=2, unique=True)):
        c: dict[str, Any] = {"id": cid}
        which = draw(st.sampled_from(["code", "text", "both"]))
        if which != "text":
            c["code"] = draw(st.sampled_from(CONDITION_KEYS))
        if which != "code":
            c["text"] = draw(text)
        _opt(draw, c, "onset", st.sampled_from(["2009", "2015-03", "2020-02-29"]))
        _opt(
            draw,
            c,
            "clinicalStatus",
            st.sampled_from(["active", "recurrence", "inactive", "resolved"]),
        )
        _opt(
            draw,
            c,
            "verificationStatus",
            st.sampled_from(["unconfirmed", "provisional", "confirmed", "refuted"]),
        )
        _opt(draw, c, "note", text)
        conditions.append(c)
    raw["conditions"] = conditions
    raw["attacks"] = [
        draw(attacks(aid, med_ids)) for aid in draw(st.lists(ids, max_size=3, unique=True))
    ]
    days = []
    for day in draw(st.lists(days_near, max_size=3, unique=True)):
        d = {"date": day.isoformat()}
        _opt(draw, d, "sleepHours", st.floats(0, 24))
        _opt(draw, d, "sleepQuality", st.integers(1, 5))
        _opt(draw, d, "stress", st.integers(0, 10))
        _opt(draw, d, "caffeineMg", st.integers(0, 1000))
        _opt(draw, d, "alcoholUnits", st.floats(0, 20))
        _opt(draw, d, "exerciseMinutes", st.integers(0, 1440))
        _opt(draw, d, "menstruation", st.booleans())
        # headache-free only where no attack can touch the day (attacks last < 4 days)
        far = all(abs((day - _start_day(a)).days) > 5 for a in raw["attacks"])
        _opt(draw, d, "headacheFree", st.booleans() if far else st.just(False))
        _opt(draw, d, "notes", text)
        days.append(d)
    raw["days"] = days
    treatments = []
    for tid in draw(st.lists(ids, max_size=2, unique=True)):
        t: dict[str, Any] = {"id": tid}
        _opt(draw, t, "type", st.sampled_from(TREATMENT_TYPES))
        _opt(draw, t, "name", text)
        if med_ids:
            _opt(draw, t, "medication", st.sampled_from(med_ids))
        _opt(draw, t, "start", st.just("2026-01-01"))
        _opt(draw, t, "end", st.just("2026-06-30"))
        _opt(
            draw,
            t,
            "dates",
            st.lists(days_near.map(lambda d: d.isoformat()), min_size=1, max_size=3),
        )
        _opt(draw, t, "notes", text)
        treatments.append(t)
    raw["treatments"] = treatments
    questionnaires = []
    for _ in range(draw(st.integers(0, 2))):
        day = draw(days_near).isoformat()
        if draw(st.booleans()):
            items = draw(st.lists(st.sampled_from([6, 8, 10, 11, 13]), min_size=6, max_size=6))
            q = {"instrument": "HIT-6", "date": day, "score": sum(items)}
            if draw(st.booleans()):
                q["items"] = items
        else:
            items = draw(st.lists(st.integers(0, 20), min_size=5, max_size=5))
            q = {"instrument": "MIDAS", "date": day, "score": sum(items)}
            if draw(st.booleans()):
                q["items"] = items + draw(st.sampled_from([[], [30, 6]]))
        questionnaires.append(q)
    raw["questionnaires"] = questionnaires
    _opt(draw, raw, "deidentified", st.booleans())
    if raw.get("deidentified") and "birthDate" in raw["patient"]:
        # de-identification keeps the birth year only, written as 1 January
        raw["patient"]["birthDate"] = raw["patient"]["birthDate"][:4] + "-01-01"
    return raw


diaries: st.SearchStrategy[Diary] = raw_diaries().map(
    lambda raw: diary_from_raw(raw, "<generated>")
)
