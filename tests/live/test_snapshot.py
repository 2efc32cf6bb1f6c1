"""The snapshot after several publishes (the later ones incremental) holds exactly the workspace's rows."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from basewatch.ingest.pipeline import ingest_file
from basewatch.live import snapshot
from basewatch.live.snapshot import publish, snapshot_path
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file

AIS = "ais/amsa_risky_ais.txt"


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [str(r[0]) for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary "
        "ORDER BY 1").fetchall()]


def _same_rows(a: duckdb.DuckDBPyConnection, b_path: Path) -> dict[str, int]:
    """Every table of a equals (as a multiset) the same table in the file b_path; returns row counts."""
    a.execute(f"ATTACH '{b_path}' AS other (READ_ONLY)")
    try:
        counts = {}
        for t in _tables(a):
            for x, y in ((f'main."{t}"', f'other."{t}"'), (f'other."{t}"', f'main."{t}"')):
                diff = a.execute(f"SELECT count(*) FROM (SELECT * FROM {x} EXCEPT ALL SELECT * FROM {y})").fetchone()
                assert diff == (0,), f"{t}: {x} has rows {y} lacks"
            got = a.execute(f'SELECT count(*) FROM main."{t}"').fetchone()
            counts[t] = int(got[0]) if got else 0
        return counts
    finally:
        a.execute("DETACH other")


def test_incremental_snapshots_equal_the_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = shared_file(AIS).read_bytes().splitlines(keepends=True)
    thirds = [lines[: len(lines) // 3], lines[len(lines) // 3: 2 * len(lines) // 3], lines[2 * len(lines) // 3:]]
    ws = Workspace(tmp_path / "ws.duckdb")
    refreshed: list[bool] = []
    real = snapshot._refresh

    def spy(*args: object) -> bool:
        refreshed.append(real(*args))  # type: ignore[arg-type]
        return refreshed[-1]

    monkeypatch.setattr(snapshot, "_refresh", spy)
    sizes = []
    try:
        for k, part in enumerate(thirds):
            f = tmp_path / f"part{k}.nmea"
            f.write_bytes(b"".join(part))
            ingest_file(ws, f, "nmea")
            if k == 2:  # a table rewritten in place (not append-only) must follow too
                ws.con.execute("DELETE FROM live_feed_stats")
                ws.con.execute("INSERT INTO live_feed_stats VALUES ('x', 'y', now(), '{}')")
            publish(ws)
            snap = snapshot_path(ws.path)
            counts = _same_rows(ws.con, snap)
            sizes.append(counts["ais_positions"])
        assert counts["sources"] == 3 and counts["live_feed_stats"] == 1
        # the same number of rows, other content: the snapshot must not keep its copy
        ws.con.execute("UPDATE live_feed_stats SET stats = '{\"units\": 7}'")
        publish(ws)
        _same_rows(ws.con, snapshot_path(ws.path))
        assert refreshed == [True, True, True]  # the later snapshots were built from the previous one
    finally:
        ws.close()
    # each third added positions (the file's own count, independent of the snapshot code)
    con = duckdb.connect(str(snapshot_path(tmp_path / "ws.duckdb")), read_only=True)
    per_source = con.execute("SELECT count(DISTINCT source_id) FROM ais_positions").fetchone()
    con.close()
    assert per_source == (3,) and sizes[0] < sizes[1] < sizes[2]
