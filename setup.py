"""Packaging glue that pyproject.toml cannot express: the report templates.

The editable report templates live at the top of the repository (``templates/``) so that a
clinic finds and copies them easily; in a built wheel they are installed inside the package
as ``fhirmig/templates``. Everything else is configured in pyproject.toml.
"""

from setuptools import find_packages, setup

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
    ],
    package_dir={"fhirmig.templates": "templates"},
)
