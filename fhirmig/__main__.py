"""``python -m fhirmig``: the same as the ``fhirmig`` command."""

from fhirmig.cli import main

main()
