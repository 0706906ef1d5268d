"""Whatever bytes an export holds, the importers answer with a diary or an import error."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from fhirmig.errors import ImportSourceError
from fhirmig.importers import parse_migraine_buddy
from fhirmig.importers.dates import parse_local

HEADER = (
    "#,Started,Lasted,Pain Level,Affected Activities,Potential Triggers,Symptoms,"
    "Most Bothersome Symptom,Premonitory Symptoms,Pain Positions,Helpful Medication,"
    "Somewhat Helpful Medication,Unhelpful Medication,Unsure Medication,"
    "Helpful Non Drug Relief Methods,Somewhat Helpful Non Drug Relief Methods,"
    "Unhelpful Non Drug Relief Methods,Unsure Non Drug Relief Methods,Notes\n"
)
cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.lists(cell, min_size=1, max_size=21), max_size=6), events=st.booleans())
def test_arbitrary_rows_give_a_diary_or_an_import_error(
    rows: list[list[str]], events: bool
) -> None:
    import csv
    import io

    buf = io.StringIO()
    if events:
        buf.write("1/10/26,Morning,Doctor,\n\n")
    buf.write(HEADER)
    csv.writer(buf).writerows(rows)
    try:
        result = parse_migraine_buddy(
            buf.getvalue().encode(), "f.csv", patient_id="p", day_first=True
        )
    except ImportSourceError as exc:
        assert exc.problems
        return
    assert len(result.diary.attacks) <= len(rows)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data: bytes) -> None:
    try:
        parse_migraine_buddy(data, "f.csv", patient_id="p")
    except ImportSourceError:
        pass


@settings(max_examples=200, deadline=None)
@given(
    when=st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2098, 12, 31)),
    form=st.sampled_from(
        ["%d/%m/%Y %H:%M", "%d.%m.%y %H:%M", "%Y-%m-%d %H:%M", "%b %d, %Y at %I:%M %p",
         "%d %B %Y %H:%M", "%a, %b %d, %Y %I:%M %p"]
    ),
)  # fmt: skip
def test_formatted_dates_read_back(when: datetime, form: str) -> None:
    when = when.replace(second=0, microsecond=0)
    stamp = parse_local(when.strftime(form), day_first=True)
    assert stamp.day == when.date()
    assert stamp.clock is not None
    assert (stamp.clock.hour, stamp.clock.minute) == (when.hour, when.minute)
