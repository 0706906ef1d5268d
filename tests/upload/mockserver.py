"""A tiny in-memory FHIR server for httpx.MockTransport: enough to test the client side.

It keeps versions, answers transaction and batch Bundles (ifNoneExist, ifMatch, PUT,
DELETE), single REST requests, searches by identifier, patient/subject, ``_id`` and
Provenance agent/target, and a CapabilityStatement (``capability``, editable by a test).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import httpx

Hook = Callable[[httpx.Request], httpx.Response | None]
TYPES = (
    "Patient",
    "Condition",
    "Observation",
    "MedicationStatement",
    "Medication",
    "Procedure",
    "DocumentReference",
    "Provenance",
    "Device",
)


def capability(
    system: tuple[str, ...] = ("transaction", "batch"),
    interactions: tuple[str, ...] = ("read", "create", "update", "delete", "search-type"),
    types: tuple[str, ...] = TYPES,
    overrides: dict[str, tuple[str, ...]] | None = None,
) -> dict[str, Any]:
    """A CapabilityStatement offering ``system`` interactions and, per type, ``interactions``
    (``overrides`` replaces them for some types)."""
    resources = [
        {
            "type": t,
            "updateCreate": True,
            "interaction": [{"code": c} for c in (overrides or {}).get(t, interactions)],
        }
        for t in types
    ]
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "kind": "instance",
        "fhirVersion": "4.0.1",
        "rest": [
            {"mode": "server", "interaction": [{"code": c} for c in system], "resource": resources}
        ],
    }


def _split(text: str, sep: str, *, unescape: bool = True) -> list[str]:
    """Split on ``sep`` where it is not escaped with a backslash; unescape the parts
    (FHIR's escapes ``\\ \\| \\, \\$``), or keep every escape with ``unescape=False``."""
    parts, current, escaped = [], "", False
    for ch in text:
        if escaped:
            current += ch if unescape and ch in "\\|,$" else "\\" + ch
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == sep:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [*parts, current]


def _token_match(resource: dict[str, Any], value: str) -> bool:
    for alternative in _split(value, ",", unescape=False):
        pieces = _split(alternative, "|", unescape=False)
        system = _split(pieces[0], "\x00")[0] if len(pieces) > 1 else None
        code = _split(pieces[-1], "\x00")[0]
        for ident in resource.get("identifier") or []:
            if ident.get("value") == code and (system is None or ident.get("system") == system):
                return True
    return False


def _refers(resource: dict[str, Any], field: str, target: str) -> bool:
    value = resource.get(field)
    items = value if isinstance(value, list) else [value]
    for item in items:
        if not isinstance(item, dict):
            continue
        ref = item.get("reference") or (item.get("who") or {}).get("reference")
        if isinstance(ref, str) and ref.split("/_history")[0].endswith(target):
            return True
    return False


class MockFhir:
    """Answers Bundles and REST requests on an in-memory store, records every request.

    ``hooks`` run first, in order; one that returns a response answers the request (used
    to throttle, fail or demand sign-in).
    """

    def __init__(self, base: str = "https://ehr.example/fhir") -> None:
        self.base = base
        self.requests: list[httpx.Request] = []
        self.hooks: list[Hook] = []
        self.stored: dict[str, dict[str, Any]] = {}
        self.by_condition: dict[str, str] = {}
        self.capability = capability()
        self.counter = 0

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    # -- dispatch -------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        for hook in self.hooks:
            answer = hook(request)
            if answer is not None:
                return answer
        url = str(request.url).split("?")[0].rstrip("/")
        if not url.startswith(self.base):
            return httpx.Response(404, json={"resourceType": "OperationOutcome", "issue": []})
        path = url[len(self.base) :].strip("/")
        if request.method == "POST" and path == "":
            return self._bundle(json.loads(request.content))
        if request.method == "GET" and path == "metadata":
            return httpx.Response(200, json=self.capability)
        parts = path.split("/")
        if request.method == "GET" and len(parts) == 1 and parts[0]:
            params = dict(parse_qsl(request.url.query.decode()))
            return httpx.Response(200, json=self.search(parts[0], params))
        entry = {
            "request": {
                "method": request.method,
                "url": path,
                "ifNoneExist": request.headers.get("if-none-exist"),
                "ifMatch": request.headers.get("if-match"),
            }
        }
        if request.content:
            entry["resource"] = json.loads(request.content)
        if request.method == "GET" and len(parts) == 2:
            found = self.stored.get(path)
            return httpx.Response(200 if found else 404, json=found or {"issue": []})
        status, body, location = self._apply(entry, {})
        headers = {"Location": location} if location else {}
        return httpx.Response(int(status.split()[0]), json=body, headers=headers)

    # -- store ----------------------------------------------------------------------------

    def search(self, rtype: str, params: dict[str, str]) -> dict[str, Any]:
        found = [r for k, r in self.stored.items() if k.startswith(rtype + "/")]
        for name, value in params.items():
            if name.startswith("_") and name != "_id":
                continue
            if name == "identifier":
                found = [r for r in found if _token_match(r, value)]
            elif name == "_id":
                ids = set(value.split(","))
                found = [r for r in found if r["id"] in ids]
            elif name in ("patient", "subject"):
                target = value if "/" in value else f"Patient/{value}"
                found = [r for r in found if _refers(r, "subject", target)]
            elif name in ("agent", "target"):
                found = [r for r in found if _refers(r, name, value)]
        entries = [{"resource": copy.deepcopy(r), "search": {"mode": "match"}} for r in found]
        return {"resourceType": "Bundle", "type": "searchset", "entry": entries}

    def _store(self, key: str, resource: dict[str, Any]) -> dict[str, Any]:
        old = self.stored.get(key)
        version = int(old["meta"]["versionId"]) + 1 if old else 1
        stored = dict(resource, id=key.split("/")[1])
        stored["meta"] = {**(resource.get("meta") or {}), "versionId": str(version)}
        self.stored[key] = stored
        return stored

    def _apply(
        self, entry: dict[str, Any], urns: dict[str, str]
    ) -> tuple[str, dict[str, Any] | None, str | None]:
        req = entry["request"]
        method, url = req["method"], req["url"]
        resource = entry.get("resource")
        if method == "DELETE":
            existed = self.stored.pop(url, None)
            return ("204 No Content" if existed else "404 Not Found"), None, None
        if method == "PUT":
            current = self.stored.get(url)
            match = req.get("ifMatch")
            if match and (current is None or match != f'W/"{current["meta"]["versionId"]}"'):
                outcome = {"resourceType": "OperationOutcome", "issue": [{"severity": "error"}]}
                return "412 Precondition Failed", outcome, None
            stored = self._store(url, resource or {})
            status = "200 OK" if current else "201 Created"
            return status, stored, f"{url}/_history/{stored['meta']['versionId']}"
        rtype = resource["resourceType"] if resource else url
        condition = req.get("ifNoneExist")
        if condition:
            params = dict(parse_qsl(condition))
            matches = self.search(rtype, params)["entry"]
            if matches:
                key = f"{rtype}/{matches[0]['resource']['id']}"
                return "200 OK", self.stored[key], f"{key}/_history/1"
        self.counter += 1
        key = f"{rtype}/s{self.counter}"
        if entry.get("fullUrl"):
            urns[entry["fullUrl"]] = key
        stored = self._store(key, resource or {})
        return "201 Created", stored, f"{key}/_history/1"

    def _bundle(self, bundle: dict[str, Any]) -> httpx.Response:
        out = []
        urns: dict[str, str] = {}
        for entry in bundle["entry"]:
            status, _, location = self._apply(entry, urns)
            response: dict[str, Any] = {"status": status}
            if location:
                response["location"] = location
            out.append({"response": response})
        text = json.dumps(self.stored)
        for urn, key in urns.items():
            text = text.replace(urn, key)
        self.stored = json.loads(text)
        kind = f"{bundle.get('type', 'transaction')}-response"
        return httpx.Response(200, json={"resourceType": "Bundle", "type": kind, "entry": out})

    # kept for the tests that answer transactions themselves
    def _transaction(self, bundle: dict[str, Any]) -> httpx.Response:
        return self._bundle(bundle)

    def posts(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "POST" and "token" not in r.url.path]

    def writes(self) -> list[httpx.Request]:
        """Every request that could change the store (not GET, not sign-in)."""
        return [r for r in self.requests if r.method != "GET" and "token" not in r.url.path]
