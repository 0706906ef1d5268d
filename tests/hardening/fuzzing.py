"""Fuzz targets of every reader: hostile inputs may only ever raise fhirmig's own errors.

Each :class:`Target` pairs a hypothesis strategy with a check. The test suite runs every
target for a few hundred inputs (tests/hardening/test_fuzz.py); ``scripts/fuzz.py
--minutes N`` runs them for as long as asked. A check fails on any exception that is not a
:class:`~fhirmig.errors.FhirmigError`, and, when an input is accepted, on a de-identified
copy that is not itself a valid diary.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fhirmig.diary import Diary, dumps_diary, parse_diary_csv, parse_diary_json
from fhirmig.errors import DiaryError, FhirmigError
from fhirmig.privacy import deidentify_diary

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
KEY = bytes(range(7, 39))

#: Strings that have broken parsers, PDF renderers or terminals somewhere.
HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31mred\x1b[0m",
    "\r\n",
    "\u202egnp.exe",
    "\ufeff",
    "<b>bold</b>",
    "</para><para>",
    '<font name="Courier" size="80">x</font>',
    "<img src='/etc/passwd'/>",
    "&amp; &lt; &#0; &#x110000;",
    "{{ 7*7 }}",
    "{% include '/etc/passwd' %}",
    "../../etc/passwd",
    "=cmd|' /C calc'!A0",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2026-03-29T01:30",
    "2026-10-25T01:30",
    "2026-02-30",
    "1e999",
    "NaN",
    "-0",
    "\ud7ff\ue000\U0010ffff",
    "🤕" * 50,
    "x" * 1001,
    "left-temple;;right-temple",
    "suma50@2026-05-03T14:05=good",
]

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(HOSTILE),
    st.text(max_size=30),
)
json_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def _base_diary() -> dict[str, Any]:
    """A small diary that touches every field of the format (two example attacks and more)."""
    data: dict[str, Any] = json.loads((EXAMPLES / "episodic-twitching.json").read_text())
    data["attacks"] = data["attacks"][:3]
    data["days"] = data["days"][:3]
    data["attacks"][0]["extra"] = {"source": "app", "weather": {"hPa": 1003}}
    data["attacks"][1]["durationMinutes"] = 95
    data["attacks"][1].pop("end", None)
    return data


BASE_DIARY = _base_diary()
BASE_CSV = (EXAMPLES / "spreadsheet.csv").read_text(encoding="utf-8")


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated(draw: st.DrawFn, base: Any) -> Any:
    """``base`` (JSON data) with one to four nodes replaced, deleted or given an extra key."""
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(_paths(data)[1:]))
        parent: Any = data
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        action = draw(st.sampled_from(["replace", "replace", "delete", "extra", "duplicate"]))
        if action == "replace":
            parent[last] = draw(json_values)
        elif action == "delete":
            del parent[last]
        elif action == "extra" and isinstance(parent, dict):
            parent[draw(st.text(max_size=10))] = draw(json_values)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
    return data


def mutated_diaries() -> st.SearchStrategy[Any]:
    """The base diary, mutated."""
    return mutated(BASE_DIARY)


def to_json(data: Any) -> bytes:
    """JSON bytes of ``data``, even with lone surrogates (as a hostile writer could)."""
    return json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass")


diary_json_inputs = st.one_of(
    mutated_diaries().map(to_json),
    json_values.map(to_json),
    st.binary(max_size=300),
    mutated_diaries()
    .map(to_json)
    .flatmap(
        lambda b: st.integers(0, max(0, len(b) - 1)).map(lambda i: b[:i] + b"\x00\xff" + b[i:])
    ),
)


@st.composite
def mutated_csv(draw: st.DrawFn, base: str, max_rows: int = 5) -> bytes:
    """The CSV text ``base`` (its first rows) with cells replaced by hostile or random text."""
    rows = [r for r in csv.reader(io.StringIO(base, newline=""))][:max_rows]
    rows = [r or [""] for r in rows]
    for _ in range(draw(st.integers(1, 4))):
        r = draw(st.integers(0, len(rows) - 1))
        c = draw(st.integers(0, len(rows[r]) - 1))
        rows[r][c] = draw(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40)))
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


diary_csv_inputs = st.one_of(
    mutated_csv(BASE_CSV), st.binary(max_size=300), st.text(max_size=300).map(str.encode)
)
csv_patients = st.one_of(
    st.none(),
    st.just({"id": "p-1", "timezone": "Europe/Berlin"}),
    st.dictionaries(st.sampled_from(["id", "timezone", "birthDate", "name"]), json_values),
)


def check_accepted(diary: Diary) -> None:
    """An accepted diary de-identifies (or refuses with PrivacyError) into a valid diary."""
    for keep in (False, True):
        try:
            result = deidentify_diary(diary, KEY, keep_notes=keep)
        except FhirmigError:
            continue
        again = parse_diary_json(dumps_diary(result), "deidentified.json")
        assert again.deidentified is True
        assert len(again.attacks) == len(diary.attacks)


def check_loaded(data: bytes, path: Path) -> None:
    """FHIR input written to ``path`` reads back as a diary (then checked as accepted) or
    fails with a FhirmigError."""
    from fhirmig.fhir import load_input

    path.write_bytes(data)
    try:
        diary = load_input(path)
    except FhirmigError:
        return
    check_accepted(diary)


def check_diary_json(data: bytes) -> None:
    """Reading diary JSON: a Diary or a FhirmigError, nothing else."""
    try:
        diary = parse_diary_json(data, "fuzz.json")
    except DiaryError as exc:
        assert exc.problems
        return
    except FhirmigError:
        return
    check_accepted(diary)


def check_diary_csv(case: tuple[bytes, Any]) -> None:
    """Reading diary CSV with a fuzzed patient object: a Diary or a FhirmigError."""
    data, patient = case
    try:
        diary = parse_diary_csv(data, "fuzz.csv", patient=patient)
    except FhirmigError:
        return
    check_accepted(diary)


@dataclass(frozen=True)
class Finding:
    """A known bug in code outside this suite, tolerated until fixed (and tested as xfail).

    Each is matched by exception type and the file and function it is raised from, so a
    new bug elsewhere still fails the run.
    """

    error: type[BaseException] | tuple[type[BaseException], ...]
    file: str
    function: str
    fix: str


KNOWN_FINDINGS: list[Finding] = []
seen_findings: dict[Finding, int] = {}
#: ``file:line function ErrorType`` of each known finding hit, and how often.
seen_sites: dict[str, int] = {}


def known(exc: BaseException) -> Finding | None:
    """The known finding ``exc`` is an instance of, if any (by the function that raised it)."""
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if not code.co_name.startswith("<"):  # a comprehension counts as its function
            frames.append((code.co_filename, code.co_name, tb.tb_lineno))
        tb = tb.tb_next
    if not frames:
        return None
    filename, function, line = frames[-1]
    for finding in KNOWN_FINDINGS:
        if (
            isinstance(exc, finding.error)
            and filename.endswith(finding.file)
            and finding.function in (function, "*")
        ):
            seen_findings[finding] = seen_findings.get(finding, 0) + 1
            site = f"{finding.file}:{line} {function} {type(exc).__name__}"
            seen_sites[site] = seen_sites.get(site, 0) + 1
            return finding
    return None


def tolerating_known(check: Callable[[Any], None]) -> Callable[[Any], None]:
    """``check``, with the known findings counted instead of failing."""

    def run(value: Any) -> None:
        try:
            check(value)
        except (AssertionError, FhirmigError):
            raise
        except Exception as exc:
            if known(exc) is None:
                raise

    return run


@dataclass(frozen=True)
class Target:
    """One reader under fuzz: its inputs and what must hold for each."""

    name: str
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any], None]


def run_target(target: Target, *, examples: int = 0, seconds: float = 0.0) -> int:
    """Run ``target`` for ``examples`` inputs, or for ``seconds``; return how many were tried.

    A failing input raises the check's error after hypothesis has shrunk it and printed it.
    """
    count = 0
    deadline = time.monotonic() + seconds
    chunk = examples or 200

    @settings(
        max_examples=chunk,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(target.strategy)
    def run(value: Any) -> None:
        nonlocal count
        count += 1
        target.check(value)

    run()
    while seconds and time.monotonic() < deadline:
        run()
    return count
