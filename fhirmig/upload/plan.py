"""Putting changes in an order and in chunks the server can take one after another.

Each chunk becomes one transaction Bundle. A resource may refer only to resources already
on the server (sent in an earlier chunk, whose server id is then known) or to resources in
the same chunk (``urn:uuid:`` references the server resolves). So the resources are sorted
so that every resource comes after the resources it refers to, and cut into chunks of at
most ``batch_size`` entries; the Patient is sent first, in a chunk of its own.

How each resource is made idempotent, so that running the same upload twice stores
nothing twice:

* a resource with a business ``identifier`` is a conditional create
  (``ifNoneExist: identifier=system|value``, plus ``&subject=Patient/<server id>`` for
  resources about the patient): the server creates it once and afterwards answers with
  the one it has;
* a resource without an identifier (Provenance has none in R4) is sent as
  ``PUT Type/id`` with fhirmig's deterministic id: the first run creates it, a re-run
  writes the same content to the same place.
"""

from __future__ import annotations

import heapq
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

from fhirmig.errors import UploadError

__all__ = [
    "ACTIONS",
    "Action",
    "Planned",
    "UploadPlan",
    "business_identifier",
    "chunk_changes",
    "order_changes",
    "plan_upload",
    "references",
]

#: What the upload does with one resource: ``create`` it, ``update`` the server's copy,
#: ``retire`` it (status entered-in-error), ``supersede`` an older report, ``delete`` it,
#: or ``keep`` it (the server's copy already says what the diary says: nothing is sent).
Action = Literal["create", "update", "retire", "supersede", "delete", "keep"]
ACTIONS: tuple[Action, ...] = ("create", "update", "retire", "supersede", "delete", "keep")
_WORDS = {
    "create": "create",
    "update": "update",
    "retire": "mark entered-in-error",
    "supersede": "mark superseded",
    "delete": "delete",
    "keep": "unchanged",
}

_NAMESPACE = uuid.UUID("6f1c1b4e-43a4-5b8e-9a57-3d5d2f1e0c61")
_FIRST = ("Patient",)


def references(value: Any) -> Iterator[str]:
    """Every ``reference`` string inside a resource (nested elements included)."""
    if isinstance(value, dict):
        ref = value.get("reference")
        if isinstance(ref, str):
            yield ref
        for key, item in value.items():
            if key != "reference":
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def business_identifier(resource: dict[str, Any]) -> tuple[str | None, str] | None:
    """The identifier used to find this resource on a server: ``(system, value)``.

    The first identifier with both a system and a value wins; else the first with a value.
    """
    idents = [i for i in resource.get("identifier") or [] if isinstance(i, dict)]
    for ident in idents:
        if ident.get("system") and ident.get("value"):
            return str(ident["system"]), str(ident["value"])
    for ident in idents:
        if ident.get("value"):
            return None, str(ident["value"])
    return None


def _escape(text: str) -> str:
    for char in ("\\", "|", ",", "$"):
        text = text.replace(char, "\\" + char)
    return text


@dataclass
class Planned:
    """One change to send, with what the plan knows about it.

    ``key`` is fhirmig's ``Type/id`` of a diary resource, or the server's ``Type/id`` of a
    resource the diary no longer has. ``server_key`` and ``version`` name the server's
    copy being changed (``update``, ``retire``, ``supersede``, ``delete``); ``why`` says
    why a resource is withdrawn.
    """

    key: str
    resource: dict[str, Any]
    identifier: tuple[str | None, str] | None
    refs: tuple[str, ...]
    index: int
    action: Action = "create"
    server_key: str | None = None
    version: str | None = None
    why: str = ""

    @property
    def resource_type(self) -> str:
        return str(self.resource["resourceType"])

    @property
    def full_url(self) -> str:
        """The ``urn:uuid:`` other entries of the same chunk use to refer to it."""
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, self.key)}"

    @property
    def method(self) -> str:
        if self.action == "delete":
            return "DELETE"
        if self.action == "create" and self.identifier is not None:
            return "POST"
        return "PUT"

    @property
    def target(self) -> str:
        """Where the request goes: the type (POST), the server's copy, or fhirmig's id."""
        if self.action == "create":
            return self.resource_type if self.identifier is not None else self.key
        return self.server_key or self.key

    @property
    def subject(self) -> str | None:
        """The ``subject`` reference (``Type/id``) when the resource has one."""
        subject = self.resource.get("subject")
        ref = subject.get("reference") if isinstance(subject, dict) else None
        return ref if isinstance(ref, str) else None

    def if_none_exist(self, subject: str | None = None) -> str | None:
        """The conditional-create search ``identifier=system|value[&subject=Type/id]``.

        ``\\``, ``|``, ``,`` and ``$`` inside the system and value are escaped with a
        backslash as FHIR search requires (a comma would otherwise mean "or"), then the
        whole is URL-encoded. ``subject`` (the server's ``Type/id`` of the resource's
        subject) narrows the match to that patient's record, so that a record of another
        patient with the same identifier is never taken for this one.
        """
        if self.identifier is None:
            return None
        system, value = self.identifier
        token = f"{_escape(system)}|{_escape(value)}" if system else _escape(value)
        search = "identifier=" + quote(token, safe="|:/.-_~")
        if subject:
            search += "&subject=" + quote(subject, safe="/")
        return search

    def request(self, subject: str | None = None) -> dict[str, str]:
        """The Bundle entry's ``request`` element (``subject``: see :meth:`if_none_exist`).

        A create is a conditional create on the identifier (a ``PUT`` to fhirmig's id for a
        resource without one); changes to the server's copy carry ``ifMatch`` with the
        version read, so a copy changed meanwhile by someone else is refused, not overwritten.
        """
        if self.method == "POST":
            return {
                "method": "POST",
                "url": self.resource_type,
                "ifNoneExist": self.if_none_exist(subject) or "",
            }
        request = {"method": self.method, "url": self.target}
        if self.version and self.action != "create":
            request["ifMatch"] = f'W/"{self.version}"'
        return request

    def identifier_text(self) -> str | None:
        """The business identifier as ``system|value`` (or the value alone), unescaped."""
        if self.identifier is None:
            return None
        system, value = self.identifier
        return f"{system}|{value}" if system else value

    def label(self) -> str:
        """How the dry run names the change: what, the request, and the identifier."""
        word = _WORDS[self.action]
        if self.action == "create" and self.identifier is None:
            return f"create: PUT {self.key}"
        if self.action == "create":
            label = f"create: POST {self.resource_type} if-none-exist "
            label += f"identifier={self.identifier_text()}"
            return label + (f"&subject={self.subject}" if self.subject else "")
        what = f"{word}: {self.method} {self.target}"
        ident = self.identifier_text()
        if ident:
            what += f" ({ident})"
        return what + (f": {self.why}" if self.why else "")


@dataclass
class UploadPlan:
    """The resources in sending order, cut into chunks."""

    chunks: list[list[Planned]]
    by_key: dict[str, Planned] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(c) for c in self.chunks)

    def __iter__(self) -> Iterator[list[Planned]]:
        return iter(self.chunks)


def _key(resource: dict[str, Any], position: int) -> str:
    rtype = resource.get("resourceType")
    rid = resource.get("id")
    if not isinstance(rtype, str) or not rtype:
        raise UploadError(f"resource #{position + 1}: no resourceType")
    if not isinstance(rid, str) or not rid:
        raise UploadError(f"resource #{position + 1} ({rtype}): no id")
    return f"{rtype}/{rid}"


def _order(items: Sequence[Planned]) -> list[Planned]:
    """Dependencies first (Kahn's algorithm); the Patient, then input order, break ties."""
    keys = {p.key for p in items}
    waiting = {p.key: {r for r in p.refs if r in keys and r != p.key} for p in items}
    users: dict[str, list[Planned]] = {k: [] for k in keys}
    for p in items:
        for r in waiting[p.key]:
            users[r].append(p)

    def rank(p: Planned) -> tuple[int, int]:
        return (0 if p.resource_type in _FIRST else 1, p.index)

    ready = [(rank(p), p.key) for p in items if not waiting[p.key]]
    heapq.heapify(ready)
    by_key = {p.key: p for p in items}
    ordered: list[Planned] = []
    while ready:
        _, key = heapq.heappop(ready)
        ordered.append(by_key[key])
        for user in users[key]:
            waiting[user.key].discard(key)
            if not waiting[user.key]:
                heapq.heappush(ready, (rank(user), user.key))
    if len(ordered) != len(items):
        stuck = sorted(k for k, w in waiting.items() if w)
        raise UploadError(f"circular references between {', '.join(stuck[:5])}")
    return ordered


def order_changes(resources: Iterable[dict[str, Any]]) -> list[Planned]:
    """``resources`` (plain FHIR dicts with ids) as creates, dependencies first."""
    items: list[Planned] = []
    seen: set[str] = set()
    for i, resource in enumerate(resources):
        key = _key(resource, i)
        if key in seen:
            raise UploadError(f"{key} appears twice in the input")
        seen.add(key)
        refs = tuple(dict.fromkeys(references(resource)))
        items.append(Planned(key, resource, business_identifier(resource), refs, i))
    return _order(items)


def chunk_changes(
    ordered: Sequence[Planned], batch_size: int, *, independent: bool = False
) -> UploadPlan:
    """Cut changes (in dependency order) into chunks of at most ``batch_size``.

    A Patient to create (with what it refers to) goes alone first: once the server has
    answered with its id, every other conditional create can be narrowed to it.
    ``independent`` (for batch Bundles, whose entries the server may process in any order)
    also starts a new chunk before a change that refers to a resource created in the
    current one. Changes that send nothing (``keep``) are left out of the chunks.
    """
    if batch_size < 1:
        raise UploadError("the batch size must be at least 1")
    sent = [p for p in ordered if p.action != "keep"]
    last_patient = max(
        (i for i, p in enumerate(sent) if p.resource_type in _FIRST and p.action == "create"),
        default=-1,
    )
    chunks: list[list[Planned]] = []
    for part in (sent[: last_patient + 1], sent[last_patient + 1 :]):
        current: list[Planned] = []
        created: set[str] = set()
        for p in part:
            clash = independent and any(r in created for r in p.refs)
            if len(current) >= batch_size or (clash and current):
                chunks.append(current)
                current, created = [], set()
            current.append(p)
            if p.action == "create":
                created.add(p.key)
        if current:
            chunks.append(current)
    return UploadPlan(chunks, {p.key: p for p in ordered})


def plan_upload(resources: Iterable[dict[str, Any]], batch_size: int = 500) -> UploadPlan:
    """Order ``resources`` (plain FHIR dicts with ids) as creates and cut them into chunks."""
    if batch_size < 1:
        raise UploadError("the batch size must be at least 1")
    return chunk_changes(order_changes(resources), batch_size)
