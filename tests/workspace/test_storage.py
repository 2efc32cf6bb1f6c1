"""A full disk and a read-only folder, on a real small tmpfs (mounting needs root: skipped otherwise): one
clear line and exit 2, nothing partial kept, and once space is back the same command completes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from basewatch.workspace import lock
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file

RYR = "adsb/opensky_trino_state_vectors_data4_RYR_20220202.parquet"  # 1200 points (see test_pipeline)
EDW = "adsb/opensky_trino_state_vectors_data4_EDW24_20240406.parquet"


def _mount(folder: Path, options: str) -> bool:
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True,
                          check=False)
    return done.returncode == 0


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "mnt"
    folder.mkdir()
    if os.geteuid() != 0 or not _mount(folder, "size=64m"):
        pytest.skip("mounting a tmpfs needs root (mount -t tmpfs)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _remount(folder: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(folder)], check=True)


def _cli(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != lock.ENV_WAIT}
    return subprocess.run([sys.executable, "-m", "basewatch", "-w", str(ws), *args], capture_output=True,
                          text=True, env=env, check=False, timeout=600)


def _seeded(tmp_path: Path, folder: Path) -> Path:
    ws = tmp_path / "seed.duckdb"
    with Workspace(ws) as w:
        w.ingest(shared_file(RYR))
        w.analyse()
    shutil.copyfile(ws, folder / "ws.duckdb")
    return folder / "ws.duckdb"


def _big_parquet(path: Path, n: int) -> Path:
    rng = np.random.default_rng(3)
    hexes = np.array([f"{0x200000 + i:06x}" for i in range(200)])
    pq.write_table(pa.table({
        "time": pa.array(1_700_000_000 + np.arange(n) // 200, pa.int64()),
        "icao24": pa.array(hexes[np.arange(n) % 200]),
        "lat": rng.uniform(30, 40, n), "lon": rng.uniform(20, 40, n), "velocity": rng.uniform(0, 250, n),
    }), path)
    return path


def _counts(ws: Path) -> tuple[object, ...]:
    with Workspace(ws, read_only=True) as w:
        row = w.con.execute("SELECT (SELECT count(*) FROM sources), (SELECT count(*) FROM aircraft_points), "
                            "(SELECT count(*) FROM flights)").fetchone()
    assert row is not None
    return tuple(row)


def test_disk_full_during_ingest(tmp_path: Path, small_fs: Path) -> None:
    ws = _seeded(tmp_path, small_fs)
    before = _counts(ws)
    assert before[:2] == (1, 1200)
    big = _big_parquet(tmp_path / "big.parquet", 400_000)
    _remount(small_fs, f"size={ws.stat().st_size + 512 * 1024}")  # half a megabyte free
    done = _cli(ws, "ingest", str(big))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the disk is full ("), lines
    assert "No space left on device" in lines[0]
    _remount(small_fs, "size=256m")  # space is back
    assert _counts(ws) == before  # nothing of the big file
    done = _cli(ws, "ingest", str(big))
    assert done.returncode == 0, done.stderr
    assert _counts(ws)[:2] == (2, 1200 + 400_000)


def test_read_only_folder(tmp_path: Path, small_fs: Path) -> None:
    ws = _seeded(tmp_path, small_fs)
    before = _counts(ws)
    _remount(small_fs, "ro")
    listed = _cli(ws, "sources", "--format", "json")  # a read-only command reads
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.count('"path"') == 1
    flights = _cli(ws, "flights", "--format", "json")  # a reading command answers from what is stored
    assert flights.returncode == 0, flights.stderr
    assert flights.stderr.startswith(f"note: {small_fs} is read-only: answering from the workspace as stored")
    assert flights.stdout.count('"flight_id"') == before[2]
    ingest = _cli(ws, "ingest", str(shared_file(EDW)))
    assert ingest.returncode == 2
    assert ingest.stderr.strip().splitlines()[-1] == (
        f"error: {ws}: its folder is read-only, so nothing can be stored in it "
        "(copy the workspace to a writable folder, or pick another with -w)")
    _remount(small_fs, "rw")
    assert _counts(ws) == before
    assert not (small_fs / "ws.duckdb.lock").exists()
