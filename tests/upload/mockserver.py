"""A tiny in-memory FHIR server for httpx.MockTransport: enough to test the client side."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

Hook = Callable[[httpx.Request], httpx.Response | None]


class MockFhir:
    """Answers transaction Bundles (ifNoneExist honoured), records every request.

    ``hooks`` run first, in order; one that returns a response answers the request (used
    to throttle, fail or demand sign-in).
    """

    def __init__(self, base: str = "https://ehr.example/fhir") -> None:
        self.base = base
        self.requests: list[httpx.Request] = []
        self.hooks: list[Hook] = []
        self.stored: dict[str, dict[str, Any]] = {}
        self.by_condition: dict[str, str] = {}

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        for hook in self.hooks:
            answer = hook(request)
            if answer is not None:
                return answer
        if request.method == "POST" and str(request.url).rstrip("/") == self.base:
            return self._transaction(json.loads(request.content))
        return httpx.Response(404, json={"resourceType": "OperationOutcome", "issue": []})

    def _transaction(self, bundle: dict[str, Any]) -> httpx.Response:
        out = []
        urns: dict[str, str] = {}
        for entry in bundle["entry"]:
            req = entry["request"]
            rtype = entry["resource"]["resourceType"]
            cond = f"{rtype}?{req.get('ifNoneExist')}"
            if req["method"] == "PUT":
                key, status = (
                    req["url"],
                    "201 Created" if req["url"] not in self.stored else "200 OK",
                )
            elif cond in self.by_condition:
                key, status = self.by_condition[cond], "200 OK"
            else:
                key, status = f"{rtype}/s{len(self.stored) + 1}", "201 Created"
                self.by_condition[cond] = key
            self.stored[key] = entry["resource"]
            urns[entry["fullUrl"]] = key
            out.append({"response": {"status": status, "location": f"{key}/_history/1"}})
        text = json.dumps(self.stored)
        for urn, key in urns.items():
            text = text.replace(urn, key)
        self.stored = json.loads(text)
        return httpx.Response(
            200, json={"resourceType": "Bundle", "type": "transaction-response", "entry": out}
        )

    def posts(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "POST" and "token" not in r.url.path]
