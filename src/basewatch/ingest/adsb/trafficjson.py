"""JSON samples of the `traffic` library (pandas `to_json`, gzip or plain).

Two layouts: records `[{"icao24": ..., "timestamp": ..., ...}, ...]` and columns
`{"timestamp": {"0": ..., "1": ...}, "icao24": {...}, ...}`. Columns used: icao24, timestamp (epoch
milliseconds as pandas writes them, or seconds/us/ns told apart by magnitude, or ISO 8601 text),
latitude, longitude, altitude (ft, barometric), geoaltitude (ft), groundspeed (kt), track (deg),
vertical_rate (ft/min), callsign, squawk, onground.

Accepted = every record with a valid icao24 and time whose position is valid or absent: records
without latitude/longitude are kept with a null position (they still carry altitude, speed or
callsign at that time), and a note says how many. row_no: the 1-based record number (for the
columns layout, the order of the index keys as written).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from basewatch.errors import InputFormatError
from basewatch.ingest.adsb.common import (
    AnyArray,
    build_points,
    clean_text,
    epoch_seconds,
    load_json,
    to_bool,
    to_float,
)
from basewatch.ingest.base import ReadResult, Rejects
from basewatch.units import FPM_TO_MS, FT_TO_M, KT_TO_MS

REQUIRED = ("icao24", "timestamp")
# pandas orient="columns": {"<column>": {"0": value, "1": ...}, ...}
COLUMNS_LAYOUT = re.compile(rb'^\{\s*"[A-Za-z_][A-Za-z0-9_ ]*"\s*:\s*\{\s*"0"\s*:')
# traffic column -> (points column, factor to SI); None factor = not numeric.
NUMERIC = {
    "latitude": ("lat", 1.0),
    "longitude": ("lon", 1.0),
    "altitude": ("alt_baro_m", FT_TO_M),
    "geoaltitude": ("alt_geom_m", FT_TO_M),
    "groundspeed": ("gs_ms", KT_TO_MS),
    "track": ("track_deg", 1.0),
    "vertical_rate": ("vrate_ms", FPM_TO_MS),
}


@dataclass(frozen=True)
class TrafficJsonReader:
    name: str = "traffic-json"
    kind: str = "adsb"

    def sniff(self, head: bytes, path: Path) -> bool:
        text = head.lstrip()
        if text[:1] == b"[":
            return b'"icao24"' in text and b'"timestamp"' in text
        return COLUMNS_LAYOUT.match(text) is not None

    def read(self, path: Path) -> ReadResult:
        columns = _columns(load_json(path), path)
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise InputFormatError(path, f"not a traffic JSON table: missing column(s) {', '.join(missing)}")
        n = len(columns["icao24"])
        rejects = Rejects()
        points_cols: dict[str, AnyArray] = {"icao24": clean_text(columns["icao24"])}
        for src, (target, factor) in NUMERIC.items():
            if src in columns:  # positions stay raw: build_points rejects text that is not a number
                points_cols[target] = columns[src] if factor == 1.0 else pc.multiply(to_float(columns[src]), factor)
        for key in ("callsign", "squawk"):
            if key in columns:
                points_cols[key] = clean_text(columns[key])
        if "onground" in columns:
            points_cols["on_ground"] = to_bool(columns["onground"])
        time_s = epoch_seconds(columns["timestamp"], "auto")
        rows = pa.array(np.arange(1, n + 1, dtype=np.int64))
        points = build_points(points_cols, time_s, rows, rejects)
        notes: tuple[str, ...] = ()
        no_pos = points.column("lat").null_count
        if no_pos:
            notes = (f"{no_pos} records without a position kept with null latitude/longitude",)
        return ReadResult(tables={"aircraft_points": points}, rejects=rejects, counted=("aircraft_points",),
                          notes=notes)


def _columns(doc: Any, path: Path) -> dict[str, AnyArray]:
    """Column name -> Arrow array of scalars, from either pandas layout."""
    if isinstance(doc, list):
        if not all(isinstance(r, dict) for r in doc):
            raise InputFormatError(path, "not a traffic JSON table: a list whose items are not all objects")
        try:  # one C++ conversion when every column holds one kind of value
            table = pa.Table.from_struct_array(pa.array(doc)) if doc else pa.table({})
            columns = {name: table.column(name) for name in table.column_names}
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            keys: dict[str, None] = {}
            for r in doc:
                keys.update(dict.fromkeys(r))
            columns = {k: _array([r.get(k) for r in doc]) for k in keys}
    elif isinstance(doc, dict) and doc and all(isinstance(v, dict) for v in doc.values()):
        index = list(next(iter(doc.values())).keys())
        columns = {k: _array([col.get(i) for i in index]) for k, col in doc.items()}
    else:
        raise InputFormatError(path, "not a traffic JSON table: expected a list of records or an object of columns")
    return {k: v for k, v in columns.items() if _is_scalar(v.type)}


def _is_scalar(t: pa.DataType) -> bool:
    return not (pa.types.is_nested(t) or pa.types.is_dictionary(t))


def _array(values: list[Any]) -> AnyArray:
    """JSON values to one Arrow array; mixed kinds fall back to text (converted value by value later)."""
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())


READER = TrafficJsonReader()
