"""Page one: each element in its place, worded per ICHD-3, and the faults a specialist found."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from fhirmig.analysis import compute_stats
from fhirmig.analysis.types import ExposureFigures
from fhirmig.diary import Diary, parse_diary_json, read_diary
from fhirmig.report import render_stats_report
from tests.report.pdfhelp import EXAMPLES, GENERATED, Rendered, pdf_pages, render


def _flat(text: str) -> str:
    return " ".join(text.split())


def _diary(attacks: list[dict[str, Any]], **extra: Any) -> Diary:
    data = {
        "format": "fhirmig-diary/1",
        "patient": {"id": "p-1", "timezone": "UTC"},
        "medications": [
            {"id": "suma", "name": "Sumatriptan 50 mg", "class": "triptan"},
            {"id": "ibu", "name": "Ibuprofen 400 mg", "class": "nsaid"},
        ],
        "attacks": attacks,
        **extra,
    }
    return parse_diary_json(orjson.dumps(data), "test.json")


def _on(day: date, n: int = 0, **fields: Any) -> dict[str, Any]:
    start = datetime(day.year, day.month, day.day, 8, tzinfo=UTC)
    return {
        "id": f"a{day.isoformat()}-{n}",
        "start": start.isoformat(),
        "durationMinutes": 240,
        "intensity": 5,
        **fields,
    }


def _bold_text(rendered: Rendered, page: int = 0) -> str:
    """The text drawn in the bold font on one page."""
    parts: list[str] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if font is not None and "Bold" in str(font.get("/BaseFont", "")):
            parts.append(text)

    rendered.reader.pages[page].extract_text(visitor_text=visit)
    return _flat(" ".join(parts))


def _sizes(rendered: Rendered, page: int, wanted: str) -> list[float]:
    """Font sizes at which ``wanted`` is drawn on a page."""
    found: list[float] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip() == wanted:
            found.append(float(size) * float(tm[0]) * float(cm[0]) if tm and cm else float(size))

    rendered.reader.pages[page].extract_text(visitor_text=visit)
    return found


# -- each element of page one, on one page ---------------------------------------------------


@pytest.mark.parametrize("example", ["chronic-overuse.json", "episodic-twitching.json"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_page_one_has_every_element_on_one_page(tmp_path: Path, example: str, paper: str) -> None:
    out = render(read_diary(EXAMPLES / example), tmp_path / "r.pdf", paper=paper)
    page = _flat(out.pages[0])
    order = [
        "Headache diary report",
        "Period",
        "Key figures",
        "Threshold patterns (for discussion)",
        "Questionnaires",
        "Attack profile",
        "Muscle twitching",
        "Topics to discuss",
    ]
    where = [page.find(h) for h in order]
    assert -1 not in where, dict(zip(order, where, strict=True))
    assert where == sorted(where)  # in the order of the issue
    assert "Key figures" not in out.pages[1] and "Attack profile" not in out.pages[1]
    assert "page 1 of" in page


def test_key_figures_show_the_previous_period_and_the_change(tmp_path: Path) -> None:
    # 60 days: the first 30 with an attack every 3rd day, the last 30 every 2nd day
    first = date(2026, 3, 1)
    attacks = [_on(first + timedelta(days=d)) for d in range(0, 30, 3)]
    attacks += [_on(first + timedelta(days=d)) for d in range(30, 60, 2)]
    diary = _diary(attacks)
    out = render(
        diary, tmp_path / "r.pdf", start=first + timedelta(days=30), end=first + timedelta(59)
    )
    page = _flat(out.pages[0])
    # this period 15 headache days in 30 days = 14.0 per 28; previous 10 = 9.3; change +4.7
    assert "Headache days 15 14.0 9.3 +4.7" in page
    assert "Previous period: 2026-03-01 to 2026-03-30" in page
    assert "Previous period, per 28 days" in page and "Change" in page


def test_key_figures_are_no_smaller_than_body_text(chronic: Rendered) -> None:
    sizes = _sizes(chronic, 0, str(chronic.stats.headache_days))
    assert sizes and min(sizes) >= 9.0  # body text is 9 pt
    assert min(_sizes(chronic, 0, "Headache days")) >= 9.0


def test_page_one_attack_profile(episodic: Rendered) -> None:
    page = _flat(episodic.pages[0])
    attacks = episodic.diary.attacks
    aura = sum(1 for a in attacks if a.aura or a.kind == "aura-only")
    assert f"With aura: {aura} of {len(attacks)} attacks" in page
    disabling = sum(1 for a in attacks if a.disability in ("moderate", "severe"))
    recorded = sum(1 for a in attacks if a.disability)
    assert f"Moderate or severe disability: {disabling} of {recorded} attacks" in page
    scores = sorted(a.intensity for a in attacks)
    assert f"(range {scores[0]}-{scores[-1]})" in page
    assert "Duration median" in page


def test_questionnaires_show_their_change(episodic: Rendered) -> None:
    page = _flat(episodic.pages[0])
    assert "HIT-6 56 on 2026-10-30" in page and "before: 60 on 2026-05-02, change −4" in page
    assert "MIDAS 9 on 2026-10-30" in page and "before: 14 on 2026-05-02, change −5" in page


# -- the faults ------------------------------------------------------------------------------


def test_topics_are_ranked_and_never_cut(chronic: Rendered, tmp_path: Path) -> None:
    page = _flat(chronic.pages[0])
    assert "Disability is high (HIT-6 64; MIDAS 42)." in page  # was cut at six topics
    assert page.index("Acute medication was taken on many days") < page.index("Disability")
    # thirty poorly working drugs: page one says how many more follow, page 2 has them all
    meds = [{"id": f"d{n}", "name": f"Drug number {n:02d}", "class": "nsaid"} for n in range(30)]
    attacks = [
        _on(
            date(2026, 1, 1) + timedelta(days=n),
            medications=[{"medication": f"d{n % 30}", "relief": "none"}],
        )
        for n in range(90)
    ]
    data = {
        "format": "fhirmig-diary/1",
        "patient": {"id": "p-2", "timezone": "UTC"},
        "medications": meds,
        "attacks": attacks,
        "questionnaires": [{"instrument": "MIDAS", "date": "2026-03-30", "score": 42}],
    }
    out = render(parse_diary_json(orjson.dumps(data), "t.json"), tmp_path / "r.pdf")
    one, two = _flat(out.pages[0]), _flat(out.pages[1])
    assert "Disability is high (MIDAS 42)." in one  # ranked above the drug topics
    shown = sum(f"Drug number {n:02d} gave" in one for n in range(30))
    assert 0 < shown < 30
    assert f"… and {30 - shown} more topics on page 2." in one
    assert "Topics to discuss (continued from page 1)" in two
    assert all(f"Drug number {n:02d} gave" in one + two for n in range(30))


def test_a_session_after_the_period_is_not_counted(chronic: Rendered) -> None:
    page = _flat(chronic.pages[0])
    assert "OnabotulinumtoxinA 155 U, 1 session (last 2026-09-20)" in page
    assert "2 sessions" not in page
    assert "2026-12-14 (after the period)" in _flat(chronic.text)


def test_medication_chart_has_a_combined_bar_and_says_which_line_is_whose(
    chronic: Rendered,
) -> None:
    page = next(p for p in chronic.pages if "Acute-medication days per month by class" in p)
    flat = _flat(page)
    assert "two or more classes" in flat  # the legend of the combined bar
    assert "10 days: triptan, combination analgesic, two or more classes" in flat
    assert "15 days: non-opioid analgesic" in flat


def _overuse_diary(months: int) -> Diary:
    """Triptans on 10 days of each of the first ``months`` of January-April 2026."""
    attacks = []
    for m in range(1, 5):
        for d in range(1, 11 if m <= months else 3):
            attacks.append(_on(date(2026, m, d), medications=[{"medication": "suma"}]))
    return _diary(attacks)


def test_a_short_overuse_run_is_not_emphasised(tmp_path: Path) -> None:
    out = render(
        _overuse_diary(2), tmp_path / "r.pdf", start=date(2026, 1, 1), end=date(2026, 4, 30)
    )
    page = _flat(out.pages[0])
    assert (
        "Medication-overuse threshold (ICHD-3 8.2) reached in 2 of 4 complete months "
        "(2026-01, 2026-02); longest run 2 months, while ICHD-3 asks for more than 3 months"
    ) in page
    assert "reached" not in _bold_text(out)
    assert "Highest complete month per class: triptan 10 days in 2026-01 (threshold 10)." in page


def test_a_long_overuse_run_is_emphasised(tmp_path: Path) -> None:
    out = render(
        _overuse_diary(4), tmp_path / "r.pdf", start=date(2026, 1, 1), end=date(2026, 4, 30)
    )
    assert "reached for more than 3 consecutive months" in _bold_text(out)
    assert "longest run 4 months" in _flat(out.pages[0])


def test_every_tied_twitching_site_is_named(tmp_path: Path) -> None:
    day = date(2026, 5, 1)
    attacks = [
        _on(day + timedelta(days=n), twitching=[{"location": site}])
        for n, site in enumerate(["left-eyelid", "neck", "left-eyelid", "neck", "face"])
    ]
    page = _flat(render(_diary(attacks), tmp_path / "r.pdf").pages[0])
    assert "most often at left eyelid and neck (2 attacks each)" in page


def test_no_preventive_is_suggested_while_one_is_in_use(chronic: Rendered, tmp_path: Path) -> None:
    page = _flat(chronic.pages[0])
    assert "whether a preventive treatment fits" not in page
    assert "while a preventive is in use (Erenumab 70 mg monthly; OnabotulinumtoxinA 155 U)" in page
    # without the treatments the suggestion comes back
    bare = chronic.diary.model_copy(update={"treatments": []})
    out = render(bare, tmp_path / "r.pdf")
    assert "whether a preventive treatment fits" in _flat(out.pages[0])


def test_the_empty_diary_says_nothing_was_judged(tmp_path: Path) -> None:
    page = _flat(render(_diary([]), tmp_path / "r.pdf").pages[0])
    assert "nothing was judged" in page
    assert "No threshold reached" not in page and "not reached" not in page


def test_diagnosis_fields_the_diary_leaves_out_are_not_printed(episodic: Rendered) -> None:
    page = _flat(episodic.pages[0])
    # dx-2 gives only code and onset: no invented "active" or "provisional"
    assert "Menstrual migraine (since 2015-03)" in page
    assert "provisional" not in page and "(active" not in page
    assert "Migraine without aura (confirmed, since 2009)" in page


def test_intakes_of_a_multi_day_attack_carry_their_dates(tmp_path: Path) -> None:
    attack = _on(
        date(2026, 2, 1),
        durationMinutes=3 * 24 * 60,
        medications=[
            {"medication": "suma", "taken": "2026-02-01T09:00:00+00:00"},
            {"medication": "ibu", "taken": "2026-02-03T21:15:00+00:00"},
        ],
    )
    same_day = _on(
        date(2026, 2, 10),
        medications=[{"medication": "suma", "taken": "2026-02-10T09:30:00+00:00"}],
    )
    text = _flat(render(_diary([attack, same_day]), tmp_path / "r.pdf").text)
    assert "Sumatriptan 50 mg 2026-02-01 09:00" in text
    assert "Ibuprofen 400 mg 2026-02-03 21:15" in text
    assert "Sumatriptan 50 mg 09:30" in text  # one-day attack: the time alone


def test_topics_word_an_association_as_one(tmp_path: Path) -> None:
    diary = read_diary(EXAMPLES / "episodic-twitching.json")
    stats = compute_stats(diary)
    exposure = ExposureFigures(
        factor="short-sleep",
        definition="sleep under 6 hours the night before",
        exposed_days=40,
        exposed_attack_days=15,
        unexposed_days=120,
        unexposed_attack_days=15,
        enough_data=True,
        ratio=3.0,
        ci_low=1.5,
        ci_high=6.0,
    )
    out = tmp_path / "r.pdf"
    render_stats_report(diary, replace(stats, exposures=(exposure,)), out, generated=GENERATED)
    text = _flat("\n".join(pdf_pages(out)[0]))
    assert "More attack days after sleep under 6 hours the night before" in text
    assert "an association worth discussing, not proof of a cause" in text
    assert "a factor to work on" not in text
