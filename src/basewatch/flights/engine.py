"""Where the flight pipeline runs: DuckDB (the workspace itself, default) or PySpark (local or a cluster).

The pipeline is written once against Ibis tables; an Engine supplies the backend, the points as an
Ibis table of one fixed schema (times as integer microseconds since the epoch, so no engine's session
time zone can shift anything) and turns small Arrow tables into backend tables.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from basewatch.errors import EngineError
from basewatch.flights.columns import ATOMS_TABLE, DUCKDB_MEMORY_LIMIT, POINTS_SQL

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa

    from basewatch.workspace.core import Workspace

EngineName = Literal["duckdb", "spark"]
ENGINES: tuple[str, ...] = ("duckdb", "spark")

@dataclass
class Engine:
    """A backend plus the points it reads. Close it when done (Spark sessions hold resources)."""

    name: str
    backend: Any
    points: ir.Table
    _closers: list[Any] = field(default_factory=list)
    workdir: Path | None = None  # where a non-DuckDB engine reads its Parquet from
    atoms: ir.Table | None = None  # per-source atoms stored in the workspace (basewatch.flights.summary)

    def table(self, data: pa.Table) -> ir.Table:
        """A small Arrow table as a temporary backend table (reference data: airfields, sites, identity)."""
        name = f"_bw_ref_{uuid.uuid4().hex[:12]}"
        if self.workdir is not None:
            # Spark: reference tables travel as Parquet too (a DataFrame made from Python rows would
            # call back into Python workers on every query)
            import pyarrow.parquet as pq

            if data.num_rows == 0:
                from pyspark.sql.pandas.types import from_arrow_schema

                session = self.backend._session
                session.createDataFrame([], schema=from_arrow_schema(data.schema)).createOrReplaceTempView(name)
                self._closers.append(lambda: session.catalog.dropTempView(name))
                empty: ir.Table = self.backend.table(name)
                return empty
            path = self.workdir / f"{name.lstrip('_')}.parquet"  # Spark skips files named _*
            pq.write_table(data, path)
            read: ir.Table = self.backend.read_parquet(str(path))
            return read
        self.backend.create_table(name, obj=data, temp=True)
        self._closers.append(lambda: self.backend.drop_table(name, force=True))
        table: ir.Table = self.backend.table(name)
        return table

    def materialize(self, expr: ir.Table) -> ir.Table:
        """Compute `expr` once and return a table reading the result (later stages reuse it).

        DuckDB: a temporary table. Spark: Parquet in the work folder, which also cuts the query
        lineage (Spark's lazy cache() made later queries re-plan and re-run everything before them).
        """
        if self.workdir is None:
            cached: ir.Table = expr.cache()
            return cached
        path = self.workdir / f"stage_{uuid.uuid4().hex[:12]}"
        self.backend.to_parquet(expr, str(path))
        read: ir.Table = self.backend.read_parquet(str(path))
        return read

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        result: pa.Table = self.backend.to_pyarrow(expr)
        return result

    def close(self) -> None:
        for close in reversed(self._closers):
            close()
        self._closers.clear()




def duckdb_engine(ws: Workspace, memory_limit: str | None = DUCKDB_MEMORY_LIMIT,
                  stored_atoms: bool = False) -> Engine:
    """The default: run in the workspace's own DuckDB connection, reading aircraft_points in place.

    stored_atoms: read the per-source atoms kept in the workspace (see basewatch.flights.summary;
    the caller checks they are complete for its parameters with `summary.ensure_atoms`).
    """
    import ibis

    closers: list[Any] = [ws.cap_memory(memory_limit)] if memory_limit is not None else []
    backend = ibis.duckdb.from_connection(ws.con)
    engine = Engine("duckdb", backend, backend.sql(POINTS_SQL, dialect="duckdb"), closers)
    if stored_atoms:
        engine.atoms = backend.table(ATOMS_TABLE)
    return engine


def export_points_parquet(ws: Workspace, path: Path) -> Path:
    """Write the pipeline's input columns to one Parquet file, in storage order (aircraft, time)."""
    ws.con.execute(f"COPY ({POINTS_SQL}) TO '{_sql_path(path)}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)")
    return path


def _sql_path(path: Path) -> str:
    text = str(path)
    if "'" in text:
        raise EngineError(f"{text}: path must not contain a quote")
    return text


def spark_session(master: str | None = None) -> Any:
    """A SparkSession in UTC: SPARK_REMOTE (Spark Connect) if set, else `master` or local[*]."""
    import shutil

    if not os.environ.get("SPARK_REMOTE") and not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise EngineError("--engine spark needs Java (set JAVA_HOME or put java on PATH)")
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise EngineError("--engine spark needs pyspark: pip install 'basewatch[spark]'") from exc
    builder = SparkSession.builder.appName("basewatch-flights")
    remote = os.environ.get("SPARK_REMOTE")
    if remote and not master:
        builder = builder.remote(remote)
    else:
        builder = builder.master(master or "local[*]")
        builder = builder.config("spark.ui.enabled", "false").config("spark.driver.memory", "2g")
    if not remote and (master or "local[*]").startswith("local"):
        # one machine: few shuffle partitions (Spark's default of 200 is for clusters)
        builder = builder.config("spark.sql.shuffle.partitions", "4")
    return builder.config("spark.sql.session.timeZone", "UTC").getOrCreate()


def spark_engine(ws: Workspace, master: str | None = None, session: Any = None,
                 workdir: Path | None = None) -> Engine:
    """Run on PySpark: the workspace's points are exported to Parquet, which Spark reads.

    `session`: reuse an existing SparkSession (it is then not stopped on close).
    """
    import ibis

    own_session = session is None
    spark = session if session is not None else spark_session(master)
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    closers: list[Any] = []
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="basewatch-spark-")
        closers.append(tmp.cleanup)
        workdir = Path(tmp.name)
    if own_session:
        closers.append(spark.stop)
    workdir.mkdir(parents=True, exist_ok=True)
    parquet = export_points_parquet(ws, workdir / "aircraft_points.parquet")
    backend = ibis.pyspark.connect(spark)
    points = backend.read_parquet(str(parquet))
    return Engine("spark", backend, points, closers, workdir)


def open_engine(ws: Workspace, name: str = "duckdb", master: str | None = None,
                workdir: Path | None = None) -> Engine:
    """`workdir` (Spark): where the Parquet goes; on a cluster, a folder every worker can read."""
    if name == "duckdb":
        return duckdb_engine(ws)
    if name == "spark":
        return spark_engine(ws, master, workdir=workdir)
    raise EngineError(f"unknown engine {name!r} (choose from {', '.join(ENGINES)})")
