"""The guard: methods, sizes, Host, token and the security headers, through an in-process client."""

from __future__ import annotations

from starlette.testclient import TestClient

from basewatch.web.app import CSP, create_app
from basewatch.web.source import WorkspaceSource

TOKEN = "correct-horse-battery-staple"


def test_every_answer_carries_the_csp(client: TestClient) -> None:
    for url in ("/", "/api/meta", "/static/js/main.js", "/static/vendor/maplibre-gl/maplibre-gl.mjs",
                "/api/flights?since=bad", "/nowhere"):
        r = client.get(url)
        assert r.headers["content-security-policy"] == CSP, url
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
    assert CSP.startswith("default-src 'self';")
    assert "unsafe" not in CSP and "blob:" not in CSP and "http" not in CSP


def test_modules_are_served_as_javascript(client: TestClient) -> None:
    r = client.get("/static/vendor/maplibre-gl/maplibre-gl-worker.mjs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")


def test_only_get_without_a_body(client: TestClient) -> None:
    assert client.post("/api/meta").status_code == 405
    assert client.put("/api/meta", content=b"x").status_code == 405
    assert client.request("GET", "/api/meta", content=b"x" * 10).status_code == 413
    assert client.get("/api/flights", params={"q": "x" * 5000}).status_code == 414
    assert client.get("/api/flights", params={"q": "x" * 300}).status_code == 400  # q is at most 200 characters


def test_other_hosts_are_refused_on_loopback(source: WorkspaceSource) -> None:
    """A page on another site that rebinds its name to 127.0.0.1 still sends its own name as Host."""
    app = create_app(source)
    assert TestClient(app, base_url="http://evil.example:8765").get("/api/meta").status_code == 421
    assert TestClient(app, base_url="http://localhost:8765").get("/api/meta").status_code == 200


def test_token_is_required_when_set(source: WorkspaceSource) -> None:
    app = create_app(source, token=TOKEN, local_only=False)
    anon = TestClient(app, base_url="http://10.1.2.3:8765")
    assert anon.get("/api/meta").status_code == 401
    assert anon.get("/", params={"token": "wrong-token-wrong-token"}).status_code == 401
    assert anon.get("/api/meta", headers={"authorization": f"Bearer {TOKEN}x"}).status_code == 401
    assert anon.get("/api/meta", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200
    browser = TestClient(app, base_url="http://10.1.2.3:8765", follow_redirects=False)
    first = browser.get("/", params={"token": TOKEN, "view": "claims"})
    assert first.status_code == 303 and first.headers["location"] == "/?view=claims"
    assert "HttpOnly" in first.headers["set-cookie"] and "SameSite=Strict" in first.headers["set-cookie"]
    assert browser.get("/api/meta").status_code == 200  # the cookie set above
