"""The FHIR profiles fhirmig can claim: plain R4, or HL7 US Core 6.1.0.

``--profile us-core`` (``profile="us-core"`` in the library) makes every resource of a type
US Core profiles claim the fitting US Core profile in ``meta.profile`` and meet it; the
plain R4 output (the default) claims none. This module holds the profile URLs and the
small helpers both the mapping and the report DocumentReference use, so every claim is
made in one place.
"""

from __future__ import annotations

from typing import Any, Final, Literal

__all__ = [
    "DATA_ABSENT_REASON",
    "PROFILES",
    "US_CORE_BASE",
    "US_CORE_VERSION",
    "Profile",
    "check_profile",
    "data_absent",
    "us_core_profile",
]

Profile = Literal["r4", "us-core"]
#: The profile modes, the default first.
PROFILES: Final[tuple[Profile, ...]] = ("r4", "us-core")
US_CORE_VERSION: Final = "6.1.0"
US_CORE_BASE: Final = "http://hl7.org/fhir/us/core/StructureDefinition/"
#: The core extension that says why a required value is missing.
DATA_ABSENT_REASON: Final = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"

# (resource type, fhirmig record kind or None for any) -> US Core 6.1.0 profile id.
_US_CORE: Final[dict[tuple[str, str | None], str]] = {
    ("Patient", None): "us-core-patient",
    ("Condition", None): "us-core-condition-problems-health-concerns",
    ("Medication", None): "us-core-medication",
    ("MedicationRequest", None): "us-core-medicationrequest",
    ("Procedure", None): "us-core-procedure",
    ("Provenance", None): "us-core-provenance",
    ("DocumentReference", None): "us-core-documentreference",
    ("Observation", "questionnaire"): "us-core-observation-screening-assessment",
    ("Observation", None): "us-core-simple-observation",
}


def us_core_profile(resource_type: str, kind: str | None = None) -> str | None:
    """The canonical URL of the US Core profile a resource claims, or None when US Core
    profiles no such resource (Device, MedicationStatement).

    ``kind`` is the fhirmig record kind (``questionnaire`` results are screening
    assessments; every other Observation is a simple observation).
    """
    name = _US_CORE.get((resource_type, kind)) or _US_CORE.get((resource_type, None))
    return US_CORE_BASE + name if name else None


def data_absent(code: str = "unknown") -> dict[str, Any]:
    """The data-absent-reason extension (``unknown``, ``asked-unknown``, ...)."""
    return {"url": DATA_ABSENT_REASON, "valueCode": code}


def check_profile(profile: str) -> Profile:
    """``profile`` as a :data:`Profile`; :class:`UsageError` names the choices otherwise."""
    if profile not in PROFILES:
        from fhirmig.errors import UsageError

        raise UsageError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    return profile
