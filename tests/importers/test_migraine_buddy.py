"""The Migraine Buddy CSV importer, on fixtures built from the export's described layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from fhirmig.diary import Diary, dumps_diary, parse_diary_json
from fhirmig.diary import vocabulary as diary_vocab
from fhirmig.errors import ImportSourceError, UsageError
from fhirmig.importers import import_migraine_buddy, parse_migraine_buddy
from fhirmig.importers import mb_vocabulary as vocab
from fhirmig.importers.mb_table import column_key

DATA = Path(__file__).parent / "data"


def _import(name: str, **kwargs: object) -> tuple[Diary, list[str]]:
    options: dict[str, object] = {"patient_id": "p-mb", "timezone": "Europe/Lisbon"} | kwargs
    result = import_migraine_buddy(DATA / name, **options)  # type: ignore[arg-type]
    return result.diary, [str(n) for n in result.notes]


def test_standard_export_maps_every_column() -> None:
    diary, notes = _import("mb_standard.csv")
    first, second, third = diary.attacks
    assert first.id == "mb-20261003T0740"
    assert first.start.isoformat() == "2026-10-03T07:40:00+01:00"
    assert first.duration_minutes == 690
    assert first.intensity == 7
    # "Visual disturbances" among the premonitory symptoms is a prodrome, not an aura
    assert first.aura is None
    assert first.premonitory_symptoms == ["Yawning", "Visual disturbances"]
    assert first.most_bothersome_symptom == "nausea"
    assert first.pain_locations == ["left-temple", "behind-left-eye"]
    assert first.pain_qualities == ["throbbing"]
    assert first.symptoms == ["nausea", "photophobia", "Worse pain if moving"]
    assert first.triggers == ["stress", "lack-of-sleep"]  # "Menstruation: No" is not one
    meds = {m.id: m for m in diary.medications}
    assert meds["sumatriptan-50mg-oral"].drug_class == "triptan"
    assert meds["ibuprofen-400mg"].drug_class == "nsaid"
    assert meds["fancy-herbal-drops"].drug_class == "other"
    intakes = [
        (i.medication, i.taken.isoformat() if i.taken else None, i.relief)
        for i in first.medications
    ]
    assert intakes == [
        ("sumatriptan-50mg-oral", "2026-10-03T08:00:00+01:00", "good"),
        ("ibuprofen-400mg", "2026-10-03T12:15:00+01:00", "none"),
    ]
    assert [(r.method, r.effect) for r in first.relief_methods] == [
        ("dark-room", "good"),
        ("Hot shower", "none"),
    ]
    assert first.notes is not None
    assert first.notes.startswith("Had to leave the meeting early.")
    assert "I took this drug" not in first.notes
    assert "Premonitory" not in first.notes
    # "Slower [at home]" is mildly impaired on the functional disability scale; the
    # other activity has no level and stays in the notes
    assert first.disability == "mild"
    assert "Affected activities: Woke up during sleep" in first.notes
    assert "Slower" not in first.notes
    # Empty pain level and no end: kept, imported as 0 and duration unknown, both noted.
    assert second.intensity == 0 and second.effective_end is None
    assert second.notes is not None and "Pain level not recorded" in second.notes
    assert second.triggers == ["Red wine", "weather-change", "menstruation"]
    assert [i.relief for i in second.medications] == ["some", "some"]  # "2x Paracetamol"
    assert second.pain_locations == ["Right Front Head"]
    assert third.start.isoformat() == "2026-10-25T16:00:00+00:00"  # after the DST change
    assert any("line 9: the pain level is empty" in n for n in notes)
    assert any("line 9: the attack has no end" in n for n in notes)
    assert any("app words kept as free text" in n for n in notes)
    assert not any("Worse pain if moving" in n for n in notes)  # counted, not repeated
    assert any("line 11: medication 'Fancy Herbal Drops'" in n for n in notes)


def test_health_events_become_day_notes() -> None:
    diary, _ = _import("mb_standard.csv")
    days = {d.date.isoformat(): d.notes for d in diary.days}
    assert days == {
        "2026-09-12": "Health event: Started Topiramate 25mg [Morning]: GP prescribed",
        "2026-09-20": "Health event: Flu (20/09/26 - 22/09/26) [All day]",
        "2026-10-14": None,  # "Menstruation: Yes" on that attack marks the day
    }
    assert [d.date.isoformat() for d in diary.days if d.menstruation] == ["2026-10-14"]


def test_export_with_health_events_only() -> None:
    diary, notes = _import("mb_events_only.csv")
    assert diary.attacks == []
    assert [d.date.isoformat() for d in diary.days] == ["2026-10-01", "2026-10-15"]
    assert diary.days[1].notes is not None
    assert "Holiday (15/10/26 - 18/10/26): Flight, jet lag" in diary.days[1].notes
    assert "Doctor visit [Morning]" in diary.days[1].notes
    assert any("only health events" in n for n in notes)


def test_month_first_header_variants_and_month_names() -> None:
    diary, notes = _import("mb_us_variant.csv", timezone="America/New_York")
    first, second = diary.attacks
    assert first.start.isoformat() == "2026-10-25T19:40:00-04:00"
    assert first.aura is True and second.aura is False  # the Yes/No "Auras" column
    assert first.triggers == ["weather-change", "bright-light"]
    assert first.pain_qualities == ["throbbing"] and first.symptoms == ["nausea", "vomiting"]
    assert first.medications[0].taken is not None
    assert first.medications[0].taken.isoformat() == "2026-10-25T20:05:00-04:00"
    assert first.relief_methods[0].method == "cold-compress"
    assert first.extra is None  # an unknown column is reported and left out
    assert "1002" not in diary.model_dump_json()
    assert second.start.isoformat() == "2026-10-28T06:00:00-04:00"
    assert diary.medication("excedrin-migraine") is not None
    assert diary.medication("excedrin-migraine").drug_class == "combination-analgesic"  # type: ignore[union-attr]
    assert [(r.method, r.effect) for r in second.relief_methods] == [("rest", "some")]
    assert any("Barometric Pressure" in n and "line 2" in n for n in notes)


def test_semicolons_dotted_dates_and_byte_order_mark() -> None:
    diary, _ = _import("mb_semicolon.csv")
    assert [a.start.isoformat() for a in diary.attacks] == [
        "2026-10-03T07:40:00+01:00",
        "2026-10-05T18:30:00+01:00",
    ]
    assert diary.attacks[0].duration_minutes == 26 * 60
    assert diary.attacks[0].triggers == ["stress", "alcohol"]


def test_utf16_export_reads_like_utf8() -> None:
    data = (DATA / "mb_standard.csv").read_bytes().decode("utf-8").encode("utf-16")
    result = parse_migraine_buddy(data, "x.csv", patient_id="p", timezone="Europe/Lisbon")
    assert len(result.diary.attacks) == 3


def test_ambiguous_dates_need_an_order() -> None:
    with pytest.raises(ImportSourceError) as info:
        _import("mb_ambiguous.csv")
    assert len(info.value.problems) == 1
    assert "line 2" in str(info.value) and "day first or month first" in str(info.value)
    day, _ = _import("mb_ambiguous.csv", day_first=True)
    month, _ = _import("mb_ambiguous.csv", day_first=False)
    assert day.attacks[0].start.date().isoformat() == "2026-10-03"
    assert month.attacks[0].start.date().isoformat() == "2026-03-10"


def test_every_unreadable_row_is_reported_with_its_line() -> None:
    with pytest.raises(ImportSourceError) as info:
        _import("mb_bad_rows.csv")
    located = [(p.location, p.message) for p in info.value.problems]
    assert [loc for loc, _ in located] == ["line 4", "line 5", "line 6"]  # row 1 spans 2-3
    assert "not a date" in located[0][1]
    assert "0-10" in located[1][1]
    assert "not a duration" in located[2][1]


def test_file_that_is_not_an_export() -> None:
    with pytest.raises(ImportSourceError, match="no Migraine Buddy attack table"):
        parse_migraine_buddy(b"", "empty.csv", patient_id="p")
    with pytest.raises(ImportSourceError, match="line 2: byte 0xff is not UTF-8"):
        parse_migraine_buddy(b"a,b\n\xff\n", "bin.csv", patient_id="p")


def test_row_with_more_fields_than_the_header() -> None:
    header = (DATA / "mb_ambiguous.csv").read_bytes().splitlines()[0]
    row = b"1,3/10/26 07:40,2h,5" + b"," * 15 + b",z"
    assert len(header.split(b",")) == 19 and len(row.split(b",")) == 20
    with pytest.raises(ImportSourceError, match="line 2: 20 fields, but the header has 19"):
        parse_migraine_buddy(header + b"\n" + row + b"\n", "x.csv", patient_id="p", day_first=True)


def test_missing_pain_option_and_usage_errors() -> None:
    diary, _ = _import("mb_standard.csv", missing_pain=5)
    assert diary.attacks[1].intensity == 5
    with pytest.raises(UsageError, match="time zone"):
        _import("mb_standard.csv", timezone="Mars/Olympus")
    with pytest.raises(UsageError, match="0-10"):
        _import("mb_standard.csv", missing_pain=11)


def test_output_is_deterministic_and_a_valid_diary() -> None:
    first, _ = _import("mb_standard.csv")
    again, _ = _import("mb_standard.csv")
    data = dumps_diary(first)
    assert data == dumps_diary(again)
    assert parse_diary_json(data) == first


def test_ids_do_not_depend_on_the_export_row_number() -> None:
    text = (DATA / "mb_us_variant.csv").read_text()
    renumbered = text.replace("\n1,10/25", "\n7,10/25").replace('\n2,"Oct', '\n8,"Oct')
    assert renumbered != text
    a = parse_migraine_buddy(text.encode(), "a.csv", patient_id="p", timezone="UTC")
    b = parse_migraine_buddy(renumbered.encode(), "b.csv", patient_id="p", timezone="UTC")
    assert [x.id for x in a.diary.attacks] == [x.id for x in b.diary.attacks]


def test_vocabulary_tables_only_name_diary_keys() -> None:
    for table, keys in (
        (vocab.TRIGGERS, diary_vocab.TRIGGERS),
        (vocab.SYMPTOMS, diary_vocab.SYMPTOMS),
        (vocab.AURA_WORDS, diary_vocab.SYMPTOMS),
        (vocab.PAIN_QUALITIES, diary_vocab.PAIN_QUALITIES),
        (vocab.BODY_SITES, diary_vocab.BODY_SITES),
        (vocab.RELIEF_METHODS, diary_vocab.RELIEF_METHODS),
    ):
        assert set(table.values()) <= set(keys)
        assert all(word == vocab.normal_word(word) for word in table)
    assert set(vocab.EFFECTS.values()) - {None} <= set(diary_vocab.keys("effect"))
    assert set(vocab.ACTIVITY_DISABILITY.values()) <= set(diary_vocab.keys("disability"))
    assert vocab.AURA_SYMPTOMS <= set(diary_vocab.SYMPTOMS)


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("#", "index"),
        ("Started", "started"),
        ("Pain Intensity", "pain"),
        ("Potential Triggers (including menstruations)", "triggers"),
        ("Premonitory Symptoms", "premonitory"),
        ("Start UTC Offset (min)", "start_offset"),
        ("Geohash", "geohash"),
        ("Attack Types", "kind"),
        ("Auras", "aura"),
        ("Helpful Medication", "med:helpful"),
        ("Medication - Somewhat helpful", "med:somewhat helpful"),
        ("Unhelpful Medication", "med:unhelpful"),
        ("Non-drug relief - Unsure", "relief:unsure"),
        ("Somewhat Helpful Non Drug Relief Methods", "relief:somewhat helpful"),
        ("Weather", None),
    ],
)
def test_header_variants(header: str, key: str | None) -> None:
    assert column_key(header) == key


def _one_row(started: str, notes: str, helpful: str = "", unsure: str = "") -> bytes:
    header = (DATA / "mb_ambiguous.csv").read_text().splitlines()[0]
    cells = ["1", started, "3h", "6"] + [""] * 6 + [helpful, "", "", unsure] + [""] * 4
    cells.append('"' + notes.replace('"', '""') + '"')
    return (header + "\n" + ",".join(cells) + "\n").encode()


def test_intake_times_written_as_clock_only_roll_past_midnight() -> None:
    data = _one_row(
        "25/10/26 23:10",
        "23:30: I took this drug: Rizatriptan\n00:45: I took this drug: Rizatriptan\nslept",
        helpful="2x Rizatriptan 10mg",
    )
    attack = parse_migraine_buddy(data, "x.csv", patient_id="p", timezone="UTC").diary.attacks[0]
    taken = [i.taken.isoformat() for i in attack.medications if i.taken]
    assert taken == ["2026-10-25T23:30:00+00:00", "2026-10-26T00:45:00+00:00"]
    assert attack.notes == "slept"


def test_drug_named_only_in_the_notes_still_becomes_an_intake() -> None:
    data = _one_row(
        "3/10/26 07:40",
        "Oct 3, 2026 at 9:05 AM: I took these drugs: Naproxen, Metoclopramide\n"
        "bad: I took this drug: X",
        unsure="1x Naproxen 550mg",
    )
    result = parse_migraine_buddy(data, "x.csv", patient_id="p", day_first=True)
    attack = result.diary.attacks[0]
    got = [
        (i.medication, i.taken.isoformat() if i.taken else None, i.relief)
        for i in attack.medications
    ]
    assert got == [
        ("naproxen-550mg", "2026-10-03T09:05:00+00:00", None),
        ("metoclopramide", "2026-10-03T09:05:00+00:00", None),
    ]
    assert result.diary.medication("metoclopramide").drug_class == "antiemetic"  # type: ignore[union-attr]
    assert attack.notes == "bad: I took this drug: X"  # unreadable time: the line is kept
    assert any("unreadable time" in str(n) for n in result.notes)


def test_notes_count_free_text_words_without_repeating_them() -> None:
    from fhirmig.importers import import_migraine_buddy

    result = import_migraine_buddy(
        DATA / "mb_standard.csv", patient_id="p-1", timezone="Europe/London"
    )
    free = [str(n) for n in result.notes if "kept as free text" in str(n)]
    assert len(free) == 1 and "they are in the diary as written" in free[0]
    kept = {s for a in result.diary.attacks for s in (*a.symptoms, *a.triggers)}
    assert any(" " in word for word in kept)  # app phrases are in the diary
    assert not any(word in free[0] for word in kept if " " in word)
