"""Dropped connections, malformed input and silent feeds, over real sockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from basewatch.ingest.adsb.sbs import REASON_NOT_SBS, REASON_SHORT
from basewatch.ingest.pipeline import ingest_file
from basewatch.live.framing import R_BEAST_LENGTH, R_GARBAGE, R_LONG_LINE
from basewatch.live.spec import FeedSpec, WatchParams
from basewatch.live.watcher import Watcher
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file
from tests.live.conftest import send_in_pieces, serve

PARAMS = WatchParams(batch_seconds=0.2, batch_units=500, merge_units=500, backoff_initial_s=0.05, backoff_max_s=0.1,
                     publish_every_s=0.0, products=False)
COLS = "icao24, time, lat, lon, alt_baro_m, gs_ms, track_deg, vrate_ms, callsign, squawk, on_ground, row_no"


async def poll(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not reached {predicate}")
        await asyncio.sleep(0.02)


def test_reconnect_loses_nothing_sent_after_it(tmp_path: Path, sbs_recording: Path) -> None:
    lines = sbs_recording.read_bytes().splitlines(keepends=True)
    first, second = b"".join(lines[: len(lines) // 2]), b"".join(lines[len(lines) // 2:])

    async def handler(n: int, writer: asyncio.StreamWriter) -> None:
        if n == 1:
            await send_in_pieces(writer, first)
            writer.transport.abort()  # dropped, not closed: a receiver restart
            return
        await send_in_pieces(writer, second)
        await asyncio.Event().wait()

    async def scenario() -> Watcher:
        async with serve(handler) as server:
            watcher = Watcher(tmp_path / "live.duckdb", [FeedSpec("s", "sbs", "tcp", "127.0.0.1", server.port)],
                              PARAMS)
            stop = asyncio.Event()
            run = asyncio.ensure_future(watcher.run(stop))
            await poll(lambda: server.connections >= 2)
            want = second.count(b"\n")
            await watcher.wait_until(lambda: max(watcher.units_by_connection.values(), default=0) >= want
                                     and len(watcher.units_by_connection) == 2, timeout=60)
            stop.set()
            await run
        return watcher

    watcher = asyncio.run(scenario())
    assert watcher.stats["s"].connections == 2
    part = tmp_path / "second.sbs"
    part.write_bytes(second)  # what was sent after the reconnect, as a file of its own
    with Workspace(tmp_path / "file.duckdb") as ws:
        ingest_file(ws, part)
        expected = sorted(ws.con.execute(f"SELECT {COLS} FROM aircraft_points").fetchall(), key=repr)
    con = duckdb.connect(str(tmp_path / "live.duckdb"), read_only=True)
    got = sorted(con.execute(
        f"SELECT {COLS} FROM aircraft_points JOIN live_batches USING (source_id) "
        "WHERE connection_id = (SELECT max(connection_id) FROM live_connections)").fetchall(), key=repr)
    closed = con.execute("SELECT count(*) FROM live_connections WHERE closed_at IS NOT NULL").fetchone()
    con.close()
    assert len(expected) > 1000
    assert got == expected
    assert closed == (2,)


def test_malformed_lines_and_frames_are_counted(tmp_path: Path, sbs_recording: Path) -> None:
    lines = sbs_recording.read_bytes().splitlines(keepends=True)[:3000]
    bad = [b"garbage line\n", b"MSG,3,1,1\n", b"x" * 9000 + b"\n", b"\x00\x01 not sbs\n", b"MSG,3\n",
           b"y" * 9000 + b"\n", b"hello,world\n", b"# comment\n", b"--\n"]
    mixed = list(lines)
    for i, b in enumerate(bad):  # spread through the stream
        mixed.insert(200 + i * 300, b)
    beast = shared_file("adsb/traffic_sample_dump1090.bin").read_bytes()
    cut = [m for m in range(1, len(beast)) if beast[m] == 0x1A and beast[m - 1] != 0x1A and beast[m + 1] in b"1234"]
    a, b_, c = cut[10], cut[30], cut[50]
    broken = (beast[:a] + b"JUNK" + beast[a:b_] + b"\x1a3\x01\x02\x03\x04\x05" + beast[b_:c] + b"MORE" + beast[c:]
              + b"TAIL")

    async def handler(n: int, writer: asyncio.StreamWriter) -> None:
        await send_in_pieces(writer, b"".join(mixed) if writer.get_extra_info("sockname")[1] == ports["s"] else broken)
        await asyncio.Event().wait()

    ports: dict[str, int] = {}

    async def scenario() -> Watcher:
        async with serve(handler) as s_server, serve(handler) as b_server:
            ports["s"], ports["b"] = s_server.port, b_server.port
            feeds = [FeedSpec("s", "sbs", "tcp", "127.0.0.1", s_server.port),
                     FeedSpec("b", "beast", "tcp", "127.0.0.1", b_server.port)]
            watcher = Watcher(tmp_path / "live.duckdb", feeds, PARAMS)
            stop = asyncio.Event()
            run = asyncio.ensure_future(watcher.run(stop))
            await watcher.wait_until(lambda: watcher.stats["s"].units >= len(mixed) - 2
                                     and watcher.stats["b"].units >= 239, timeout=60)
            stop.set()
            await run
        return watcher

    watcher = asyncio.run(scenario())
    s = watcher.stats["s"]
    # 9 bad lines: 2 overlong (never become units), 2 short MSG lines, 5 other lines that are not SBS
    assert s.malformed == {R_LONG_LINE: 2}
    assert s.reasons == {REASON_NOT_SBS: 5, REASON_SHORT: 2}
    b = watcher.stats["b"]
    # JUNK, MORE and TAIL after frames; a '3' frame of 5 bytes
    assert b.malformed == {R_GARBAGE: 3, R_BEAST_LENGTH: 1}
    clean = tmp_path / "clean.sbs"
    clean.write_bytes(b"".join(lines))
    with Workspace(tmp_path / "file.duckdb") as ws:
        assert s.records == ingest_file(ws, clean).accepted


def test_silent_feed_is_recorded_as_an_outage(tmp_path: Path, sbs_recording: Path) -> None:
    lines = sbs_recording.read_bytes().splitlines(keepends=True)
    more = asyncio.Event()

    async def handler(n: int, writer: asyncio.StreamWriter) -> None:
        await send_in_pieces(writer, b"".join(lines[:100]))
        await more.wait()
        await send_in_pieces(writer, b"".join(lines[100:200]))
        await asyncio.Event().wait()

    params = WatchParams(batch_seconds=0.1, batch_units=500, merge_units=500, silent_after_s=0.3, publish_every_s=0.0,
                         products=False)

    async def scenario() -> Watcher:
        async with serve(handler) as server:
            watcher = Watcher(tmp_path / "live.duckdb", [FeedSpec("s", "sbs", "tcp", "127.0.0.1", server.port)],
                              params)
            stop = asyncio.Event()
            run = asyncio.ensure_future(watcher.run(stop))
            await poll(lambda: watcher.stats["s"].units == 100)
            await poll(lambda: watcher.stats["s"].in_outage)
            more.set()
            await watcher.wait_until(lambda: watcher.stats["s"].units >= 200, timeout=20)
            stop.set()
            await run
        return watcher

    asyncio.run(scenario())
    con = duckdb.connect(str(tmp_path / "live.duckdb"), read_only=True)
    first_batch_end, second_start = con.execute(
        "SELECT min(last_arrival), max(first_arrival) FROM live_batches").fetchone() or (None, None)
    rows = con.execute("SELECT feed_id, kind, started_at, ended_at, reason FROM receiver_outages "
                       "WHERE started_at = ?", [first_batch_end]).fetchall()
    con.close()
    assert len(rows) == 1
    feed, kind, _, ended, reason = rows[0]
    assert (feed, kind) == ("s", "adsb") and reason.startswith("silent")
    # it started with the last data before the silence (the query) and was closed by the data that came back
    assert ended is not None and ended >= second_start
