"""Other apps' exports as diaries: Migraine Buddy, Apple Health, Fitbit, and daily CSVs.

Every importer returns an :class:`ImportResult` whose ``diary`` went through the same
model and checks as any diary file; ``notes`` say what was kept as free text or left out.
:func:`merge_diaries` and :func:`merge_days` add an import to an existing diary without
changing what is already there, so importing the same export twice changes nothing.
"""

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
