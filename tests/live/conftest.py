"""Fixtures for watch-mode tests: recordings from ../shared/data, real TCP servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from basewatch.live.spec import FeedSpec, WatchParams
from basewatch.live.watcher import Watcher
from tests.conftest import shared_file

STATE_VECTORS = (
    "adsb/opensky_trino_state_vectors_data4_EZY158T_20170205.parquet",
    "adsb/opensky_trino_state_vectors_data4_RYR_20220202.parquet",
    "adsb/opensky_trino_state_vectors_data4_EDW24_20240406.parquet",
)


def _num(value: float | None, scale: float, fmt: str) -> str:
    return "" if value is None else format(value * scale, fmt)


def sbs_lines_from_state_vectors(paths: Sequence[Path], start_shift_s: float = 0.0) -> list[str]:
    """SBS-1 lines derived from real OpenSky state vectors: per vector an MSG,3 (position, altitude) and
    an MSG,4 (speed, track, vertical rate); MSG,1 (callsign) every 30th and MSG,6 (squawk) every 60th.
    Aircraft are interleaved in time order, as a receiver would send them."""
    timed: list[tuple[float, int, str]] = []
    n = 0
    for path in paths:
        for i, r in enumerate(pq.read_table(path).to_pylist()):
            if r["lat"] is None or r["lon"] is None:
                continue
            t = r["time"].timestamp() + start_shift_s
            stamp = dt.datetime.fromtimestamp(t, dt.UTC)
            day, clock = stamp.strftime("%Y/%m/%d"), stamp.strftime("%H:%M:%S.%f")[:12]
            head = f"1,1,{r['icao24'].upper()},1,{day},{clock},{day},{clock}"
            if i % 30 == 0 and r["callsign"]:
                timed.append((t - 0.01, n, f"MSG,1,{head},{r['callsign'].strip()},,,,,,,,,,,0"))
            alt = _num(r["baroaltitude"], 1 / 0.3048, ".0f")
            ground = "-1" if r["onground"] else "0"
            timed.append((t, n + 1, f"MSG,3,{head},,{alt},,,{r['lat']:.5f},{r['lon']:.5f},,,0,0,0,{ground}"))
            gs, trk = _num(r["velocity"], 1 / 0.514444, ".0f"), _num(r["heading"], 1.0, ".1f")
            vr = _num(r["vertrate"], 196.850394, ".0f")
            timed.append((t + 0.05, n + 2, f"MSG,4,{head},,,{gs},{trk},,,{vr},,,,,{ground}"))
            if i % 60 == 0 and r["squawk"]:
                timed.append((t + 0.1, n + 3, f"MSG,6,{head},,,,,,,,{r['squawk']},0,0,0,{ground}"))
            n += 4
    timed.sort()
    return [line for _, _, line in timed]


@pytest.fixture
def sbs_recording(tmp_path: Path) -> Path:
    path = tmp_path / "recording.sbs"
    lines = sbs_lines_from_state_vectors([shared_file(p) for p in STATE_VECTORS])
    path.write_text("\n".join(lines) + "\n")
    return path


class Server:
    """A real TCP server on 127.0.0.1 that hands each accepted connection to a test-given coroutine."""

    def __init__(self, handler: Callable[[int, asyncio.StreamWriter], object]) -> None:
        self.handler = handler
        self.connections = 0
        self.port = 0
        self.tasks: list[asyncio.Task[None]] = []

    async def _on_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        assert task is not None
        self.tasks.append(task)
        try:
            await self.handler(self.connections, writer)  # type: ignore[misc]
        except (asyncio.CancelledError, ConnectionError):
            pass
        finally:
            writer.close()


@asynccontextmanager
async def serve(handler: Callable[[int, asyncio.StreamWriter], object]) -> AsyncIterator[Server]:
    server = Server(handler)
    srv = await asyncio.start_server(server._on_client, "127.0.0.1", 0)
    server.port = srv.sockets[0].getsockname()[1]
    try:
        yield server
    finally:
        srv.close()
        for task in server.tasks:
            task.cancel()
        await asyncio.gather(*server.tasks, return_exceptions=True)
        await srv.wait_closed()


async def send_in_pieces(writer: asyncio.StreamWriter, data: bytes, piece: int = 7001) -> None:
    """Write data in pieces cut anywhere (mid-line, mid-frame), yielding to the loop in between."""
    for i in range(0, len(data), piece):
        writer.write(data[i:i + piece])
        await writer.drain()
        await asyncio.sleep(0)


async def watch_tcp(ws_path: Path, fmt: str, data: bytes, expect_units: int, params: WatchParams, *,
                    piece: int = 7001, timeout: float = 60.0, **watcher_options: Any) -> Watcher:
    """A real TCP server sends `data` (in pieces) to a watcher of feed `feed1` (format `fmt`) and keeps
    the connection open; the watch stops once `expect_units` units are committed."""
    async def handler(n: int, writer: asyncio.StreamWriter) -> None:
        await send_in_pieces(writer, data, piece)
        await asyncio.Event().wait()  # keep the connection open until the test ends

    async with serve(handler) as server:
        watcher = Watcher(ws_path, [FeedSpec("feed1", fmt, "tcp", "127.0.0.1", server.port)], params,
                          **watcher_options)
        stop = asyncio.Event()
        run = asyncio.ensure_future(watcher.run(stop))
        await watcher.wait_until(lambda: watcher.stats["feed1"].units >= expect_units, timeout=timeout)
        stop.set()
        await run
    return watcher
