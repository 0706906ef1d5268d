"""Shared fixtures: the repository paths, the examples, and an isolated environment."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def load_script(name: str) -> ModuleType:
    """A script of ``scripts/`` imported as a module (scripts are not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test runs in its own folder, with no debug switch and a fixed build date."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FHIRMIG_DEBUG", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")


@pytest.fixture
def examples() -> Path:
    """The folder of bundled example diaries."""
    return EXAMPLES


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--run-fuzz``: also run the long fuzz tests (marker ``fuzz``)."""
    parser.addoption(
        "--run-fuzz", action="store_true", help="run the long fuzz tests (marker fuzz)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the tests marked ``fuzz`` unless ``--run-fuzz`` was given."""
    if config.getoption("--run-fuzz"):
        return
    skip = pytest.mark.skip(reason="long fuzz run: give --run-fuzz, or run scripts/fuzz.py")
    for item in items:
        if item.get_closest_marker("fuzz") is not None:
            item.add_marker(skip)
