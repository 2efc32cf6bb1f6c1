"""Port calls on an engine other than the workspace's DuckDB: the positions go out as Parquet, the result
comes back as Arrow (`basewatch analyse --engine spark`; see `basewatch.maritime.portcalls_ibis`)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from basewatch.errors import EngineError

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.maritime.portcalls import PortCallRules
    from basewatch.workspace.core import Workspace


def port_calls_on(ws: Workspace, rules: PortCallRules, engine: str = "duckdb", master: str | None = None,
                  session: Any = None, workdir: Path | None = None) -> pa.Table:
    """The port calls (CALL_COLUMNS) computed on `engine` from the workspace's AIS positions and the
    places of temp tables _places and _place_cells (`create_places`, which the caller ran)."""
    import ibis

    import basewatch.maritime.portcalls_ibis as pci

    if engine == "duckdb":
        backend = ibis.duckdb.from_connection(ws.con)
        expr = pci.port_calls(backend.sql(pci.POSITIONS_SQL, dialect="duckdb"), backend.table("_places"),
                              backend.table("_place_cells"), rules)
        result: pa.Table = backend.to_pyarrow(expr)
        return result
    if engine != "spark":
        raise EngineError(f"unknown engine {engine!r} (choose from duckdb, spark)")
    return _on_spark(ws, rules, master, session, workdir)


def _on_spark(ws: Workspace, rules: PortCallRules, master: str | None, session: Any,
              workdir: Path | None) -> pa.Table:
    import ibis
    import pyarrow.parquet as pq

    import basewatch.maritime.portcalls_ibis as pci
    from basewatch.flights.engine import _sql_path, spark_session

    spark = session if session is not None else spark_session(master)
    tmp = tempfile.TemporaryDirectory(prefix="basewatch-spark-maritime-") if workdir is None else None
    folder = Path(tmp.name) if tmp is not None else workdir
    assert folder is not None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        positions = folder / "ais_positions.parquet"
        ws.con.execute(f"COPY ({pci.POSITIONS_SQL}) TO '{_sql_path(positions)}' (FORMAT parquet)")
        for name in ("_places", "_place_cells"):
            pq.write_table(ws.con.execute(f"SELECT * FROM {name}").fetch_arrow_table(),
                           folder / f"{name.lstrip('_')}.parquet")
        backend = ibis.pyspark.connect(spark)
        expr = pci.port_calls(backend.read_parquet(str(positions)),
                              backend.read_parquet(str(folder / "places.parquet")),
                              backend.read_parquet(str(folder / "place_cells.parquet")), rules)
        result: pa.Table = backend.to_pyarrow(expr)
        return result
    finally:
        if session is None:
            spark.stop()
        if tmp is not None:
            tmp.cleanup()
