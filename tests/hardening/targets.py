"""Every fuzz target: the diary readers, every importer, the FHIR reader and the templates."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from fhirmig.diary import read_diary
from fhirmig.errors import FhirmigError
from fhirmig.fhir import collection_bundle, diary_to_resources, transaction_bundle
from fhirmig.importers import parse_migraine_buddy

from .fuzz_more import (
    apple_archives,
    check_apple_archive,
    check_daily_csv,
    check_ndjson,
    check_template,
    daily_inputs,
    ndjson_inputs,
    template_inputs,
)
from .fuzzing import (
    EXAMPLES,
    HOSTILE,
    Target,
    check_accepted,
    check_diary_csv,
    check_diary_json,
    check_loaded,
    csv_patients,
    diary_csv_inputs,
    diary_json_inputs,
    mutated,
    mutated_csv,
    to_json,
    tolerating_known,
)

IMPORTER_DATA = Path(__file__).resolve().parents[1] / "importers" / "data"
MB_EXPORTS = [
    (IMPORTER_DATA / name).read_text(encoding="utf-8")
    for name in ("mb_standard.csv", "mb_us_variant.csv", "mb_semicolon.csv", "mb_2024.csv")
]
MB_REPORTS = [
    (IMPORTER_DATA / name).read_text(encoding="utf-8")
    for name in ("mb_report_dmy.html", "mb_report_mdy.html")
]


@st.composite
def _cut_html(draw: st.DrawFn) -> bytes:
    """A saved report cut, spliced or with a stretch replaced: pages saved half-loaded."""
    text = draw(st.sampled_from(MB_REPORTS))
    a = draw(st.integers(0, len(text)))
    b = draw(st.integers(a, min(len(text), a + 400)))
    filler = draw(st.sampled_from(["", "<td>", "</tr><tr>", "<table>", "\x00", "&#0;", "é"]))
    return (text[:a] + filler + text[b:]).encode()


mb_inputs = st.tuples(
    st.one_of(
        st.sampled_from(MB_EXPORTS).flatmap(lambda text: mutated_csv(text, max_rows=12)),
        st.binary(max_size=300),
        st.sampled_from(MB_EXPORTS).map(str.encode),
        _cut_html(),
    ),
    st.sampled_from(["UTC", "Europe/Lisbon", "America/New_York"]),
    st.sampled_from([None, True, False]),
)


def check_migraine_buddy(case: tuple[bytes, str, bool | None]) -> None:
    """Importing a Migraine Buddy export: a diary or a FhirmigError, nothing else."""
    data, tz, day_first = case
    try:
        result = parse_migraine_buddy(
            data, "mb.csv", patient_id="p-1", timezone=tz, day_first=day_first
        )
    except FhirmigError:
        return
    check_accepted(result.diary)


AH_EXPORTS = [
    (IMPORTER_DATA / name).read_text(encoding="utf-8")
    for name in ("apple_export.xml", "apple_headaches.xml")
]


@st.composite
def _cut_export(draw: st.DrawFn) -> bytes:
    """An Apple Health or Fitbit export with a stretch cut or replaced."""
    text = draw(st.sampled_from([*AH_EXPORTS, *FITBIT]))
    a = draw(st.integers(0, len(text)))
    b = draw(st.integers(a, min(len(text), a + 200)))
    filler = draw(st.sampled_from(["", "<Record>", '"', "2026-13-45 99:99:99 +9999", "1e999"]))
    return (text[:a] + filler + text[b:]).encode()


FITBIT = [
    (IMPORTER_DATA / "fitbit" / "Global Export Data" / "sleep-2026-10-01.json").read_text(),
    (IMPORTER_DATA / "fitbit_sleep.csv").read_text(),
]


def check_wearables(data: bytes) -> None:
    """Apple Health and Fitbit imports of a damaged export: a diary or a FhirmigError."""
    from fhirmig.importers import import_apple_health, import_fitbit_sleep

    for name, run in (
        ("export.xml", import_apple_health),
        ("sleep-2026-10-01.json", import_fitbit_sleep),
        ("sleep.csv", import_fitbit_sleep),
    ):
        path = _SCRATCH / name
        path.write_bytes(data)
        try:
            result = run(path, patient_id="p-1", timezone="Europe/Berlin")
        except FhirmigError:
            continue
        check_accepted(result.diary)


def _bundles() -> list[dict[str, Any]]:
    diary = read_diary(EXAMPLES / "episodic-twitching.json")
    small = diary.model_copy(update={"attacks": diary.attacks[:3], "days": diary.days[:2]})
    resources = diary_to_resources(small)
    return [collection_bundle(resources), transaction_bundle(resources)]


BUNDLES = _bundles()
_SCRATCH = Path(tempfile.mkdtemp(prefix="fhirmig-fuzz-"))
fhir_inputs = st.one_of(
    st.sampled_from(BUNDLES).flatmap(mutated).map(to_json),
    st.sampled_from(BUNDLES)
    .map(lambda b: {**b, "entry": [*b["entry"], {"resource": {"resourceType": "Observation"}}]})
    .map(to_json),
    st.sampled_from(HOSTILE)
    .map(lambda s: json.dumps({"resourceType": "Bundle", "entry": s}))
    .map(str.encode),
    st.binary(max_size=200),
)


def check_fhir(data: bytes) -> None:
    """Reading a FHIR Bundle back: a diary or a FhirmigError (references included)."""
    check_loaded(data, _SCRATCH / "bundle.json")


TARGETS: list[Target] = [
    Target("diary-json", diary_json_inputs, tolerating_known(check_diary_json)),
    Target(
        "diary-csv", st.tuples(diary_csv_inputs, csv_patients), tolerating_known(check_diary_csv)
    ),
    Target("migraine-buddy", mb_inputs, tolerating_known(check_migraine_buddy)),
    Target("fhir-bundle", fhir_inputs, tolerating_known(check_fhir)),
    Target(
        "wearables",
        st.one_of(_cut_export(), st.binary(max_size=200)),
        tolerating_known(check_wearables),
    ),
    Target("fhir-ndjson", ndjson_inputs(BUNDLES), tolerating_known(check_ndjson)),
    Target("daily-csv", daily_inputs, tolerating_known(check_daily_csv)),
    Target("apple-health-zip", apple_archives(), tolerating_known(check_apple_archive)),
    Target("templates", template_inputs, tolerating_known(check_template)),
]
