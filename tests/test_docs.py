"""The documentation keeps up with the code: CLI reference, command list, links."""

from __future__ import annotations

import re

import click

from fhirmig.cli import cli
from tests.conftest import ROOT, load_script


def test_cli_reference_equals_the_commands_help() -> None:
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == load_script("gen_cli_docs").render(), (
        "docs/cli.md is out of date: python scripts/gen_cli_docs.py"
    )


def test_every_command_has_help_and_appears_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ctx = click.Context(cli, info_name="fhirmig")
    names = cli.list_commands(ctx)
    assert {"validate", "convert", "stats", "report", "upload", "import"} <= set(names)
    for name in names:
        command = cli.get_command(ctx, name)
        assert command is not None and (command.help or "").strip(), name
        assert f"fhirmig {name}" in readme, f"README does not show 'fhirmig {name}'"


def test_readme_opens_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert first_block is not None
    commands = [
        line.split("#")[0].strip() for line in first_block.group(1).splitlines() if line.strip()
    ]
    assert commands == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_relative_links_in_docs_and_readme_resolve() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for page in pages:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.name}: broken link {target}"
