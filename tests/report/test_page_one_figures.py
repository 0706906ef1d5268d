"""Page one's completeness, treatment response, twitching triggers and menstrual pattern,
against hand-computed values, and the payer's log of the response windows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from fhirmig.diary import Diary, parse_diary_json
from tests.report.pdfhelp import render


def _flat(text: str) -> str:
    return " ".join(text.split())


def _attack(day: date, **fields: Any) -> dict[str, Any]:
    start = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    return {
        "id": f"a-{day.isoformat()}",
        "start": start.isoformat(),
        "durationMinutes": 300,
        "intensity": 6,
        **fields,
    }


def _days(first: date, last: date, **fields: Any) -> list[dict[str, Any]]:
    count = (last - first).days + 1
    return [{"date": (first + timedelta(days=n)).isoformat(), **fields} for n in range(count)]


def _diary(attacks: list[dict[str, Any]], days: list[dict[str, Any]], **extra: Any) -> Diary:
    data = {
        "format": "fhirmig-diary/1",
        "patient": {"id": "p-f", "timezone": "UTC"},
        "attacks": attacks,
        "days": days,
        **extra,
    }
    return parse_diary_json(orjson.dumps(data), "figures.json")


def _preventive_diary() -> Diary:
    """Erenumab from 2026-03-01: baseline 2026-02-01..28 with 10 migraine days, weeks 9-12
    (2026-04-26..05-23) with 4; every day of January to June recorded."""
    baseline = [_attack(date(2026, 2, 1) + timedelta(days=2 * n)) for n in range(10)]
    late = [_attack(date(2026, 4, 27) + timedelta(days=5 * n)) for n in range(4)]
    other = [_attack(date(2026, 1, 10)), _attack(date(2026, 6, 15))]
    days = _days(date(2026, 1, 1), date(2026, 6, 30))
    for entry in days[:20]:
        entry["headacheFree"] = entry["date"] != "2026-01-10"
    treatments = [
        {
            "id": "tx-cgrp",
            "type": "preventive-medication",
            "name": "Erenumab 70 mg monthly",
            "start": "2026-03-01",
        }
    ]
    return _diary(baseline + late + other, days, treatments=treatments)


def test_completeness_line(tmp_path: Path) -> None:
    out = render(_preventive_diary(), tmp_path / "r.pdf")
    page = _flat(out.pages[0])
    # 181 days, all with an entry; 19 of the first 20 marked headache-free
    assert "Diary kept 181 of 181 days recorded (100%); 19 days marked headache-free" in page


def test_treatment_response_on_page_one_and_in_its_section(tmp_path: Path) -> None:
    out = render(_preventive_diary(), tmp_path / "r.pdf")
    page = _flat(out.pages[0])
    line = (
        "Erenumab 70 mg monthly (from 2026-03-01): migraine days 10 in the baseline, 4 in "
        "weeks 9-12: fell by 60.0%. Responder 50%: yes, 75%: no, 100%: no."
    )
    assert line in page
    text = _flat(out.text)
    section = text[text.index("Treatment response Baseline: the 28 days") :]
    assert "Baseline (28 days before) 2026-02-01 2026-02-28 28 10 10" in section
    assert "Weeks 9-12 (days 57-84) 2026-04-26 2026-05-23 28 4 4" in section


def test_a_response_under_fifty_percent_is_a_topic(tmp_path: Path) -> None:
    diary = _preventive_diary()
    more = [_attack(date(2026, 5, 14) + timedelta(days=n)) for n in range(5)]
    data = diary.model_copy(update={"attacks": [*diary.attacks, *_parsed(more)]})
    page = _flat(render(data, tmp_path / "r.pdf").pages[0])
    # weeks 9-12 now 9 migraine days: a 10% reduction, under the 50% response
    assert "fell by 10.0%. Responder 50%: no, 75%: no, 100%: no." in page
    assert "Erenumab 70 mg monthly: migraine days fell by 10.0% from baseline to weeks 9-12" in page


def _parsed(attacks: list[dict[str, Any]]) -> list[Any]:
    return list(_diary(attacks, []).attacks)


def test_an_unassessable_treatment_says_why(tmp_path: Path) -> None:
    diary = _preventive_diary()
    short = diary.model_copy(update={"days": [d for d in diary.days if d.date.month != 5]})
    page = _flat(render(short, tmp_path / "r.pdf").pages[0])
    assert (
        "Erenumab 70 mg monthly (from 2026-03-01): not assessable, too few recorded days "
        "in the assessment." in page
    )


def test_the_payer_log_keeps_the_attacks_of_the_windows(tmp_path: Path) -> None:
    out = render(_preventive_diary(), tmp_path / "r.pdf", sections="payer")
    text = _flat(out.text)
    assert "14 attacks in the 2 treatment-response windows (Erenumab 70 mg monthly)" in text
    log = text[text.index("Appendix A: Attack log") :]
    assert "2026-01-10 09:00" not in log and "2026-06-15 09:00" not in log
    assert "2026-02-01 09:00" in log and "2026-04-27 09:00" in log
    assert "Treatment response" in text and "Headache calendar" not in text


def test_twitching_with_a_trigger_is_worded_as_an_association(tmp_path: Path) -> None:
    first = date(2026, 3, 1)
    attacks = [
        _attack(first + timedelta(days=n), triggers=["caffeine"], twitching=[{"location": "neck"}])
        for n in range(0, 16, 2)
    ]
    attacks += [_attack(first + timedelta(days=n), triggers=["stress"]) for n in range(1, 17, 2)]
    out = render(_diary(attacks, []), tmp_path / "r.pdf")
    page = _flat(out.pages[0])
    # a=8, b=0, c=0, d=8, each + 0.5: RR (8.5/9) / (0.5/9) = 17; SE = sqrt(1/8.5 - 1/9
    # + 1/0.5 - 1/9) = 1.3767; exp(ln 17 -+ 1.96 SE) = 1.14 and 252.56
    assert (
        "Twitching came more often with caffeine (risk ratio 17.00, 95% interval 1.14-252.56): "
        "an association, not a cause." in page
    )
    assert "more often with caffeine (an association)" in page  # the topic
    assert "Twitching and triggers (association, not cause)" in _flat(out.text)


def test_menstrual_pattern_with_its_ichd3_note(tmp_path: Path) -> None:
    # cycles starting 2026-01-10, 02-07, 03-07, 04-04: migraine on day +1 of the first three
    starts = [date(2026, 1, 10), date(2026, 2, 7), date(2026, 3, 7), date(2026, 4, 4)]
    days = _days(date(2026, 1, 1), date(2026, 4, 30))
    bleeding = {s + timedelta(days=k) for s in starts for k in range(4)}
    for entry in days:
        entry["menstruation"] = date.fromisoformat(entry["date"]) in bleeding
    attacks = [_attack(s + timedelta(days=1)) for s in starts[:3]] + [_attack(date(2026, 4, 20))]
    page = _flat(render(_diary(attacks, days), tmp_path / "r.pdf").pages[0])
    assert (
        "Menstrual pattern Migraine in the window (days −2 to +3) of 3 of 4 cycles; 1 migraine "
        "day outside the windows: a pattern like menstrually related migraine (ICHD-3 A1.1.2), "
        "for discussion. ICHD-3 asks for prospectively kept records over at least three cycles."
    ) in page
    assert "Migraine with 3 of 4 menstrual cycles" in page  # a topic


def test_few_cycles_are_not_judged(tmp_path: Path) -> None:
    days = _days(date(2026, 1, 1), date(2026, 2, 20))
    for entry in days:
        entry["menstruation"] = entry["date"] in ("2026-01-10", "2026-01-11", "2026-02-07")
    page = _flat(render(_diary([_attack(date(2026, 1, 11))], days), tmp_path / "r.pdf").pages[0])
    assert "Menstrual pattern Not judged: 2 cycles lie wholly in the period" in page


def test_no_menstrual_line_without_menstrual_data(tmp_path: Path) -> None:
    page = _flat(render(_preventive_diary(), tmp_path / "r.pdf").pages[0])
    assert "Menstrual pattern" not in page


def test_the_previous_period_needs_recorded_days(tmp_path: Path) -> None:
    diary = _preventive_diary()
    out = render(diary, tmp_path / "r.pdf", start=date(2026, 4, 1), end=date(2026, 6, 30))
    page = _flat(out.pages[0])
    # 91 days before 2026-04-01; the diary starts on 2026-01-01
    assert "Previous period: 2025-12-31 to 2026-03-31" in page
    assert "(90 of 91 days recorded (99%)" in page
    assert "Headache days 5 1.5 3.4 −1.9" in page  # 5 x 28 / 91; 11 x 28 / 91
    alone = render(diary, tmp_path / "s.pdf")  # nothing before January
    assert "The diary holds nothing for the period before this one." in alone.pages[0]
