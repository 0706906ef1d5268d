"""The guards: Host header, per-run token and cookie, CSRF, Origin, headers, size limits."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from fhirmig.web import CSP, Secrets
from fhirmig.web import uploads as upload_limits
from tests.web.conftest import ORIGIN, make_client
from tests.web.helpers import post

GET_ROUTES = [
    "/", "/attacks/new", "/attacks/a-2026-05-03", "/days/new", "/days/2026-05-03",
    "/medications", "/medications/suma50", "/treatments", "/questionnaires", "/questionnaires/1",
    "/import",
    "/report", "/report.pdf", "/fhir/transaction.json", "/fhir/collection.json",
    "/fhir/ndjson.zip", "/patient", "/new", "/static/app.css", "/static/app.js", "/calendar.css",
]  # fmt: skip
POST_ROUTES = [
    "/attacks/new", "/attacks/a-2026-05-03", "/attacks/a-2026-05-03/delete", "/days/new",
    "/days/2026-05-03", "/days/2026-05-03/delete", "/medications", "/medications/suma50",
    "/treatments", "/questionnaires", "/questionnaires/0", "/questionnaires/0/delete",
    "/patient", "/new", "/import", "/import/apple-health",
    "/import/k/apply", "/import/k/cancel", "/deidentify",
]  # fmt: skip


@pytest.mark.parametrize("path", GET_ROUTES)
def test_every_page_answers_with_the_cookie_and_refuses_without(
    path: str, diary_path: Path, secrets: Secrets
) -> None:
    with make_client(diary_path, secrets, signed_in=False) as anonymous:
        refused = anonymous.get(path, follow_redirects=False)
        assert refused.status_code == 403
        assert "fhirmig serve" in refused.text and "Ana" not in refused.text
        assert refused.headers["content-security-policy"] == CSP
    with make_client(diary_path, secrets) as client:
        answer = client.get(path, follow_redirects=False)
        # /new redirects to the diary, which exists; everything else is shown
        assert answer.status_code == (303 if path == "/new" else 200), path
        assert answer.headers["content-security-policy"] == CSP
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["referrer-policy"] == "same-origin"


@pytest.mark.parametrize("path", POST_ROUTES)
def test_every_form_refuses_a_missing_or_wrong_csrf_token(
    path: str, client: TestClient, diary_path: Path
) -> None:
    before = diary_path.read_bytes()
    for data in ({}, {"csrf": "wrong"}):
        answer = client.post(path, data={**data, "intensity": "5"}, follow_redirects=False)
        assert answer.status_code == 403, path
        assert "out of date" in answer.text
    assert diary_path.read_bytes() == before


@pytest.mark.parametrize("path", POST_ROUTES)
def test_every_form_refuses_without_the_cookie(
    path: str, diary_path: Path, secrets: Secrets
) -> None:
    before = diary_path.read_bytes()
    with make_client(diary_path, secrets, signed_in=False) as anonymous:
        answer = post(anonymous, secrets, path, {"intensity": "5"})
    assert answer.status_code == 403
    assert diary_path.read_bytes() == before


def test_the_token_in_the_address_becomes_a_strict_httponly_cookie(
    diary_path: Path, secrets: Secrets
) -> None:
    with make_client(diary_path, secrets, signed_in=False) as client:
        first = client.get(f"/report?token={secrets.token}&from=2026-05-01", follow_redirects=False)
        assert first.status_code == 303
        assert first.headers["location"] == "/report?from=2026-05-01"  # the token is dropped
        cookie = first.headers["set-cookie"]
        assert cookie.startswith(f"fhirmig_session={secrets.token};")
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
        assert client.get("/").status_code == 200  # the cookie now lets the browser in
        wrong = client.get("/?token=not-the-token", follow_redirects=False)
        assert wrong.status_code == 403 and "set-cookie" not in wrong.headers


@pytest.mark.parametrize(
    "host", ["evil.example:8765", "localhost:8765", "127.0.0.1:9999", "127.0.0.1", "0.0.0.0:8765"]
)
def test_a_host_header_other_than_the_loopback_address_is_refused(
    host: str, client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    before = diary_path.read_bytes()
    page = client.get("/", headers={"host": host})
    assert page.status_code == 403 and "127.0.0.1" in page.text and "Ana" not in page.text
    changed = post(
        client,
        secrets,
        "/attacks/new",
        {"start": "2026-11-01T10:00", "intensity": "5"},
        headers={"host": host},
    )
    assert changed.status_code == 403
    with_token = client.get(
        f"/?token={secrets.token}", headers={"host": host}, follow_redirects=False
    )
    assert with_token.status_code == 403 and "set-cookie" not in with_token.headers
    assert diary_path.read_bytes() == before


def test_a_form_posted_from_another_origin_is_refused(
    client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    before = diary_path.read_bytes()
    form = {"start": "2026-11-01T10:00", "intensity": "5"}
    refused = post(client, secrets, "/attacks/new", form, headers={"origin": "http://evil.example"})
    assert refused.status_code == 403
    assert diary_path.read_bytes() == before
    cross = post(client, secrets, "/attacks/new", form, headers={"sec-fetch-site": "cross-site"})
    assert cross.status_code == 403
    assert diary_path.read_bytes() == before
    headers = {"origin": ORIGIN, "sec-fetch-site": "same-origin"}
    assert post(client, secrets, "/attacks/new", form, headers=headers).status_code == 303


def test_a_form_body_over_its_limit_is_refused_unread(
    client: TestClient, secrets: Secrets, diary_path: Path
) -> None:
    before = diary_path.read_bytes()
    big = "x" * (upload_limits.FORM_LIMIT + 10)
    answer = post(client, secrets, "/attacks/new", {"notes": big})
    assert answer.status_code == 413 and "larger than 1 MB" in answer.text
    assert diary_path.read_bytes() == before


def _multipart(
    client: TestClient, secrets: Secrets, path: str, size: int, source: str = "daily-csv"
) -> object:
    return client.post(
        path,
        data={"csrf": secrets.csrf, "source": source},
        files={"export": ("export.csv", b"date,sleep_hours\n" + b"x" * size, "text/csv")},
        follow_redirects=False,
    )


def test_uploads_are_limited_to_50_mb_and_apple_health_to_500_mb(
    client: TestClient,
    secrets: Secrets,
    diary_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    before = diary_path.read_bytes()
    over = _multipart(client, secrets, "/import", 50 * 2**20 + 1)
    assert over.status_code == 413  # type: ignore[attr-defined]
    assert "larger than 50 MB" in over.text  # type: ignore[attr-defined]
    assert 'id="err-export"' in over.text  # type: ignore[attr-defined]
    assert list(spool.iterdir()) == []  # the private folder is gone
    # the Apple Health form takes more: 60 MB is read (and refused as not an export)
    big = _multipart(client, secrets, "/import/apple-health", 60 * 2**20)
    assert big.status_code == 422, big.text[:500]  # type: ignore[attr-defined]
    assert list(spool.iterdir()) == []
    assert upload_limits.APPLE_HEALTH_LIMIT == 500 * 2**20
    assert diary_path.read_bytes() == before


def test_a_streamed_upload_is_cut_at_the_limit(
    client: TestClient, secrets: Secrets, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("fhirmig.web.pages_import.APPLE_HEALTH_LIMIT", 2 * 2**20)
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    boundary = "b0und"

    def body():  # no Content-Length: the server counts what arrives
        yield f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{secrets.csrf}\r\n'.encode()
        yield f'--{boundary}\r\nContent-Disposition: form-data; name="export"; filename="export.zip"\r\n\r\n'.encode()
        for _ in range(5):
            yield b"z" * 2**20

    answer = client.post(
        "/import/apple-health",
        content=body(),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert answer.status_code == 413 and "larger than 2 MB" in answer.text
    assert list(spool.iterdir()) == []


def test_a_request_that_is_not_a_form_is_refused(client: TestClient, diary_path: Path) -> None:
    before = diary_path.read_bytes()
    answer = client.post(
        "/attacks/new", content=b'{"intensity": 5}', headers={"content-type": "application/json"}
    )
    assert answer.status_code == 400
    assert diary_path.read_bytes() == before


def test_the_secrets_never_show_in_their_repr(secrets: Secrets) -> None:
    assert secrets.token not in repr(secrets) and secrets.csrf not in repr(secrets)
