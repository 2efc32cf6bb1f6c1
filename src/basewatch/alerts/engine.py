"""Where the alert series are counted: the workspace's DuckDB (default) or PySpark.

The series code (`basewatch.alerts.series`) is Ibis, written once. An `AlertEngine` (`basewatch.engine`)
hands it the three input tables in one fixed schema (times as integer microseconds since the epoch, so
no engine's session time zone can move a record to another day) and runs the expressions. On DuckDB the
inputs are views over the workspace; on Spark they are exported to Parquet first (Spark cannot read DuckDB).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import basewatch.engine as shared

if TYPE_CHECKING:
    import ibis.expr.types as ir

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
class AlertEngine(shared.Engine):
    """A backend and the input tables."""

    inputs: dict[str, ir.Table]


def duckdb_alert_engine(ws: Workspace) -> AlertEngine:
    backend = shared.duckdb_backend(ws.con)
    inputs = {name: backend.sql(sql, dialect="duckdb") for name, sql in INPUT_SQL.items()}
    return AlertEngine("duckdb", backend, None, [], inputs)


def spark_alert_engine(ws: Workspace, session: Any = None, master: str | None = None,
                       workdir: Path | None = None) -> AlertEngine:
    """Spark: each input is written to Parquet in `workdir` (a temporary folder by default)."""
    work = shared.open_spark(master, session, workdir, prefix="basewatch-alerts-")
    inputs = {name: work.export(ws.con, sql, name) for name, sql in INPUT_SQL.items()}
    return AlertEngine("spark", work.backend, work, [], inputs)


def open_alert_engine(ws: Workspace, name: str = "duckdb", master: str | None = None) -> AlertEngine:
    shared.check_engine(name)
    if name == "duckdb":
        return duckdb_alert_engine(ws)
    return spark_alert_engine(ws, master=master)
