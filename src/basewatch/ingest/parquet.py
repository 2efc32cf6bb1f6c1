"""Reading the columns a reader needs from a Parquet file, refusing schema surprises with one clear line.

A column named twice, a nested column (list, struct, map) where a value is expected, or text that is not
valid UTF-8 makes the file unusable as a whole (Parquet has no lines to reject one by one, and a column
that is wrong in one row was written by a program that is wrong for all of them): InputFormatError
naming the column (and, for bad text, the first bad row).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow as pa

from basewatch.errors import InputFormatError


def schema_names(path: Path) -> list[str]:
    """The column names of a Parquet file (InputFormatError if it is not a readable Parquet file)."""
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(path).names)
    except (pa.ArrowException, OSError, UnicodeDecodeError) as exc:
        raise InputFormatError(path, f"unreadable Parquet file ({exc})") from exc


def read_columns(path: Path, columns: Sequence[str]) -> pa.Table:
    """The named columns of a Parquet file, checked: each named once, scalar, its text valid UTF-8."""
    parts = list(read_batches(path, columns, None))
    return pa.concat_tables(parts) if len(parts) != 1 else parts[0]


def read_batches(path: Path, columns: Sequence[str], max_rows: int | None) -> Iterator[pa.Table]:
    """The named columns (checked as by read_columns) in tables of at most max_rows rows (None: one table)."""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        schema = pf.schema_arrow
    except (pa.ArrowException, OSError, UnicodeDecodeError) as exc:
        raise InputFormatError(path, f"unreadable Parquet file ({exc})") from exc
    counts = Counter(schema.names)
    for name in columns:
        if counts[name] > 1:
            raise InputFormatError(path, f"column {name!r} appears {counts[name]} times in the Parquet schema")
        kind = schema.field(name).type
        if pa.types.is_nested(kind) or (pa.types.is_dictionary(kind) and pa.types.is_nested(kind.value_type)):
            raise InputFormatError(path, f"column {name!r} holds {kind}, not single values")
    try:
        if max_rows is None:
            parts: Iterator[pa.Table] = iter([pf.read(columns=list(columns))])
        else:
            parts = (pa.Table.from_batches([b]) for b in pf.iter_batches(batch_size=max_rows, columns=list(columns)))
        offset = 0
        for table in parts:
            for name in columns:
                _check_text(path, name, table.column(name), offset)
            offset += table.num_rows
            yield table
    except (pa.ArrowException, OSError, UnicodeDecodeError) as exc:
        raise InputFormatError(path, f"unreadable Parquet file ({exc})") from exc


def _check_text(path: Path, name: str, values: pa.ChunkedArray, offset: int = 0) -> None:
    kind = values.type
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return
    try:
        values.validate(full=True)
    except pa.ArrowInvalid as exc:
        row = _first_bad_utf8(values)
        where = f" (row {row + offset})" if row is not None else ""
        raise InputFormatError(path, f"column {name!r} holds text that is not valid UTF-8{where}") from exc


def _first_bad_utf8(values: pa.ChunkedArray) -> int | None:
    """The 1-based row of the first value that is not UTF-8 (an error path: a Python loop is fine)."""
    offset = 0
    for chunk in values.chunks:
        if pa.types.is_dictionary(chunk.type):
            chunk = chunk.dictionary.take(chunk.indices)
        raw = chunk.view(pa.large_binary() if pa.types.is_large_string(chunk.type) else pa.binary())
        for i, value in enumerate(raw.to_pylist()):
            if value is None:
                continue
            try:
                value.decode("utf-8")
            except UnicodeDecodeError:
                return offset + i + 1
        offset += len(chunk)
    return None
