"""Every stage is a documented library: an explicit ``__all__`` whose names all exist."""

from __future__ import annotations

import importlib
import inspect

import pytest

PACKAGES = [
    "fhirmig",
    "fhirmig.diary",
    "fhirmig.analysis",
    "fhirmig.fhir",
    "fhirmig.report",
    "fhirmig.upload",
    "fhirmig.batch",
    "fhirmig.importers",
    "fhirmig.privacy",
    "fhirmig.errors",
    "fhirmig.files",
    "fhirmig.web",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_public_names_exist_and_are_documented(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__doc__ and module.__doc__.strip()
    exported = module.__all__
    assert exported and len(exported) == len(set(exported))
    for attr in exported:
        value = getattr(module, attr)
        if inspect.isfunction(value) or inspect.isclass(value):
            assert (value.__doc__ or "").strip(), f"{name}.{attr} has no docstring"


def test_every_error_class_is_in_the_tree() -> None:
    from fhirmig import errors

    classes = [getattr(errors, n) for n in errors.__all__ if isinstance(getattr(errors, n), type)]
    for cls in classes:
        if cls is not errors.Problem:
            assert issubclass(cls, errors.FhirmigError)
            assert cls.__name__ in (errors.__doc__ or ""), cls.__name__
