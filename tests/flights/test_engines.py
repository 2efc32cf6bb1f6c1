"""One pipeline, two engines: DuckDB and PySpark (local[2]) give the same flights, visits, corridors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from basewatch.flights import pipeline, store
from basewatch.flights.engine import duckdb_engine, spark_engine
from basewatch.identity.airports import airports_table
from basewatch.watchlist.store import read_sites
from basewatch.workspace.core import Workspace
from tests.flights.builders import insert, points_table
from tests.flights.test_segment import default_tracks
from tests.flights.test_sites import track as khmeimim_track

pytestmark = pytest.mark.spark

TABLES = {
    "flights": "SELECT * FROM flights ORDER BY flight_id",
    "visits": "SELECT * FROM visits ORDER BY site_id, icao24, arrival NULLS FIRST, departure NULLS FIRST",
    "flight_corridors": "SELECT * FROM flight_corridors ORDER BY day, origin NULLS FIRST, "
                        "destination NULLS FIRST, actor NULLS FIRST, typecode NULLS FIRST",
}


def _canonical(value: Any) -> Any:
    return round(value, 9) if isinstance(value, float) else value


def snapshot(ws: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    return {name: [tuple(_canonical(v) for v in row) for row in ws.con.execute(sql).fetchall()]
            for name, sql in TABLES.items()}


def test_duckdb_and_spark_agree(tmp_path: Path, spark: Any) -> None:
    tracks, extra = default_tracks()
    table = points_table([*tracks, khmeimim_track()], extra)
    assert 1000 < table.num_rows < 10_000
    results = {}
    # duckdb: atoms from the points; duckdb-stored: the per-source atoms ingest kept; spark: from Parquet
    for name in ("duckdb", "duckdb-stored", "spark"):
        ws = Workspace(tmp_path / f"{name}.duckdb")
        insert(ws, table)
        insert(ws, table.slice(0, 50), "second-file")      # duplicates of another source are dropped
        insert(ws, table.slice(200, 300), "third-file", shift_s=0.5)  # a second source in the same cells
        identity = store._identity(ws)
        engine = (duckdb_engine(ws, stored_atoms=name == "duckdb-stored") if name != "spark"
                  else spark_engine(ws, session=spark, workdir=tmp_path / "parquet"))
        try:
            result = pipeline.run(engine, read_sites(ws), airports_table(), identity)
        finally:
            engine.close()
        store.write(ws, result)
        results[name] = snapshot(ws)
        ws.close()
    for name in TABLES:
        assert results["duckdb"][name] == results["spark"][name], name
        assert results["duckdb-stored"][name] == results["spark"][name], name
    assert len(results["duckdb"]["flights"]) > 15
    assert len(results["duckdb"]["visits"]) == 2
