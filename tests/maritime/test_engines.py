"""Port calls, voyages and dark periods written once (Ibis) give exactly the rows of the DuckDB SQL build,
on DuckDB and on PySpark local mode, for the demo's ships (its simulated tracks, calling at watched and
World Port Index ports, with silences). `basewatch analyse --engine spark` as a whole: tests/alerts."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from basewatch.demo.ais_scenario import write_ais_scenario
from basewatch.ingest.pipeline import ingest_file
from basewatch.maritime import MaritimeRules
from basewatch.maritime.dark import compute_dark_periods
from basewatch.maritime.engine_run import load_result, maritime_on, port_calls_on
from basewatch.maritime.portcalls import compute_port_calls
from basewatch.maritime.portcalls_ibis import CALL_COLUMNS
from basewatch.maritime.ports import create_places
from basewatch.maritime.sequence import create_position_sequence
from basewatch.maritime.voyages import compute_voyages
from basewatch.watchlist.store import read_sites
from basewatch.workspace.core import Workspace


@pytest.fixture(scope="module")
def demo_ships(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    folder = tmp_path_factory.mktemp("ships")
    ws = Workspace(folder / "ws.duckdb")
    for path in write_ais_scenario(folder, seed=20241208):  # the demo's default seed
        if path.suffix == ".nmea":
            ingest_file(ws, path)
    rules = MaritimeRules()
    create_position_sequence(ws.con)
    create_places(ws.con, read_sites(ws), rules.port_calls.zones)
    compute_port_calls(ws.con, rules.port_calls)
    compute_voyages(ws.con, rules.voyages)
    compute_dark_periods(ws.con, rules.dark)
    try:
        yield ws
    finally:
        ws.close()


def _sql_calls(ws: Workspace) -> pa.Table:
    """The DuckDB SQL build's _calls, times as microseconds, in CALL_COLUMNS order."""
    cols = [f"epoch_us({c[:-3]}) AS {c}" if c.endswith("_us") else c for c in CALL_COLUMNS]
    return ws.con.execute(f"SELECT {', '.join(cols)} FROM _calls ORDER BY call_id").fetch_arrow_table()


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    rows = table.sort_by("call_id").to_pylist()
    for r in rows:
        r["min_distance_km"] = round(r["min_distance_km"], 9)  # float sums may differ in the last bits
        r["source_ids"] = list(r["source_ids"])
    return rows


def test_demo_ships_have_port_calls(demo_ships: Workspace) -> None:
    calls = _sql_calls(demo_ships)
    assert calls.num_rows >= 3  # the scenario's ships call at Tartus, Benghazi and Tobruk (ais_truth.json)
    assert {"tartus"} <= set(calls.column("site_id").to_pylist())


def test_ibis_on_duckdb_equals_sql(demo_ships: Workspace) -> None:
    rules = MaritimeRules().port_calls
    assert _rows(port_calls_on(demo_ships, rules, "duckdb")) == _rows(_sql_calls(demo_ships))


def _built(ws: Workspace, result: dict[str, pa.Table]) -> dict[str, list[tuple[Any, ...]]]:
    """An engine's calls, voyages and dark periods as the SQL build's temp tables hold them (and those)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for name, sql_table, key in (("calls", "_calls", "call_id"), ("voyages", "_voyages", "voyage_id"),
                                 ("dark", "_dark", "dark_id")):
        load_result(ws.con, result[name], f"_got_{name}")
        cols = [r[0] for r in ws.con.execute(f"DESCRIBE {sql_table}").fetchall()]
        for label, table in (("sql", sql_table), ("got", f"_got_{name}")):
            rows = ws.con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {key}").fetchall()
            # doubles summed or averaged in another order may differ in the last bits
            out[f"{label}_{name}"] = [tuple(round(v, 9) if isinstance(v, float) else v for v in r) for r in rows]
        ws.con.execute(f"DROP TABLE _got_{name}")
    return out


def test_demo_ships_have_voyages_and_dark_periods(demo_ships: Workspace) -> None:
    voyages = demo_ships.con.execute("SELECT count(*) FROM _voyages").fetchone()
    dark = demo_ships.con.execute("SELECT count(*) FROM _dark").fetchone()
    assert voyages is not None and voyages[0] >= 3 and dark is not None and dark[0] >= 1


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_voyages_and_dark_periods_equal_the_sql_build(demo_ships: Workspace, engine: str,
                                                      request: pytest.FixtureRequest, tmp_path: Path) -> None:
    rules = dataclasses.replace(MaritimeRules(), engine=engine)
    session = request.getfixturevalue("spark") if engine == "spark" else None
    got = _built(demo_ships, maritime_on(demo_ships, rules, session=session, workdir=tmp_path / "work"))
    for name in ("calls", "voyages", "dark"):
        assert got[f"sql_{name}"], name
        assert got[f"got_{name}"] == got[f"sql_{name}"], name


def test_silence_rule_matches_the_sql_build(demo_ships: Workspace) -> None:
    """With max_silence_s the Ibis voyages drop the same legs as the SQL build (a rule off by default)."""
    from basewatch.maritime.voyages import VoyageRules

    rules = dataclasses.replace(MaritimeRules(), voyages=VoyageRules(max_silence_s=3 * 3600.0))
    demo_ships.con.execute("CREATE OR REPLACE TEMP TABLE voyages_all AS SELECT * FROM _voyages")
    compute_voyages(demo_ships.con, rules.voyages)
    try:
        got = _built(demo_ships, maritime_on(demo_ships, rules))
        everything = demo_ships.con.execute("SELECT count(*) FROM voyages_all").fetchone()
        assert everything is not None and 0 < len(got["sql_voyages"]) < everything[0]  # the rule dropped some
        assert got["got_voyages"] == got["sql_voyages"]
    finally:
        compute_voyages(demo_ships.con, MaritimeRules().voyages)
        demo_ships.con.execute("DROP TABLE voyages_all")
