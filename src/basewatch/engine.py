"""Where the Ibis pipelines run: the workspace's DuckDB (default) or PySpark (local mode or a cluster).

Shared by the flights (`basewatch.flights.engine`), the maritime build (`basewatch.maritime.engine_run`)
and the alert series (`basewatch.alerts.engine`). Spark cannot read DuckDB, so a `SparkWork` writes
each input to Parquet in a work folder (on a cluster: one every worker can read), reads it back as an
Ibis table and hands results back as Arrow. Times travel as integer microseconds since the epoch, so no
session time zone can move a record to another day.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from basewatch.errors import EngineError

if TYPE_CHECKING:
    import duckdb
    import ibis.expr.types as ir
    import pyarrow as pa

ENGINES: tuple[str, ...] = ("duckdb", "spark")


def check_engine(name: str) -> None:
    if name not in ENGINES:
        raise EngineError(f"unknown engine {name!r} (choose from {', '.join(ENGINES)})")


def sql_path(path: Path) -> str:
    """A path to put inside a SQL string literal (DuckDB's COPY takes no parameter there)."""
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
    builder = SparkSession.builder.appName("basewatch")
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


def active_session() -> Any:
    """The SparkSession already running in this process (None if none, or no pyspark)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return None
    return SparkSession.getActiveSession()


@dataclass
class SparkWork:
    """A Spark session's Ibis backend and the work folder its Parquet goes through. Close it when done."""

    session: Any
    backend: Any
    workdir: Path
    _closers: list[Any] = field(default_factory=list)

    def export(self, con: duckdb.DuckDBPyConnection, sql: str, name: str,
               row_group_size: int | None = None) -> ir.Table:
        """The rows of a DuckDB query, written to `name`.parquet and read back by Spark."""
        path = self.workdir / f"{name.lstrip('_')}.parquet"  # Spark skips files named _*
        groups = "" if row_group_size is None else f", ROW_GROUP_SIZE {int(row_group_size)}"
        con.execute(f"COPY ({sql}) TO '{sql_path(path)}' (FORMAT parquet{groups})")
        table: ir.Table = self.backend.read_parquet(str(path))
        return table

    def table(self, data: pa.Table) -> ir.Table:
        """A small Arrow table (reference data, keys) as a Spark table.

        It travels as Parquet: a DataFrame made from Python rows would call back into Python workers on
        every query. An empty table becomes an empty temp view of the same schema.
        """
        name = f"bw_ref_{uuid.uuid4().hex[:12]}"
        if data.num_rows == 0:
            from pyspark.sql.pandas.types import from_arrow_schema

            session = self.session
            session.createDataFrame([], schema=from_arrow_schema(data.schema)).createOrReplaceTempView(name)
            self._closers.append(lambda: session.catalog.dropTempView(name))
            empty: ir.Table = self.backend.table(name)
            return empty
        import pyarrow.parquet as pq

        path = self.workdir / f"{name}.parquet"
        pq.write_table(data, path)
        read: ir.Table = self.backend.read_parquet(str(path))
        return read

    def materialize(self, expr: ir.Table) -> ir.Table:
        """Compute `expr` once into Parquet and read it back: later stages reuse it, and the query
        lineage is cut (Spark's lazy cache() made later queries re-plan and re-run everything before)."""
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


def open_spark(master: str | None = None, session: Any = None, workdir: Path | None = None,
               prefix: str = "basewatch-spark-") -> SparkWork:
    """A SparkWork on `session` (kept open on close) or a new session on `master` (stopped on close);
    `workdir` None: a temporary folder, removed on close."""
    import ibis

    if session is None and master is None:
        session = active_session()  # e.g. a notebook's: used, and left running
    spark = session if session is not None else spark_session(master)
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    closers: list[Any] = []
    if session is None:
        closers.append(spark.stop)
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix=prefix)
        closers.append(tmp.cleanup)
        workdir = Path(tmp.name)
    workdir.mkdir(parents=True, exist_ok=True)
    return SparkWork(spark, ibis.pyspark.connect(spark), workdir, closers)


@dataclass
class Engine:
    """An Ibis backend, and the Spark work folder when it is Spark. Close it when done (Spark sessions
    hold resources). Each pipeline subclasses it with its own inputs."""

    name: str
    backend: Any
    spark: SparkWork | None
    closers: list[Any]

    @property
    def workdir(self) -> Path | None:
        """Where a Spark engine's Parquet goes (None on DuckDB)."""
        return None if self.spark is None else self.spark.workdir

    def table(self, data: pa.Table) -> ir.Table:
        """A small Arrow table (reference data, keys) as a temporary backend table."""
        if self.spark is not None:
            return self.spark.table(data)
        name = f"_bw_ref_{uuid.uuid4().hex[:12]}"
        self.backend.create_table(name, obj=data, temp=True)
        self.closers.append(lambda: self.backend.drop_table(name, force=True))
        table: ir.Table = self.backend.table(name)
        return table

    def materialize(self, expr: ir.Table) -> ir.Table:
        """Compute `expr` once and return a table reading the result (later stages reuse it): a DuckDB
        temporary table, or Parquet in Spark's work folder."""
        if self.spark is not None:
            return self.spark.materialize(expr)
        cached: ir.Table = expr.cache()
        return cached

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        result: pa.Table = self.backend.to_pyarrow(expr)
        return result

    def close(self) -> None:
        for close in reversed(self.closers):
            close()
        self.closers.clear()
        if self.spark is not None:
            self.spark.close()


def duckdb_backend(con: duckdb.DuckDBPyConnection) -> Any:
    """An Ibis backend on the workspace's own connection."""
    import ibis

    return ibis.duckdb.from_connection(con)
