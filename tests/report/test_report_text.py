"""User text in any script prints as text; markup in it prints literally; long logs split."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from fhirmig.diary import Diary, parse_diary_json
from fhirmig.report.attack_log import NOTE_CELL_CHARS
from fhirmig.report.fonts import markup
from tests.report.pdfhelp import render


def _diary(attacks: list[dict[str, Any]], **patient: Any) -> Diary:
    data = {
        "format": "fhirmig-diary/1",
        "patient": {"id": "p-x", "timezone": "UTC", **patient},
        "medications": [{"id": "suma", "name": "Sumatriptan <i>50</i> mg", "class": "triptan"}],
        "attacks": attacks,
    }
    return parse_diary_json(orjson.dumps(data), "test.json")


def _attack(n: int, **fields: Any) -> dict[str, Any]:
    start = datetime(2026, 1, 1, 8, tzinfo=UTC) + timedelta(hours=20 * n)
    return {
        "id": f"a{n}",
        "start": start.isoformat(),
        "durationMinutes": 240,
        "intensity": 5,
        **fields,
    }


def test_markup_escapes_and_picks_cjk_fonts() -> None:
    assert markup("<b>x</b> & </para>") == "&lt;b&gt;x&lt;/b&gt; &amp; &lt;/para&gt;"
    assert markup("a\x00b") == "a b"
    assert markup("山田 두통") == (
        '<font face="DroidSansFallback">山田</font> <font face="DroidSansFallback">두통</font>'
    )
    assert markup("line1\nline2", newlines=True) == "line1<br/>line2"


def test_cjk_name_and_notes_print_as_text(tmp_path: Path) -> None:
    diary = _diary(
        [_attack(0, notes="头痛很严重 and ずつう", symptoms=["nausea"])],
        name={"given": ["太郎"], "family": "山田"},
        language="ja-JP",
    )
    out = render(diary, tmp_path / "r.pdf")
    text = out.text
    assert "太郎 山田" in text
    assert "头痛很严重" in text and "ずつう" in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in out.reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert any("DejaVuSans" in f for f in fonts)
    cjk = [
        font.get_object()
        for page in out.reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
        if "DroidSansFallback" in str(font.get_object()["/BaseFont"])
    ]
    assert cjk and all("/FontFile2" in f["/FontDescriptor"] for f in cjk)  # embedded


def test_injection_in_every_user_field_prints_literally(tmp_path: Path) -> None:
    evil = '<img src="/etc/passwd"/> </para> &amp; <font size=40>'
    diary = _diary(
        [
            _attack(
                0,
                notes=evil,
                triggers=[evil],
                painLocations=[evil],
                twitching=[{"location": evil, "description": evil, "intensity": 3}],
                medications=[{"medication": "suma", "dose": evil, "relief": "good"}],
                reliefMethods=[{"method": evil, "effect": "some"}],
            )
        ],
        name={"given": [evil], "family": "O'Brien & Sons"},
    )
    out = render(diary, tmp_path / "r.pdf")
    text = " ".join(out.text.split())
    assert text.count('<img src="/etc/passwd"/> </para> &amp; <font size=40>') >= 6
    assert "O'Brien & Sons" in text
    assert "Sumatriptan <i>50</i> mg" in text


LONG_LOG = 260


def test_long_log_runs_over_pages_with_header_on_every_page(tmp_path: Path) -> None:
    attacks = [_attack(n, symptoms=["nausea"], notes=f"note {n}") for n in range(LONG_LOG)]
    attacks[3]["notes"] = "long " * (NOTE_CELL_CHARS // 2) + "END-OF-NOTE"
    out = render(_diary(attacks), tmp_path / "r.pdf")
    log_pages = [
        page
        for page, p in zip(out.pages, out.reader.pages, strict=True)
        if float(p.mediabox.width) > float(p.mediabox.height)
    ]
    assert len(log_pages) >= 4
    table_pages = [p for p in log_pages if "note 1" in p or "note 2" in p]
    for page in table_pages:
        assert "Medication and relief" in page  # header repeated
    text = out.text
    for n in range(LONG_LOG):
        if n != 3:  # every row once: none lost or repeated at a page break
            assert (text + "\n").count(f"note {n}\n") == 1
    flat = " ".join(text.split())
    assert "(in full after the table)" in flat
    assert "END-OF-NOTE" in flat  # printed in full after the table


def test_empty_diary_still_reports(tmp_path: Path) -> None:
    out = render(_diary([]), tmp_path / "r.pdf")
    assert "no data" in out.pages[0]
    assert "No attacks in this period." in out.text
    assert "Patient p-x" in out.pages[0]


def test_longest_allowed_texts_still_lay_out(tmp_path: Path) -> None:
    long_note = "word " * 1990 + "END-OF-LONG-NOTE"
    long_text = "x" * 995 + "-tail"
    diary = _diary(
        [
            _attack(
                n,
                notes=long_note,
                triggers=[long_text] * 5,
                symptoms=[long_text] * 5,
                twitching=[{"location": long_text, "description": long_note}] * 3,
                medications=[{"medication": "suma", "dose": long_text}] * 3,
            )
            for n in range(2)
        ],
        name={"given": [long_text], "family": "Family"},
    )
    out = render(diary, tmp_path / "r.pdf")
    flat = " ".join(out.text.split())
    assert flat.count("END-OF-LONG-NOTE") >= 2 + 6  # notes in full, and every description
    assert all("page " in page for page in out.pages)


def test_log_medication_cell_words() -> None:
    from fhirmig.report.attack_log import _medication

    diary = _diary(
        [
            _attack(
                0,
                medications=[
                    {"medication": "suma", "dose": "50", "taken": "2026-01-01T08:30:00+00:00"},
                    {"medication": "suma", "dose": "2 tablets", "relief": "good"},
                ],
                reliefMethods=[{"method": "dark-room", "effect": "some"}],
            )
        ]
    )
    cell = _medication(diary, diary.attacks[0], diary.patient.tz)
    assert cell == (
        "Sumatriptan <i>50</i> mg 08:30; Sumatriptan <i>50</i> mg 2 tablets (good); "
        "dark room (some)"
    )


def test_layout_failure_is_a_report_error_without_patient_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fhirmig.errors import ReportError
    from fhirmig.report import document, render_report

    def broken(story: object, out: object, frame: object, paper: object) -> None:
        raise ValueError("cell text: secret patient note")

    monkeypatch.setattr(document, "build_pdf", broken)
    out = tmp_path / "r.pdf"
    with pytest.raises(ReportError) as info:
        render_report(_diary([_attack(0, notes="secret patient note")]), out)
    assert "ValueError" in str(info.value) and "secret" not in str(info.value)
    assert not out.exists()


def test_years_of_twitching_and_many_sites_lay_out(tmp_path: Path) -> None:
    """Thirty months of twitching and thirty body sites: tables too long to stand side by
    side go one below the other, and the months become a year-by-month grid."""
    attacks = [
        _attack(n, twitching=[{"location": f"site number {i}", "description": "pulses"}])
        for i, n in enumerate(range(0, 30 * 36, 36))  # every 30 days (_attack: 20 h apart)
    ]
    out = render(_diary(attacks), tmp_path / "r.pdf")
    flat = " ".join(out.text.split())
    assert "Twitching entries per month" in flat
    assert "Year Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec Total" in flat
    counts = out.stats.twitching.episodes_per_month  # type: ignore[union-attr]
    assert sum(counts.values()) == 30
    in_period = {m.month for m in out.stats.months}
    for year in ("2026", "2027", "2028"):
        keys = [f"{year}-{n:02d}" for n in range(1, 13)]
        cells = [str(counts.get(k, 0)) for k in keys if k in in_period]
        row = f"{year} {' '.join(cells)} {sum(counts.get(k, 0) for k in keys)}"
        assert row in flat, row
    for n in range(30):
        assert f"site number {n} 1" in flat  # every site, with its count


def test_many_identifiers_stay_short_on_page_one_and_a_short_period_is_not_judged(
    tmp_path: Path,
) -> None:
    identifiers = [
        {"system": f"urn:oid:1.2.{i}", "value": f"ID-{i:05d}-" + "x" * 40} for i in range(300)
    ]
    out = render(_diary([_attack(0)], identifiers=identifiers), tmp_path / "r.pdf")
    page = " ".join(out.pages[0].split())
    assert "ID-00004-" in page and "ID-00005-" not in page
    assert "and 295 more" in page
    assert (
        "Medication-overuse threshold (ICHD-3 8.2) not judged: no complete month in the period."
        in page
    )
    assert (
        "Chronic-migraine frequency (15+ headache days with 8+ migraine days) not judged: "
        "no complete month in the period." in page
    )
    assert "No threshold reached" not in page  # nothing was judged


def test_cells_of_many_lines_or_cjk_and_long_site_names_still_lay_out(tmp_path: Path) -> None:
    lined = "x\n" * 149  # short in characters, taller than a page in lines
    cjk = "頭痛がひどい" * 80  # 480 characters that need the CJK font
    sites = [{"location": f"{'long site name ' * 6}{n}", "description": "d"} for n in range(24)]
    attacks = [
        _attack(0, notes=lined, triggers=[cjk]),
        _attack(1, twitching=sites, symptoms=["line\n" * 60]),
    ]
    out = render(_diary(attacks), tmp_path / "r.pdf")
    flat = " ".join(out.text.split())
    assert "(in full after the table)" in flat and "Long notes in full" in flat
    assert flat.count("x") >= 149  # the note in full
    for n in range(24):
        assert f"long site name {n}" in flat or f"name {n}" in flat
