"""fhirmig: headache and migraine diaries to FHIR R4 and a clinician-ready PDF report.

The pipeline, one package per stage:

1. :mod:`fhirmig.diary` reads and checks a diary (JSON or CSV);
2. :mod:`fhirmig.analysis` computes the clinical figures;
3. :mod:`fhirmig.fhir` maps the diary to FHIR R4 resources, and :mod:`fhirmig.report`
   renders the PDF report;
4. :mod:`fhirmig.upload` sends resources to a FHIR server, :mod:`fhirmig.batch` converts
   many diaries at once.

Beside them, :mod:`fhirmig.importers` reads other apps' exports and
:mod:`fhirmig.privacy` de-identifies diaries. Names listed in ``__all__`` are imported
lazily, so ``import fhirmig`` stays cheap.
"""

from __future__ import annotations

from fhirmig._lazy import lazy_names
from fhirmig._version import __version__

__all__ = [
    "Diary",
    "DiaryError",
    "FhirmigError",
    "Problem",
    "__version__",
    "diary_to_json",
    "parse_diary_csv",
    "parse_diary_json",
    "read_diary",
    "write_diary",
]

_LAZY = {
    "Diary": "fhirmig.diary",
    "read_diary": "fhirmig.diary",
    "parse_diary_json": "fhirmig.diary",
    "parse_diary_csv": "fhirmig.diary",
    "diary_to_json": "fhirmig.diary",
    "write_diary": "fhirmig.diary",
    "DiaryError": "fhirmig.errors",
    "FhirmigError": "fhirmig.errors",
    "Problem": "fhirmig.errors",
}


__getattr__, __dir__ = lazy_names(globals(), _LAZY)
