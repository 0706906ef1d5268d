"""The rule of docs/architecture.md: commands only parse options and call the application layer.

Checked over the imports of every module in ``fhirmig/commands/`` (including imports inside
functions and under ``TYPE_CHECKING``) and over the calls they make: a command that opened
or wrote a file itself would read inputs its own way again.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

COMMANDS = sorted((ROOT / "fhirmig" / "commands").glob("*.py"))
ALLOWED = ("fhirmig.app", "fhirmig.errors", "fhirmig.commands", "fhirmig._version")
#: Calls that read or write files; a command leaves them to the application layer.
FILE_CALLS = {"open", "read_bytes", "read_text", "write_bytes", "write_text", "mkdir", "unlink"}


def _fhirmig_imports(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [(node.lineno, n) for n in names if n == "fhirmig" or n.startswith("fhirmig.")]
    return found


@pytest.mark.parametrize("module", COMMANDS, ids=lambda p: p.name)
def test_commands_import_only_the_application_layer(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    wrong = [
        f"{module.name}:{line}: {name}"
        for line, name in _fhirmig_imports(tree)
        if not any(name == a or name.startswith(a + ".") for a in ALLOWED)
    ]
    assert not wrong, "commands must call fhirmig.app, not the stages: " + ", ".join(wrong)


@pytest.mark.parametrize("module", COMMANDS, ids=lambda p: p.name)
def test_commands_open_no_file_themselves(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in FILE_CALLS:
                calls.append(f"{module.name}:{node.lineno}: {name}()")
    assert not calls, "commands leave files to fhirmig.app: " + ", ".join(calls)


def test_the_rule_catches_a_stage_import(tmp_path: Path) -> None:
    """The checker itself fails on a command that reaches into a stage."""
    tree = ast.parse("def f():\n    from fhirmig.fhir import convert_diary\n")
    names = [n for _, n in _fhirmig_imports(tree)]
    assert names == ["fhirmig.fhir"]
    assert not any(n.startswith(a) for n in names for a in ALLOWED)


def test_the_stages_never_import_the_application_layer() -> None:
    """The layer sits above the stages: no stage may depend on it."""
    wrong = []
    for path in sorted((ROOT / "fhirmig").rglob("*.py")):
        rel = path.relative_to(ROOT / "fhirmig")
        if rel.parts[0] in ("app", "commands") or rel.name == "cli.py":
            continue
        for line, name in _fhirmig_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if name == "fhirmig.app" or name.startswith("fhirmig.app."):
                wrong.append(f"{rel}:{line}")
    assert not wrong
