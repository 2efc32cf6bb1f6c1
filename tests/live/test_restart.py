"""A real watcher process (`basewatch watch`) killed with SIGKILL and restarted: committed batches stay, at
most the open micro-batch is lost, nothing is duplicated; meanwhile other processes read its snapshot."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from basewatch.errors import WorkspaceError
from basewatch.ingest.pipeline import ingest_file
from basewatch.workspace.core import Workspace
from tests.live.conftest import send_in_pieces, serve

KEY = "icao24, time, lat, lon"
BATCH = 400


def _watch(ws: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "basewatch", "-w", str(ws), "watch", *args, "--batch-seconds", "0.3",
         "--batch-size", str(BATCH), "--publish-every", "0", "--no-products"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def _committed_units(ws: Path) -> int:
    """Units committed so far, read as any other process would while the watcher holds the file:
    Workspace(read_only=True) answers from the watcher's snapshot."""
    try:
        with Workspace(ws, read_only=True) as reader:
            row = reader.con.execute("SELECT coalesce(sum(units), 0) FROM live_batches").fetchone()
    except (WorkspaceError, duckdb.Error):  # not created yet, or no snapshot yet
        return -1
    return int(row[0]) if row else 0


async def _until(check: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("watcher did not get there")
        await asyncio.sleep(0.1)


def _keys(con: duckdb.DuckDBPyConnection, where: str = "") -> list[tuple[object, ...]]:
    return con.execute(f"SELECT {KEY}, row_no FROM aircraft_points {where}").fetchall()


def _file_keys(tmp: Path, name: str, data: bytes) -> set[tuple[object, ...]]:
    path = tmp / name
    path.write_bytes(data)
    with Workspace(tmp / f"{name}.duckdb") as ws:
        ingest_file(ws, path)
        return {r[:4] for r in _keys(ws.con)}


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_9_loses_at_most_the_open_batch_and_restart_duplicates_nothing(
    tmp_path: Path, sbs_recording: Path
) -> None:
    lines = sbs_recording.read_bytes().splitlines(keepends=True)[:9000]
    a, b, c = b"".join(lines[:3000]), b"".join(lines[3000:3300]), b"".join(lines[3300:])
    ws = tmp_path / "ws.duckdb"
    go_b, go_c = asyncio.Event(), asyncio.Event()

    async def handler(n: int, writer: asyncio.StreamWriter) -> None:
        if n == 1:
            await send_in_pieces(writer, a)
            await go_b.wait()
            await send_in_pieces(writer, b)
        else:
            await go_c.wait()
            await send_in_pieces(writer, c)
        await asyncio.Event().wait()

    async def scenario() -> None:
        async with serve(handler) as server:
            first = _watch(ws, "--sbs", f"127.0.0.1:{server.port}")
            try:
                await _until(lambda: _committed_units(ws) >= 3000)
                go_b.set()
                await asyncio.sleep(0.05)  # B is on its way or in the open batch
                os.kill(first.pid, signal.SIGKILL)
                first.wait(timeout=30)
            finally:
                if first.poll() is None:
                    first.kill()
            second = _watch(ws, "--sbs", f"127.0.0.1:{server.port}")
            try:
                await _until(lambda: server.connections >= 2)
                before = _committed_units(ws)
                go_c.set()
                await _until(lambda: _committed_units(ws) >= before + len(lines) - 3300)
            finally:
                _stop(second)

    asyncio.run(scenario())
    con = duckdb.connect(str(ws), read_only=True)
    keys = _keys(con)
    ranges = con.execute("SELECT connection_id, first_seq, last_seq FROM live_batches ORDER BY 1, 2").fetchall()
    con.close()
    got = {k[:4] for k in keys}
    assert len(got) == len(keys)  # no record twice
    whole = _file_keys(tmp_path, "ab.sbs", a + b)
    want_a = _file_keys(tmp_path, "a.sbs", a)
    want_c = _file_keys(tmp_path, "c.sbs", c)
    assert want_a <= got and want_c <= got
    lost = whole - got
    assert lost <= whole - want_a  # only records of B can be missing
    # batches of each connection follow each other without overlap; what is lost is the tail of connection 1
    for conn in {r[0] for r in ranges}:
        seqs = [(f, last) for cid, f, last in ranges if cid == conn]
        assert all(seqs[i][1] + 1 == seqs[i + 1][0] for i in range(len(seqs) - 1))
        assert seqs[0][0] == 1
    first_conn = min(r[0] for r in ranges)
    last_seq = max(last for cid, _, last in ranges if cid == first_conn)
    assert last_seq >= 3000 and 3300 - last_seq <= BATCH  # at most one batch (the open one) lost


def test_followed_file_resumes_after_kill_without_gap_or_duplicate(tmp_path: Path, sbs_recording: Path) -> None:
    lines = sbs_recording.read_bytes().splitlines(keepends=True)[:6000]
    feed = tmp_path / "feed.sbs"
    feed.write_bytes(b"".join(lines[:2000]))
    ws = tmp_path / "ws.duckdb"

    async def scenario() -> None:
        first = _watch(ws, "--follow", str(feed))
        try:
            await _until(lambda: _committed_units(ws) >= 2000)
            with feed.open("ab") as fh:
                fh.write(b"".join(lines[2000:4000]))
            await asyncio.sleep(0.1)
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=30)
        finally:
            if first.poll() is None:
                first.kill()
        with feed.open("ab") as fh:
            fh.write(b"".join(lines[4000:]))
        second = _watch(ws, "--follow", str(feed))
        try:
            await _until(lambda: _committed_units(ws) >= 6000 - 0)
        finally:
            _stop(second)

    asyncio.run(scenario())
    con = duckdb.connect(str(ws), read_only=True)
    keys = _keys(con)
    ranges = con.execute("SELECT first_seq, last_seq FROM live_batches ORDER BY 1").fetchall()
    con.close()
    # the sequence numbers (line numbers of the file) are covered once each: no gap, no overlap
    assert ranges[0][0] == 1 and ranges[-1][1] == 6000, ranges
    assert all(ranges[i][1] + 1 == ranges[i + 1][0] for i in range(len(ranges) - 1))
    with Workspace(tmp_path / "file.duckdb") as fws:
        ingest_file(fws, feed)
        expected = sorted(_keys(fws.con), key=repr)
    assert sorted(keys, key=repr) == expected  # positions and line numbers as a file ingest of the file
