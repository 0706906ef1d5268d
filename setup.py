"""Packaging glue that pyproject.toml cannot express: the report templates and catalogues.

The editable report templates live at the top of the repository (``templates/``) so that a
clinic finds and copies them easily; in a built wheel they are installed inside the package
as ``fhirmig/templates``. The report's message catalogues (``fhirmig/locale``) are checked
when the package is built: a shipped language with a missing, fuzzy or malformed
translation fails the build (``scripts/messages.py check``), and each catalogue is compiled
to its ``.mo`` beside the ``.po``. Everything else is configured in pyproject.toml.
"""

import importlib.util
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def _messages_tool():  # type: ignore[no-untyped-def]
    path = HERE / "scripts" / "messages.py"
    spec = importlib.util.spec_from_file_location("fhirmig_messages_tool", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildWithCatalogues(build_py):
    """build_py that refuses incomplete catalogues and compiles the complete ones."""

    def run(self) -> None:
        tool = _messages_tool()
        problems = tool.check()
        if problems:
            raise SystemExit(
                "the report's message catalogues are incomplete:\n  " + "\n  ".join(problems)
            )
        super().run()
        if not self.dry_run:
            tool.compile_to(Path(self.build_lib))


def _locale_packages() -> list[str]:
    """The catalogue folders, named as packages (they hold only data) so that setuptools
    installs them without warning about folders it was not told of."""
    locale = HERE / "fhirmig" / "locale"
    if not locale.is_dir():
        return []
    names = ["fhirmig.locale"]
    for folder in sorted(p for p in locale.iterdir() if p.is_dir()):
        names.append(f"fhirmig.locale.{folder.name}")
        if (folder / "LC_MESSAGES").is_dir():
            names.append(f"fhirmig.locale.{folder.name}.LC_MESSAGES")
    return names


setup(
    # fhirmig.report.fonts and the web page's templates and static files hold only data but
    # are packages to Python, so they are named here: setuptools warns at every install
    # about a package it was not told of.
    packages=[
        *find_packages(include=["fhirmig", "fhirmig.*"]),
        "fhirmig.report.fonts",
        "fhirmig.web.static",
        "fhirmig.web.templates",
        "fhirmig.templates",
        *_locale_packages(),
    ],
    package_dir={"fhirmig.templates": "templates"},
    cmdclass={"build_py": BuildWithCatalogues},
)
