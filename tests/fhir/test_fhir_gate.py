"""The fast gate rejects everything the R4B models reject for fhirmig's shapes, and more."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir_strategies import diaries
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fhirmig.diary import read_diary
from fhirmig.errors import ResourceValidationError
from fhirmig.fhir import check_resource, diary_to_resources, document_reference
from fhirmig.fhir.gate import _string, _xhtml, fast_passes, problems

GOLDEN = Path(__file__).parent / "golden"

# Values that break a field in some way: wrong JSON type, empty, malformed primitives.
BAD_VALUES: list[Any] = [
    None, "", " ", "bogus value", 0, -1, 2**40, 1.5, float("nan"), True, [], {}, [{}],
    "2026-13-01", "2026-10-03T07:40+01:00", "a_b", "x\u00a0", {"bogus": 1}, [1], "Observation/",
]  # fmt: skip


def _r4b_accepts(resource: dict[str, Any]) -> bool:
    try:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    except Exception:  # any rejection
        return False
    return True


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield (*path, k)
            yield from _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield (*path, i)
            yield from _paths(v, (*path, i))


def _set(resource: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(resource)
    node: Any = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def _drop(resource: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    out = copy.deepcopy(resource)
    node: Any = out
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return out


def _mutants(resource: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for path in _paths(resource):
        if path == ("resourceType",):
            continue
        yield _drop(resource, path)
        for bad in BAD_VALUES:
            yield _set(resource, path, bad)
        if isinstance(path[-1], str):
            yield _set(resource, (*path[:-1], path[-1] + "X"), 1)  # unknown element


def test_every_r4b_rejection_is_a_gate_rejection() -> None:
    """Broken copies of every resource shape of the golden diary: whatever R4B refuses, the
    gate refuses too (the gate may refuse more)."""
    diary = read_diary(GOLDEN / "small-diary.json")
    doc = document_reference(
        diary, b"%PDF-1.4\n", start=date(2026, 10, 1), end=date(2026, 10, 9), title="r"
    )
    resources = [*diary_to_resources(diary), doc]
    seen_shapes = set()
    checked = passed = 0
    for res in resources:
        shape = (res["resourceType"], res.get("identifier", [{}])[0].get("system"))
        if shape in seen_shapes:
            continue
        seen_shapes.add(shape)
        for mutant in _mutants(res):
            checked += 1
            if not problems(mutant):  # the gate lets it through: R4B must accept it too
                passed += 1
                assert _r4b_accepts(mutant), mutant
    assert checked > 5000
    assert passed > 50  # mutations that stay valid (e.g. dropping an optional element)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(diaries, st.data())
def test_gate_agrees_on_generated_diaries(diary: Any, data: st.DataObject) -> None:
    """Generated diaries pass both; a random mutation R4B rejects, the gate rejects."""
    resources = diary_to_resources(diary)
    for res in resources:
        assert problems(res) == []
    res = data.draw(st.sampled_from(resources))
    path = data.draw(st.sampled_from([p for p in _paths(res) if p != ("resourceType",)]))
    mutant = _set(res, path, data.draw(st.sampled_from(BAD_VALUES)))
    if not _r4b_accepts(mutant):
        assert problems(mutant)


def test_stricter_than_r4b() -> None:
    obs = {"resourceType": "Observation", "status": "bogus", "code": {"text": "x"}}
    assert _r4b_accepts(obs)
    assert problems(obs) == ["Observation.status: 'bogus' is not a valid obs-status"]
    for bad in (
        {"valueInteger": "1"},
        {"valueBoolean": 1},
        {"category": []},
        {"valueString": None},
    ):
        case = {**obs, "status": "final", **bad}
        assert _r4b_accepts(case) and problems(case), bad


def test_check_resource_names_the_element() -> None:
    with pytest.raises(ResourceValidationError) as err:
        check_resource({"resourceType": "Observation", "status": "final"})
    assert str(err.value) == "Observation.code: required element missing"
    with pytest.raises(ResourceValidationError, match="not a resource type fhirmig writes"):
        check_resource({"resourceType": "Claim"})


def _golden_shapes() -> list[dict[str, Any]]:
    diary = read_diary(GOLDEN / "small-diary.json")
    doc = document_reference(
        diary, b"%PDF-1.4\n", start=date(2026, 10, 1), end=date(2026, 10, 9), title="r"
    )
    shapes: dict[tuple[Any, ...], dict[str, Any]] = {}
    for res in [*diary_to_resources(diary), doc]:
        shapes.setdefault((res["resourceType"], res.get("identifier", [{}])[0].get("system")), res)
    return list(shapes.values())


def test_fast_path_passes_exactly_what_the_walk_passes() -> None:
    """The compiled per-shape check and the reference walk agree on every broken copy,
    both when a shape is new to the fast path and once it has learned it."""
    checked = rejected = 0
    for res in _golden_shapes():
        assert fast_passes(res)
        for mutant in _mutants(res):
            walk_passes = problems(mutant) == []
            assert fast_passes(mutant) == walk_passes, mutant
            assert fast_passes(mutant) == walk_passes, mutant  # the shape is known now
            checked += 1
            rejected += not walk_passes
    assert checked > 5000
    assert rejected > 4000


def test_a_learned_shape_still_has_every_value_checked() -> None:
    """A broken value deep inside a resource of a shape the gate has passed a thousand
    times is still caught, and named by the walk."""
    diary = read_diary(GOLDEN / "small-diary.json")
    resources = diary_to_resources(diary)
    attack = next(r for r in resources if r["resourceType"] == "Observation" and "component" in r)
    for _ in range(1000):
        check_resource(attack)
    for i, comp in enumerate(attack["component"]):
        if "valueInteger" in comp:
            mutant = _set(attack, ("component", i, "valueInteger"), 2**31)
            with pytest.raises(ResourceValidationError) as err:
                check_resource(mutant)
            assert f"component[{i}].valueInteger: 2147483648 is not a valid integer" in str(
                err.value
            )
    coding = ("code", "coding", 0, "display")
    for bad in ("tab\u000bbed", " ", ""):
        with pytest.raises(ResourceValidationError, match=r"Observation\.code\.coding\[0\]"):
            check_resource(_set(attack, coding, bad))
    with pytest.raises(ResourceValidationError, match="unknown element of Coding"):
        check_resource(_set(attack, ("code", "coding", 0, "version"), "1"))


# The FHIR definitions, written the plain way: a string matches [ \r\n\t\S]+ and holds no
# control character; a narrative div holds text with no markup and only the four entities.
_FHIR_STRING = re.compile(r"[ \r\n\t\S]+")
_FHIR_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_DIV = '<div xmlns="http://www.w3.org/1999/xhtml">'
_DIV_BAD = re.compile(r"[<>\x00-\x08\x0b\x0c\x0e-\x1f]|&(?!(amp|lt|gt|quot);)")


def _fhir_string(v: str) -> bool:
    return (
        _FHIR_STRING.fullmatch(v) is not None
        and _FHIR_CONTROL.search(v) is None
        and not v.isspace()
    )


def _fhir_div(inner: str) -> bool:
    return bool(inner.strip()) and _DIV_BAD.search(inner) is None


_TRICKY = st.sampled_from(
    [*"aZ09 <>&;#/\t\r\n\x00\x07\x0b\x0c\x1c\x1f\x7f\x85\xa0\u1680\u2000\u200b\u2028\u202f"
     "\u3000\ufeffé漢", "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#38;"]
)  # fmt: skip


def test_the_string_rule_is_fhirs_for_every_character() -> None:
    """Every code point alone, and the fast path's shortcut for printable ASCII, follow
    FHIR's definition of a string exactly."""
    for code in range(0x110000):
        ch = chr(code)
        assert _string(ch) == _fhir_string(ch), hex(code)
    assert not _string("")


@settings(max_examples=3000, deadline=None)
@given(st.lists(_TRICKY, max_size=8).map("".join))
def test_string_and_div_rules_are_fhirs(text: str) -> None:
    """Mixed texts: the string rule and the narrative rule answer as the definitions, and
    so does the fast path inside a resource (a Coding's display, a narrative's div)."""
    assert _string(text) == _fhir_string(text)
    assert _xhtml(f"{_DIV}{text}</div>") == _fhir_div(text)
    res = {
        "resourceType": "Medication",
        "id": "m1",
        "code": {"coding": [{"display": text}]},
        "text": {"status": "generated", "div": f"{_DIV}{text}</div>"},
    }
    assert fast_passes(res) == (problems(res) == []) == (_fhir_string(text) and _fhir_div(text))


def test_a_value_trusted_after_its_parent_shape_was_learned_is_trusted() -> None:
    """Plans leave out the trust look-up for a type with no trusted value; trusting the
    first one makes them compile again, so it is honoured at once (here a deliberately
    invalid value, which only trust lets through)."""
    from fhirmig.fhir.gate import _PATTERNS, _PRIMITIVES, _STRING, _STRINGS
    from fhirmig.fhir.gate_table import BACKBONE, TYPES
    from fhirmig.fhir.shapes import ShapeChecker

    checker = ShapeChecker(
        _PRIMITIVES, TYPES, BACKBONE, patterns=_PATTERNS, strings=(_STRINGS, _STRING, 100)
    )
    period = {"start": "not a date"}
    obs = {"resourceType": "Observation", "status": "final", "code": {"text": "x"}}
    obs["effectivePeriod"] = period
    assert not checker.check(obs, "Observation")
    checker.trust(period, "Period")
    assert checker.check(obs, "Observation")
    assert not checker.check({**obs, "effectivePeriod": {"start": "not a date"}}, "Observation")
