"""Where the alert series are counted: the workspace's DuckDB (default) or PySpark.

The series code (`basewatch.alerts.series`) is Ibis, written once. An `AlertEngine` hands it the five
input tables in one fixed schema (times as integer microseconds since the epoch, so no engine's
session time zone can move a record to another day) and runs the expressions. On DuckDB the inputs are
views over the workspace; on Spark they are exported to Parquet first (Spark cannot read DuckDB).
"""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa

    from basewatch.workspace.core import Workspace

# The columns the series read, in workspace SQL. Corridor ends: the site if any, else the airport/port.
INPUT_SQL: dict[str, str] = {
    "flights": (
        "SELECT flight_id AS id, epoch_us(start) AS start_us, epoch_us(\"end\") AS end_us, origin_site, "
        "destination_site, coalesce(origin_site, origin_airport) AS origin, "
        "coalesce(destination_site, destination_airport) AS destination, actor FROM flights"
    ),
    "port_calls": (
        "SELECT CAST(call_id AS VARCHAR) AS id, site_id, actor, epoch_us(arrival) AS arrival_us, "
        "arrival_observed, epoch_us(departure) AS departure_us FROM port_calls WHERE site_id IS NOT NULL"
    ),
    "voyages": (
        "SELECT CAST(voyage_id AS VARCHAR) AS id, origin_site, destination_site, "
        "coalesce(origin_site, origin_port) AS origin, coalesce(destination_site, destination_port) "
        "AS destination, actor, epoch_us(departure) AS departure_us FROM voyages"
    ),
}


@dataclass
class AlertEngine:
    """An Ibis backend and the input tables. Close it when done."""

    name: str
    backend: Any
    inputs: dict[str, ir.Table]
    workdir: Path | None = None
    _closers: list[Any] = field(default_factory=list)

    def table(self, data: pa.Table) -> ir.Table:
        """A small Arrow table (the alerted keys) as a backend table."""
        name = f"bw_alert_keys_{uuid.uuid4().hex[:12]}"
        if self.workdir is not None:
            import pyarrow.parquet as pq

            path = self.workdir / f"{name}.parquet"
            pq.write_table(data, path)
            read: ir.Table = self.backend.read_parquet(str(path))
            return read
        self.backend.create_table(name, obj=data, temp=True)
        self._closers.append(lambda: self.backend.drop_table(name, force=True))
        table: ir.Table = self.backend.table(name)
        return table

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        result: pa.Table = self.backend.to_pyarrow(expr)
        return result

    def close(self) -> None:
        for close in reversed(self._closers):
            close()
        self._closers.clear()


def duckdb_alert_engine(ws: Workspace) -> AlertEngine:
    import ibis

    backend = ibis.duckdb.from_connection(ws.con)
    inputs = {name: backend.sql(sql, dialect="duckdb") for name, sql in INPUT_SQL.items()}
    return AlertEngine("duckdb", backend, inputs)


def spark_alert_engine(ws: Workspace, session: Any = None, master: str | None = None,
                       workdir: Path | None = None) -> AlertEngine:
    """Spark: each input is written to Parquet in `workdir` (a temporary folder by default)."""
    import ibis

    from basewatch.flights.engine import spark_session

    closers: list[Any] = []
    spark = session if session is not None else spark_session(master)
    if session is None:
        closers.append(spark.stop)
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="basewatch-alerts-")
        closers.append(tmp.cleanup)
        workdir = Path(tmp.name)
    workdir.mkdir(parents=True, exist_ok=True)
    backend = ibis.pyspark.connect(spark)
    inputs: dict[str, ir.Table] = {}
    for name, sql in INPUT_SQL.items():
        path = workdir / f"{name}.parquet"
        ws.con.execute(f"COPY ({sql}) TO '{_quoted_path(path)}' (FORMAT parquet)")
        inputs[name] = backend.read_parquet(str(path))
    return AlertEngine("spark", backend, inputs, workdir, closers)


def _quoted_path(path: Path) -> str:
    text = str(path)
    if "'" in text:
        raise ValueError(f"{text}: path must not contain a quote")
    return text


def open_alert_engine(ws: Workspace, name: str = "duckdb", master: str | None = None) -> AlertEngine:
    if name == "duckdb":
        return duckdb_alert_engine(ws)
    if name == "spark":
        return spark_alert_engine(ws, master=master)
    from basewatch.flights.engine import EngineError

    raise EngineError(f"unknown engine {name!r} (choose from duckdb, spark)")
