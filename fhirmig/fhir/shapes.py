"""The gate's fast path: each object shape compiled once, then only its values checked.

fhirmig builds its resources from a small, fixed set of shapes: a MedicationStatement of
one diary has the same elements, in the same order, as the next one. What the gate checks
about an object splits in two:

- its *structure*: which elements it holds (none unknown, the required ones there, at
  most one of each ``value[x]``-style choice, at least one of a required choice, not
  empty). That depends only on the object's type and its tuple of keys, so it is checked
  once per (type, keys) and remembered;
- its *values*: every primitive checked by the predicate of its FHIR type, every list
  non-empty, every nested object in turn. That is checked for every object, by a small
  function generated for that shape: straight-line code with no table look-ups, no paths
  built and no recursion through a generic walker.

A shape whose structure fails gets a function that always answers ``False``. The answer is
only ever "passes" or "look closer": on ``False`` the gate runs its reference walk
(:func:`fhirmig.fhir.gate.problems`), which names what is wrong. Every predicate here is
the walk's own (a string value that passed once is remembered in a bounded set per type,
so the same code or URL is not matched again), so both accept exactly the same resources;
``tests/fhir/test_fhir_gate.py`` checks that over thousands of broken resources.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final

__all__ = ["ShapeChecker"]

Predicate = Callable[[Any], bool]
#: type -> (fields: name -> (type, is a list), required names, choice groups)
Rules = Mapping[
    str,
    tuple[
        Mapping[str, tuple[str, bool]],
        frozenset[str],
        tuple[tuple[str, tuple[str, ...], bool], ...],
    ],
]

#: Primitive types whose passing values are remembered: the few values that repeat (codes,
#: systems, displays, references). Ids, narratives and attachments are one per resource.
#: Only a check made in place (a regular expression or the string rule) remembers.
_REMEMBERED: Final = frozenset(
    {"string", "markdown", "code", "uri", "url", "canonical", "reference", "dateTime",
     "date", "instant"}
)  # fmt: skip
#: A remembered set holds at most this many values (then starts again) of at most
#: ``_LONGEST`` characters each, so memory stays small whatever the diary holds.
_CAPACITY: Final = 4096
_LONGEST: Final = 256
#: Distinct shapes remembered per type; past it a shape is compiled but not kept.
_SHAPES_PER_TYPE: Final = 4096

_INLINE: Final = {
    "boolean": "{v}.__class__ is bool",
    "integer": "({v}.__class__ is int and -2147483648 <= {v} <= 2147483647)",
    "unsignedInt": "({v}.__class__ is int and 0 <= {v} <= 2147483647)",
}


def _ident(name: str) -> str:
    """A type name as part of a Python identifier (``obs-status`` -> ``obs_status``)."""
    return name.replace("-", "_")


def _false(_: Any) -> bool:
    return False


class ShapeChecker:
    """Compiled checks of the gate's rules, one node function per type.

    ``primitives`` maps each primitive type to its predicate, ``rules`` each complex type
    to its fields and ``backbone`` (type, element) to the backbone type of that element.
    ``patterns`` names the primitives whose predicate is exactly "a ``str`` that this
    expression ``fullmatch``-es", and ``strings`` (type names, expression, longest length)
    those whose predicate is "a ``str`` no longer than that, which the expression
    ``fullmatch``-es, not all whitespace", and ``enums`` those that are "a ``str`` out of
    this set of codes": the generated code makes those checks itself,
    with no call of the predicate, which is what most of a resource's values cost.
    """

    def __init__(
        self,
        primitives: Mapping[str, Predicate],
        rules: Rules,
        backbone: Mapping[tuple[str, str], str],
        *,
        patterns: Mapping[str, re.Pattern[str]] | None = None,
        strings: tuple[frozenset[str], re.Pattern[str], int] | None = None,
        enums: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        self._rules = rules
        self._backbone = backbone
        self._patterns = dict(patterns or {})
        self._strings, string_rx, self._longest_string = strings or (frozenset(), None, 0)
        self._env: dict[str, Any] = {"S_match": None if string_rx is None else string_rx.fullmatch}
        self._env.update({f"R_{_ident(t)}": rx.fullmatch for t, rx in self._patterns.items()})
        self._enums = dict(enums or {})
        self._env.update({f"E_{_ident(t)}": codes for t, codes in self._enums.items()})
        self._trusted: dict[str, set[int]] = {t: set() for t in rules}
        self._env.update({f"T_{_ident(t)}": ids for t, ids in self._trusted.items()})
        for name, pred in primitives.items():
            self._env[f"P_{_ident(name)}"] = pred
            if name in _REMEMBERED:  # the passing values, added by the checks made in place
                self._env[f"G_{_ident(name)}"] = set()
        self._plans: dict[str, dict[tuple[str, ...], Predicate]] = {t: {} for t in rules}
        self.nodes: dict[str, Predicate] = {t: self._node(t) for t in rules}
        for t in rules:
            name = _ident(t)
            self._env[f"L_{name}"] = self._plans[t]
            self._env[f"C_{name}"] = self._learner(t)

    def trust(self, value: object, type_name: str) -> None:
        """Pass ``value`` as a ``type_name`` from now on without looking at it (a shared
        value that passed the walk; the caller keeps it alive and never changes it)."""
        ids = self._trusted[type_name]
        if not ids:  # plans of this type's parents skip the look-up: compile them anew
            for plans in self._plans.values():
                plans.clear()
        ids.add(id(value))

    def check(self, resource: Any, resource_type: str) -> bool:
        """Whether ``resource`` passes as a ``resource_type``: True means it passes the
        gate, False means the reference walk must look at it."""
        return self.nodes[resource_type](resource)

    def _learner(self, type_name: str) -> Callable[[dict[str, Any]], Predicate]:
        """The function that compiles (and remembers) the plan of a new shape."""
        plans = self._plans[type_name]

        def learn(value: dict[str, Any]) -> Predicate:
            keys = tuple(value)
            plan = self._compile(type_name, keys)
            if len(plans) < _SHAPES_PER_TYPE:
                plans[keys] = plan
            return plan

        return learn

    def _node(self, type_name: str) -> Predicate:
        plans = self._plans[type_name]
        learn = self._learner(type_name)

        def node(value: Any) -> bool:
            if value.__class__ is not dict:
                return False
            plan = plans.get(tuple(value)) or learn(value)
            return plan(value)

        return node

    def _structure_ok(self, type_name: str, keys: tuple[str, ...]) -> bool:
        fields, required, choices = self._rules[type_name]
        present = set(keys)
        if not keys or not present <= fields.keys() or not required <= present:
            return False
        for prefix, suffixes, needed in choices:
            count = sum(1 for s in suffixes if prefix + s in present)
            if count > 1 or (needed and count == 0):
                return False
        return True

    def _value(self, sub: str, var: str, pad: str) -> list[str]:
        """Python source lines that ``return False`` unless the value in ``var`` passes."""
        name = _ident(sub)
        if sub in self._rules:  # a nested object: its own shape's plan, found inline
            check = [
                f"{pad}if {var}.__class__ is not dict: return False",
                f"{pad}if not (L_{name}.get(tuple({var})) or C_{name}({var}))({var}):",
                f"{pad}    return False",
            ]
            if not self._trusted[sub]:  # no value of this type is trusted (yet)
                return check
            return [f"{pad}if id({var}) not in T_{name}:", *(f"    {line}" for line in check)]
        if sub in self._patterns or sub in self._strings:
            return self._inline(sub, var, pad)
        if sub in self._enums:
            return [f"{pad}if not isinstance({var}, str) or {var} not in E_{name}: return False"]
        test = _INLINE[sub].format(v=var) if sub in _INLINE else f"P_{name}({var})"
        return [f"{pad}if not {test}: return False"]

    def _inline(self, sub: str, var: str, pad: str) -> list[str]:
        """The lines of a regular-expression or string check made in place: the predicate's
        own test, then (for a remembered type) the value added to the remembered set."""
        name = _ident(sub)
        if sub in self._strings:
            test = (
                f"not isinstance({var}, str) or not 0 < len({var}) <= {self._longest_string} "
                f"or not (({var}.isascii() and {var}.isprintable()) or S_match({var})) "
                f"or {var}.isspace()"
            )
        else:
            test = f"not isinstance({var}, str) or R_{name}({var}) is None"
        if sub not in _REMEMBERED:
            return [f"{pad}if {test}: return False"]
        return [
            f"{pad}if {var} not in G_{name}:",
            f"{pad}    if {test}: return False",
            f"{pad}    if len({var}) <= {_LONGEST}:",
            f"{pad}        if len(G_{name}) >= {_CAPACITY}: G_{name}.clear()",
            f"{pad}        G_{name}.add({var})",
        ]

    def _compile(self, type_name: str, keys: tuple[str, ...]) -> Predicate:
        """The values-only check of one shape (type, keys), or ``_false`` when the
        structure itself does not pass."""
        if not self._structure_ok(type_name, keys):
            return _false
        fields = self._rules[type_name][0]
        lines = ["def plan(o):", "    try:"]
        for key in keys:
            sub, many = fields[key]
            sub = self._backbone.get((type_name, key), sub)
            lines.append(f"        x = o[{key!r}]")
            if many:
                lines.append("        if x.__class__ is not list or not x: return False")
                lines.append("        for e in x:")
                lines += self._value(sub, "e", " " * 12)
            else:
                lines += self._value(sub, "x", " " * 8)
        lines += ["    except TypeError:", "        return False", "    return True"]
        scope: dict[str, Any] = {}
        exec("\n".join(lines), self._env, scope)  # noqa: S102 - source built from the rules
        plan: Predicate = scope["plan"]
        return plan
