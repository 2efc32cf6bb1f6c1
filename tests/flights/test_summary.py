"""Per-source atoms: what ingest stores (hand-computed small cases), the cross-source merge, and that the
stored summary gives the same flights as atoms recomputed from the points."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from basewatch.flights import atoms, pipeline, summary
from basewatch.flights.engine import duckdb_engine
from basewatch.flights.params import FlightParams
from basewatch.identity.actors import aircraft_identity
from basewatch.identity.airports import airports_table
from basewatch.ingest.pipeline import ingest_file
from basewatch.watchlist.store import read_sites
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file
from tests.flights.builders import insert, points_table

# 06:00:00 UTC is the start of a 10-minute cell; every hand-made point below lies in that one cell
CELL_START = dt.datetime(2024, 12, 14, 6, 0, 0, tzinfo=dt.UTC)
US = 1_000_000


def point(t_s: float, ground: bool, new_leg: bool | None = None, icao24: str = "aaa001",
          alt: float | None = None) -> dict[str, Any]:
    return {"icao24": icao24, "time": CELL_START + dt.timedelta(seconds=100 + t_s), "lat": 35.0 + t_s * 1e-4,
            "lon": 33.0, "alt_baro_m": alt if alt is not None else (0.0 if ground else 1000.0 + t_s),
            "gs_ms": 5.0 if ground else 120.0, "on_ground": ground, "new_leg": new_leg, "callsign": "TST1"}


def stored(ws: Workspace, icao24: str = "aaa001") -> list[tuple[Any, ...]]:
    """(source_id, ground, leg, n, t0 s, t1 s, first row_no, last row_no) of the stored atoms, in time order."""
    base = int((CELL_START + dt.timedelta(seconds=100)).timestamp())
    rows = ws.con.execute(
        "SELECT source_id, ground, leg, n, t0, t1, first.row_no, last.row_no FROM aircraft_atoms "
        "WHERE icao24 = ? ORDER BY t0, source_id, row_no", [icao24]).fetchall()
    return [(s, g, leg, n, t0 / US - base, t1 / US - base, fr, lr) for s, g, leg, n, t0, t1, fr, lr in rows]


def test_one_source_take_off_is_two_atoms(workspace: Workspace) -> None:
    # rows 1-4 on the ground at 0..30 s, rows 5-11 airborne at 40..100 s: one take-off inside the cell
    rows = [point(t, True) for t in (0, 10, 20, 30)] + [point(t, False) for t in range(40, 101, 10)]
    sid = insert(workspace, points_table([], rows))
    assert stored(workspace) == [
        (sid, True, False, 4, 0.0, 30.0, 1, 4),
        (sid, False, False, 7, 40.0, 100.0, 5, 11),
    ]
    assert workspace.con.execute("SELECT source_id, atoms FROM atom_sources").fetchall() == [(sid, 2)]


def test_interleaved_phases_keep_their_points(workspace: Workspace) -> None:
    # ground, air, ground, air: a flickering flag; the cell cannot be summarised
    rows = [point(0, True), point(10, False), point(20, True), point(30, False)]
    sid = insert(workspace, points_table([], rows))
    assert stored(workspace) == [
        (sid, True, False, 1, 0.0, 0.0, 1, 1),
        (sid, False, False, 1, 10.0, 10.0, 2, 2),
        (sid, True, False, 1, 20.0, 20.0, 3, 3),
        (sid, False, False, 1, 30.0, 30.0, 4, 4),
    ]


def test_new_leg_flag_cuts_the_cell(workspace: Workspace) -> None:
    # airborne throughout; readsb flags a new leg at 30 s: atoms before (0..20) and from the flag (30..50)
    rows = [point(t, False, new_leg=(t == 30)) for t in range(0, 51, 10)]
    sid = insert(workspace, points_table([], rows))
    assert stored(workspace) == [
        (sid, False, False, 3, 0.0, 20.0, 1, 3),
        (sid, False, True, 3, 30.0, 50.0, 4, 6),
    ]


def test_bucket_minima_and_end_points(workspace: Workspace) -> None:
    # 2-minute buckets of the 06:00 cell: 100 s lies in bucket 0, 130 s and 200 s in bucket 1
    rows = [point(0, False, alt=900.0), point(30, False, alt=700.0), point(100, False, alt=800.0)]
    insert(workspace, points_table([], rows))
    got = workspace.con.execute(
        "SELECT alt_b0, alt_b1, alt_b2, first.alt_m, last.alt_m, first.lat, last.lat FROM aircraft_atoms"
    ).fetchall()
    assert got == [(900.0, 700.0, None, 900.0, 800.0, 35.0, pytest.approx(35.01))]


def test_end_points_carry_their_rates(workspace: Workspace) -> None:
    # the first point (100 s) climbs at 12.5 m/s at 120 m/s; the last (200 s) at 3 m/s
    rows = [{**point(0, False, alt=900.0), "vrate_ms": 12.5}, {**point(100, False, alt=1100.0), "vrate_ms": 3.0}]
    insert(workspace, points_table([], rows))
    got = workspace.con.execute(
        "SELECT first.gs_ms, first.vrate_ms, last.gs_ms, last.vrate_ms FROM aircraft_atoms").fetchall()
    assert got == [(120.0, 12.5, 120.0, 3.0)]


def test_atoms_stored_in_an_earlier_format_are_recomputed(workspace: Workspace) -> None:
    # a workspace from before migration 0019: atoms as format 1 stored them (end points without gs_ms /
    # vrate_ms) for a source of two points; opening it applies 0019, and the next ensure recomputes them
    insert(workspace, points_table([], [point(0, True), point(10, True)]))
    workspace.con.execute("DROP TABLE aircraft_atoms")
    workspace.con.execute(
        "CREATE TABLE aircraft_atoms AS SELECT 'aaa001' AS icao24, 1 AS source_id, "
        "{'t_us': 1, 'row_no': 1, 'lat': 1.0, 'lon': 1.0, 'alt_m': 1.0, 'track_deg': 1.0} AS first")
    workspace.con.execute("DELETE FROM schema_version WHERE version = 19")
    workspace.migrate()
    assert workspace.con.execute("SELECT count(*) FROM aircraft_atoms").fetchone() == (0,)
    assert summary.ensure_atoms(workspace, FlightParams())
    cols = {r[0]: r[1] for r in workspace.con.execute("DESCRIBE aircraft_atoms").fetchall()}
    assert "vrate_ms DOUBLE" in cols["first"] and "alt_b0" in cols
    assert [r[3] for r in stored(workspace)] == [2]


def _merged(ws: Workspace) -> list[tuple[Any, ...]]:
    engine = duckdb_engine(ws, stored_atoms=True)
    try:
        sp, window = FlightParams().split, FlightParams().attribute.end_window_s
        assert engine.atoms is not None
        merged = atoms.merge_atoms(engine.atoms, engine.points, sp, window).order_by("t0", "source_id", "row_no")
        table = engine.to_arrow(merged.select("source_id", "ground", "n"))
    finally:
        engine.close()
    return [tuple(r.values()) for r in table.to_pylist()]


def test_merge_keeps_atoms_of_sources_that_agree(workspace: Workspace) -> None:
    # receiver 1 saw the ground roll (0, 10 s), receiver 2 the climb-out (20, 30 s): one take-off
    s1 = insert(workspace, points_table([], [point(0, True), point(10, True)]), "rx1")
    s2 = insert(workspace, points_table([], [point(20, False), point(30, False)]), "rx2")
    assert _merged(workspace) == [(s1, True, 2), (s2, False, 2)]


def test_merge_splits_cells_where_sources_interleave(workspace: Workspace) -> None:
    # receiver 1: ground at 0, 10, 20 s; receiver 2: airborne at 15, 25 s - the phases overlap in time
    s1 = insert(workspace, points_table([], [point(t, True) for t in (0, 10, 20)]), "rx1")
    s2 = insert(workspace, points_table([], [point(t, False) for t in (15, 25)]), "rx2")
    assert _merged(workspace) == [(s1, True, 1), (s1, True, 1), (s2, False, 1), (s1, True, 1), (s2, False, 1)]


def test_merge_splits_multi_source_cells_with_a_flag(workspace: Workspace) -> None:
    s1 = insert(workspace, points_table([], [point(t, False, new_leg=(t == 20)) for t in (0, 20, 40)]), "rx1")
    s2 = insert(workspace, points_table([], [point(t, False) for t in (10, 30)]), "rx2")
    assert [r[0] for r in _merged(workspace)] == [s1, s2, s1, s2, s1]


def test_sources_loaded_without_ingest_are_summarised_on_demand(workspace: Workspace) -> None:
    rows = [point(t, True) for t in (0, 10)] + [point(t, False) for t in (20, 30)]
    insert(workspace, points_table([], rows))
    workspace.con.execute("DELETE FROM aircraft_atoms")
    workspace.con.execute("DELETE FROM atom_sources")
    assert summary.missing_sources(workspace, FlightParams()) == [1]
    assert summary.ensure_atoms(workspace, FlightParams())
    assert summary.missing_sources(workspace, FlightParams()) == []
    assert [r[3] for r in stored(workspace)] == [2, 2]


def test_other_parameters_do_not_use_the_summary(workspace: Workspace) -> None:
    from basewatch.flights.params import AttributeParams, SplitParams

    assert summary.ensure_atoms(workspace, FlightParams(SplitParams(gap_s=20 * 60.0), AttributeParams()))
    assert not summary.ensure_atoms(workspace, FlightParams(SplitParams(gap_s=5 * 60.0), AttributeParams()))


def test_shipped_sql_is_current() -> None:
    """Fails when atoms.source_atoms changed without `python -m basewatch.flights.summary --write`."""
    assert summary.shipped_sql_path().read_text(encoding="utf-8") == summary.shipped_text(FlightParams())


def test_stored_summary_gives_the_flights_of_the_points(tmp_path: Path) -> None:
    """Real recordings, several sources: flights from the stored atoms equal flights from the points."""
    ws = Workspace(tmp_path / "w.duckdb")
    for name in ("adsb/traffic_quickstart_paris_20211007.json.gz", "adsb/rs1090_short_flights.csv",
                 "adsb/traffic_readsb_trace_full_ac671b.json"):
        ingest_file(ws, shared_file(name))
    assert summary.missing_sources(ws, FlightParams()) == []
    results = []
    for stored_atoms in (False, True):
        engine = duckdb_engine(ws, stored_atoms=stored_atoms)
        try:
            results.append(pipeline.run(engine, read_sites(ws), airports_table(), aircraft_identity(ws)))
        finally:
            engine.close()
    assert results[0].flights.num_rows > 200
    assert results[0].flights.equals(results[1].flights)
    assert results[0].corridors.equals(results[1].corridors)
