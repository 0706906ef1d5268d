"""Small helpers of the web tests: posting forms with the CSRF token, finding problems."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import unescape
from typing import Any

from starlette.testclient import TestClient

from fhirmig.web import Secrets

Fields = Mapping[str, str] | Sequence[tuple[str, str]]


def post(client: TestClient, secrets: Secrets, path: str, data: Fields, **kw: Any) -> Any:
    """POST ``data`` as a urlencoded form with this run's CSRF token."""
    pairs = list(data.items()) if isinstance(data, Mapping) else list(data)
    form: dict[str, list[str]] = {"csrf": [secrets.csrf]}
    for key, value in pairs:
        form.setdefault(key, []).append(value)
    return client.post(path, data=form, follow_redirects=False, **kw)


def idify(name: str) -> str:
    """The HTML id part of a field name, as the templates make it."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")


def problem_beside(html: str, field: str) -> str:
    """The problem text shown beside the control ``field`` (fails if there is none)."""
    ident = idify(field)
    match = re.search(rf'<p class="problem" id="err-{re.escape(ident)}">(.*?)</p>', html, re.S)
    assert match is not None, f"no problem shown beside {field}"
    control = re.search(rf'id="f-{re.escape(ident)}(-other)?"[^>]*aria-invalid="true"', html)
    assert control is not None, f"{field}: the control is not marked invalid"
    text = re.sub(r"<[^>]+>", "", match[1])
    return " ".join(unescape(text).split()).removeprefix("! Problem: ")


def text_of(html: str) -> str:
    """The page's text without tags, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
