"""New rows of the `alerts` table after a product update are printed, appended to JSONL and POSTed to a
local webhook (a real HTTP server on 127.0.0.1), each once."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from basewatch.live.spec import FeedSpec, LiveError, WatchParams
from basewatch.live.watcher import Watcher
from basewatch.products import BuildSummary, register, scoped
from basewatch.workspace.core import Workspace
from tests.live.conftest import send_in_pieces, serve

THRESHOLD = 500  # an "alert" per aircraft with more points than this (a stand-in for the alerts product)


@dataclass(frozen=True)
class _NoParams:
    def as_json(self) -> dict[str, object]:
        return {}


class BusyAircraft:
    name = "alerts"  # stands in for the alerts product, inside `scoped()` only
    inputs = ("aircraft_points",)
    tables = ("alerts",)

    def default_params(self) -> _NoParams:
        return _NoParams()

    def fingerprint(self, ws: Workspace, params: object) -> str:
        row = ws.con.execute("SELECT count(*) FROM aircraft_points").fetchone()
        return str(row[0] if row else 0)

    def build(self, ws: Workspace, params: object) -> BuildSummary:
        with ws.transaction() as con:
            con.execute(f"CREATE OR REPLACE TABLE alerts AS SELECT icao24, 'busy' AS kind FROM aircraft_points "
                        f"GROUP BY icao24 HAVING count(*) > {THRESHOLD}")
        return BuildSummary(self.name, {"alerts": 0}, 0.0)


@pytest.fixture
def busy_alerts() -> Iterator[None]:
    """The stand-in replaces the alerts product for this test only: left registered, it replaced every
    later workspace's `alerts` table with its own columns at `analyse` (the order-dependent failure)."""
    with scoped():
        register(BusyAircraft(), replace=True)
        yield


def test_new_alerts_are_printed_appended_and_posted_once(tmp_path: Path, sbs_recording: Path,
                                                          busy_alerts: None) -> None:
    posted: list[dict[str, object]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            posted.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    http = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    jsonl = tmp_path / "alerts.jsonl"
    params = WatchParams(batch_seconds=0.2, batch_units=1000, merge_units=1000, publish_every_s=0.0,
                         alerts_jsonl=str(jsonl), alerts_webhook=f"http://127.0.0.1:{http.server_port}/alerts")
    data = sbs_recording.read_bytes()
    printed: list[str] = []

    async def scenario() -> None:
        async def handler(n: int, writer: asyncio.StreamWriter) -> None:
            await send_in_pieces(writer, data)
            await asyncio.Event().wait()

        async with serve(handler) as server:
            watcher = Watcher(tmp_path / "ws.duckdb", [FeedSpec("s", "sbs", "tcp", "127.0.0.1", server.port)],
                              params, report=printed.append, products=(BusyAircraft.name,))
            stop = asyncio.Event()
            run = asyncio.ensure_future(watcher.run(stop))
            await watcher.wait_until(lambda: watcher.stats["s"].units >= data.count(b"\n"), timeout=120)
            stop.set()
            await run

    try:
        asyncio.run(scenario())
    finally:
        http.shutdown()
    with Workspace(tmp_path / "ws.duckdb", read_only=True) as ws:
        busy = {r[0] for r in ws.con.execute(
            f"SELECT icao24 FROM aircraft_points GROUP BY icao24 HAVING count(*) > {THRESHOLD}").fetchall()}
    assert busy  # the recording's aircraft have thousands of points each
    lines = [json.loads(x) for x in jsonl.read_text().splitlines()]
    assert sorted(a["icao24"] for a in lines) == sorted(busy)  # each alert once, though rebuilt many times
    assert sorted(a["icao24"] for a in posted) == sorted(busy)  # type: ignore[type-var]
    assert sum(p.startswith("ALERT ") for p in printed) == len(busy)


def test_the_webhook_must_be_local() -> None:
    with pytest.raises(LiveError, match="local"):
        WatchParams(alerts_webhook="http://example.com/hook")
