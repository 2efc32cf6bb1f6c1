"""Port calls written once (Ibis) give exactly the port calls of the DuckDB SQL build, on DuckDB and on
PySpark local mode, for the demo's ships (its simulated tracks, calling at watched and World Port Index
ports), and `basewatch analyse --engine spark` stores the same port calls as the default engine."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from basewatch.demo.ais_scenario import write_ais_scenario
from basewatch.ingest.pipeline import ingest_file
from basewatch.maritime import MaritimeRules
from basewatch.maritime.engine_run import port_calls_on
from basewatch.maritime.portcalls import compute_port_calls
from basewatch.maritime.portcalls_ibis import CALL_COLUMNS
from basewatch.maritime.ports import create_places
from basewatch.maritime.sequence import create_position_sequence
from basewatch.watchlist.store import read_sites
from basewatch.workspace.core import Workspace


@pytest.fixture(scope="module")
def demo_ships(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    folder = tmp_path_factory.mktemp("ships")
    ws = Workspace(folder / "ws.duckdb")
    for path in write_ais_scenario(folder, seed=20241208):  # the demo's default seed
        if path.suffix == ".nmea":
            ingest_file(ws, path)
    rules = MaritimeRules().port_calls
    create_position_sequence(ws.con)
    create_places(ws.con, read_sites(ws), rules.zones)
    compute_port_calls(ws.con, rules)
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


def test_spark_equals_duckdb(demo_ships: Workspace, spark: Any, tmp_path: Path) -> None:
    rules = MaritimeRules().port_calls
    got = port_calls_on(demo_ships, rules, "spark", session=spark, workdir=tmp_path / "spark")
    assert _rows(got) == _rows(_sql_calls(demo_ships))


def test_analyse_engine_spark_writes_the_same_port_calls(demo_ships: Workspace, tmp_path: Path) -> None:
    import subprocess
    import sys

    ws = tmp_path / "ws.duckdb"
    demo_ships.con.execute("CHECKPOINT")
    shutil.copyfile(demo_ships.path, ws)
    cli = [sys.executable, "-m", "basewatch", "-w", str(ws), "analyse", "--product", "maritime", "--force"]
    query = "SELECT * EXCLUDE (call_id) FROM port_calls ORDER BY mmsi, arrival, site_id"
    tables = []
    for extra in ([], ["--engine", "spark", "--spark-master", "local[2]"]):
        done = subprocess.run([*cli, *extra], capture_output=True, text=True, check=False, timeout=900)
        assert done.returncode == 0, done.stderr
        with Workspace(ws, read_only=True) as w:
            tables.append(w.con.execute(query).fetchall())
            params = w.con.execute("SELECT params FROM product_state WHERE product = 'maritime'").fetchone()
        assert params is not None and f'"engine": "{extra[1] if extra else "duckdb"}"' in str(params[0])
    assert len(tables[0]) >= 3
    assert tables[1] == tables[0]
