"""Bundles and NDJSON: requests, references, streaming, determinism and safe files."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fhirmig.diary import Diary, read_diary
from fhirmig.errors import OutputError, ResourceValidationError, UsageError
from fhirmig.fhir import (
    collection_bundle,
    convert_diary,
    diary_to_resources,
    transaction_bundle,
    write_ndjson,
)
from fhirmig.fhir.bundle import BundleType

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def small() -> Diary:
    return read_diary(GOLDEN / "small-diary.json")


def test_transaction_entries_are_conditional_creates(small: Diary) -> None:
    resources = diary_to_resources(small)
    bundle = transaction_bundle(resources)
    assert bundle["type"] == "transaction"
    assert len(bundle["entry"]) == len(resources)
    for entry, res in zip(bundle["entry"], resources, strict=True):
        assert entry["fullUrl"] == f"urn:uuid:{res['id']}"
        req = entry["request"]
        if res["resourceType"] == "Provenance":
            assert req == {"method": "PUT", "url": f"Provenance/{res['id']}"}
            continue
        assert req["method"] == "POST" and req["url"] == res["resourceType"]
        system, _, value = req["ifNoneExist"].removeprefix("identifier=").partition("|")
        assert unescape(unquote(system)) == res["identifier"][0]["system"]
        assert unescape(unquote(value)) == res["identifier"][0]["value"]


def unescape(token: str) -> str:
    """Undo FHIR search escaping (``\\|``, ``\\,``, ``\\$``, ``\\\\``)."""
    return re.sub(r"\\(.)", r"\1", token)


def test_search_token_escapes_separators() -> None:
    from fhirmig.fhir.bundle import bundle_entry

    res = {
        "resourceType": "Observation",
        "id": "x",
        "identifier": [{"system": "s", "value": "a|b,c$d"}],
    }
    token = bundle_entry(res, "transaction")["request"]["ifNoneExist"]
    assert token == "identifier=s|a%5C%7Cb%5C%2Cc%5C%24d"
    assert unescape(unquote(token.split("|", 1)[1])) == "a|b,c$d"


def test_bundle_references_are_urn_uuids_that_resolve(small: Diary) -> None:
    for bundle in (
        transaction_bundle(diary_to_resources(small)),
        collection_bundle(diary_to_resources(small)),
    ):
        urls = {e["fullUrl"] for e in bundle["entry"]}
        text = json.dumps(bundle)
        refs = [r.split('"')[0] for r in text.split('"reference": "')[1:]]
        assert refs and all(r in urls for r in refs)
    assert all("request" not in e for e in collection_bundle(diary_to_resources(small))["entry"])


@pytest.mark.parametrize("fmt", ["transaction", "collection"])
def test_streamed_bundle_equals_the_dict_bundle(small: Diary, fmt: str, tmp_path: Path) -> None:
    out = tmp_path / "b.json"
    count = convert_diary(small, out, fmt)  # type: ignore[arg-type]
    make = transaction_bundle if fmt == "transaction" else collection_bundle
    expected = make(diary_to_resources(small))
    assert json.loads(out.read_bytes()) == expected
    assert count == len(expected["entry"])
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_output_is_byte_identical_across_runs(examples: Path, tmp_path: Path) -> None:
    diary = read_diary(examples / "chronic-overuse.json")
    for fmt in ("transaction", "collection", "ndjson"):
        convert_diary(diary, tmp_path / f"1.{fmt}", fmt)  # type: ignore[arg-type]
        convert_diary(diary, tmp_path / f"2.{fmt}", fmt)  # type: ignore[arg-type]
    for fmt in ("transaction", "collection"):
        assert (tmp_path / f"1.{fmt}").read_bytes() == (tmp_path / f"2.{fmt}").read_bytes()
    one = sorted((tmp_path / "1.ndjson").iterdir())
    assert [p.read_bytes() for p in one] == [
        (tmp_path / "2.ndjson" / p.name).read_bytes() for p in one
    ]


def test_ndjson_one_file_per_type_with_relative_refs(small: Diary, tmp_path: Path) -> None:
    resources = diary_to_resources(small)
    counts = write_ndjson(resources, tmp_path / "nd")
    files = sorted(p.name for p in (tmp_path / "nd").iterdir())
    assert files == sorted(f"{t}.ndjson" for t in counts)
    assert sum(counts.values()) == len(resources)
    obs = [json.loads(x) for x in (tmp_path / "nd/Observation.ndjson").read_text().splitlines()]
    assert len(obs) == counts["Observation"]
    assert all(o["resourceType"] == "Observation" for o in obs)
    assert obs[0]["subject"]["reference"] == f"Patient/{resources[0]['id']}"
    assert stat.S_IMODE((tmp_path / "nd/Observation.ndjson").stat().st_mode) == 0o600


def test_ndjson_removes_stale_type_files(small: Diary, tmp_path: Path) -> None:
    (tmp_path / "nd").mkdir()
    (tmp_path / "nd/DocumentReference.ndjson").write_text("{}\n")
    (tmp_path / "nd/notes.txt").write_text("mine")
    convert_diary(small, tmp_path / "nd", "ndjson")
    assert not (tmp_path / "nd/DocumentReference.ndjson").exists()
    assert (tmp_path / "nd/notes.txt").read_text() == "mine"


def test_gate_failure_writes_nothing(
    small: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fhirmig.fhir.attack as attack_module

    real = attack_module.attack_resources

    def broken(ctx, a, *rest):  # type: ignore[no-untyped-def]
        for res in real(ctx, a, *rest):
            yield {**res, "status": "bogus"} if res["resourceType"] == "Observation" else res

    monkeypatch.setattr("fhirmig.fhir.mapping.attack_resources", broken)
    with pytest.raises(ResourceValidationError, match=r"Observation\.status"):
        convert_diary(small, tmp_path / "b.json", "transaction")
    with pytest.raises(ResourceValidationError):
        convert_diary(small, tmp_path / "nd", "ndjson")
    assert not (tmp_path / "b.json").exists()
    assert list((tmp_path / "nd").iterdir()) == []


def test_bad_format_and_bad_target(small: Diary, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        convert_diary(small, tmp_path / "x", "xml")  # type: ignore[arg-type]
    with pytest.raises(OutputError):
        convert_diary(small, tmp_path, "transaction")
    with pytest.raises(OutputError):
        convert_diary(small, tmp_path / "missing" / "b.json", "transaction")


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"aZ09_.~-/#%|,$\\ ?&=+:;@é漢\x00\t"]), max_size=12))
def test_search_token_part_is_escaped_then_percent_encoded(text: str) -> None:
    """The token part is FHIR's search escape followed by percent-encoding of every
    character but the unreserved ones, whatever shortcut the code takes."""
    from fhirmig.fhir.bundle import _esc

    escaped = text
    for ch in "\\,$|":
        escaped = escaped.replace(ch, "\\" + ch)
    assert _esc(text) == quote(escaped, safe="")


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from([*'aZ09-/#|,é"']), min_size=1, max_size=8),
    st.sampled_from(["transaction", "collection"]),
)
def test_entry_bytes_are_the_serialised_entry(value: str, fmt: BundleType) -> None:
    """The bytes written for an entry equal the entry built as a dict and serialised,
    references rewritten, for any identifier value."""
    from fhirmig.fhir.bundle import _entry_bytes, bundle_entry, dumps

    res = {
        "resourceType": "Observation",
        "id": "0f9e",
        "identifier": [{"system": "https://example.org/sid", "value": value}],
        "subject": {"reference": "Patient/1a2b"},
        "note": [{"text": '"reference":"Patient/in a text'}],
        "hasMember": [{"reference": "Observation/3c4d"}],
    }
    assert _entry_bytes(res, fmt) == dumps(bundle_entry(res, fmt))
