"""Regenerate docs/cli.md from the commands' own --help text.

    python scripts/gen_cli_docs.py [--check]

With --check, exit 1 when docs/cli.md differs from what the commands say (tests run this).
"""

from __future__ import annotations

from pathlib import Path

import click
from click.testing import CliRunner

from fhirmig.cli import cli

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
HEADER = """# Command-line reference

Generated from the commands' own `--help` by `scripts/gen_cli_docs.py`; a test keeps the
two equal. Every command exits 0 on success, 1 on invalid input or failed work, 2 on a usage
error and 3 when signing in to a FHIR server fails (see [errors](errors.md)).
"""


def _help(args: list[str]) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"], terminal_width=100)
    if result.exit_code != 0:
        raise SystemExit(f"fhirmig {' '.join(args)} --help failed: {result.output}")
    return result.output.rstrip()


def render() -> str:
    """The whole page."""
    parts = [HEADER, "## fhirmig\n", "```\n" + _help([]) + "\n```\n"]
    ctx = click.Context(cli, info_name="fhirmig")
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        parts.append(f"## fhirmig {name}\n")
        parts.append("```\n" + _help([name]) + "\n```\n")
        if isinstance(command, click.Group):
            sub_ctx = click.Context(command, info_name=name, parent=ctx)
            for sub in command.list_commands(sub_ctx):
                parts.append(f"### fhirmig {name} {sub}\n")
                parts.append("```\n" + _help([name, sub]) + "\n```\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Regenerate docs/cli.md from the --help texts.")
    parser.add_argument(
        "--check", action="store_true", help="only compare; exit 1 when docs/cli.md is stale"
    )
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if DOC.read_text(encoding="utf-8") != text:
            print("docs/cli.md is out of date: python scripts/gen_cli_docs.py")
            raise SystemExit(1)
        return
    DOC.write_text(text, encoding="utf-8")
    print(DOC)


if __name__ == "__main__":
    main()
