"""Country of registration from the ICAO 24-bit address: State blocks of ICAO Annex 10 Vol III.

The table ships as `identity/data/icao_blocks.csv` (start, end inclusive, hex; State name; ISO alpha-2).
Lookups: `country_of` for one address (binary search), `countries_of` for an Arrow array, and
`blocks_sql` (pure SQL with parameters) or `register_blocks` (an Arrow view) to expose the table to
DuckDB for range joins over bulk tables. NumPy and PyArrow are imported only by the functions that use
them, so the SQL path does not pay for them.
"""

from __future__ import annotations

import bisect
import csv
import functools
import io
import itertools
import re
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from basewatch.errors import InvalidIcaoAddress

if TYPE_CHECKING:
    import duckdb
    import numpy as np
    import pyarrow as pa

BLOCKS_FILE = "icao_blocks.csv"
_HEX6 = re.compile(r"^[0-9a-fA-F]{1,6}$")


@dataclass(frozen=True)
class IcaoBlock:
    """One State's block of addresses, both ends inclusive."""

    start: int
    end: int
    country: str
    iso2: str | None

    def __contains__(self, address: object) -> bool:
        return isinstance(address, int) and self.start <= address <= self.end

    @property
    def start_hex(self) -> str:
        return f"{self.start:06x}"

    @property
    def end_hex(self) -> str:
        return f"{self.end:06x}"


def parse_icao24(icao24: str) -> int:
    """The integer value of an address like '154076' or '3C6444' (leading '~' of TIS-B is not allowed)."""
    if not isinstance(icao24, str) or not _HEX6.match(icao24.strip()):
        raise InvalidIcaoAddress(f"not an ICAO 24-bit address (1-6 hex digits): {icao24!r}")
    return int(icao24.strip(), 16)


def _parse_blocks(text: str) -> tuple[IcaoBlock, ...]:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    blocks = [
        IcaoBlock(int(r["start"], 16), int(r["end"], 16), r["country"], r["iso2"] or None)
        for r in csv.DictReader(io.StringIO("\n".join(lines)))
    ]
    blocks.sort(key=lambda b: b.start)
    for prev, cur in itertools.pairwise(blocks):
        if cur.start <= prev.end:
            raise RuntimeError(f"{BLOCKS_FILE}: blocks overlap: {prev} and {cur}")
    for b in blocks:
        if not 0 <= b.start <= b.end <= 0xFFFFFF:
            raise RuntimeError(f"{BLOCKS_FILE}: bad block {b}")
    return tuple(blocks)


@functools.cache
def blocks() -> tuple[IcaoBlock, ...]:
    """All State blocks, sorted by start, non-overlapping (read once per process)."""
    text = (resources.files("basewatch.identity") / "data" / BLOCKS_FILE).read_text(encoding="utf-8")
    return _parse_blocks(text)


@functools.cache
def _starts() -> list[int]:
    return [b.start for b in blocks()]


def block_of(address: int) -> IcaoBlock | None:
    """The block holding an integer address, or None when no State holds it."""
    i = bisect.bisect_right(_starts(), address) - 1
    if i >= 0:
        b = blocks()[i]
        if address <= b.end:
            return b
    return None


def country_of(icao24: str) -> IcaoBlock | None:
    """The State block of a hex address (any case), or None. Raises InvalidIcaoAddress for bad hex."""
    return block_of(parse_icao24(icao24))


def blocks_table() -> pa.Table:
    """The blocks as an Arrow table: start, end (int32), country, iso2."""
    import pyarrow as pa

    bs = blocks()
    return pa.table(
        {
            "start": pa.array([b.start for b in bs], pa.int32()),
            "end": pa.array([b.end for b in bs], pa.int32()),
            "country": pa.array([b.country for b in bs], pa.string()),
            "iso2": pa.array([b.iso2 for b in bs], pa.string()),
        }
    )


def register_blocks(con: duckdb.DuckDBPyConnection, name: str = "icao_blocks") -> str:
    """Expose the blocks to DuckDB as a view `name` for range joins; returns the name.

    Example: ``SELECT p.icao24, b.iso2 FROM pts p LEFT JOIN icao_blocks b
    ON icao24_int(p.icao24) BETWEEN b.start AND b."end"``; see `ICAO_INT_SQL` for the conversion.
    """
    con.register(name, blocks_table())
    return name


def blocks_sql(params: list[Any]) -> str:
    """The blocks as a SQL relation (start, "end" INTEGER, country, iso2 VARCHAR), without Arrow.

    Their values are appended to `params` as four lists, in the order of the relation's placeholders.
    """
    bs = blocks()
    params.extend([[b.start for b in bs], [b.end for b in bs], [b.country for b in bs], [b.iso2 for b in bs]])
    return (
        '(SELECT unnest(?::INTEGER[]) AS start, unnest(?::INTEGER[]) AS "end", '
        "unnest(?::VARCHAR[]) AS country, unnest(?::VARCHAR[]) AS iso2)"
    )


def icao_int_sql(column: str) -> str:
    """SQL expression turning a hex address column into an integer (NULL when not hex)."""
    return f"TRY_CAST('0x' || trim({column}) AS INTEGER)"


def countries_of(icao24: pa.Array | pa.ChunkedArray) -> pa.Table:
    """Vectorised lookup: for each address (string array), its `country` and `iso2` (null if none or bad)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = icao24.combine_chunks() if isinstance(icao24, pa.ChunkedArray) else icao24
    values = _hex_to_int(arr)
    bs = blocks()
    starts = np.array([b.start for b in bs], dtype=np.int64)
    ends = np.array([b.end for b in bs], dtype=np.int64)
    idx = np.searchsorted(starts, values, side="right") - 1
    safe = np.clip(idx, 0, len(bs) - 1)
    found = pa.array((values >= 0) & (idx >= 0) & (values <= ends[safe]))
    table = blocks_table()
    rows = pa.array(safe, pa.int32())
    null = pa.scalar(None, pa.string())
    return pa.table(
        {
            "country": pc.if_else(found, pc.take(table.column("country"), rows), null),
            "iso2": pc.if_else(found, pc.take(table.column("iso2"), rows), null),
        }
    )


def _hex_to_int(arr: pa.Array) -> np.ndarray:
    """Integer value of each hex string; -1 where null or not 1-6 hex digits. No Python loop per value."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    s = pc.utf8_trim_whitespace(arr.cast(pa.string()))
    valid = pc.fill_null(pc.match_substring_regex(s, r"^[0-9a-fA-F]{1,6}$"), False).to_numpy(zero_copy_only=False)
    padded = pc.utf8_lpad(pc.if_else(valid, s, "000000"), 6, "0")
    codes = np.frombuffer(padded.buffers()[2], dtype=np.uint8)[: 6 * len(padded)] if len(padded) else None
    out = np.full(len(arr), -1, dtype=np.int64)
    if codes is None:
        return out
    c = codes.reshape(-1, 6).astype(np.int64) | 0x20  # lower-case letters; digits unchanged
    digits = np.where(c >= ord("a"), c - ord("a") + 10, c - ord("0"))
    weights = 16 ** np.arange(5, -1, -1, dtype=np.int64)
    out[valid] = (digits @ weights)[valid]
    return out
