"""Folder watching (each new file once, atomically), replay as a live feed, product updates, snapshots."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from basewatch.errors import WorkspaceError
from basewatch.ingest.pipeline import ingest_file
from basewatch.live.replay import Target, replay, schedule
from basewatch.live.spec import FeedSpec, WatchParams
from basewatch.live.watcher import Watcher
from basewatch.products import BuildSummary, register
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file


def test_schedule_follows_the_recording_times_divided_by_speed() -> None:
    # times 100, 101, (none), 104 and back to 103: sent at 0, 0.5, 0.5 (with the one before), 2, 2 (never earlier)
    assert schedule([100.0, 101.0, None, 104.0, 103.0], 2.0) == [0.0, 0.5, 0.5, 2.0, 2.0]
    assert schedule([100.0, 200.0], 0.0) == [0.0, 0.0]  # speed 0: as fast as possible


def test_replayed_sbs_reaches_the_watcher_like_a_file_ingest(tmp_path: Path, sbs_recording: Path) -> None:
    lines = sbs_recording.read_bytes().splitlines(keepends=True)[:4000]
    rec = tmp_path / "rec.sbs"
    rec.write_bytes(b"".join(lines))
    params = WatchParams(batch_seconds=0.2, batch_units=1000, backoff_initial_s=0.05, publish_every_s=0.0,
                         products=False)

    async def scenario() -> None:
        ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        stop = asyncio.Event()
        server = asyncio.ensure_future(replay(rec, Target("tcp", "127.0.0.1", 0), 0.0, once=True,
                                              ready=ready.set_result, stop=stop))
        port = await ready
        watcher = Watcher(tmp_path / "live.duckdb", [FeedSpec("r", "sbs", "tcp", "127.0.0.1", port)], params)
        wstop = asyncio.Event()
        run = asyncio.ensure_future(watcher.run(wstop))
        await watcher.wait_until(lambda: watcher.stats["r"].units >= 4000, timeout=60)
        assert await server == 1
        wstop.set()
        await run

    asyncio.run(scenario())
    with Workspace(tmp_path / "file.duckdb") as ws:
        ingest_file(ws, rec)
        want = sorted(ws.con.execute("SELECT icao24, time, lat, lon, callsign, row_no FROM aircraft_points").fetchall())
    con = duckdb.connect(str(tmp_path / "live.duckdb"), read_only=True)
    got = sorted(con.execute("SELECT icao24, time, lat, lon, callsign, row_no FROM aircraft_points").fetchall())
    con.close()
    assert got == want and len(want) > 1000


def test_folder_files_are_ingested_once_when_complete(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    nm4 = shared_file("ais/aisdb_test_data_20211101.nm4")
    beast = shared_file("adsb/traffic_sample_dump1090.bin")
    params = WatchParams(folder_poll_s=0.05, publish_every_s=0.0, products=False)

    async def scenario() -> Watcher:
        watcher = Watcher(tmp_path / "ws.duckdb", [], params, folders=[inbox])
        stop = asyncio.Event()
        run = asyncio.ensure_future(watcher.run(stop))
        (inbox / "ships.nm4.part").write_bytes(nm4.read_bytes())  # being written: skipped
        shutil.copy(beast, inbox / "beast-1700000000.bin")
        await watcher.wait_until(lambda: len(watcher.files_ingested) == 1, timeout=30)
        (inbox / "ships.nm4.part").rename(inbox / "ships.nm4")  # complete: appears at once
        shutil.copy(nm4, inbox / "same-ships-again.nm4")  # the same content under another name
        await watcher.wait_until(lambda: len(watcher.files_ingested) == 2, timeout=30)
        for _ in range(5):  # a few more polls: the copy must not be ingested again
            await asyncio.sleep(params.folder_poll_s)
        stop.set()
        await run
        return watcher

    watcher = asyncio.run(scenario())
    names = [p.name for p in watcher.files_ingested]
    assert names[0] == "beast-1700000000.bin" and names[1] in ("ships.nm4", "same-ships-again.nm4")
    con = duckdb.connect(str(tmp_path / "ws.duckdb"), read_only=True)
    n_sources = con.execute("SELECT count(*) FROM sources").fetchone()
    n_pos = con.execute("SELECT count(*) FROM ais_positions").fetchone()
    con.close()
    with Workspace(tmp_path / "file.duckdb") as ws:
        expected = ingest_file(ws, nm4)
    assert n_sources == (2,)
    assert n_pos is not None and n_pos[0] == expected.accepted - _statics(tmp_path / "file.duckdb")


def _statics(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    row = con.execute("SELECT count(*) FROM ais_static").fetchone()
    con.close()
    return int(row[0]) if row else 0


@dataclass(frozen=True)
class _NoParams:
    def as_json(self) -> dict[str, object]:
        return {}


class PointsPerAircraft:
    """A product for the test: points per aircraft (its fingerprint: the number of points)."""

    name = "test-live-points-per-aircraft"
    inputs = ("aircraft_points",)
    tables = ("test_live_counts",)

    def default_params(self) -> _NoParams:
        return _NoParams()

    def fingerprint(self, ws: Workspace, params: object) -> str:
        row = ws.con.execute("SELECT count(*) FROM aircraft_points").fetchone()
        return str(row[0] if row else 0)

    def build(self, ws: Workspace, params: object) -> BuildSummary:
        with ws.transaction() as con:
            con.execute("CREATE OR REPLACE TABLE test_live_counts AS "
                        "SELECT icao24, count(*) AS n FROM aircraft_points GROUP BY icao24")
        return BuildSummary(self.name, {"test_live_counts": 0}, 0.0)


def test_products_follow_the_batches_and_the_snapshot_serves_them(tmp_path: Path, sbs_recording: Path) -> None:
    register(PointsPerAircraft(), replace=True)
    data = b"".join(sbs_recording.read_bytes().splitlines(keepends=True)[:3000])
    params = WatchParams(batch_seconds=0.2, batch_units=1000, publish_every_s=0.0)

    async def scenario() -> None:
        async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(data)
            await writer.drain()
            await asyncio.sleep(30)

        srv = await asyncio.start_server(client, "127.0.0.1", 0)
        port = srv.sockets[0].getsockname()[1]
        watcher = Watcher(tmp_path / "ws.duckdb", [FeedSpec("s", "sbs", "tcp", "127.0.0.1", port)], params,
                          products=(PointsPerAircraft.name, "no-such-product"))
        stop = asyncio.Event()
        run = asyncio.ensure_future(watcher.run(stop))
        await watcher.wait_until(lambda: watcher.stats["s"].units >= 3000, timeout=60)
        stop.set()
        await run
        srv.close()

    asyncio.run(scenario())
    snap = tmp_path / "ws.duckdb.snapshot"
    con = duckdb.connect(str(snap), read_only=True)  # what readers see: products current with the records
    counts = dict(con.execute("SELECT icao24, n FROM test_live_counts").fetchall())
    truth = dict(con.execute("SELECT icao24, count(*) FROM aircraft_points GROUP BY icao24").fetchall())
    con.close()
    with Workspace(tmp_path / "file.duckdb") as ws:
        rec = tmp_path / "part.sbs"
        rec.write_bytes(data)
        ingest_file(ws, rec)
        by_file = dict(ws.con.execute("SELECT icao24, count(*) FROM aircraft_points GROUP BY icao24").fetchall())
    assert counts == truth == by_file


HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(60)"


def test_a_locked_workspace_is_read_from_its_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        ingest_file(ws, shared_file("ais/aisdb_test_data_20211101.nm4"))
        n = ws.con.execute("SELECT count(*) FROM ais_positions").fetchone()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
        with pytest.raises(WorkspaceError, match="no snapshot yet"):
            Workspace(path, read_only=True)
        holder.kill()
        holder.wait()
        with Workspace(path) as ws:
            from basewatch.live.snapshot import publish

            publish(ws)
        holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE)
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
        with Workspace(path, read_only=True) as reader:
            assert reader.read_only
            assert reader.con.execute("SELECT count(*) FROM ais_positions").fetchone() == n
        with Workspace(path) as writer, pytest.raises(WorkspaceError, match="cannot be changed until"):
            ingest_file(writer, shared_file("adsb/traffic_sample_dump1090.bin"))  # a clear error, no traceback
    finally:
        holder.kill()
        holder.wait()
