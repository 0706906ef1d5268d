"""Stage 3 of the pipeline: the diary as FHIR R4 resources, bundles and NDJSON, and back.

>>> from fhirmig.fhir import diary_to_resources, transaction_bundle  # doctest: +SKIP
>>> bundle = transaction_bundle(diary_to_resources(diary))  # doctest: +SKIP

Resources are plain dicts (``Type/id`` references) serialised with orjson; every
resource written passes the gate of :mod:`fhirmig.fhir.gate`. Nothing here imports
``fhir.resources``.

Names are imported on first use (``import fhirmig.fhir`` loads none of the stages), so a
command pays only for the modules it runs: converting never loads the reverse mapping.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fhirmig._lazy import lazy_names

if TYPE_CHECKING:
    from fhirmig.fhir.bundle import collection_bundle, dumps, transaction_bundle, write_bundle
    from fhirmig.fhir.convert import FORMATS, convert_diary
    from fhirmig.fhir.document import document_reference
    from fhirmig.fhir.gate import check_resource
    from fhirmig.fhir.ids import BASE_URL, CODE_SYSTEM, DEFAULT_PATIENT_SYSTEM
    from fhirmig.fhir.mapping import diary_to_resources, iter_resources
    from fhirmig.fhir.ndjson import write_ndjson
    from fhirmig.fhir.reader import load_input, read_fhir
    from fhirmig.fhir.reverse import resources_to_diary

__all__ = [
    "BASE_URL",
    "CODE_SYSTEM",
    "DEFAULT_PATIENT_SYSTEM",
    "FORMATS",
    "check_resource",
    "collection_bundle",
    "convert_diary",
    "diary_to_resources",
    "document_reference",
    "dumps",
    "iter_resources",
    "load_input",
    "read_fhir",
    "resources_to_diary",
    "transaction_bundle",
    "write_bundle",
    "write_ndjson",
]

#: public name -> the module that defines it, imported on first use (:func:`__getattr__`)
_LAZY: dict[str, str] = {
    "collection_bundle": "fhirmig.fhir.bundle",
    "dumps": "fhirmig.fhir.bundle",
    "transaction_bundle": "fhirmig.fhir.bundle",
    "write_bundle": "fhirmig.fhir.bundle",
    "FORMATS": "fhirmig.fhir.convert",
    "convert_diary": "fhirmig.fhir.convert",
    "document_reference": "fhirmig.fhir.document",
    "check_resource": "fhirmig.fhir.gate",
    "BASE_URL": "fhirmig.fhir.ids",
    "CODE_SYSTEM": "fhirmig.fhir.ids",
    "DEFAULT_PATIENT_SYSTEM": "fhirmig.fhir.ids",
    "diary_to_resources": "fhirmig.fhir.mapping",
    "iter_resources": "fhirmig.fhir.mapping",
    "write_ndjson": "fhirmig.fhir.ndjson",
    "load_input": "fhirmig.fhir.reader",
    "read_fhir": "fhirmig.fhir.reader",
    "resources_to_diary": "fhirmig.fhir.reverse",
}


__getattr__, __dir__ = lazy_names(globals(), _LAZY)
