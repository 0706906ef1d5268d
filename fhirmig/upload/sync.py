"""Working out what an upload must change so the server holds what the diary says.

The mechanism, and why:

* **Identity is the business identifier.** Every record fhirmig makes carries one
  (``https://fhirmig.org/fhir/sid/<kind>|<patient>/<record>``); Provenance, which has no
  identifier element in R4, is known by fhirmig's deterministic id. A summary's identifier
  names the figure and the kind of period, not its dates, so a longer diary updates it.
* **What was sent before is read from the server** (:mod:`fhirmig.upload.remote`): the
  patient by identifier, then the patient's resources by ``patient`` search, so a second
  computer, a lost receipt or an interrupted run changes nothing.
* **A record that is new is a conditional create** (``POST`` with ``ifNoneExist`` on the
  identifier and the patient): if a previous run stored it and died before hearing the
  answer, the server answers with the one it has instead of storing a second.
* **A record that changed is an update of the server's copy** (``PUT Type/<server id>``)
  with ``If-Match`` on the version read, so an edit made meanwhile on the server (by a
  clinician, by another upload) is refused, never silently overwritten. This needs only
  the plain ``update`` interaction, which every writable server has; a conditional update
  (``PUT Type?identifier=``) would also need ``conditionalUpdate`` and fails on duplicates,
  and a ``PUT`` to fhirmig's own id needs ``updateCreate``, which most EHRs refuse because
  they assign ids themselves.
* **A record that is unchanged is not sent at all**: the server's copy is compared,
  element by element, with what the diary gives (references mapped to the server's ids,
  ``meta`` bookkeeping ignored), so re-sending an unchanged diary costs only the searches.
* **A record the diary no longer has is withdrawn, not erased**: its status becomes
  ``entered-in-error`` (for a Condition, ``verificationStatus``), because a clinician may
  already have seen it and FHIR asks that such data be marked, not silently removed. With
  ``delete_removed`` it is deleted instead. Stale Provenance (no status element) is deleted.
  An earlier report DocumentReference is marked ``superseded`` when a new report replaces it.
* Duplicates of one record on the server (left by another tool, or by a race) are withdrawn
  the same way, keeping the first.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from fhirmig.upload.plan import Planned
from fhirmig.upload.remote import FHIRMIG_SID, Remote, RemoteState, sync_key

__all__ = [
    "REPORT_SYSTEM",
    "SyncOptions",
    "diff",
    "is_withdrawn",
    "same_content",
    "superseded",
    "withdrawn",
]

#: The identifier system of fhirmig's report DocumentReference.
REPORT_SYSTEM = FHIRMIG_SID + "document"
_ERROR = "entered-in-error"
_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
_NO_STATUS = frozenset({"Provenance", "Device", "Patient"})


@dataclass(frozen=True)
class SyncOptions:
    """How the differences are sent: ``delete_removed`` deletes records the diary no
    longer has instead of marking them entered-in-error."""

    delete_removed: bool = False


def is_withdrawn(resource: Mapping[str, Any]) -> bool:
    """Whether the server's copy is already marked entered-in-error (or superseded)."""
    if resource.get("resourceType") == "Condition":
        codes = [
            c.get("code")
            for c in (resource.get("verificationStatus") or {}).get("coding") or []
            if isinstance(c, dict)
        ]
        return _ERROR in codes
    return resource.get("status") in (_ERROR, "superseded")


def withdrawn(resource: Mapping[str, Any]) -> dict[str, Any] | None:
    """A copy of the server's resource marked entered-in-error; None for a type that has no
    such status (it can only be deleted)."""
    rtype = resource.get("resourceType")
    if rtype in _NO_STATUS:
        return None
    out = copy.deepcopy(dict(resource))
    if rtype == "Condition":
        # con-5: no clinicalStatus once the verification status is entered-in-error
        out.pop("clinicalStatus", None)
        out["verificationStatus"] = {
            "coding": [{"system": _VERIFICATION, "code": _ERROR, "display": "Entered in Error"}]
        }
        return out
    if "status" not in out and rtype not in ("Observation", "MedicationStatement"):
        return None
    out["status"] = _ERROR
    return out


def superseded(resource: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the server's report DocumentReference marked superseded."""
    out = copy.deepcopy(dict(resource))
    out["status"] = "superseded"
    return out


def _numbers(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


class _Unknown(Exception):
    """A reference to a resource the server does not hold yet."""


def _map_refs(value: Any, server_ids: Mapping[str, str], ours: set[str], base: str) -> Any:
    if isinstance(value, dict):
        out = {k: _map_refs(v, server_ids, ours, base) for k, v in value.items()}
        ref = value.get("reference")
        if isinstance(ref, str):
            if base and ref.startswith(base + "/"):
                ref = ref[len(base) + 1 :]
            ref = ref.split("/_history")[0]
            if ref in server_ids:
                ref = server_ids[ref]
            elif ref in ours:
                raise _Unknown(ref)
            out["reference"] = ref
        return out
    if isinstance(value, list):
        return [_map_refs(v, server_ids, ours, base) for v in value]
    return value


def _canonical(
    resource: Mapping[str, Any], server_ids: Mapping[str, str], ours: set[str], base: str
) -> bytes:
    body = {k: v for k, v in resource.items() if k not in ("id", "meta")}
    meta = resource.get("meta")
    if isinstance(meta, dict):
        kept = {k: meta[k] for k in ("profile", "security", "tag") if meta.get(k)}
        if kept:
            body["meta"] = kept
    body = _map_refs(_numbers(body), server_ids, ours, base)
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def same_content(
    desired: Mapping[str, Any],
    stored: Mapping[str, Any],
    server_ids: Mapping[str, str],
    ours: set[str] | None = None,
    base: str = "",
) -> bool:
    """Whether the server's copy already says what ``desired`` says: equal once ``desired``'s
    references are mapped to server ids (``server_ids``: fhirmig's ``Type/id`` -> the
    server's) and ``id``/``meta`` bookkeeping is set aside. A reference to one of ``ours``
    that the server does not hold yet means "not the same"."""
    try:
        mine = _canonical(desired, server_ids, ours or set(), "")
    except _Unknown:
        return False
    return mine == _canonical(stored, {}, set(), base)


def _pick(matches: Sequence[Remote]) -> tuple[Remote, list[Remote]]:
    """The copy to keep (the first not withdrawn, else the first) and the duplicates."""
    live = [r for r in matches if not is_withdrawn(r.resource)]
    keep = live[0] if live else matches[0]
    return keep, [r for r in matches if r is not keep]


def _removal(
    remote: Remote, why: str, options: SyncOptions, index: int, replaces_report: bool
) -> Planned | None:
    res = remote.resource
    key = sync_key(res)
    ident = (key[1], key[2]) if key and key[1] != "id" else None
    base = Planned(remote.server_key, res, ident, (), index, server_key=remote.server_key)
    base.version = remote.version
    base.why = why
    rtype = res.get("resourceType")
    if rtype in ("Patient", "Device"):
        return None
    is_report = rtype == "DocumentReference" and ident is not None and ident[0] == REPORT_SYSTEM
    if is_report:
        if not replaces_report or res.get("status") in ("superseded", _ERROR):
            return None  # a report stays until a new report replaces it
        base.action, base.resource = "supersede", superseded(res)
        base.why = "replaced by the new report"
        return base
    if is_withdrawn(res) and not options.delete_removed:
        return None
    marked = withdrawn(res)
    if options.delete_removed or marked is None:
        base.action = "delete"
        return base
    base.action, base.resource = "retire", marked
    return base


def diff(
    ordered: Iterable[Planned],
    state: RemoteState,
    options: SyncOptions,
    base_url: str = "",
) -> tuple[list[Planned], dict[str, str]]:
    """Turn the diary's resources (creates, in dependency order) into the changes to send.

    Returns the changes in sending order (updates and creates in dependency order, then
    withdrawals) and the server ids already known for fhirmig's keys (``Type/id`` ->
    the server's ``Type/id``) of resources the server holds.
    """
    items = list(ordered)
    ours = {p.key for p in items}
    server_ids: dict[str, str] = {}
    claimed: set[str] = set()
    extra: list[Planned] = []
    index = len(items)
    sends_report = False
    for p in items:
        if p.resource_type == "Patient" and state.patient is not None:
            remote = state.patient
            server_ids[p.key] = remote.server_key
            p.server_key, p.version = remote.server_key, remote.version
            owned = any(
                str(i.get("system") or "").startswith(FHIRMIG_SID)
                for i in remote.resource.get("identifier") or []
                if isinstance(i, dict)
            )
            same = same_content(p.resource, remote.resource, server_ids, ours, base_url)
            p.action = "update" if owned and not same else "keep"
            continue
        key = sync_key(p.resource)
        if key is not None and key[1] == REPORT_SYSTEM:
            sends_report = True
        matches = state.by_key.get(key, []) if key is not None else []
        if not matches:
            p.action = "create"
            continue
        remote, duplicates = _pick(matches)
        claimed.add(remote.server_key)
        server_ids[p.key] = remote.server_key
        p.server_key, p.version = remote.server_key, remote.version
        if p.resource_type == "Device":
            p.action = "keep"
        elif same_content(p.resource, remote.resource, server_ids, ours, base_url):
            p.action = "keep"
        else:
            p.action = "update"
        for dup in duplicates:
            claimed.add(dup.server_key)
            removal = _removal(dup, f"a second copy of {remote.server_key}", options, index, False)
            if removal is not None:
                extra.append(removal)
                index += 1
    for remotes in state.by_key.values():
        for remote in remotes:
            if remote.server_key in claimed:
                continue
            removal = _removal(remote, "no longer in the diary", options, index, sends_report)
            if removal is not None:
                extra.append(removal)
                index += 1
    return items + extra, server_ids
