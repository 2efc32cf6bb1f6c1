"""The DuckDB pipeline as precompiled SQL: the shipped plan is current, runs like Ibis's own DuckDB
backend, and keeps its reference tables in the workspace until what they come from changes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from basewatch.errors import WatchlistError
from basewatch.flights import plan, store
from basewatch.flights.columns import POINTS_SCHEMA, POINTS_SQL
from basewatch.flights.params import FlightParams, SplitParams
from basewatch.watchlist.model import Actor, ActorRule, Site, Watchlist
from basewatch.watchlist.store import store_watchlist
from basewatch.workspace.core import Workspace
from tests.flights.builders import LFPG, insert, points_table
from tests.flights.test_engines import snapshot
from tests.flights.test_segment import default_tracks
from tests.flights.test_sites import track as khmeimim_track

REGENERATE = "python -m basewatch.flights.plan --write"


def test_shipped_plan_is_the_compiled_default() -> None:
    shipped = plan.shipped_plan_path().read_text(encoding="utf-8")
    assert shipped == plan.plan_text(plan.compile_plan(FlightParams())), f"stale plan: run {REGENERATE}"


def test_points_schema_is_what_duckdb_returns(workspace: Workspace) -> None:
    """The unbound points table the plan is compiled against has the columns (and types) DuckDB gives
    POINTS_SQL over aircraft_points (migration 0001: VARCHAR, TIMESTAMPTZ as epoch microseconds, ...)."""
    ibis_type = {"VARCHAR": "string", "BIGINT": "int64", "DOUBLE": "float64", "BOOLEAN": "boolean",
                 "INTEGER": "int32"}
    described = workspace.con.execute(f"DESCRIBE {POINTS_SQL}").fetchall()
    got = {name: ibis_type[typ] for name, typ, *_ in described}
    assert list(got.items()) == list(POINTS_SCHEMA.items())
    assert got["t_us"] == "int64" and got["source_id"] == "int32"


def _stage_numbers(p: plan.Plan) -> set[int]:
    return {int(n) for _, sql in p.stages for n in re.findall(r"\b[0-9]{6,}\b", sql)}


def test_load_plan_ships_the_defaults_and_compiles_the_rest() -> None:
    default = plan.load_plan()
    assert default is plan.load_plan(FlightParams())  # read once per process
    assert default.key == plan.plan_key(FlightParams())
    assert [name for name, _ in default.stages] == [f"bw_stage_{i}" for i in range(1, len(default.stages) + 1)]
    assert set(default.outputs) == {"flights", "visits", "corridors"}
    twenty = FlightParams(SplitParams(gap_s=20 * 60.0))
    other = plan.load_plan(twenty)
    assert other.key != default.key and other is plan.load_plan(twenty)  # compiled once, then cached
    # the gap appears in the SQL in microseconds: 15 min = 900,000,000 us, 20 min = 1,200,000,000 us
    assert 900_000_000 in _stage_numbers(default) and 1_200_000_000 not in _stage_numbers(default)
    assert 1_200_000_000 in _stage_numbers(other) and 900_000_000 not in _stage_numbers(other)


def test_plans_read_the_stored_atoms_when_their_parameters_allow(workspace: Workspace) -> None:
    """Per-source atoms depend on the cell size (not on the gap): a plan reads the workspace's stored
    atoms when they were made with the cell size it needs, else it computes them from the points."""
    insert(workspace, points_table(default_tracks()[0]))
    default = plan.prepare(workspace, FlightParams())
    assert default.atoms == "aircraft_atoms" and default is plan.load_plan()
    assert any('"aircraft_atoms"' in sql for _, sql in default.stages)
    gap = plan.prepare(workspace, FlightParams(SplitParams(gap_s=20 * 60.0)))
    assert gap.atoms == "aircraft_atoms"
    cells = plan.prepare(workspace, FlightParams(SplitParams(cell_s=300.0)))
    assert cells.atoms is None and not any("aircraft_atoms" in sql for _, sql in cells.stages)


def test_a_stale_shipped_plan_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = plan.compile_plan(FlightParams())
    stale = plan.Plan("0" * 64, (("bw_stage_1", "SELECT 1"),), fresh.outputs, fresh.references)
    monkeypatch.setattr(plan, "_shipped", lambda: stale)
    assert plan.load_plan() == fresh


def test_plan_file_names_are_checked() -> None:
    data: dict[str, Any] = plan.load_plan().as_json()
    assert plan.Plan.from_json(data) == plan.load_plan()
    bad = {**data, "stages": [["bw_stage_1; DROP TABLE flights", "SELECT 1"]]}
    with pytest.raises(plan.PlanError, match="stage table names"):
        plan.Plan.from_json(bad)


@pytest.mark.parametrize("params", [FlightParams(), FlightParams(SplitParams(cell_s=300.0))],
                         ids=["stored-atoms", "atoms-from-points"])
def test_plan_and_ibis_engine_give_the_same_tables(tmp_path: Path, params: FlightParams) -> None:
    """The SQL runner (stored references and atoms, identity in SQL) against Ibis running the same
    pipeline on its own DuckDB backend (atoms from the points, references from Arrow)."""
    tracks, extra = default_tracks()
    table = points_table([*tracks, khmeimim_track()], extra)
    results = {}
    for name in ("plan", "ibis"):
        ws = Workspace(tmp_path / f"{name}.duckdb")
        insert(ws, table)
        insert(ws, table.slice(0, 50), "second-file")
        insert(ws, table.slice(200, 300), "third-file", shift_s=0.5)  # a second source in the same cells
        if name == "plan":
            report = store.build_flights(ws, params=params)
            counts = ws.con.execute("SELECT (SELECT count(*) FROM flights), (SELECT count(*) FROM visits), "
                                    "(SELECT count(*) FROM flight_corridors)").fetchone()
            assert (report.flights, report.visits, report.corridor_rows) == counts
            built = ws.con.execute("SELECT engine, points, flights, visits FROM flight_builds").fetchall()
            assert built == [("duckdb", report.points, report.flights, report.visits)]
            leftovers = ws.con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'temp'").fetchall()
            assert leftovers == []
        else:
            store.write(ws, store._compute_ibis(ws, "duckdb", None, params, None), params)
        results[name] = snapshot(ws)
        ws.close()
    assert results["plan"] == results["ibis"]
    assert len(results["plan"]["flights"]) > 15 and len(results["plan"]["visits"]) == 2


def test_compute_on_duckdb_returns_the_three_tables(workspace: Workspace) -> None:
    tracks, extra = default_tracks()
    insert(workspace, points_table([*tracks, khmeimim_track()], extra))
    result = store.compute(workspace)
    report = store.build_flights(workspace)
    assert (result.engine, result.flights.num_rows, result.visits.num_rows, result.corridors.num_rows) == (
        "duckdb", report.flights, report.visits, report.corridor_rows)


def _reference_rows(ws: Workspace, table: str, where: str = "") -> list[tuple[Any, ...]]:
    return ws.con.execute(f"SELECT * FROM flight_reference_{table} {where} ORDER BY ALL").fetchall()


def test_reference_tables_are_kept_until_their_inputs_change(workspace: Workspace,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    p = plan.load_plan()
    assert plan.ensure_references(workspace, p) is True   # a new workspace has none
    assert plan.ensure_references(workspace, p) is False  # nothing changed
    lfpg = _reference_rows(workspace, "airfields", "WHERE code = 'LFPG'")
    assert len(lfpg) == 1 and lfpg[0][1:3] == pytest.approx(LFPG, abs=1e-3)
    khmeimim = _reference_rows(workspace, "sites", "WHERE site_id = 'khmeimim'")
    assert len(khmeimim) == 1 and khmeimim[0][6] == "OSLK"
    assert _reference_rows(workspace, "site_edges", "WHERE site_id = 'box'") == []

    # a new watched site (a polygon, lon/lat ring of 4 corners): rebuilt, with its 4 edges
    ring = ((2.0, 48.0), (3.0, 48.0), (3.0, 49.0), (2.0, 49.0))
    site = Site(id="box", name="Box", kind="region", polygon=ring)
    store_watchlist(workspace, Watchlist(sites=(site,), actors=()), "<test>", "")
    assert plan.ensure_references(workspace, p) is True
    edges = _reference_rows(workspace, "site_edges", "WHERE site_id = 'box'")
    assert sorted(e[1:] for e in edges) == sorted(
        (*a, *b) for a, b in zip(ring, ring[1:] + ring[:1], strict=True))
    assert plan.ensure_references(workspace, p) is False

    # another airportsdata release: rebuilt
    monkeypatch.setattr(plan, "airportsdata_version", lambda: "19700101")
    assert plan.ensure_references(workspace, p) is True
    assert workspace.con.execute("SELECT airportsdata FROM flight_reference_state").fetchall() == [("19700101",)]


def test_sql_literals() -> None:
    assert plan.sql_literal("it's") == "'it''s'"
    assert plan.sql_literal(7.0) == "CAST(7.0 AS DOUBLE)" and plan.sql_literal(3) == "3"
    assert plan.sql_literal(None) == "NULL" and plan.sql_literal(True) == "TRUE"
    with pytest.raises(ValueError, match="finite"):
        plan.sql_literal(float("nan"))


def test_an_empty_workspace_gives_no_flights(workspace: Workspace) -> None:
    """No points yet (so no stored atoms either): the plan computes from the (empty) points."""
    report = store.build_flights(workspace)
    assert (report.points, report.flights, report.visits, report.corridor_rows) == (0, 0, 0, 0)
    assert workspace.con.execute("SELECT count(*) FROM flight_builds").fetchone() == (1,)


def test_a_failed_run_leaves_the_tables_as_they_were(workspace: Workspace) -> None:
    """An actor pattern that is no regular expression stops the run with a clear error: the flight
    tables keep the last build's rows and no temporary table is left behind."""
    insert(workspace, points_table(default_tracks()[0]))
    first = store.build_flights(workspace)
    bad = Actor(id="bad", name="Bad", rules=(ActorRule(callsigns=("([",)),))
    store_watchlist(workspace, Watchlist(actors=(bad,)), "<test>", "")
    with pytest.raises(WatchlistError, match="regular expression"):
        store.build_flights(workspace)
    assert workspace.con.execute("SELECT count(*) FROM flights").fetchone() == (first.flights,)
    assert workspace.con.execute("SELECT count(*) FROM flight_builds").fetchone() == (1,)
    assert workspace.con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'temp'").fetchall() == []
