"""Write what a reader returns into the workspace: one transaction per file, idempotent, counted."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from basewatch.errors import InputFormatError
from basewatch.flights.summary import add_sources as add_source_atoms
from basewatch.identity.cache import identity_table
from basewatch.identity.callsigns import merge_source_callsigns
from basewatch.ingest.base import ReadResult
from basewatch.ingest.registry import choose_reader
from basewatch.ingest.stream import Stream, from_result

if TYPE_CHECKING:
    import duckdb

    from basewatch.workspace.core import Workspace

# Counted tables are de-duplicated on these keys (within the file and against the workspace);
# the insert is ordered by the key so points lie clustered by vehicle and time.
DEDUPE_KEYS: dict[str, tuple[str, ...]] = {
    "aircraft_points": ("icao24", "time", "lat", "lon"),
    "ais_positions": ("mmsi", "time", "lat", "lon"), "ais_static": ("mmsi", "time", "msg_type", "name", "callsign"),
}
# DuckDB's memory limit while a file's batches are written (None: DuckDB's default, 80 % of RAM). A cap
# of 768MB kept a 10M-line SBS ingest at 846 MB peak, but the flight atoms of a 10M-point OpenSky file
# then ran out of memory although the cap had been reset before them (DuckDB 1.4): not capped for now.
INGEST_MEMORY: str | None = None
# Side tables are upserted on these keys (the newest file wins).
UPSERT_KEYS: dict[str, tuple[str, ...]] = {
    "aircraft": ("icao24", "origin"),
}


@dataclass(frozen=True)
class IngestReport:
    path: str
    input_format: str
    accepted: int
    rejected: int
    duplicates: int
    reasons: dict[str, dict[str, object]] = field(default_factory=dict)
    already_ingested: bool = False
    notes: tuple[str, ...] = ()
    source_id: int | None = None
    skipped: dict[str, int] = field(default_factory=dict)  # valid records of no interest, by reason

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def as_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "input_format": self.input_format,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "skipped": self.skipped_total,
            "reasons": self.reasons,
            "skipped_reasons": self.skipped,
        }


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def ingest_file(
    ws: Workspace, path: Path | str, input_format: str = "auto", *, strict: bool = False,
    columns: dict[str, str] | None = None, time_base: float | None = None,
) -> IngestReport:
    """Ingest one file. Raises InputFormatError (nothing written) if the file is not of the format.

    strict: reject records with a bad checksum; columns: logical name -> file column (CSV readers);
    time_base: Unix time of the first frame of a capture with a relative clock (Beast, AVR --mlat).
    Readers that take options expose with_options(strict=, columns=) or with_options(time_base=)."""
    p = Path(path)
    if not p.is_file():
        raise InputFormatError(p, "no such file")
    reader = choose_reader(p, input_format)
    configure = getattr(reader, "with_options", None)
    if time_base is not None:
        if reader.name not in ("beast", "avr") or configure is None:
            raise InputFormatError(p, f"--time-base applies to beast and avr captures, not {reader.name}")
        reader = configure(time_base=time_base)
    elif (strict or columns) and configure is not None:
        reader = configure(strict=strict, columns=columns)
    digest = file_sha256(p)
    row = ws.con.execute("SELECT source_id FROM sources WHERE sha256 = ?", [digest]).fetchone()
    if row is not None:
        return IngestReport(str(p), reader.name, 0, 0, 0, already_ingested=True, source_id=int(row[0]))
    streaming = getattr(reader, "stream", None)
    if streaming is None:
        return write_result(ws, p, digest, reader.name, reader.read(p))
    return write_stream(ws, p, digest, reader.name, streaming(p), memory=INGEST_MEMORY)


def write_result(
    ws: Workspace, path: Path, digest: str, input_format: str, result: ReadResult,
    *, on_source: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None,
) -> IngestReport:
    """Write one reader result as one source, in one transaction. on_source(con, source_id) runs inside
    that transaction after the records (basewatch.live records its batch provenance there)."""
    return write_stream(ws, path, digest, input_format, from_result(result), on_source=on_source)


def write_stream(
    ws: Workspace, path: Path, digest: str, input_format: str, stream: Stream,
    *, on_source: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None, memory: str | None = None,
) -> IngestReport:
    """Write a reader's batches as one source, in one transaction (see write_result). memory: DuckDB's
    memory limit while the batches are written (the flight atoms after them run without it: their
    window functions over the whole source cannot spill).

    Each batch is de-duplicated against the workspace, which inside the transaction holds the file's
    earlier batches too: a record repeated anywhere in the file is kept once, at its first line. An
    error raised by the reader at any batch rolls the whole file back."""
    accepted = 0
    points = offered_points = 0
    duplicates = 0
    with ws.transaction() as con:
        got = con.execute(
            "INSERT INTO sources (path, sha256, input_format, ingested_at, accepted, rejected, duplicates, "
            "reasons, skipped) VALUES (?, ?, ?, now(), 0, 0, 0, '{}', 0) RETURNING source_id",
            [str(path.resolve()), digest, input_format],
        ).fetchone()
        assert got is not None
        source_id = int(got[0])
        with ws.memory_capped(memory):
            for batch in stream.batches:
                for name, table in batch.items():
                    inserted, offered = _insert(con, name, table, source_id)
                    if name == "aircraft_points":
                        points += inserted
                        offered_points += offered
                    if name in stream.counted:
                        accepted += inserted
                        duplicates += offered - inserted
        duplicates += stream.total_duplicates
        reasons = stream.rejects.as_json()
        if points:  # identity reads callsigns from this summary, and flights read this source's atoms
            merge_source_callsigns(con, source_id)
            add_source_atoms(ws, [source_id])
        con.execute(
            "UPDATE sources SET accepted = ?, rejected = ?, duplicates = ?, reasons = ?, skipped = ? "
            "WHERE source_id = ?",
            [accepted, stream.rejects.total, duplicates, json.dumps(reasons), stream.skipped_total, source_id],
        )
        if on_source is not None:
            on_source(con, source_id)
        if offered_points:
            identity_table(ws)  # the aircraft identity cache, so analysis finds it current
    if offered_points:
        # the flight pipeline's airfield and site tables, built once per workspace (and again when
        # airportsdata or the watchlist's sites change), so the first analysis need not
        from basewatch.flights.plan import ensure_references, load_plan

        ensure_references(ws, load_plan())
    return IngestReport(
        str(path), input_format, accepted, stream.rejects.total, duplicates, reasons,
        notes=tuple(stream.notes), source_id=source_id, skipped=dict(stream.skipped),
    )


def _insert(con: object, name: str, table: pa.Table, source_id: int) -> tuple[int, int]:
    """Insert an Arrow table into workspace table `name`; returns (inserted, offered) row counts."""
    import duckdb

    assert isinstance(con, duckdb.DuckDBPyConnection)
    if table.num_rows == 0:
        return 0, 0
    # The batch is read by DuckDB's replacement scan of this local variable, not con.register: a
    # registered Arrow table stays referenced until the transaction ends, so a file streamed in many
    # batches would hold every batch in memory until its commit (measured: 10 M rows in 40 batches,
    # 900 MB peak registered against 471 MB scanned). Ibis turns replacement scans off on a connection
    # it has used, so they are switched on for these statements and the setting is restored after.
    with _replacement_scans(con):
        return _insert_scanned(con, name, table, source_id)


@contextlib.contextmanager
def _replacement_scans(con: object) -> Iterator[None]:
    """DuckDB's replacement scans of Python variables on, for the block; the previous setting after."""
    import duckdb

    assert isinstance(con, duckdb.DuckDBPyConnection)
    row = con.execute("SELECT current_setting('python_enable_replacements')").fetchone()
    was_on = bool(row and str(row[0]).lower() in ("true", "1"))
    if not was_on:
        con.execute("SET python_enable_replacements = true")
    try:
        yield
    finally:
        if not was_on:
            con.execute("SET python_enable_replacements = false")


def _insert_scanned(con: object, name: str, table: pa.Table, source_id: int) -> tuple[int, int]:
    """`_insert`'s statements; DuckDB scans only the frame that calls it, so the batch's variable is
    this function's own."""
    import duckdb

    assert isinstance(con, duckdb.DuckDBPyConnection)
    incoming_batch = table  # noqa: F841 (read by the SQL below)
    incoming = "incoming_batch"
    target_cols = [r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()]
    cols = [c for c in target_cols if c in table.column_names]
    col_list = ", ".join(cols)
    with_source = "source_id" in target_cols and "source_id" not in table.column_names
    ins_cols = col_list + (", source_id" if with_source else "")
    sel_cols = ", ".join(f"n.{c}" for c in cols) + (f", {source_id}" if with_source else "")
    before = _count(con, name)
    if name in UPSERT_KEYS:
        key = UPSERT_KEYS[name]
        cond = " AND ".join(f"{name}.{k} = n.{k}" for k in key)
        con.execute(f"DELETE FROM {name} WHERE EXISTS (SELECT 1 FROM {incoming} n WHERE {cond})")
        con.execute(
            f"INSERT INTO {name} ({ins_cols}) SELECT {sel_cols} FROM "
            f"(SELECT *, row_number() OVER (PARTITION BY {', '.join(key)} ORDER BY row_no DESC) AS _rn "
            f"FROM {incoming}) n WHERE _rn = 1"
        )
    elif name in DEDUPE_KEYS:
        key = DEDUPE_KEYS[name]
        part = ", ".join(key)
        cond = " AND ".join(f"t.{k} IS NOT DISTINCT FROM n.{k}" for k in key)
        window, bounds = _time_window(table, key)
        con.execute(
            f"INSERT INTO {name} ({ins_cols}) SELECT {sel_cols} FROM "
            f"(SELECT *, row_number() OVER (PARTITION BY {part} ORDER BY row_no) AS _rn FROM {incoming}) n "
            f"WHERE _rn = 1 AND NOT EXISTS (SELECT 1 FROM {name} t WHERE {cond}{window}) "
            f"ORDER BY {part}, n.row_no",
            bounds,
        )
    else:
        con.execute(f"INSERT INTO {name} ({ins_cols}) SELECT {sel_cols} FROM {incoming} n")
    return _count(con, name) - before, table.num_rows


def _time_window(table: pa.Table, key: tuple[str, ...]) -> tuple[str, list[object]]:
    """When the de-duplication key has `time` and no incoming row lacks one, the stored rows that can
    collide lie within the incoming rows' time range: (' AND t.time BETWEEN ? AND ?', bounds), widened by
    a second against any sub-microsecond rounding. Same answer, but DuckDB skips the stored row groups
    outside the range, so a small batch into a large workspace stays cheap."""
    import pyarrow.compute as pc

    if "time" not in key or "time" not in table.column_names:
        return "", []
    times = table.column("time")
    if times.null_count or len(times) == 0:
        return "", []
    bounds = pc.min_max(times)
    return (" AND t.time BETWEEN CAST(? AS TIMESTAMPTZ) - INTERVAL 1 SECOND "
            "AND CAST(? AS TIMESTAMPTZ) + INTERVAL 1 SECOND"), [bounds["min"].as_py(), bounds["max"].as_py()]


def _count(con: object, name: str) -> int:
    import duckdb

    assert isinstance(con, duckdb.DuckDBPyConnection)
    row = con.execute(f"SELECT count(*) FROM {name}").fetchone()
    return int(row[0]) if row else 0
