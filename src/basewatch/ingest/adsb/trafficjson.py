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
from basewatch.ingest.adsb.common import AnyArray, build_points, clean_text, epoch_seconds, load_json, to_bool
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
        doc = load_json(path)
        columns = _columns(doc, path)
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise InputFormatError(path, f"not a traffic JSON table: missing column(s) {', '.join(missing)}")
        n = len(columns["icao24"])
        rejects = Rejects()
        points_cols: dict[str, AnyArray] = {"icao24": clean_text(_array(columns["icao24"]))}
        for src, (target, factor) in NUMERIC.items():
            if src in columns:
                points_cols[target] = pc.multiply(_numbers(columns[src]), factor)
        for key in ("callsign", "squawk"):
            if key in columns:
                points_cols[key] = clean_text(_array([_text(v) for v in columns[key]]))
        if "onground" in columns:
            points_cols["on_ground"] = to_bool(_array(columns["onground"]))
        time_s = epoch_seconds(_array(columns["timestamp"]), "auto")
        rows = pa.array(np.arange(1, n + 1, dtype=np.int64))
        points = build_points(points_cols, time_s, rows, rejects)
        notes: tuple[str, ...] = ()
        no_pos = pc.sum(pc.cast(pc.is_null(points.column("lat")), pa.int64())).as_py() or 0
        if no_pos:
            notes = (f"{no_pos} records without a position kept with null latitude/longitude",)
        return ReadResult(tables={"aircraft_points": points}, rejects=rejects, counted=("aircraft_points",),
                          notes=notes)


def _columns(doc: Any, path: Path) -> dict[str, list[Any]]:
    """Column name -> values, from either pandas layout."""
    if isinstance(doc, list):
        if not all(isinstance(r, dict) for r in doc):
            raise InputFormatError(path, "not a traffic JSON table: a list whose items are not all objects")
        keys: dict[str, None] = {}
        for r in doc[:1000]:
            keys.update(dict.fromkeys(r))
        return {k: [r.get(k) for r in doc] for k in keys}
    if isinstance(doc, dict) and doc and all(isinstance(v, dict) for v in doc.values()):
        index = list(next(iter(doc.values())).keys())
        return {k: [col.get(i) for i in index] for k, col in doc.items()}
    raise InputFormatError(path, "not a traffic JSON table: expected a list of records or an object of columns")


def _text(v: Any) -> Any:
    return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v


def _array(values: list[Any]) -> AnyArray:
    """JSON values to one Arrow array; mixed kinds fall back to text."""
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())


def _numbers(values: list[Any]) -> AnyArray:
    clean = [v if isinstance(v, int | float) and not isinstance(v, bool) else None for v in values]
    return pa.array(clean, pa.float64())


READER = TrafficJsonReader()
