"""The ingest contract: JSON output, provenance, idempotence, duplicates across files, all-or-nothing on kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from typer.testing import CliRunner

from basewatch.cli.app import _register_all, app
from basewatch.ingest.pipeline import file_sha256, ingest_file
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file

RYR = "adsb/opensky_trino_state_vectors_data4_RYR_20220202.parquet"
TRACE = "adsb/traffic_readsb_trace_full_ac671b.json"
SBS_LINE = "MSG,3,1,1,{hex},1,2024/12/14,12:00:{s:02d}.000,2024/12/14,12:00:{s:02d}.000,,1000,,,{lat},8.0,,,0,0,0,0"


def _cli(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "basewatch", "-w", str(ws), *args],
                          capture_output=True, text=True, timeout=300)


def test_json_output_contract(tmp_path: Path) -> None:
    sbs = tmp_path / "a.sbs"
    sbs.write_text("\n".join(SBS_LINE.format(hex="4B1901", s=s, lat=lat) for s, lat in ((1, 47.0), (2, 95.0))) + "\n")
    proc = _cli(tmp_path / "ws.duckdb", "ingest", "--format", "json", str(shared_file(TRACE)), str(sbs))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith('[{"path": ') and proc.stdout.endswith("}]\n")  # one JSON array, nothing else
    trace, log = json.loads(proc.stdout)
    for f in (trace, log):
        assert list(f) == ["path", "input_format", "accepted", "rejected", "duplicates", "skipped", "reasons",
                           "skipped_reasons"]
    assert (trace["input_format"], trace["accepted"], trace["rejected"], trace["duplicates"]) == ("readsb", 2500, 0, 0)
    assert (log["input_format"], log["accepted"], log["rejected"]) == ("sbs", 1, 1)
    assert log["reasons"] == {"latitude outside [-90, 90]": {"count": 1, "lines": [2]}}


def test_cli_runner_reingest_says_so(tmp_path: Path) -> None:
    _register_all()
    runner = CliRunner()
    ws, path = str(tmp_path / "ws.duckdb"), str(shared_file(RYR))
    first = runner.invoke(app, ["-w", ws, "ingest", "--format", "json", path])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)[0]["accepted"] == 1200
    again = runner.invoke(app, ["-w", ws, "ingest", "--format", "json", path])
    assert json.loads(again.stdout)[0] == {
        "path": path, "input_format": "opensky", "accepted": 0, "rejected": 0, "duplicates": 0, "skipped": 0,
        "reasons": {}, "skipped_reasons": {},
    }
    table = runner.invoke(app, ["-w", ws, "ingest", path])
    assert f"note: {path}: already ingested (same sha256); nothing added" in table.output
    with Workspace(ws, read_only=True) as w:
        assert w.con.execute("SELECT count(*) FROM sources").fetchone() == (1,)
        assert w.con.execute("SELECT count(*) FROM aircraft_points").fetchone() == (1200,)


def test_provenance_and_aircraft_side_table(workspace: Workspace) -> None:
    path = shared_file(TRACE)
    report = ingest_file(workspace, path)
    assert (report.accepted, report.input_format) == (2500, "readsb")
    src = workspace.con.execute("SELECT source_id, path, sha256, input_format, accepted FROM sources").fetchall()
    assert src == [(report.source_id, str(path.resolve()), file_sha256(path), "readsb", 2500)]
    rows = workspace.con.execute(
        "SELECT min(row_no), max(row_no), count(DISTINCT row_no), count(*) FILTER (source_id = ?) FROM aircraft_points",
        [report.source_id],
    ).fetchone()
    assert rows == (1, 2500, 2500, 2500)
    # Point 771 (file line 779): dt 22588.92 after 1738703622.619 -> 2025-02-05 03:30:11.539 UTC, new leg.
    got = workspace.con.execute(
        "SELECT strftime(time, '%Y-%m-%d %H:%M:%S.%g'), lat, lon, new_leg FROM aircraft_points WHERE row_no = 771"
    ).fetchone()
    assert got == ("2025-02-05 03:30:11.539", 44.880384, -93.209917, True)
    aircraft = workspace.con.execute(
        "SELECT icao24, registration, typecode, military, origin, source_id FROM aircraft"
    ).fetchall()
    assert aircraft == [("ac671b", "N899DN", "B739", False, "readsb", report.source_id)]


def test_same_points_in_two_files_are_duplicates(tmp_path: Path, workspace: Workspace) -> None:
    parquet = shared_file(RYR)
    csv = tmp_path / "ryr.csv"
    pacsv.write_csv(pq.read_table(parquet).drop_columns(["serials"]), csv)
    first = ingest_file(workspace, parquet)
    second = ingest_file(workspace, csv)
    assert (first.accepted, first.duplicates) == (1200, 0)
    assert (second.accepted, second.duplicates, second.input_format) == (0, 1200, "opensky")
    # Two SBS logs sharing 2 of their 3 positions: the second adds 1 and counts 2 duplicates.
    a, b = tmp_path / "a.sbs", tmp_path / "b.sbs"
    a.write_text("\n".join(SBS_LINE.format(hex="3B7777", s=s, lat=40 + s / 10) for s in (1, 2, 3)) + "\n")
    b.write_text("\n".join(SBS_LINE.format(hex="3B7777", s=s, lat=40 + s / 10) for s in (2, 3, 4)) + "\n")
    ra, rb = ingest_file(workspace, a), ingest_file(workspace, b)
    assert (ra.accepted, ra.duplicates, rb.accepted, rb.duplicates) == (3, 0, 1, 2)
    assert workspace.con.execute("SELECT count(*) FROM aircraft_points").fetchone() == (1204,)


CHILD = textwrap.dedent(
    """
    import sys
    from basewatch.ingest import pipeline

    original = pipeline._insert

    def announced(con, name, table, source_id):
        print("INSERTING", name, table.num_rows, flush=True)
        return original(con, name, table, source_id)

    pipeline._insert = announced
    from basewatch.cli.app import main
    main(sys.argv[1:])
    """
)


def test_killed_ingest_leaves_workspace_unchanged(tmp_path: Path) -> None:
    n = 2_000_000
    rng = np.random.default_rng(7)
    hexes = np.array([f"{0x100000 + i:06x}" for i in range(500)])
    big = tmp_path / "big.parquet"
    pq.write_table(pa.table({
        "time": pa.array(1_700_000_000 + np.arange(n) // 500, pa.int64()),
        "icao24": pa.array(hexes[np.arange(n) % 500]),
        "lat": rng.uniform(30, 40, n), "lon": rng.uniform(20, 40, n), "velocity": rng.uniform(0, 250, n),
    }), big)
    ws = tmp_path / "ws.duckdb"
    small = shared_file(RYR)
    with Workspace(ws) as w:
        ingest_file(w, small)
    child = tmp_path / "child.py"
    child.write_text(CHILD)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, str(child), "-w", str(ws), "ingest", str(big)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    # written inside the transaction, after the source row was inserted, before each batch of 250,000
    # rows: at the fourth line, three batches are in the (uncommitted) workspace
    for _ in range(4):
        line = proc.stdout.readline()
        assert line.startswith("INSERTING aircraft_points 250000"), line + proc.stderr.read()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL  # killed midway, not finished
    with Workspace(ws, read_only=True) as w:
        assert w.con.execute("SELECT count(*) FROM sources").fetchone() == (1,)
        assert w.con.execute("SELECT count(*) FROM aircraft_points").fetchone() == (1200,)
        assert w.con.execute("SELECT count(*) FROM sources WHERE path = ?", [str(big.resolve())]).fetchone() == (0,)
    # The file is not marked as ingested: a new attempt reads it again (sha256 not recorded).
    with Workspace(ws, read_only=True) as w:
        assert w.con.execute("SELECT count(*) FROM sources WHERE sha256 = ?", [file_sha256(big)]).fetchone() == (0,)
