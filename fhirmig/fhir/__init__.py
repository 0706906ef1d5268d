"""Stage 3 of the pipeline: the diary as FHIR R4 resources, bundles and NDJSON, and back.

>>> from fhirmig.fhir import diary_to_resources, transaction_bundle  # doctest: +SKIP
>>> bundle = transaction_bundle(diary_to_resources(diary))  # doctest: +SKIP

Resources are plain dicts (``Type/id`` references) serialised with orjson; every
resource written passes the gate of :mod:`fhirmig.fhir.gate`. Nothing here imports
``fhir.resources``.
"""

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
