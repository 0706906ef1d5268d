"""Package names imported on first use, so a command loads only the modules it needs.

A package lists its public names in ``__all__`` and, in a table, the module that defines
each; :func:`lazy_names` gives it the module-level ``__getattr__`` and ``__dir__`` (PEP
562) that import a name's module the first time the name is read and keep the value, so
``from fhirmig.fhir import convert_diary`` works as before while ``import fhirmig.fhir``
costs next to nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    namespace: MutableMapping[str, Any], table: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for the package whose ``globals()`` is ``namespace``;
    ``table`` maps each lazily imported name to the module that defines it."""
    package = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value  # read once: later look-ups find it as a plain global
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(namespace.get("__all__", ())))

    return __getattr__, __dir__
