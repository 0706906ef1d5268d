"""The sub-commands of the ``fhirmig`` CLI, one module each, loaded lazily by :mod:`fhirmig.cli`.

Each command only parses options, calls the library and maps its errors to exit codes
(through :func:`fhirmig.commands._common.handle_errors`); no logic lives here.
"""
