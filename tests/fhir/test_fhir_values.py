"""Results are values: a caller changing a returned resource changes nothing else.

The mapping shares fixed codes between resources and keeps them for the whole process
(checked once by the gate); the resources it hands to callers must not expose them.
"""

from __future__ import annotations

from typing import Any

import orjson
from fhir_strategies import diaries
from hypothesis import HealthCheck, given, settings

from fhirmig.diary import Diary, read_diary
from fhirmig.fhir import diary_to_resources, iter_resources
from fhirmig.fhir.mapping import shared_resources
from tests.conftest import EXAMPLES


def _mutate(value: Any) -> None:
    """Change every dict and list inside ``value``, in place, as a careless caller might."""
    if isinstance(value, dict):
        for key in list(value):
            item = value[key]
            if isinstance(item, (dict, list)):
                _mutate(item)
            else:
                value[key] = "changed"
        value["mutated"] = True
    elif isinstance(value, list):
        for item in value:
            _mutate(item)
        value.append("mutated")


def _bytes(resources: list[dict[str, Any]]) -> list[bytes]:
    return [orjson.dumps(r, option=orjson.OPT_SORT_KEYS) for r in resources]


def _check(diary: Diary) -> None:
    resources = diary_to_resources(diary)
    pristine = _bytes(resources)
    for i, resource in enumerate(resources):
        _mutate(resource)
        now = _bytes(resources)
        changed = [j for j in range(len(now)) if j != i and now[j] != pristine[j]]
        assert not changed, f"changing resource {i} changed {changed}"
        pristine[i] = now[i]
    again = _bytes(diary_to_resources(diary))
    assert again == _bytes(list(shared_resources(diary)))
    streamed = _bytes(list(iter_resources(diary)))
    assert streamed == again


def test_changing_the_example_resources_changes_nothing_else() -> None:
    diary = read_diary(EXAMPLES / "episodic-twitching.json")
    before = _bytes(diary_to_resources(diary))
    _check(diary)
    assert _bytes(diary_to_resources(diary)) == before


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(diaries)
def test_changing_any_returned_resource_changes_no_other_and_no_later_conversion(
    diary: Diary,
) -> None:
    _check(diary)


def _objects(resource: Any) -> set[int]:
    """The ids of every dict and list inside a resource."""
    out: set[int] = set()
    todo = [resource]
    while todo:
        value = todo.pop()
        if isinstance(value, dict):
            out.add(id(value))
            todo.extend(value.values())
        elif isinstance(value, list):
            out.add(id(value))
            todo.extend(value)
    return out


def _shared_objects(resources: list[dict[str, Any]]) -> int:
    seen: set[int] = set()
    shared = 0
    for resource in resources:
        ids = _objects(resource)
        shared += len(ids & seen)
        seen |= ids
    return shared


def test_the_shared_stream_really_shares_so_the_copy_is_needed() -> None:
    """The writers' stream shares objects between resources; what callers get shares none."""
    diary = read_diary(EXAMPLES / "episodic-twitching.json")
    assert _shared_objects(list(shared_resources(diary))) > 100
    assert _shared_objects(diary_to_resources(diary)) == 0
