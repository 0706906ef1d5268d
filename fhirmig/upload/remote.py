"""What the server already holds for one patient, learnt from the server itself.

An upload never trusts a local record of what it sent before (a second computer, a lost
receipt or another tool would make it wrong): it asks the server. The patient is found by
its identifier; then every resource of the patient is found by searching each resource
type by ``patient``, and kept when it carries one of the upload's business-identifier
systems (fhirmig's own, ``https://fhirmig.org/fhir/sid/...``, or any system the
resources being sent use). Resources that have no patient search are found another way:

* Medication (a catalogue entry): through the references of the patient's medication
  statements, and by the identifiers of the Medications being sent;
* Provenance (no identifier in R4): by ``agent`` and ``target`` = the Patient, kept when
  its id is one fhirmig gives (the upload sends Provenance to fhirmig's deterministic id);
* Device (fhirmig itself, shared by every patient): by its identifier; never removed.

Each resource is keyed by :func:`sync_key`: its type with its business identifier, or its
type and id when it has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fhirmig.upload.plan import business_identifier

if TYPE_CHECKING:
    from fhirmig.upload.client import FhirClient

__all__ = [
    "FHIRMIG_SID",
    "PATIENT_TYPES",
    "Remote",
    "RemoteState",
    "fetch_state",
    "find_patients",
    "sync_key",
    "token",
]

#: The identifier systems fhirmig gives its records start with this.
FHIRMIG_SID = "https://fhirmig.org/fhir/sid/"
#: Resource types searched by ``patient`` (the types fhirmig writes about a patient).
PATIENT_TYPES = (
    "Condition",
    "Observation",
    "MedicationStatement",
    "MedicationRequest",
    "MedicationAdministration",
    "Procedure",
    "QuestionnaireResponse",
    "DocumentReference",
)
_PAGE = "1000"
_STATEMENTS = ("MedicationStatement", "MedicationRequest", "MedicationAdministration")

SyncKey = tuple[str, str, str]


def _escape(text: str) -> str:
    for char in ("\\", "|", ",", "$"):
        text = text.replace(char, "\\" + char)
    return text


def token(system: str | None, value: str) -> str:
    """A token search value ``system|value`` with FHIR's search escapes."""
    return f"{_escape(system)}|{_escape(value)}" if system else _escape(value)


def sync_key(resource: Mapping[str, Any], systems: Iterable[str] | None = None) -> SyncKey | None:
    """What makes two copies of a resource the same record: ``(type, system, value)`` of
    its business identifier (the first in ``systems`` when given), else ``(type, "id", id)``.
    """
    rtype = str(resource.get("resourceType"))
    wanted = set(systems) if systems is not None else None
    for ident in resource.get("identifier") or []:
        if not isinstance(ident, dict) or not ident.get("value"):
            continue
        system = str(ident.get("system") or "")
        if wanted is None or system in wanted or system.startswith(FHIRMIG_SID):
            return rtype, system, str(ident["value"])
    if wanted is not None and resource.get("identifier"):
        return None
    if business_identifier(dict(resource)) is None and resource.get("id"):
        return rtype, "id", str(resource["id"])
    return None


@dataclass
class Remote:
    """A resource as the server holds it."""

    resource: dict[str, Any]

    @property
    def server_key(self) -> str:
        return f"{self.resource['resourceType']}/{self.resource['id']}"

    @property
    def version(self) -> str | None:
        meta = self.resource.get("meta")
        version = meta.get("versionId") if isinstance(meta, dict) else None
        return str(version) if version is not None else None


@dataclass
class RemoteState:
    """The patient's resources on the server, by sync key (duplicates kept in order)."""

    patient: Remote | None
    by_key: dict[SyncKey, list[Remote]] = field(default_factory=dict)
    searches: int = 0

    def add(self, key: SyncKey, remote: Remote) -> None:
        found = self.by_key.setdefault(key, [])
        if all(r.server_key != remote.server_key for r in found):
            found.append(remote)

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_key.values())


def find_patients(client: FhirClient, system: str | None, value: str) -> list[dict[str, Any]]:
    """The server's Patients carrying the identifier ``system|value``."""
    found = client.search("Patient", {"identifier": token(system, value)})
    return [p for p in found if p.get("resourceType") == "Patient"]


def _ours(resource: dict[str, Any], systems: set[str]) -> bool:
    for ident in resource.get("identifier") or []:
        system = str(ident.get("system") or "") if isinstance(ident, dict) else ""
        if system in systems or system.startswith(FHIRMIG_SID):
            return True
    return False


def fetch_state(
    client: FhirClient,
    patient: dict[str, Any] | None,
    desired: Sequence[dict[str, Any]],
    *,
    types: Iterable[str] | None = None,
    provenance_ids: Iterable[str] = (),
) -> RemoteState:
    """Everything the server holds for ``patient`` (its server copy) that the upload
    manages: resources with the upload's identifier systems, fhirmig's Provenance and the
    Device. ``types`` limits the patient searches (default :data:`PATIENT_TYPES` plus every
    type being sent); ``provenance_ids`` are the Provenance ids fhirmig may have given."""
    state = RemoteState(Remote(patient) if patient is not None else None)
    systems = {key[1] for r in desired if (key := sync_key(r)) and key[1] != "id"}
    wanted = set(types) if types is not None else set(PATIENT_TYPES)
    wanted |= {str(r["resourceType"]) for r in desired}
    wanted -= {"Patient", "Device", "Medication", "Provenance"}

    def search(rtype: str, params: dict[str, str]) -> list[dict[str, Any]]:
        state.searches += 1
        return [r for r in client.search(rtype, params) if r.get("resourceType") == rtype]

    def keep(resources: Iterable[dict[str, Any]]) -> None:
        for res in resources:
            if _ours(res, systems) and (key := sync_key(res, systems)) is not None:
                state.add(key, Remote(res))

    medication_refs: set[str] = set()
    if patient is not None:
        pref = f"Patient/{patient['id']}"
        for rtype in sorted(wanted):
            found = search(rtype, {"patient": pref, "_count": _PAGE})
            keep(found)
            if rtype in _STATEMENTS:
                for res in found:
                    ref = (res.get("medicationReference") or {}).get("reference")
                    if isinstance(ref, str) and ref.startswith("Medication/"):
                        medication_refs.add(ref.split("/", 1)[1].split("/_history")[0])
        ours = set(provenance_ids)
        seen: set[str] = set()
        for param in ("agent", "target"):
            for res in search("Provenance", {param: pref, "_count": _PAGE}):
                rid = str(res.get("id"))
                if rid in ours and rid not in seen:
                    seen.add(rid)
                    state.add(("Provenance", "id", rid), Remote(res))
        sending = sorted(
            str(r["id"])
            for r in desired
            if r["resourceType"] == "Provenance" and r["id"] not in seen
        )
        for start in range(0, len(sending), 50):
            for res in search("Provenance", {"_id": ",".join(sending[start : start + 50])}):
                state.add(("Provenance", "id", str(res["id"])), Remote(res))
    shared = [r for r in desired if r["resourceType"] in ("Medication", "Device")]
    for rtype in ("Medication", "Device"):
        tokens = [
            token(*ident)
            for r in shared
            if r["resourceType"] == rtype and (ident := business_identifier(r)) is not None
        ]
        for start in range(0, len(tokens), 50):
            keep(search(rtype, {"identifier": ",".join(tokens[start : start + 50])}))
    known = {k.split("/", 1)[1] for v in state.by_key.values() for r in v for k in [r.server_key]}
    missing = sorted(medication_refs - known)
    for start in range(0, len(missing), 50):
        keep(search("Medication", {"_id": ",".join(missing[start : start + 50])}))
    return state
