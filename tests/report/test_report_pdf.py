"""The report's PDF: figures, names, sections, links, page numbers, escaping, determinism."""

from __future__ import annotations

import re
import stat
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from fhirmig.analysis import stats_to_json
from fhirmig.cli import cli
from fhirmig.diary import read_diary
from fhirmig.diary.vocabulary import label
from fhirmig.report import load_organisations, select_organisations
from tests.report.pdfhelp import EXAMPLES, Rendered, render


def _row(text: str, label: str) -> list[str]:
    """The numbers on the line after ``label`` in page-one text (label, total, per 28 days)."""
    lines = text.splitlines()
    i = lines.index(label)
    return [lines[i + 1].strip(), lines[i + 2].strip()]


def test_page_one_figures_equal_fhirmig_stats(chronic: Rendered) -> None:
    result = CliRunner().invoke(cli, ["stats", str(EXAMPLES / "chronic-overuse.json"), "--json"])
    assert result.exit_code == 0, result.output
    import json

    expected = json.loads(result.output)
    library = stats_to_json(chronic.stats)
    for key in ("attacks", "headache_days", "migraine_days", "class_days", "per_28_days"):
        assert library[key] == expected[key], key
    page = chronic.pages[0]
    per = expected["per_28_days"]
    assert _row(page, "Headache days") == [
        str(expected["headache_days"]),
        f"{per['headache_days']:.1f}",
    ]
    assert _row(page, "Migraine days") == [
        str(expected["migraine_days"]),
        f"{per['migraine_days']:.1f}",
    ]
    assert _row(page, "Acute-medication days") == [
        str(expected["acute_medication_days"]),
        f"{per['acute_medication_days']:.1f}",
    ]
    assert _row(page, "Triptan days")[0] == str(expected["class_days"]["triptan"])
    assert _row(page, "Attacks")[0] == str(expected["attacks"])
    assert _row(page, "Attacks with muscle twitching")[0] == str(expected["twitching_attacks"])
    months = ", ".join(expected["overuse"]["months_reached"])
    assert "Medication-overuse threshold (ICHD-3 8.2) reached" in page
    assert months.split(", ")[0] in page
    assert "not a diagnosis" in page


def test_month_table_matches_stats(chronic: Rendered) -> None:
    text = chronic.text
    for month in chronic.stats.months:
        row = f"{month.month}{'' if month.complete else ' (part)'}\n{month.days}\n"
        row += f"{month.headache_days}\n{month.migraine_days}\n{month.acute_medication_days}"
        assert row in text


def test_greek_name_on_every_page_and_in_metadata(chronic: Rendered) -> None:
    name = "Ελένη Παπαδοπούλου"
    assert all(name in page for page in chronic.pages)
    assert name in chronic.reader.metadata.title
    assert chronic.reader.metadata.author.startswith("fhirmig")
    assert "diary report" in chronic.reader.metadata.subject
    assert chronic.reader.trailer["/Root"]["/Lang"] == "en-US"


def test_page_n_of_m_on_every_page(episodic: Rendered) -> None:
    total = len(episodic.pages)
    assert total >= 8
    for number, page in enumerate(episodic.pages, start=1):
        assert f"page {number} of {total}" in page


def test_twitching_section(episodic: Rendered) -> None:
    tw = episodic.stats.twitching
    assert tw is not None and tw.attacks_with > 0
    text = episodic.text
    assert "Muscle twitching" in text
    assert f"Twitching was recorded with {tw.attacks_with} of {tw.attacks_total} attacks" in text
    for site, count in tw.by_site.items():
        assert f"{label(site)}\n{count}" in text
    for desc in tw.descriptions:
        assert desc.description is not None and desc.description in text


def test_sections_calendar_charts_methods(episodic: Rendered) -> None:
    text = episodic.text
    for heading in (
        "Headache calendar",
        "Charts",
        "Triggers and daily factors",
        "Medication effect",
        "Relief methods",
        "Treatments",
        "Methods",
        "Appendix A: Attack log",
        "Appendix B: Resources for patients",
        "Appendix C: Support groups and organisations",
    ):
        assert heading in text, heading
    assert "patient-reported" in text and "software-computed" in text
    assert "Europe/Lisbon" in text
    for trigger in episodic.stats.triggers:
        assert label(trigger.trigger) in text


def test_classes_print_in_words(chronic: Rendered, episodic: Rendered) -> None:
    text = " ".join(chronic.text.split())
    for key in ("simple-analgesic", "combination analgesic days", "non opioid", "other_acute"):
        assert key not in text, key
    assert "Paracetamol 1 g simple analgesic 25" in text  # medication effect table
    assert "Aspirin/paracetamol/caffeine combination analgesic 3" in text
    assert "A non-opioid analgesic" in text  # calendar legend
    assert text.count("non-opioid analgesic") >= 3  # and chart legend
    assert "2 nsaid " not in episodic.text and "NSAID" in episodic.text


def test_notes_print_markup_literally(episodic: Rendered) -> None:
    text = " ".join(episodic.text.split())
    assert "Better after lying in the dark <b>two hours</b> & a cold pack." in text


def test_every_appendix_link_is_printed_and_clickable(episodic: Rendered) -> None:
    patient = episodic.diary.patient
    groups = select_organisations(load_organisations(), patient.home_country, patient.language)
    urls = {org.url for group in groups for org in group.organisations}
    assert "https://www.emhalliance.org" in urls  # Lisbon: the European alliance
    assert "https://migraportugal.pt" in urls  # and the Portuguese patient association
    assert "https://americanmigrainefoundation.org" not in urls
    annotations: set[str] = set()
    for page in episodic.reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None:
                annotations.add(str(action["/URI"]))
    text = episodic.text.replace("\n", "")
    for url in urls:
        assert url in text
        assert url in annotations


def test_attack_log_has_every_attack(chronic: Rendered) -> None:
    tz = chronic.diary.patient.tz
    text = chronic.text
    for attack in chronic.diary.attacks:
        start = attack.start.astimezone(tz)
        assert f"{start:%Y-%m-%d}\n{start:%H:%M}" in text


def test_same_input_same_bytes(tmp_path: Path) -> None:
    diary = read_diary(EXAMPLES / "episodic-twitching.json")
    a = render(diary, tmp_path / "a.pdf").path.read_bytes()
    b = render(diary, tmp_path / "b.pdf").path.read_bytes()
    assert a == b
    c = render(diary, tmp_path / "c.pdf", generated=date(2026, 12, 1)).path.read_bytes()
    assert c != a


def test_file_is_private_and_letter_paper(tmp_path: Path) -> None:
    diary = read_diary(EXAMPLES / "episodic-twitching.json")
    out = render(diary, tmp_path / "r.pdf", paper="letter")
    assert stat.S_IMODE(out.path.stat().st_mode) == 0o600
    box = out.reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (612.0, 792.0)
    log_page = next(
        p for p in out.reader.pages if "Appendix A: Attack log" in (p.extract_text() or "")
    )
    assert float(log_page.mediabox.width) == 792.0  # the attack log is landscape


def test_period_bounds(tmp_path: Path) -> None:
    diary = read_diary(EXAMPLES / "chronic-overuse.json")
    out = render(diary, tmp_path / "r.pdf", start=date(2026, 9, 1), end=date(2026, 9, 30))
    assert "2026-09-01 to 2026-09-30 (30 days" in out.pages[0]
    m = re.search(r"(\d+) attacks of the period", out.text)
    assert m is not None and int(m.group(1)) == out.stats.attacks


def test_header_has_the_period_on_every_page(episodic: Rendered) -> None:
    stats = episodic.stats
    assert stats.period_from is not None and stats.period_to is not None
    period = f"period {stats.period_from.isoformat()} to {stats.period_to.isoformat()}"
    assert all(period in page for page in episodic.pages)


def test_page_one_questionnaires_treatments_and_topics(
    chronic: Rendered, episodic: Rendered
) -> None:
    page = " ".join(chronic.pages[0].split())
    latest = {}
    for q in sorted(chronic.stats.questionnaires, key=lambda q: q.date):
        latest[q.instrument] = q
    assert latest, "the example has questionnaires"
    for q in latest.values():
        grade = q.grade.replace(">=", "≥")
        assert f"{q.instrument} {q.score} on {q.date.isoformat()} (grade {grade}" in page
    assert ">=" not in chronic.text
    botox = next(t for t in chronic.diary.treatments if t.type == "botulinum-toxin")
    end = chronic.stats.period_to
    assert end is not None
    held = [d for d in botox.dates if d <= end]
    later = [d for d in botox.dates if d > end]
    assert held and later, "the example has a session after the period"
    # a session after the period (and after the report date) is not counted as given
    assert f"{len(held)} session{'s' if len(held) > 1 else ''} (last {held[-1]})" in page
    assert f"{len(later)} after the period ({', '.join(map(str, later))})" in page
    assert f"{len(botox.dates)} sessions" not in page
    text = " ".join(chronic.text.split())
    assert all(d.isoformat() in text for d in botox.dates)  # session dates in the table
    assert "Acute medication was taken on many days" in page  # overuse reached
    assert "Headache frequency in the chronic range" in page
    calm = " ".join(episodic.pages[0].split())
    assert "Acute medication was taken on many days" not in calm
    assert "Muscle twitching with" in calm
    for condition in chronic.diary.conditions:
        name = condition.text or (condition.code or "").replace("-", " ").capitalize()
        assert name in page


def test_outline_points_at_each_section(chronic: Rendered) -> None:
    reader = chronic.reader
    entries = {o.title: reader.get_destination_page_number(o) for o in reader.outline}
    assert next(iter(entries)) == "Headache calendar"
    assert "Appendix A: Attack log" in entries and "Methods" in entries
    for title, index in entries.items():
        assert title in chronic.pages[index], title
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"
