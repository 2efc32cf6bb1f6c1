"""OpenSky `state_vectors_data4` exports (Trino / Impala) as Parquet or CSV.

Columns: time, icao24, lat, lon, velocity (m/s), heading (deg), vertrate (m/s), callsign, onground,
alert, spi, squawk, baroaltitude (m), geoaltitude (m), lastposupdate, lastcontact, serials, hour.
Column names may carry a table prefix (`state_vectors_data4.time`, as Impala writes them). `time` is
epoch seconds (integer or float), a timestamp, or ISO 8601 text. Units are already SI.

row_no: the 1-based row for Parquet; the 1-based physical line for CSV (the header is line 1), which
holds as long as no quoted field spans lines. Read in batches of rows (ingest.stream): CSV in blocks of
lines, Parquet by record batches; memory of one batch whatever the file's size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from basewatch.errors import InputFormatError
from basewatch.ingest import files, parquet
from basewatch.ingest.adsb.common import (
    AnyArray,
    blank_rows,
    build_points,
    clean_text,
    epoch_seconds,
    read_csv_rows,
    to_bool,
)
from basewatch.ingest.base import AIRCRAFT_POINTS_SCHEMA, ReadResult, Rejects
from basewatch.ingest.stream import Batch, Block, Stream, batch_lines, collect, line_blocks

REQUIRED = ("time", "icao24", "lat", "lon")
OPTIONAL = ("velocity", "heading", "vertrate", "callsign", "onground", "squawk", "baroaltitude", "geoaltitude")
# Besides the required four, a header must name one of these to be taken as state vectors.
DISTINCTIVE = frozenset({"velocity", "heading", "vertrate", "baroaltitude", "geoaltitude", "onground", "lastcontact"})
REASON_COLUMNS = "wrong number of columns"


def column_key(name: str) -> str:
    """`state_vectors_data4.Time` and `"time"` both become `time`."""
    return name.strip().strip('"').split(".")[-1].strip().lower()


def is_state_vector_header(names: list[str]) -> bool:
    keys = {column_key(n) for n in names}
    return set(REQUIRED) <= keys and bool(keys & DISTINCTIVE)


def _csv_header(head: bytes) -> tuple[list[str], str] | None:
    first = files.first_line(head).decode("utf-8", errors="replace").strip("\r\ufeff ")
    for delimiter in (",", "\t", ";", "|"):
        names = [n.strip().strip('"') for n in first.split(delimiter)]
        if len(names) >= len(REQUIRED) and is_state_vector_header(names):
            return names, delimiter
    return None


@dataclass(frozen=True)
class OpenSkyReader:
    name: str = "opensky"
    kind: str = "adsb"

    def sniff(self, head: bytes, path: Path) -> bool:
        if head[:4] == b"PAR1":
            try:
                return is_state_vector_header(parquet.schema_names(path))
            except InputFormatError:
                return False
        return _csv_header(head) is not None

    def read(self, path: Path) -> ReadResult:
        return collect(self.stream(path))

    def stream(self, path: Path, max_lines: int | None = None) -> Stream:
        """The file's points in batches of at most max_lines rows (CSV lines or Parquet rows)."""
        with path.open("rb") as fh:
            magic = fh.read(4)
        rejects = Rejects()
        parquet_file = magic == b"PAR1"
        parts = _parquet_parts(path, batch_lines(max_lines)) if parquet_file else _csv_parts(path, max_lines, rejects)
        return Stream(_batches(path, parts, rejects), rejects, ("aircraft_points",),
                      {"aircraft_points": AIRCRAFT_POINTS_SCHEMA})


def _batches(path: Path, parts: Iterator[tuple[pa.Table, AnyArray]], rejects: Rejects) -> Iterator[Batch]:
    for table, rows in parts:
        try:
            points = _to_points(table, rows, rejects)
        except (pa.ArrowException, ValueError) as exc:
            raise InputFormatError(path, f"state-vector columns of an unusable type ({exc})") from exc
        yield {"aircraft_points": points}


def _parquet_parts(path: Path, max_rows: int) -> Iterator[tuple[pa.Table, AnyArray]]:
    wanted = _wanted(parquet.schema_names(path), path)
    first = 1
    for table in parquet.read_batches(path, list(wanted.values()), max_rows):
        yield (table.rename_columns([column_key(n) for n in table.column_names]),
               pa.array(np.arange(first, first + table.num_rows, dtype=np.int64)))
        first += table.num_rows


def _csv_parts(path: Path, max_lines: int | None, rejects: Rejects) -> Iterator[tuple[pa.Table, AnyArray]]:
    blocks = (b for b in line_blocks(path, max_lines) if b.data and not b.data.isspace())
    head = next(blocks, None)
    if head is None:
        raise InputFormatError(path, "file is empty")
    header = _csv_header(head.data[:65536])
    if header is None:
        first = files.first_line(head.data[:65536])[:200].decode("utf-8", errors="replace")
        raise InputFormatError(
            path, f"not an OpenSky state-vector CSV: header needs {', '.join(REQUIRED)} and velocity/"
            f"baroaltitude/... (line 1 is {first!r})", head.first_line
        )
    names, delimiter = header
    wanted = _wanted(names, path)
    for block in _chain(head, blocks):
        is_head = block is head
        rows = read_csv_rows(block.data, path, names=names, delimiter=delimiter, include=list(wanted.values()),
                             header=is_head).shifted(block.first_line - 1)
        rows.count_set_aside(rejects, REASON_COLUMNS)
        table = rows.table.rename_columns([column_key(n) for n in rows.table.column_names])
        keep = pc.invert(blank_rows(table))  # blank lines are not records, not rejects
        yield table.filter(keep), pc.filter(rows.line_no, keep)


def _chain(head: Block, rest: Iterator[Block]) -> Iterator[Block]:
    yield head
    yield from rest


def _wanted(names: list[str], path: Path) -> dict[str, str]:
    """Map state-vector key -> column name as in the file; InputFormatError if a required one is missing."""
    found: dict[str, str] = {}
    for n in names:
        key = column_key(n)
        if key in REQUIRED + OPTIONAL and key not in found:
            found[key] = n
    missing = [k for k in REQUIRED if k not in found]
    if missing:
        raise InputFormatError(
            path, f"not an OpenSky state-vector table: missing column(s) {', '.join(missing)} "
            f"(found: {', '.join(names[:20])})"
        )
    return found


def _to_points(table: pa.Table, rows: AnyArray, rejects: Rejects) -> pa.Table:
    def col(key: str) -> AnyArray | None:
        return table.column(key) if key in table.column_names else None

    columns: dict[str, AnyArray] = {"icao24": table.column("icao24"), "lat": table.column("lat"),
                                    "lon": table.column("lon")}
    renames = {"velocity": "gs_ms", "heading": "track_deg", "vertrate": "vrate_ms",
               "baroaltitude": "alt_baro_m", "geoaltitude": "alt_geom_m"}
    for key, target in renames.items():
        values = col(key)
        if values is not None:
            columns[target] = values
    for key in ("callsign", "squawk"):
        values = col(key)
        if values is not None:
            columns[key] = clean_text(values)
    onground = col("onground")
    if onground is not None:
        columns["on_ground"] = to_bool(onground)
    return build_points(columns, epoch_seconds(table.column("time"), "s"), rows, rejects)


READER = OpenSkyReader()
