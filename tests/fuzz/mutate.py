"""Mutations of seed inputs: bytes and lines for text formats, columns for Parquet, gzip damage for all.

Every operator is a function (random.Random, bytes) -> bytes (or of an Arrow table for Parquet), so a run is
reproducible from its seed number. The operators are those the bad-inputs reproducers came from: byte flips,
truncation, inserted garbage lines, invalid UTF-8, huge numbers, NaN, negative and far-future times, very
long lines, corrupt gzip; for Parquet also duplicate, list-typed, retyped and missing columns.
"""

from __future__ import annotations

import contextlib
import gzip
import random
import re
from collections.abc import Callable

import numpy as np
import pyarrow as pa

from tests.fuzz.seeds import Seed, parquet_bytes

ByteOp = Callable[[random.Random, bytes], bytes]
TableOp = Callable[[random.Random, pa.Table], pa.Table]

HUGE = (b"100000000000000000000", b"18446744073709551616", b"-9223372036854775809", b"1e308", b"-1e308", b"1e400",
        b"NaN", b"nan", b"inf", b"-inf", b"Infinity", b"-0", b"0", b"-1", b"4294967296", b"9" * 400, b"1" * 5000)
TIMES = (b"253402300799", b"253402300799000", b"20668449279", b"-1", b"-62135596800", b"1e19", b"99999999999999999",
         b"2624/12/16", b"9999-12-31T23:59:59", b"0001-01-01T00:00:00", b"2024-02-30T00:00:00", b"1970-01-01",
         b"2100-01-01T00:00:00Z", b"20210701_999999", b"9999/99/99", b"24:61:61.999")
GARBAGE = (b"\xff\xfe garbage", b"\x00\x00\x00", b"\xc3\x28", b"\xed\xa0\x80", b"\xf0\x28\x8c\xbc", b"\x1f\x8b\x08",
           b"PAR1", b"MSG,3,1,1", b"!AIVDM,1,1,,A,", b'{"trace": [', b"[[[[[[[[[[", b'"' * 7, b",,,,,,,,,,,,",
           b"\r", b"\r\n\r\n", b"\t", "é ü 中".encode(), b"\\s:foo*00\\")
_NUMBER = re.compile(rb"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _pos(rng: random.Random, data: bytes) -> int:
    return rng.randrange(len(data) + 1)


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(out))
        out[i] = rng.choice((out[i] ^ (1 << rng.randrange(8)), rng.randrange(256)))
    return bytes(out)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: _pos(rng, data)]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def insert_line(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines) + 1)
    return b"".join([*lines[:i], rng.choice(GARBAGE) + b"\n", *lines[i:]])


def invalid_utf8(rng: random.Random, data: bytes) -> bytes:
    i = _pos(rng, data)
    return data[:i] + rng.choice((b"\xff", b"\xc3", b"\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80")) + data[i:]


def _replace_number(rng: random.Random, data: bytes, values: tuple[bytes, ...]) -> bytes:
    matches = list(_NUMBER.finditer(data[:200_000]))
    if not matches:
        return data
    for m in rng.sample(matches, k=min(len(matches), rng.randint(1, 3))):
        data = data[: m.start()] + rng.choice(values) + data[m.end():]
        break  # offsets shift after a replacement: one per call, callers stack calls
    return data


def huge_number(rng: random.Random, data: bytes) -> bytes:
    return _replace_number(rng, data, HUGE)


def bad_time(rng: random.Random, data: bytes) -> bytes:
    return _replace_number(rng, data, TIMES)


def long_line(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    fill = rng.choice((b"A", b"9", b",", b" ", b".", b"0123456789abcdef", b'"'))
    return b"".join([*lines[:i], lines[i].rstrip(b"\r\n") + fill * (rng.randint(1_000, 60_000) // len(fill)) + b"\n",
                     *lines[i + 1:]])


def duplicate_line(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    return b"".join([*lines[: i + 1], *([lines[i]] * rng.randint(1, 5)), *lines[i + 1:]])


def delete_line(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    del lines[rng.randrange(len(lines))]
    return b"".join(lines)


def shuffle_lines(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    rng.shuffle(lines)
    return b"".join(lines)


def cut_field(rng: random.Random, data: bytes) -> bytes:
    """Remove or add a separator in one line (short and long rows)."""
    lines = _lines(data)
    i = rng.randrange(len(lines))
    line = lines[i]
    commas = [m.start() for m in re.finditer(rb",", line)]
    if commas and rng.random() < 0.6:
        j = rng.choice(commas)
        line = line[:j] + line[j + 1:]
    else:
        j = rng.randrange(len(line) + 1)
        line = line[:j] + b"," * rng.randint(1, 3) + line[j:]
    lines[i] = line
    return b"".join(lines)


def blank_lines(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines) + 1)
    return b"".join([*lines[:i], rng.choice((b"\n", b"\r\n", b"   \n", b"\n\n\n")), *lines[i:]])


def line_endings(rng: random.Random, data: bytes) -> bytes:
    return rng.choice((data.replace(b"\n", b"\r\n"), data.replace(b"\n", b"\r"), data.rstrip(b"\n"),
                       b"\xef\xbb\xbf" + data))


BYTE_OPS: tuple[ByteOp, ...] = (flip_bytes, truncate, insert_line, invalid_utf8, huge_number, huge_number, bad_time,
                                bad_time, long_line, duplicate_line, delete_line, shuffle_lines, cut_field, blank_lines,
                                line_endings)


def damaged_gzip(rng: random.Random, data: bytes) -> bytes:
    packed = gzip.compress(data, mtime=0)
    kind = rng.randrange(4)
    if kind == 0:
        return packed[: rng.randrange(2, len(packed))]
    if kind == 1:
        return flip_bytes(rng, packed[:10]) + packed[10:] if rng.random() < 0.3 else \
            packed[:10] + flip_bytes(rng, packed[10:])
    if kind == 2:
        return packed + rng.choice((b"garbage", b"\x00" * 16, gzip.compress(b"second member\n", mtime=0)))
    return packed + packed[: rng.randrange(1, len(packed))]  # a second member, cut


# ---------------------------------------------------------------------------------------------- Parquet


def _column(rng: random.Random, table: pa.Table, want: Callable[[pa.DataType], bool] | None = None) -> int | None:
    idx = [i for i, f in enumerate(table.schema) if want is None or want(f.type)]
    return rng.choice(idx) if idx else None


def dup_column(rng: random.Random, table: pa.Table) -> pa.Table:
    i = _column(rng, table)
    return table if i is None else table.append_column(table.schema.field(i), table.column(i))


def list_column(rng: random.Random, table: pa.Table) -> pa.Table:
    i = _column(rng, table)
    if i is None:
        return table
    values = pa.array([[v] for v in table.column(i).to_pylist()])
    return table.set_column(i, table.schema.field(i).name, values)


def bad_utf8_column(rng: random.Random, table: pa.Table) -> pa.Table:
    i = _column(rng, table, lambda t: pa.types.is_string(t) or pa.types.is_large_string(t))
    if i is None or table.num_rows == 0:
        return table
    raw = [None if v is None else v.encode() for v in table.column(i).to_pylist()]
    raw[rng.randrange(len(raw))] = b"\xff\xfe" + (raw[0] or b"")
    return table.set_column(i, table.schema.field(i).name, pa.array(raw, pa.binary()).view(pa.string()))


def retime(rng: random.Random, table: pa.Table) -> pa.Table:
    """A time column as nanoseconds, or one value in year 9999, negative, or as text."""
    i = _column(rng, table, lambda t: pa.types.is_timestamp(t) or pa.types.is_integer(t) or pa.types.is_floating(t))
    if i is None or table.num_rows == 0:
        return table
    name, col = table.schema.field(i).name, table.column(i)
    kind = rng.randrange(4)
    if kind == 0 and pa.types.is_timestamp(col.type):
        return table.set_column(i, name, col.cast(pa.timestamp("ns", tz=col.type.tz)))
    values = col.to_pylist()
    j = rng.randrange(len(values))
    if pa.types.is_timestamp(col.type):
        unit = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[col.type.unit]
        ticks = col.cast(pa.int64()).to_pylist()
        far = 253402300799 * unit if unit < 10**9 else 2**63 - 1
        ticks[j] = rng.choice((far, -unit, 0, 20668449279 * unit // 1000))
        return table.set_column(i, name, pa.array(ticks, pa.int64()).cast(col.type))
    if kind == 3:
        return table.set_column(i, name, pa.array([None if v is None else str(v) for v in values], pa.string()))
    values[j] = rng.choice((253402300799, -1, 2**62, 1e308, float("nan"), float("inf"))) if \
        pa.types.is_floating(col.type) else rng.choice((253402300799, -1, 2**62, 2**63 - 1, -(2**63)))
    return table.set_column(i, name, pa.array(values, col.type))


def huge_value(rng: random.Random, table: pa.Table) -> pa.Table:
    i = _column(rng, table, lambda t: pa.types.is_floating(t) or pa.types.is_integer(t))
    if i is None or table.num_rows == 0:
        return table
    name, col = table.schema.field(i).name, table.column(i)
    values = col.to_pylist()
    j = rng.randrange(len(values))
    if pa.types.is_floating(col.type):
        values[j] = rng.choice((1e308, -1e308, float("nan"), float("inf"), -0.0, 1e20))
    else:
        info = np.iinfo(col.type.to_pandas_dtype())
        values[j] = rng.choice((int(info.max), int(info.min)))
    return table.set_column(i, name, pa.array(values, col.type))


def retype_column(rng: random.Random, table: pa.Table) -> pa.Table:
    i = _column(rng, table)
    if i is None:
        return table
    name = table.schema.field(i).name
    kind = rng.randrange(4)
    n = table.num_rows
    if kind == 0:
        return table.set_column(i, name, pa.array([rng.choice(["abc", "", "1e999", "NaN", None]) for _ in range(n)]))
    if kind == 1:
        return table.set_column(i, name, pa.array([rng.random() < 0.5 for _ in range(n)]))
    if kind == 2:
        return table.set_column(i, name, pa.nulls(n))
    return table.set_column(i, name, pa.array([{"a": 1}] * n))


def drop_or_rename(rng: random.Random, table: pa.Table) -> pa.Table:
    i = _column(rng, table)
    if i is None:
        return table
    if rng.random() < 0.5:
        return table.remove_column(i)
    names = table.column_names
    names[i] = rng.choice(("state_vectors_data4." + names[i], names[i].upper(), " " + names[i], "x"))
    return table.rename_columns(names)


def slice_rows(rng: random.Random, table: pa.Table) -> pa.Table:
    return table.slice(0, rng.randrange(table.num_rows + 1))


TABLE_OPS: tuple[TableOp, ...] = (dup_column, list_column, bad_utf8_column, retime, retime, huge_value, huge_value,
                                  retype_column, drop_or_rename, slice_rows)


def mutate(rng: random.Random, seed: Seed) -> bytes:
    """One mutated input of the seed's format: 1-3 operators, sometimes gzip-wrapped (text) or damaged."""
    if seed.table is not None and rng.random() < 0.85:
        table = seed.table
        for _ in range(rng.randint(1, 3)):
            with contextlib.suppress(pa.ArrowException, ValueError, OverflowError, TypeError):
                table = rng.choice(TABLE_OPS)(rng, table)  # a mutation Arrow cannot build is left out
        try:
            data = parquet_bytes(table)
        except (pa.ArrowException, ValueError, OverflowError):
            data = seed.data
        return flip_bytes(rng, data) if rng.random() < 0.1 else data
    data = seed.data
    for _ in range(rng.randint(1, 3)):
        data = rng.choice(BYTE_OPS)(rng, data)
    if seed.fmt != "report" and seed.table is None:
        roll = rng.random()
        if roll < 0.1:
            return damaged_gzip(rng, data)
        if roll < 0.2:
            return gzip.compress(data, mtime=0)
    return data


COLUMN_KEYS = ("mmsi", "time", "millisecond", "lat", "lon", "sog", "cog", "heading", "status", "msg_type", "name",
               "callsign", "imo", "ship_type", "length", "width", "draught", "destination", "nonsense", "")
COLUMN_NAMES = ("MMSI", "Time", "Latitude", "Longitude", "Vessel_Name", "Millisecond", "IMO", "", "  ", "no such",
                "Time=Time", "\u00e9", "\x00", ",", "=")


def mutate_columns(rng: random.Random, mapping: str) -> str:
    """A `--columns` mapping with one pair added, dropped, remapped or damaged (text, not only valid pairs)."""
    pairs = mapping.split(",")
    kind = rng.randrange(6)
    if kind == 0 and pairs:
        del pairs[rng.randrange(len(pairs))]
    elif kind == 1:
        pairs.insert(rng.randrange(len(pairs) + 1), f"{rng.choice(COLUMN_KEYS)}={rng.choice(COLUMN_NAMES)}")
    elif kind == 2 and pairs:
        i = rng.randrange(len(pairs))
        pairs[i] = pairs[i].split("=")[0] + "=" + rng.choice(COLUMN_NAMES)
    elif kind == 3 and pairs:
        i = rng.randrange(len(pairs))
        pairs[i] = pairs[i].replace("=", rng.choice(("", "==", " = ", ":")), 1)
    elif kind == 4:
        pairs.append(pairs[0] if pairs else "mmsi=MMSI")
    return ",".join(pairs)
