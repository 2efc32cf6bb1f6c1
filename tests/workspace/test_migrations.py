"""Migrations are contiguous, and every table a workspace ever holds is created by one of them (none by
code at run time), including the caches the flights product reads."""

from __future__ import annotations

from pathlib import Path

import basewatch
from basewatch.flights.params import FlightParams
from basewatch.flights.summary import SOURCE_POINTS_VIEW, source_atoms_sql
from basewatch.workspace.core import migrations
from tests.identity.test_aircraftdb import TAR1090
from tests.workspace.test_notebook import REPORT, ais_csv, sbs_log


def _tables(ws: basewatch.Workspace) -> set[str]:
    rows = ws.con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()
    return {str(r[0]) for r in rows}


def test_versions_are_contiguous_from_one() -> None:
    versions = [v for v, _, _ in migrations()]
    assert versions == list(range(1, len(versions) + 1))


def test_a_whole_session_creates_no_table(tmp_path: Path) -> None:
    for name, text in (("feed.sbs", sbs_log()), ("ships.csv", ais_csv()), ("report.txt", REPORT),
                       ("aircraft.csv", TAR1090)):
        (tmp_path / name).write_text(text)
    with basewatch.Workspace.open(tmp_path / "ws.duckdb", create=True) as ws:
        created = _tables(ws)
        ws.ingest([tmp_path / "feed.sbs", tmp_path / "ships.csv", tmp_path / "aircraft.csv"])
        ws.ingest([tmp_path / "report.txt"], input_format="report")
        ws.analyse(force=True)
        ws.brief(tmp_path / "brief.html")
        assert ws.con.execute("SELECT count(*) FROM aircraft_atoms").fetchone() != (0,)
        assert ws.con.execute("SELECT count(*) FROM aircraft_identity_cache").fetchone() != (0,)
        assert _tables(ws) == created


def test_the_atoms_table_has_the_columns_of_the_atoms_sql(tmp_path: Path) -> None:
    with basewatch.Workspace.open(tmp_path / "ws.duckdb", create=True) as ws:
        ws.con.execute(f"CREATE TEMP VIEW {SOURCE_POINTS_VIEW} AS SELECT icao24, 0::BIGINT AS t_us, lat, lon, "
                       "alt_baro_m, alt_geom_m, gs_ms, track_deg, vrate_ms, callsign, on_ground, new_leg, source_id, "
                       "row_no FROM aircraft_points")
        compiled = ws.con.execute(f"DESCRIBE SELECT * FROM ({source_atoms_sql(FlightParams())})").fetchall()
        stored = ws.con.execute("DESCRIBE aircraft_atoms").fetchall()
    assert [(r[0], r[1]) for r in compiled] == [(r[0], r[1]) for r in stored]


def test_a_workspace_made_before_the_caches_migration_gets_it(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with basewatch.Workspace.open(path, create=True) as ws:  # as a workspace from before 0006 was shipped
        ws.con.execute("DELETE FROM schema_version WHERE version = 6")
        ws.con.execute("DROP TABLE aircraft_identity_cache")
    with basewatch.Workspace.open(path) as ws:
        assert "aircraft_identity_cache" in _tables(ws)
        assert ws.con.execute("SELECT count(*) FROM schema_version WHERE version = 6").fetchone() == (1,)


def test_a_new_workspace_killed_before_any_checkpoint_opens_again(tmp_path: Path) -> None:
    """A process that creates a workspace, writes a row and is killed (no close, no checkpoint) must leave a
    file that opens: DuckDB 1.4 could not replay the WAL of a fresh workspace (migration 0018 alters `sources`,
    whose key defaults to nextval) and every later open failed with an internal error."""
    import subprocess
    import sys

    path = tmp_path / "ws.duckdb"
    code = (
        "import os, basewatch\n"
        f"ws = basewatch.Workspace.open({str(path)!r}, create=True)\n"
        "ws.con.execute(\"INSERT INTO sources (path, sha256, input_format, ingested_at, accepted, rejected, "
        "duplicates) VALUES ('x', 'y', 'sbs', now(), 0, 0, 0)\")\n"
        "os._exit(9)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 9, proc.stderr
    with basewatch.Workspace.open(path) as ws:
        assert ws.con.execute("SELECT count(*) FROM sources").fetchone() == (1,)
