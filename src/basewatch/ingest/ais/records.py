"""AIS records as the workspace stores them: Arrow schemas, and raw decoded fields -> SI units.

Positions (types 1/2/3, 18, 19, 27) go to `ais_positions`; static and voyage data (types 5, 24 parts
A and B, and the static part of 19) to `ais_static`. Conventions of ITU-R M.1371 applied here:
speed 1023 (63 for type 27) = not available; course 3600 (511 for type 27) = not available; heading 511 =
not available; latitude 91 / longitude 181 = no position; dimension and draught 0 = not available;
IMO 0 = not available; ship type 0 = not available.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from basewatch.units import KT_TO_MS

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

POSITIONS_SCHEMA = pa.schema([
    ("mmsi", pa.string()),
    ("time", pa.timestamp("us", tz="UTC")),
    ("lat", pa.float64()),
    ("lon", pa.float64()),
    ("sog_ms", pa.float64()),
    ("cog_deg", pa.float64()),
    ("heading_deg", pa.float64()),
    ("nav_status", pa.int32()),
    ("msg_type", pa.int32()),
    ("time_source", pa.string()),  # see migration 0007
    ("row_no", pa.int64()),
])
STATIC_SCHEMA = pa.schema([
    ("mmsi", pa.string()),
    ("time", pa.timestamp("us", tz="UTC")),
    ("imo", pa.string()),
    ("name", pa.string()),
    ("callsign", pa.string()),
    ("ship_type", pa.int32()),
    ("length_m", pa.float64()),
    ("beam_m", pa.float64()),
    ("draught_m", pa.float64()),
    ("destination", pa.string()),
    ("msg_type", pa.int32()),
    ("row_no", pa.int64()),
])

NO_TIME = "no reception time"
BAD_MMSI = "invalid MMSI"
NO_POSITION = "position not available (lat 91 / lon 181)"
OUT_OF_RANGE = "position out of range"
TOO_SHORT = "payload too short for its message type"

# the decoded fields these conversions use (decode only these)
FIELDS = frozenset({
    "msg_type", "mmsi", "status", "sog", "lon", "lat", "cog", "heading", "shipname", "shiptype", "to_bow",
    "to_stern", "to_port", "to_starboard", "imo", "callsign", "draught", "destination", "partno",
})
POSITION_LAYOUTS = ("position_a", "position_b", "position_b_ext", "position_long_range")
STATIC_LAYOUTS = ("static_voyage", "static_a", "static_b", "position_b_ext")


@dataclass(frozen=True)
class Context:
    """Per message (indexed by a decoded table's `idx`): reception time and source line."""

    time: F64       # unix seconds, NaN when unknown
    row_no: I64
    time_source: pa.Array | None = None  # per message, the stored time_source text


@dataclass(frozen=True)
class Built:
    table: pa.Table
    rejected: Mapping[str, I64]   # reason -> row numbers


def _np(col: pa.ChunkedArray | pa.Array, fill: float = np.nan) -> F64:
    values = pc.cast(col, pa.float64())
    if values.null_count:
        values = pc.fill_null(values, fill)
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)


@lru_cache(maxsize=2)  # widths 4 and 5 alternate (a cache of one recomputed both for every call)
def _digits_table(width: int) -> npt.NDArray[np.uint8]:
    """ASCII digits of 0 .. 10**width - 1, zero-padded: one row of `width` bytes per number."""
    v = np.arange(10**width, dtype=np.int64)
    return ((v[:, None] // (10 ** np.arange(width - 1, -1, -1, dtype=np.int64))[None, :]) % 10 + 48).astype(
        np.uint8
    )


def mmsi_text(values: I64) -> pa.Array:
    """MMSI numbers (0 .. 999,999,999) as 9-digit text, leading zeros kept."""
    v = np.asarray(values, dtype=np.int64)
    digits = np.concatenate([_digits_table(4)[v // 100_000], _digits_table(5)[v % 100_000]], axis=1)
    text = np.ascontiguousarray(digits).view("S9").ravel()
    return pa.array(text, pa.binary(9)).cast(pa.binary()).cast(pa.string())


def epoch_to_timestamp(seconds: F64) -> pa.Array:
    us = np.round(np.nan_to_num(seconds) * 1e6).astype(np.int64)
    return pa.array(us, pa.timestamp("us", tz="UTC"), mask=np.isnan(seconds))


def _nullable(values: F64, bad: npt.NDArray[np.bool_]) -> pa.Array:
    return pa.array(np.where(bad, 0.0, values), pa.float64(), mask=bad | np.isnan(values))


def positions(decoded: Mapping[str, pa.Table], ctx: Context) -> Built:
    parts: list[pa.Table] = []
    rejected: dict[str, list[I64]] = {}
    for name in POSITION_LAYOUTS:
        t = decoded.get(name)
        if t is None or t.num_rows == 0:
            continue
        idx = t.column("idx").to_numpy()
        long_range = name == "position_long_range"
        scale = 600.0 if long_range else 600000.0
        lat_raw, lon_raw = _np(t.column("lat")), _np(t.column("lon"))
        mmsi = _np(t.column("mmsi"), -1).astype(np.int64)
        time = ctx.time[idx]
        row_no = ctx.row_no[idx]
        lat, lon = lat_raw / scale, lon_raw / scale
        short = np.isnan(lat_raw) | np.isnan(lon_raw)
        no_pos = ~short & ((lat_raw == 91 * scale) | (lon_raw == 181 * scale))
        out = ~short & ~no_pos & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
        bad_mmsi = ~short & ((mmsi <= 0) | (mmsi > 999_999_999))
        no_time = np.isnan(time)
        reasons = ((TOO_SHORT, short), (BAD_MMSI, bad_mmsi), (NO_POSITION, no_pos), (OUT_OF_RANGE, out),
                   (NO_TIME, no_time))
        keep = np.ones(len(idx), dtype=bool)
        for reason, mask in reasons:
            mask = mask & keep
            if mask.any():
                rejected.setdefault(reason, []).append(row_no[mask])
            keep &= ~mask
        sog, cog = _np(t.column("sog")), _np(t.column("cog"))
        if long_range:
            sog_ms = _nullable(sog * KT_TO_MS, sog >= 63)
            cog_deg = _nullable(cog, cog >= 360)
        else:
            sog_ms = _nullable(sog / 10.0 * KT_TO_MS, sog >= 1023)
            cog_deg = _nullable(cog / 10.0, cog >= 3600)
        if long_range:
            heading_deg = pa.nulls(len(idx), pa.float64())
        else:
            heading = _np(t.column("heading"))
            heading_deg = _nullable(heading, heading >= 360)
        status = t.column("status").cast(pa.int32()) if "status" in t.column_names else pa.nulls(len(idx), pa.int32())
        table = pa.table(
            {
                "mmsi": mmsi_text(np.where(keep, mmsi, 0)),
                "time": epoch_to_timestamp(time),
                "lat": pa.array(lat, pa.float64()),
                "lon": pa.array(lon, pa.float64()),
                "sog_ms": sog_ms,
                "cog_deg": cog_deg,
                "heading_deg": heading_deg,
                "nav_status": status,
                "msg_type": t.column("msg_type").cast(pa.int32()),
                "time_source": _time_source(ctx, idx),
                "row_no": pa.array(row_no, pa.int64()),
            },
            schema=POSITIONS_SCHEMA,
        )
        parts.append(table.filter(pa.array(keep)))
    return Built(_concat(parts, POSITIONS_SCHEMA), {r: np.concatenate(v) for r, v in rejected.items()})


def statics(decoded: Mapping[str, pa.Table], ctx: Context) -> Built:
    parts: list[pa.Table] = []
    rejected: dict[str, list[I64]] = {}
    for name in STATIC_LAYOUTS:
        t = decoded.get(name)
        if t is None or t.num_rows == 0:
            continue
        idx = t.column("idx").to_numpy()
        mmsi = _np(t.column("mmsi"), -1).astype(np.int64)
        row_no = ctx.row_no[idx]
        bad = (mmsi <= 0) | (mmsi > 999_999_999)
        if name != "position_b_ext" and bad.any():  # type 19 rejects are counted with its position
            rejected.setdefault(BAD_MMSI, []).append(row_no[bad])
        def num(name: str, table: pa.Table = t) -> F64:
            return _field_num(table, name)

        def text(name: str, table: pa.Table = t) -> pa.Array:
            return _field_text(table, name)

        imo = num("imo")
        ship_type = num("shiptype")
        length = num("to_bow") + num("to_stern")
        beam = num("to_port") + num("to_starboard")
        if name == "static_b":  # auxiliary craft (98...) carry their mother ship's MMSI instead of dimensions
            aux = (mmsi // 10_000_000) == 98
            length = np.where(aux, np.nan, length)
            beam = np.where(aux, np.nan, beam)
        draught = num("draught") / 10.0
        table = pa.table(
            {
                "mmsi": mmsi_text(np.where(bad, 0, mmsi)),
                "time": epoch_to_timestamp(ctx.time[idx]),
                "imo": pa.array(np.where(np.isnan(imo), 0, imo).astype(np.int64).astype(str), pa.string(),
                                mask=np.isnan(imo) | (imo <= 0)),
                "name": text("shipname"),
                "callsign": text("callsign"),
                "ship_type": pa.array(np.nan_to_num(ship_type).astype(np.int32), pa.int32(),
                                      mask=np.isnan(ship_type) | (ship_type == 0)),
                "length_m": _nullable(length, ~(length > 0)),
                "beam_m": _nullable(beam, ~(beam > 0)),
                "draught_m": _nullable(draught, ~(draught > 0)),
                "destination": text("destination"),
                "msg_type": t.column("msg_type").cast(pa.int32()),
                "row_no": pa.array(row_no, pa.int64()),
            },
            schema=STATIC_SCHEMA,
        )
        parts.append(table.filter(pa.array(~bad)))
    return Built(_concat(parts, STATIC_SCHEMA), {r: np.concatenate(v) for r, v in rejected.items()})


def _time_source(ctx: Context, idx: I64) -> pa.Array:
    if ctx.time_source is None:
        return pa.nulls(len(idx), pa.string())
    return ctx.time_source.take(pa.array(idx, pa.int64())).cast(pa.string())


def _field_num(t: pa.Table, name: str) -> F64:
    return _np(t.column(name)) if name in t.column_names else np.full(t.num_rows, np.nan)


def _field_text(t: pa.Table, name: str) -> pa.Array:
    if name not in t.column_names:
        return pa.nulls(t.num_rows, pa.string())
    col = t.column(name).combine_chunks()
    return pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)


def _concat(parts: list[pa.Table], schema: pa.Schema) -> pa.Table:
    if not parts:
        return schema.empty_table()
    return pa.concat_tables(parts).combine_chunks()
