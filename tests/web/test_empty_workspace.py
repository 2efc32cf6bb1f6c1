"""A fresh workspace (watchlist only, nothing ingested): every endpoint answers, with empty lists."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from basewatch.web.app import create_app
from basewatch.web.source import WorkspaceSource
from basewatch.workspace.core import Workspace


def test_every_endpoint_answers_on_an_empty_workspace(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    Workspace(path).close()
    source = WorkspaceSource(path)
    client = TestClient(create_app(source), base_url="http://127.0.0.1:8765")
    try:
        meta = client.get("/api/meta").json()
        assert meta["span"] == [None, None] and meta["types"] == []
        for url in ("/api/flights", "/api/corridors", "/api/port_calls", "/api/voyages", "/api/dark_periods",
                    "/api/vessels", "/api/claims", "/api/sources", "/api/flights?type=IL76", "/api/alerts",
                    "/api/claim_statuses", "/api/imagery", "/api/imagery_changes"):
            r = client.get(url)
            assert r.status_code == 200, (url, r.text)
            assert r.json()["total"] == 0, url
            g = client.get(url, params={"format": "geojson"}) if "?" not in url else None
            assert g is None or g.status_code == 200, url
        assert client.get("/api/sites").json()["total"] > 10  # the default watchlist
        act = client.get("/api/activity", params={"site": "khmeimim"}).json()
        assert act["rows"] == []
        bands = client.get("/api/bands", params={"site": "khmeimim"}).json()
        assert bands == {"site": "khmeimim", "series": [], "alerts": []}
        assert client.get("/api/assessments").json()["rows"] == []  # nothing fused: empty, with a note
        for url in ("/api/alerts/abc", "/api/imagery/obs-1", "/api/imagery/obs-1/image", "/api/imagery_changes/c"):
            assert client.get(url).status_code == 404, url
        assert client.get("/api/flights/abc-1").status_code == 404
        assert client.get("/api/vessels/273000000").status_code == 404
        assert client.get("/", headers={"accept": "text/html"}).text.startswith("<!doctype html>")
    finally:
        source.close()
