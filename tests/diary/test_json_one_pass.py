"""A diary file is parsed once, by orjson, yet a repeated key is still refused.

orjson keeps the last of two equal keys without a word; the reader counts colons to see
whether any key was repeated and, when it may have been, hands the file to the careful
reader, which names the key. These tests compare the one-pass reading with the careful one
over generated JSON texts that repeat keys and escape colons.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fhirmig.diary.reader import _UNPARSED, _quick_loads, parse_diary_json
from fhirmig.errors import DiaryError

_KEYS = st.sampled_from(["a", "b", "a:b", ":", "id", "x\u003ay"])


def _text(draw: st.DrawFn, depth: int = 0) -> str:
    """A JSON text whose objects may repeat keys and whose strings may escape colons."""
    kind = draw(
        st.sampled_from(
            ["object", "list", "string", "number"] if depth < 3 else ["string", "number"]
        )
    )
    if kind == "object":
        keys = draw(st.lists(_KEYS, max_size=4))
        return "{" + ",".join(f"{_string(draw, k)}:{_text(draw, depth + 1)}" for k in keys) + "}"
    if kind == "list":
        return "[" + ",".join(_text(draw, depth + 1) for _ in range(draw(st.integers(0, 3)))) + "]"
    if kind == "string":
        return _string(draw, draw(st.sampled_from(["", "t:", "10:30", "plain"])))
    return str(draw(st.integers(-5, 5)))


def _string(draw: st.DrawFn, text: str) -> str:
    """``text`` as a JSON string, its colons written as they are or escaped (either case)."""
    out = []
    for ch in text:
        out.append(draw(st.sampled_from([":", "\\u003a", "\\u003A"])) if ch == ":" else ch)
    return '"' + "".join(out) + '"'


@st.composite
def json_texts(draw: st.DrawFn) -> str:
    return _text(draw)


def _careful(text: str) -> Any:
    def no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            raise KeyError("repeated")
        return dict(pairs)

    return json.loads(text, object_pairs_hook=no_repeats)


@settings(max_examples=400, deadline=None)
@given(json_texts())
def test_one_pass_never_accepts_a_repeated_key(text: str) -> None:
    data = text.encode()
    quick = _quick_loads(data, _UNPARSED)
    try:
        careful = _careful(text)
    except KeyError:
        assert quick is _UNPARSED  # the careful reader gets it and names the key
        return
    if quick is not _UNPARSED:
        assert quick == careful
    else:  # only escaped colons make it unsure; then the careful reader reads it
        assert "\\u003" in text


def test_a_repeated_key_is_named_whatever_reads_it_first() -> None:
    data = b'{"format": "fhirmig-diary/1", "patient": {"id": "p", "id": "q"}, "attacks": []}'
    with pytest.raises(DiaryError, match="the key 'id' appears twice in one object"):
        parse_diary_json(data, "d.json")
    with pytest.raises(DiaryError, match="the key 'id' appears twice in one object"):
        parse_diary_json(data, "d.json", parsed=orjson.loads(data))
    hidden = b'{"a\\u003a": 1, "a:": 2, "format": "fhirmig-diary/1"}'
    with pytest.raises(DiaryError, match="the key 'a:' appears twice"):
        parse_diary_json(hidden, "d.json")


def test_the_same_diary_either_way(tmp_path: Any) -> None:
    data = (
        b'{"format":"fhirmig-diary/1","patient":{"id":"p-1","timezone":"Europe/Berlin"},'
        b'"attacks":[{"id":"a","start":"2026-03-01T08:00","end":"2026-03-01T10:30",'
        b'"intensity":6,"notes":"woke at 07:30"}]}'
    )
    quick = parse_diary_json(data, "d.json")
    careful = parse_diary_json(b"\xef\xbb\xbf" + data, "d.json")  # a BOM: the careful reader
    assert quick == careful
    assert quick.attacks[0].end is not None and quick.attacks[0].end.hour == 10


def test_an_escaped_nul_goes_to_the_strict_reader() -> None:
    data = b'{"format": "fhirmig-diary/1", "patient": {"id": "p\\u0000x"}, "attacks": []}'
    assert _quick_loads(data, orjson.loads(data)) is _UNPARSED
    with pytest.raises(DiaryError, match="NUL"):
        parse_diary_json(data, "d.json")
