"""Counts (sparse rows from the engine) to dense series x days arrays, zeros filled in.

A day counts as *covered* for a mode (air or sea) when it lies between the first and the last day of
that mode's records (aircraft points, AIS positions): a zero there is a real zero. Days outside are
not history. The last day is only *testable* when the data reaches `last_day_min_hour` on it.
Series are sorted by their key, so both engines give the same rows in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from basewatch.alerts.series import ALL_TRAFFIC, PLACE_COLUMNS, SERIES_COLUMNS

if TYPE_CHECKING:
    import pyarrow as pa

F64 = npt.NDArray[np.float64]
Bool = npt.NDArray[np.bool_]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Extent:
    """Covered days of one mode (days since 1970-01-01, inclusive) and the last testable day."""

    first_day: int
    last_day: int
    last_testable: int


@dataclass(frozen=True)
class Frame:
    keys: pa.Table   # SERIES_COLUMNS, one row per series, sorted by `series`
    x: F64           # counts, series x days
    valid: Bool      # covered days
    testable: Bool   # covered and complete
    kind: I64        # per series: index into `kinds`
    kinds: tuple[str, ...]  # "air arrivals", "sea movements", ...
    day0: int        # day number of column 0

    @property
    def days(self) -> int:
        return int(self.x.shape[1])


def _encode(table: pa.Table) -> tuple[I64, pa.Array]:
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(table.column("series")).combine_chunks()
    return np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64), encoded.dictionary


def _combination(table: pa.Table, columns: tuple[str, ...]) -> tuple[I64, I64]:
    """For each row, the index of its combination of `columns` (NULL a value of its own); and the first
    row of each combination."""
    import pyarrow.compute as pc

    code = np.zeros(table.num_rows, dtype=np.int64)
    for name in columns:
        enc = pc.dictionary_encode(table.column(name).combine_chunks(), null_encoding="encode")
        size = max(len(enc.dictionary), 1)
        if int(code.max(initial=0)) >= (2**62) // size:  # keep the mixed-radix code inside int64
            code = np.unique(code, return_inverse=True)[1].astype(np.int64)
        code = code * size + np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    return np.asarray(inverse, dtype=np.int64).reshape(-1), np.asarray(first, dtype=np.int64)


def series_label(keys: pa.Table) -> pa.Array:
    """'mode direction place | actor' (place: the site, or 'origin -> destination'); as `series._labelled`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def col(name: str) -> pa.Array:
        return keys.column(name).combine_chunks().cast(pa.string())

    place = pc.coalesce(col("site"), pc.binary_join_element_wise(col("origin"), col("destination"), " -> "))
    actor = pc.coalesce(col("actor"), pa.scalar(ALL_TRAFFIC, pa.string()))
    return pc.binary_join_element_wise(pc.binary_join_element_wise(col("mode"), col("direction"), place, " "),
                                       actor, " | ")


def _series_keys(counts: pa.Table) -> tuple[pa.Table, I64, I64]:
    """The keys (SERIES_COLUMNS) of the actor-group and all-traffic series of `counts` (rows per actor
    group), and per count row the index of its group's key and of its all-traffic key in that table."""
    import pyarrow as pa

    group_of, group_first = _combination(counts, (*PLACE_COLUMNS, "actor"))
    place_of, place_first = _combination(counts, PLACE_COLUMNS)
    grouped = counts.take(pa.array(group_first)).select([*PLACE_COLUMNS, "actor"])
    everyone = counts.take(pa.array(place_first)).select(list(PLACE_COLUMNS))
    everyone = everyone.append_column("actor", pa.nulls(everyone.num_rows, pa.string()))
    parts = []
    for part in (grouped, everyone):
        part = pa.table({c: part.column(c).combine_chunks().cast(pa.string()) for c in part.column_names})
        parts.append(part.add_column(0, "series", series_label(part)).select(list(SERIES_COLUMNS)))
    return pa.concat_tables(parts), group_of, grouped.num_rows + place_of


def build_frame(counts: pa.Table, spans: pa.Table, extents: dict[str, Extent]) -> Frame:
    """counts: rows per place, actor group and day (`series.counts`); spans: labelled port-call spans."""
    import pyarrow as pa
    import pyarrow.compute as pc

    count_keys, group_of, all_of = _series_keys(counts)
    both = pa.concat_tables([count_keys, spans.select(list(SERIES_COLUMNS)).cast(count_keys.schema)])
    idx, dictionary = _encode(both)
    # byte order of UTF-8 is code-point order: as sorting the names in Python (they are unique)
    order = np.asarray(pc.sort_indices(dictionary).to_numpy(zero_copy_only=False), dtype=np.int64)
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    row = rank[idx] if idx.size else idx
    first = np.full(order.size, -1, dtype=np.int64)
    first[row[::-1]] = np.arange(row.size)[::-1]
    keys = both.take(pa.array(first)) if order.size else both.slice(0, 0)
    if not extents:
        extents = {"air": Extent(0, -1, -1)}
    day0 = min(e.first_day for e in extents.values())
    days = max(max(e.last_day for e in extents.values()) - day0 + 1, 0)
    s = order.size
    x = np.zeros((s, days))
    c_day = np.asarray(counts.column("day").to_numpy(), dtype=np.int64) - day0
    ok = (c_day >= 0) & (c_day < days)
    n = np.asarray(counts.column("n").to_numpy(), dtype=np.float64)[ok]
    for c_row in (row[group_of], row[all_of]):  # each count in its group's series and in all traffic
        flat = c_row[ok] * days + c_day[ok]
        x += np.bincount(flat, weights=n, minlength=s * days).reshape(s, days)
    if spans.num_rows:
        diff = np.zeros((s, days + 1))
        s_row = row[count_keys.num_rows:]
        a = np.clip(spans.column("day").to_numpy() - day0, 0, days)
        b = np.clip(spans.column("last_day").to_numpy() - day0 + 1, 0, days)
        keep = b > a
        np.add.at(diff, (s_row[keep], a[keep]), 1.0)
        np.add.at(diff, (s_row[keep], b[keep]), -1.0)
        x += np.cumsum(diff, axis=1)[:, :days]
    modes = np.asarray(keys.column("mode").to_pylist(), dtype=object)
    kind_names = np.asarray(pc.binary_join_element_wise(keys.column("mode"), keys.column("direction"), " ")
                            .to_pylist(), dtype=object)
    kinds, kind = np.unique(kind_names, return_inverse=True) if s else (np.zeros(0, dtype=object), np.zeros(0))
    t = np.arange(days) + day0
    valid = np.zeros((s, days), dtype=bool)
    testable = np.zeros((s, days), dtype=bool)
    for mode, e in extents.items():
        m = modes == mode
        valid[m] = (t >= e.first_day) & (t <= e.last_day)
        testable[m] = (t >= e.first_day) & (t <= e.last_testable)
    x = np.where(valid, x, 0.0)
    return Frame(keys, x, valid, testable, np.asarray(kind, dtype=np.int64), tuple(str(k) for k in kinds), day0)


def frame_from_counts(counts: F64, names: list[str], first_day: int, *, mode: str = "air",
                      direction: str = "arrivals", testable: Bool | None = None) -> Frame:
    """A frame from plain daily counts (series x days, from `first_day`, days since 1970-01-01).

    For series from elsewhere (a CSV of daily counts, a simulation): every day covered; one kind.
    """
    import pyarrow as pa

    x = np.asarray(counts, dtype=np.float64)
    s = x.shape[0]
    keys = pa.table({
        "series": pa.array(names, pa.string()), "mode": pa.array([mode] * s, pa.string()),
        "direction": pa.array([direction] * s, pa.string()), "site": pa.array(names, pa.string()),
        "origin": pa.nulls(s, pa.string()), "destination": pa.nulls(s, pa.string()),
        "actor": pa.nulls(s, pa.string()),
    })
    valid = np.ones(x.shape, dtype=bool)
    return Frame(keys, x, valid, valid.copy() if testable is None else testable, np.zeros(s, dtype=np.int64),
                 (f"{mode} {direction}",), first_day)
