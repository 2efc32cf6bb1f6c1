"""Port calls on an engine other than the workspace's DuckDB: the positions go out as Parquet, the result
comes back as Arrow (`basewatch analyse --engine spark`; see `basewatch.maritime.portcalls_ibis`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import basewatch.engine as shared

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.maritime import MaritimeRules
    from basewatch.maritime.portcalls import PortCallRules
    from basewatch.workspace.core import Workspace


def port_calls_on(ws: Workspace, rules: PortCallRules, engine: str = "duckdb", master: str | None = None,
                  session: Any = None, workdir: Path | None = None) -> pa.Table:
    """The port calls (CALL_COLUMNS) computed on `engine` from the workspace's AIS positions and the
    places of temp tables _places and _place_cells (`create_places`, which the caller ran)."""
    import basewatch.maritime.portcalls_ibis as pci

    shared.check_engine(engine)
    if engine == "duckdb":
        backend = shared.duckdb_backend(ws.con)
        expr = pci.port_calls(backend.sql(pci.POSITIONS_SQL, dialect="duckdb"), backend.table("_places"),
                              backend.table("_place_cells"), rules)
        result: pa.Table = backend.to_pyarrow(expr)
        return result
    work = shared.open_spark(master, session, workdir, prefix="basewatch-spark-maritime-")
    try:
        expr = pci.port_calls(work.export(ws.con, pci.POSITIONS_SQL, "ais_positions"),
                              work.export(ws.con, "SELECT * FROM _places", "places"),
                              work.export(ws.con, "SELECT * FROM _place_cells", "place_cells"), rules)
        return work.to_arrow(expr)
    finally:
        work.close()


def maritime_on(ws: Workspace, rules: MaritimeRules, session: Any = None,
                workdir: Path | None = None) -> dict[str, pa.Table]:
    """Port calls, voyages and dark periods computed on `rules.engine` (Spark, or DuckDB through the same
    Ibis code), as Arrow tables `calls` (CALL_COLUMNS), `voyages` (VOYAGE_COLUMNS) and `dark`
    (DARK_COLUMNS). The caller ran `create_places` (temp tables _places, _place_cells).

    On Spark the positions go out once as Parquet; the numbered sequence and the port calls are written
    back to Parquet once each (every later stage reads them), and the three results come back as Arrow.
    """
    import basewatch.maritime.dark_ibis as di
    import basewatch.maritime.portcalls_ibis as pci
    from basewatch.maritime.voyages_ibis import voyages

    shared.check_engine(rules.engine)
    if rules.engine == "duckdb":
        backend = shared.duckdb_backend(ws.con)
        pos = pci.position_sequence(backend.sql(pci.POSITIONS_SQL, dialect="duckdb")).cache()
        calls = pci.port_calls_of(pos, backend.table("_places"), backend.table("_place_cells"),
                                  rules.port_calls).cache()
        sites = backend.sql(di.SITES_SQL, dialect="duckdb")
        outages = backend.sql(di.LIVE_OUTAGES_SQL, dialect="duckdb")
        return {"calls": backend.to_pyarrow(calls), "voyages": backend.to_pyarrow(voyages(calls, pos, rules.voyages)),
                "dark": backend.to_pyarrow(di.dark_periods(pos, calls, sites, outages, rules.dark))}
    work = shared.open_spark(rules.master, session, workdir, prefix="basewatch-spark-maritime-")
    try:
        pos = work.materialize(pci.position_sequence(work.export(ws.con, pci.POSITIONS_SQL, "ais_positions")))
        calls = work.materialize(pci.port_calls_of(pos, work.export(ws.con, "SELECT * FROM _places", "places"),
                                                   work.export(ws.con, "SELECT * FROM _place_cells", "cells"),
                                                   rules.port_calls))
        sites = work.export(ws.con, di.SITES_SQL, "sites")
        outages = work.export(ws.con, di.LIVE_OUTAGES_SQL, "live_outages")
        return {"calls": work.to_arrow(calls), "voyages": work.to_arrow(voyages(calls, pos, rules.voyages)),
                "dark": work.to_arrow(di.dark_periods(pos, calls, sites, outages, rules.dark))}
    finally:
        work.close()


# the workspace's rounding of the distances an engine returns unrounded (both engines round alike)
_ROUNDED = {"distance_km", "jump_km", "near_site_km", "start_site_km", "end_site_km"}
# result column -> temp table column, where the name changes (times in microseconds -> TIMESTAMPTZ)
_RENAMED = {"arrival_us": "arrival", "departure_us": "departure", "first_stop_us": "first_stop",
            "start_us": "start_time", "end_us": "end_time"}


def load_result(con: Any, table: pa.Table, tmp: str) -> int:
    """Create temp table `tmp` (_calls, _voyages, _dark) from an engine's result: microsecond times as
    UTC timestamps, distances rounded to 0.1 km as the DuckDB build rounds them."""
    cols = []
    for c in table.column_names:
        name = _RENAMED.get(c, c)
        if c.endswith("_us"):
            cols.append(f"make_timestamp({c}) AT TIME ZONE 'UTC' AS {name}")
        elif c in _ROUNDED:
            cols.append(f"round({c}, 1) AS {c}")
        else:
            cols.append(c)
    con.register("_engine_result", table)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {tmp} AS SELECT {', '.join(cols)} FROM _engine_result")
    finally:
        con.unregister("_engine_result")
    return int(table.num_rows)
