"""Other apps' exports as diaries: Migraine Buddy, Apple Health, Fitbit, and daily CSVs.

Every importer returns an :class:`ImportResult` whose ``diary`` went through the same
model and checks as any diary file; ``notes`` say what was kept as free text or left out.
:func:`merge_diaries` and :func:`merge_days` add an import to an existing diary without
changing what is already there, so importing the same export twice changes nothing.
Each importer is imported on first use, so telling what an input is
(:mod:`fhirmig.importers.sniff`) loads none of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fhirmig._lazy import lazy_names

if TYPE_CHECKING:
    from fhirmig.importers.apple_health import import_apple_health
    from fhirmig.importers.daily_csv import DAILY_FIELDS, import_daily_csv
    from fhirmig.importers.fitbit import import_fitbit_sleep
    from fhirmig.importers.merge import MergeResult, merge_days, merge_diaries
    from fhirmig.importers.migraine_buddy import import_migraine_buddy, parse_migraine_buddy
    from fhirmig.importers.result import ImportResult

__all__ = [
    "DAILY_FIELDS",
    "ImportResult",
    "MergeResult",
    "import_apple_health",
    "import_daily_csv",
    "import_fitbit_sleep",
    "import_migraine_buddy",
    "merge_days",
    "merge_diaries",
    "parse_migraine_buddy",
]

#: public name -> the module that defines it, imported on first use (:func:`__getattr__`)
_LAZY: dict[str, str] = {
    "import_apple_health": "fhirmig.importers.apple_health",
    "DAILY_FIELDS": "fhirmig.importers.daily_csv",
    "import_daily_csv": "fhirmig.importers.daily_csv",
    "import_fitbit_sleep": "fhirmig.importers.fitbit",
    "MergeResult": "fhirmig.importers.merge",
    "merge_days": "fhirmig.importers.merge",
    "merge_diaries": "fhirmig.importers.merge",
    "import_migraine_buddy": "fhirmig.importers.migraine_buddy",
    "parse_migraine_buddy": "fhirmig.importers.migraine_buddy",
    "ImportResult": "fhirmig.importers.result",
}


__getattr__, __dir__ = lazy_names(globals(), _LAZY)
