"""Answers kept per snapshot: repeated questions are answered from memory, a replaced file is read afresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from starlette.testclient import TestClient

from basewatch.web.app import create_app
from basewatch.web.cache import AnswerCache
from basewatch.web.source import WorkspaceSource
from basewatch.workspace.core import Workspace


def test_a_replaced_workspace_is_never_answered_from_the_old_one(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.duckdb"
    Workspace(path).close()
    source = WorkspaceSource(path)
    app = create_app(source)
    cache: AnswerCache = app.app.state.cache  # type: ignore[attr-defined]
    client = TestClient(app, base_url="http://127.0.0.1:8765")
    try:
        n = client.get("/api/sites").json()["total"]
        assert client.get("/api/sites").json()["total"] == n
        assert (cache.hits, cache.misses) == (1, 1)
        nxt = tmp_path / "next.duckdb"
        shutil.copy(path, nxt)
        with duckdb.connect(str(nxt)) as con:
            con.execute("DELETE FROM sites WHERE site_id = 'tartus'")
        nxt.replace(path)
        assert client.get("/api/sites").json()["total"] == n - 1
        assert client.get("/api/sites?q=tartus").json()["total"] == 0
        assert client.get("/api/flights?since=bad").status_code == 400  # errors are not kept
        assert client.get("/api/flights?since=bad").status_code == 400
        assert cache.hits == 1
    finally:
        source.close()


def test_least_recently_used_answers_leave_first() -> None:
    cache = AnswerCache(2)
    cache.put((0, "/a", ""), b"a")
    cache.put((0, "/b", ""), b"b")
    assert cache.get((0, "/a", "")) == b"a"
    cache.put((0, "/c", ""), b"c")  # /b was used least recently
    assert cache.get((0, "/b", "")) is None
    assert cache.get((0, "/a", "")) == b"a" and cache.get((0, "/c", "")) == b"c"
    cache.put((1, "/d", ""), b"d")  # a new snapshot empties the old one's answers
    assert cache.get((0, "/a", "")) is None and cache.get((1, "/d", "")) == b"d"
    AnswerCache(0).put((0, "/x", ""), b"x")


def test_large_kept_answers_go_gzipped_only_to_clients_that_accept_it(client: TestClient) -> None:
    import gzip
    import json

    plain = client.get("/api/flights?limit=200", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and len(plain.content) > 1024
    for _ in range(2):  # the first answer is made, the second is the kept one
        with client.stream("GET", "/api/flights?limit=200", headers={"accept-encoding": "gzip"}) as r:
            raw = b"".join(r.iter_raw())
            assert r.headers["content-encoding"] == "gzip" and r.headers["vary"] == "Accept-Encoding"
        assert json.loads(gzip.decompress(raw)) == plain.json() and len(raw) < len(plain.content)
    small = client.get("/api/sites?limit=1", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in small.headers  # under 1 KB: not worth it
