"""Where the flight pipeline runs: DuckDB (the workspace itself, default) or PySpark (local or a cluster).

The pipeline is written once against Ibis tables; an Engine (`basewatch.engine`) supplies the backend,
the points as an Ibis table of one fixed schema (times as integer microseconds since the epoch, so no
engine's session time zone can shift anything) and turns small Arrow tables into backend tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import basewatch.engine as shared
from basewatch.flights.columns import ATOMS_TABLE, DUCKDB_MEMORY_LIMIT, POINTS_SQL

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from basewatch.workspace.core import Workspace

EngineName = Literal["duckdb", "spark"]
ENGINES = shared.ENGINES


@dataclass
class Engine(shared.Engine):
    """A backend plus the points it reads."""

    points: ir.Table
    atoms: ir.Table | None = None  # per-source atoms stored in the workspace (basewatch.flights.summary)


def duckdb_engine(ws: Workspace, memory_limit: str | None = DUCKDB_MEMORY_LIMIT,
                  stored_atoms: bool = False) -> Engine:
    """The default: run in the workspace's own DuckDB connection, reading aircraft_points in place.

    stored_atoms: read the per-source atoms kept in the workspace (see basewatch.flights.summary;
    the caller checks they are complete for its parameters with `summary.ensure_atoms`).
    """
    closers: list[Any] = [ws.cap_memory(memory_limit)] if memory_limit is not None else []
    backend = shared.duckdb_backend(ws.con)
    engine = Engine("duckdb", backend, None, closers, backend.sql(POINTS_SQL, dialect="duckdb"))
    if stored_atoms:
        engine.atoms = backend.table(ATOMS_TABLE)
    return engine


def spark_engine(ws: Workspace, master: str | None = None, session: Any = None,
                 workdir: Path | None = None) -> Engine:
    """Run on PySpark: the workspace's points are exported to Parquet (in storage order: aircraft, time),
    which Spark reads. `session`: reuse an existing SparkSession (it is then not stopped on close)."""
    work = shared.open_spark(master, session, workdir)
    points = work.export(ws.con, POINTS_SQL, "aircraft_points", row_group_size=1_000_000)
    return Engine("spark", work.backend, work, [], points)


def open_engine(ws: Workspace, name: str = "duckdb", master: str | None = None,
                workdir: Path | None = None) -> Engine:
    """`workdir` (Spark): where the Parquet goes; on a cluster, a folder every worker can read."""
    shared.check_engine(name)
    if name == "duckdb":
        return duckdb_engine(ws)
    return spark_engine(ws, master, workdir=workdir)
