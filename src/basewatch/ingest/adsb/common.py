"""Shared helpers of the flight-record readers: column conversion and point validation, all vectorised.

Readers turn their format into Arrow columns named as in AIRCRAFT_POINTS_SCHEMA, give the time as
float epoch seconds (UTC) and the 1-based row numbers, and call `build_points`, which converts the
columns to the schema's types, rejects bad rows with counted reasons and returns the table.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from basewatch.errors import InputFormatError
from basewatch.ingest import files
from basewatch.ingest.base import AIRCRAFT_POINTS_SCHEMA, MAX_EXAMPLES, Rejects
from basewatch.ingest.scratch import scratch
from basewatch.ingest.stream import physical_lines

# Times outside [1970-01-01, 2100-01-01) UTC are rejected: they come from wrong units or broken clocks.
MIN_EPOCH_S = 0.0
MAX_EPOCH_S = 4102444800.0

REASON_ICAO_MISSING = "missing icao24"
REASON_ICAO = "icao24 not 6 hex digits"
REASON_TIME = "missing or unreadable time"
REASON_TIME_RANGE = "time outside 1970-2100"
REASON_LAT = "latitude outside [-90, 90]"
REASON_LON = "longitude outside [-180, 180]"
REASON_POSITION = "unreadable latitude/longitude"
REASON_QUOTE = "unclosed quote"
REASON_ALT = "altitude out of range"
REASON_SPEED = "speed out of range"
REASON_VRATE = "vertical rate out of range"
REASON_TRACK = "track out of range"
# Values beyond these bounds are not measurements (ADS-B itself cannot encode them): the row is rejected.
# Altitudes in metres (ADS-B encodes -1000 ft to 126,700 ft), speeds in m/s (4,092 kt at most),
# vertical rates in m/s (32,608 ft/min at most), tracks in degrees.
VALUE_BOUNDS: tuple[tuple[str, str, float, float], ...] = (
    ("alt_baro_m", REASON_ALT, -2000.0, 100_000.0),
    ("alt_geom_m", REASON_ALT, -2000.0, 100_000.0),
    ("gs_ms", REASON_SPEED, -3000.0, 3000.0),
    ("vrate_ms", REASON_VRATE, -1000.0, 1000.0),
    ("track_deg", REASON_TRACK, -360.0, 720.0),
)

AnyArray: TypeAlias = pa.Array | pa.ChunkedArray  # pyarrow is untyped: this is Any to mypy


def read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped when it is gzip; a damaged gzip is an InputFormatError (see files.py)."""
    return files.read_bytes(path)


def load_json(path: Path) -> Any:
    """Parse a (possibly gzipped) JSON document; errors name the line and column. Integers beyond 64 bits
    become floats (then rejected as out-of-range values of their record)."""
    data = read_bytes(path)
    if not data or data.isspace():  # isspace stops at the first visible byte; strip() would copy
        raise InputFormatError(path, "file is empty")
    try:
        return files.parse_json(data)
    except UnicodeDecodeError as exc:
        raise InputFormatError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise InputFormatError(path, f"invalid or truncated JSON: {exc.msg} (column {exc.colno})", exc.lineno) from exc
    except RecursionError as exc:
        raise InputFormatError(path, "JSON nested too deeply") from exc


def _sql_map(values: AnyArray, expr: str) -> pa.ChunkedArray:
    """Apply a DuckDB expression over column `v` (e.g. TRY_CAST) in an in-memory engine; order kept."""
    with scratch() as con:
        con.register("tbl", pa.table({"v": values}))
        out = con.execute(f"SELECT {expr} AS v FROM tbl").fetch_arrow_table()
        return out.column("v")


def _is_text(t: pa.DataType) -> bool:
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t))


def nan_to_null(values: AnyArray) -> AnyArray:
    """Float NaN and infinities become null."""
    return pc.if_else(pc.is_finite(values), values, pa.scalar(None, pa.float64()))


def to_float(values: AnyArray) -> AnyArray:
    """Any column to float64; unreadable text, NaN and infinities become null."""
    if pa.types.is_null(values.type):
        return pa.nulls(len(values), pa.float64())
    if _is_text(values.type):
        values = _text_to_float(values)
    elif pa.types.is_boolean(values.type):
        values = pc.cast(values, pa.int8())
    return nan_to_null(pc.cast(values, pa.float64(), safe=False))  # integers past 2^53 become nearest floats


def _text_to_float(values: AnyArray) -> AnyArray:
    """Text to float64: Arrow's strict cast when every value is a number, else DuckDB's TRY_CAST (null)."""
    try:
        return pc.cast(pc.utf8_trim_whitespace(values), pa.float64())
    except pa.ArrowInvalid:
        return _sql_map(values, "TRY_CAST(trim(v) AS DOUBLE)")


def to_bool(values: AnyArray) -> AnyArray:
    """Any column to bool: true/t/1/-1/yes are true, false/f/0/no are false, anything else null."""
    if pa.types.is_boolean(values.type):
        return values
    if pa.types.is_null(values.type):
        return pa.nulls(len(values), pa.bool_())
    if not _is_text(values.type):
        return pc.not_equal(pc.cast(values, pa.float64()), 0.0)
    low = pc.utf8_lower(pc.utf8_trim_whitespace(values))
    true = pc.is_in(low, value_set=pa.array(["true", "t", "1", "-1", "yes"]))
    false = pc.is_in(low, value_set=pa.array(["false", "f", "0", "no"]))
    return pc.if_else(true, True, pc.if_else(false, False, pa.scalar(None, pa.bool_())))


def clean_text(values: AnyArray) -> AnyArray:
    """Text with surrounding whitespace removed; empty text becomes null."""
    if pa.types.is_null(values.type):
        return pa.nulls(len(values), pa.string())
    if not _is_text(values.type):
        values = pc.cast(values, pa.string())
    trimmed = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.equal(pc.utf8_length(trimmed), 0), pa.scalar(None, pa.string()), trimmed)


def epoch_seconds(values: AnyArray, number_unit: str = "s") -> AnyArray:
    """Any time column to float epoch seconds (UTC); null where unreadable.

    Timestamps (naive ones are taken as UTC) are converted; numbers are epoch values in `number_unit`
    ('s' or 'ms', or 'auto': decided from the magnitude of the median, s/ms/us/ns); text is read as a
    number or else as an ISO 8601 date-time (without an offset: UTC).
    """
    t = values.type
    if pa.types.is_null(t):
        return pa.nulls(len(values), pa.float64())
    if pa.types.is_timestamp(t):
        # in the column's own unit (s/ms/us/ns): no lossy cast, and any year (e.g. 9999) converts
        ticks = pc.cast(pc.cast(values, pa.int64()), pa.float64(), safe=False)
        return pc.divide(ticks, float(_TICKS_PER_S[t.unit]))
    if pa.types.is_date(t):
        return epoch_seconds(pc.cast(values, pa.timestamp("s")))
    if _is_text(t):
        numbers = _text_to_float(values)
        if pc.any(pc.is_valid(numbers)).as_py():
            numbers = epoch_seconds(numbers, number_unit)
        if numbers.null_count == values.null_count:
            return numbers
        stamps = _sql_map(values, "epoch_us(TRY_CAST(trim(v) AS TIMESTAMPTZ)) / 1e6")
        return pc.coalesce(numbers, stamps)
    if not (pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t)):
        raise pa.ArrowInvalid(f"a time column of type {t}")
    numbers = nan_to_null(pc.cast(values, pa.float64(), safe=False))
    return pc.divide(numbers, _unit_divisor(numbers, number_unit))


_TICKS_PER_S = {"s": 1, "ms": 1000, "us": 1_000_000, "ns": 1_000_000_000}


def _unit_divisor(numbers: AnyArray, unit: str) -> float:
    fixed = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}
    if unit in fixed:
        return fixed[unit]
    median = pc.approximate_median(pc.abs(numbers)).as_py()
    if median is None or median < 1e11:
        return 1.0
    if median < 1e14:
        return 1e3
    if median < 1e17:
        return 1e6
    return 1e9


def seconds_to_timestamp(seconds: AnyArray) -> AnyArray:
    """Float epoch seconds (already range-checked) to timestamp[us, UTC], rounded to the microsecond."""
    micros = pc.cast(pc.round(pc.multiply(seconds, 1e6)), pa.int64())
    return pc.cast(micros, pa.timestamp("us", tz="UTC"))


def normalise_icao(values: AnyArray) -> AnyArray:
    """ICAO 24-bit addresses as lowercase text without surrounding whitespace."""
    return pc.utf8_lower(clean_text(values))


def build_points(
    columns: Mapping[str, AnyArray], time_s: AnyArray, row_no: AnyArray, rejects: Rejects
) -> pa.Table:
    """Assemble an AIRCRAFT_POINTS_SCHEMA table, rejecting bad rows (first failing check wins).

    columns: point columns by schema name (missing ones become null; icao24 is normalised here);
    time_s: float epoch seconds UTC; row_no: 1-based row or line numbers. Checks: icao24 present and
    6 hex digits, time present and in 1970-2100, latitude/longitude given as text are numbers, latitude in
    [-90, 90], longitude in [-180, 180] (null positions are allowed), altitudes, speed, vertical rate and
    track within VALUE_BOUNDS (null allowed).
    """
    n = len(row_no)
    time_f = to_float(time_s)
    arrays: dict[str, AnyArray] = {}
    for f in AIRCRAFT_POINTS_SCHEMA:
        if f.name in ("time", "row_no"):
            continue
        col = columns.get(f.name)
        if col is None:
            arrays[f.name] = pa.nulls(n, f.type)
        elif pa.types.is_floating(f.type):
            arrays[f.name] = to_float(col)
        else:
            arrays[f.name] = pc.cast(col, f.type)
    arrays["icao24"] = normalise_icao(arrays["icao24"])
    rows = pc.cast(row_no, pa.int64())
    lat, lon = arrays["lat"], arrays["lon"]
    readable = pc.and_(_readable(columns.get("lat"), lat), _readable(columns.get("lon"), lon))
    checks = [
        (REASON_ICAO_MISSING, pc.is_valid(arrays["icao24"])),
        (REASON_ICAO, pc.fill_null(pc.match_substring_regex(arrays["icao24"], r"^[0-9a-f]{6}$"), True)),
        (REASON_TIME, pc.is_valid(time_f)),
        (REASON_TIME_RANGE, pc.fill_null(pc.and_(pc.greater_equal(time_f, MIN_EPOCH_S),
                                                 pc.less(time_f, MAX_EPOCH_S)), True)),
        (REASON_POSITION, readable),
        (REASON_LAT, pc.fill_null(pc.less_equal(pc.abs(lat), 90.0), True)),
        (REASON_LON, pc.fill_null(pc.less_equal(pc.abs(lon), 180.0), True)),
        *((reason, _within(arrays[name], low, high)) for name, reason, low, high in VALUE_BOUNDS),
    ]
    keep: AnyArray = pa.array(np.ones(n, dtype=np.bool_))
    for reason, ok in checks:
        bad = pc.and_(keep, pc.invert(ok))
        count_rejects(rejects, reason, pc.filter(rows, bad))
        keep = pc.and_(keep, ok)
    arrays["time"] = seconds_to_timestamp(pc.filter(time_f, keep))
    arrays["row_no"] = pc.filter(rows, keep)
    for name in list(arrays):
        if name not in ("time", "row_no"):
            arrays[name] = pc.filter(arrays[name], keep)
    return pa.table({f.name: arrays[f.name] for f in AIRCRAFT_POINTS_SCHEMA}, schema=AIRCRAFT_POINTS_SCHEMA)


def _within(values: AnyArray, low: float, high: float) -> AnyArray:
    """True where the value is null or in [low, high]."""
    return pc.fill_null(pc.and_(pc.greater_equal(values, low), pc.less_equal(values, high)), True)


def _readable(raw: AnyArray | None, converted: AnyArray) -> AnyArray:
    """False where a text value did not convert to a number (null and numeric inputs are readable)."""
    if raw is None or not _is_text(raw.type):
        return pa.array(np.ones(len(converted), dtype=np.bool_))
    return pc.invert(pc.and_(pc.is_valid(raw), pc.is_null(converted)))


def count_rejects(rejects: Rejects, reason: str, rows: AnyArray) -> None:
    """Count every row of `rows` (row numbers) as rejected for `reason`, keeping the first few as examples."""
    total = len(rows)
    if total == 0:
        return
    first = rows.slice(0, MAX_EXAMPLES).to_pylist()
    for i, line in enumerate(first):
        rejects.add(reason, int(line), n=total if i == 0 else 0)


def forward_fill(
    columns: Mapping[str, AnyArray],
    group_start: np.ndarray[Any, np.dtype[np.bool_]],
    *,
    times: np.ndarray[Any, np.dtype[np.float64]] | None = None,
    max_age_s: Mapping[str, float] | None = None,
) -> dict[str, AnyArray]:
    """Fill each column's nulls with the last value before it in the same group, vectorised.

    Rows must be in group order, each group contiguous; group_start marks the first row of each group.
    With times (seconds) and max_age_s (per column), a value older than its limit is not carried.
    """
    n = len(group_start)
    pos = np.arange(n, dtype=np.int64)
    first_of_group = np.maximum.accumulate(np.where(group_start, pos, 0)) if n else pos
    out: dict[str, AnyArray] = {}
    for name, col in columns.items():
        valid = pc.is_valid(col).to_numpy(zero_copy_only=False) if n else np.zeros(0, dtype=np.bool_)
        limit = (max_age_s or {}).get(name)
        aged = limit is not None and times is not None and n > 0
        if aged:
            assert times is not None
            valid = valid & np.isfinite(times)  # a value of unknown age is never carried
        last = np.maximum.accumulate(np.where(valid, pos, -1)) if n else pos
        usable = last >= first_of_group
        if aged:
            assert times is not None and limit is not None
            usable &= (times - times[np.maximum(last, 0)]) <= limit
        taken = col.take(pa.array(np.where(usable, last, 0)))
        out[name] = pc.if_else(pa.array(usable, pa.bool_()), taken, pa.scalar(None, col.type))
    return out


@dataclass(frozen=True)
class CsvRows:
    """Rows of a delimited text file, all fields as text, with the physical line of each row."""

    table: pa.Table
    line_no: pa.Array                 # 1-based line number of each row of table
    bad: tuple[tuple[int, str], ...]  # (line, text) of lines with the wrong number of fields
    not_utf8: tuple[int, ...] = ()    # lines that are not UTF-8 text (they come back as blank rows)
    unbalanced: tuple[int, ...] = ()  # lines with an unclosed quote (they come back as blank rows)

    def shifted(self, offset: int) -> CsvRows:
        """The same rows with every line number moved by offset (the lines before a block of the file)."""
        if offset == 0:
            return self
        return CsvRows(
            self.table, pa.array(self.line_no.to_numpy(zero_copy_only=False) + offset),
            tuple((n + offset, text) for n, text in self.bad), tuple(n + offset for n in self.not_utf8),
            tuple(n + offset for n in self.unbalanced),
        )

    def count_set_aside(self, rejects: Rejects, width_reason: str) -> None:
        """Count the lines set aside as rejects: wrong width (non-blank), not UTF-8, unclosed quote."""
        count_rejects(rejects, width_reason, pa.array([n for n, text in self.bad if text.strip()], pa.int64()))
        count_rejects(rejects, files.REASON_UTF8, pa.array(self.not_utf8, pa.int64()))
        count_rejects(rejects, REASON_QUOTE, pa.array(self.unbalanced, pa.int64()))


def read_csv_rows(
    data: bytes, path: Path, *, names: list[str], delimiter: str = ",", header: bool = True,
    include: list[str] | None = None, quoting: bool = True, null_values: list[str] | None = None,
) -> CsvRows:
    """Parse CSV text with pyarrow (in parallel); lines with the wrong number of fields are set aside.

    names: the column names (with header, those of the header line, which is skipped). Lines that are
    not UTF-8 are emptied first (files.utf8_lines) and listed in not_utf8, so one bad byte costs its line
    only. Only when lines of the wrong width exist is the text parsed again in one thread, which is what
    gives their line numbers (and so the line of every row). Blank lines come back as rows of nulls. Line
    numbers hold as long as no quoted field spans lines.
    """
    data, not_utf8 = files.utf8_lines(data)
    if not data and not_utf8:  # one line, not UTF-8, without its line end: a blank line in its place
        data = b"\n"
    if header:  # the header is no record (the caller read its names already)
        not_utf8 = tuple(n for n in not_utf8 if n != 1)
    table, bad = _parse_csv(data, path, names, delimiter, header, include, quoting, null_values, threads=True)
    if bad:
        table, bad = _parse_csv(data, path, names, delimiter, header, include, quoting, null_values, threads=False)
    unbalanced: tuple[int, ...] = ()
    physical = physical_lines(data) - (1 if header else 0)
    if table.num_rows + len(bad) != physical and quoting:
        # a quote left open joined lines into one row: such lines are set aside, so every row is one line
        data, unbalanced = _blank_unbalanced_quotes(data)
        table, bad = _parse_csv(data, path, names, delimiter, header, include, quoting, null_values, threads=False)
    if table.num_rows + len(bad) != physical:
        raise InputFormatError(path, "a quoted field runs over several lines: rows cannot be told from lines")
    known = [(n, text) for n, text in bad if n is not None]
    first = 2 if header else 1
    lines = np.arange(first, first + table.num_rows + len(bad), dtype=np.int64)
    if known:
        keep = np.ones(len(lines), dtype=np.bool_)
        keep[np.array([n for n, _ in known], dtype=np.int64) - first] = False
        lines = lines[keep]
    return CsvRows(table, pa.array(lines[: table.num_rows]), tuple(sorted(known)), not_utf8, unbalanced)


def _blank_unbalanced_quotes(data: bytes) -> tuple[bytes, tuple[int, ...]]:
    """The data with every line holding an odd number of quote characters emptied, and their numbers."""
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    odd = tuple(i for i, line in enumerate(lines, 1) if line.count(b'"') % 2)
    for i in odd:
        lines[i - 1] = b""
    return b"\n".join(lines), odd


def _parse_csv(
    data: bytes, path: Path, names: list[str], delimiter: str, header: bool, include: list[str] | None,
    quoting: bool, null_values: list[str] | None, *, threads: bool,
) -> tuple[pa.Table, list[tuple[int | None, str]]]:
    import io

    import pyarrow.csv as pacsv

    bad: list[tuple[int | None, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad.append((row.number, row.text))
        return "skip"

    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()), include_columns=include or [], strings_can_be_null=True,
    )
    if null_values is not None:
        convert.null_values = null_values
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(
                use_threads=threads, block_size=1 << 24, column_names=names, skip_rows=1 if header else 0,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, quote_char='"' if quoting else False, ignore_empty_lines=False,
                invalid_row_handler=on_invalid, newlines_in_values=False,
            ),
            convert_options=convert,
        )
    except (pa.ArrowException, UnicodeDecodeError) as exc:
        raise InputFormatError(path, f"unreadable CSV ({exc})") from exc
    return table, bad


def blank_rows(table: pa.Table) -> AnyArray:
    """True for rows whose every field is null (blank lines)."""
    if table.num_columns == 0:
        return pa.array(np.zeros(table.num_rows, dtype=np.bool_))
    blank = pc.is_null(table.column(0))
    for i in range(1, table.num_columns):
        blank = pc.and_kleene(blank, pc.is_null(table.column(i)))
    return blank
