"""readsb / tar1090 / adsb.lol `trace_full_<hex>.json` traces (gzip or plain).

`{icao, r, t, desc, dbFlags, ownOp, timestamp, trace: [[dt, lat, lon, alt, gs, track, flags, vrate,
aircraft|null, source, geom_alt, geom_rate, ias, roll], ...]}` (readsb README-json, "trace jsons").
Files before 2022 have only the first 8 or 9 fields. Units in the file: feet, knots, ft/min.

- time = timestamp + dt; alt "ground" means on the ground (altitude unknown, on_ground true); a
  numeric altitude means airborne; a null altitude leaves on_ground unknown.
- flags & 2 = start of a new leg (new_leg); flags & 8 = the altitude field is geometric, not
  barometric (it goes to alt_geom_m); flags & 1 = stale position (kept as it is a real report).
- callsign and squawk come from the occasional aircraft object and are carried forward to the later
  points of the same leg.
- dbFlags & 1 = military; r/t/desc/ownOp become an `aircraft` row (origin 'readsb').
row_no: the 1-based index of the point in `trace`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from basewatch.errors import InputFormatError
from basewatch.ingest.adsb.common import AnyArray, build_points, count_rejects, forward_fill, load_json, to_float
from basewatch.ingest.base import AIRCRAFT_SCHEMA, ReadResult, Rejects
from basewatch.units import FPM_TO_MS, FT_TO_M, KT_TO_MS

REASON_POINT = "malformed trace point"
FLAG_NEW_LEG = 2
FLAG_ALT_GEOMETRIC = 8
DB_MILITARY = 1
MIN_FIELDS = 8
MAX_FLAGS = 1 << 16


@dataclass(frozen=True)
class ReadsbTraceReader:
    name: str = "readsb"
    kind: str = "adsb"

    def sniff(self, head: bytes, path: Path) -> bool:
        text = head.lstrip()
        return text[:1] == b"{" and b'"trace"' in text and b'"icao"' in text and b'"timestamp"' in text

    def read(self, path: Path) -> ReadResult:
        doc = load_json(path)
        if not isinstance(doc, dict) or not isinstance(doc.get("trace"), list) or "icao" not in doc:
            raise InputFormatError(path, "not a readsb trace: expected a JSON object with 'icao' and 'trace'")
        base = doc.get("timestamp")
        if isinstance(base, bool) or not isinstance(base, int | float):
            raise InputFormatError(path, f"readsb trace without a numeric 'timestamp' (got {base!r})")
        rejects = Rejects()
        points = trace_points(str(doc["icao"]), float(base), doc["trace"], rejects)
        return ReadResult(
            tables={"aircraft_points": points, "aircraft": aircraft_row(doc)},
            rejects=rejects,
            counted=("aircraft_points",),
        )


def _flags_ok(flags: Any) -> bool:
    """Point flags are a small bit set (or absent); anything else (10^20, 1.5, text) makes a malformed point."""
    return flags is None or (isinstance(flags, int) and not isinstance(flags, bool) and 0 <= flags < MAX_FLAGS)


def _field(trace: Sequence[Any], i: int) -> list[Any]:
    return [p[i] if len(p) > i else None for p in trace]


def _numbers(values: list[Any]) -> AnyArray:
    """JSON values to float64: numbers kept, anything else (text, objects, bools) null."""
    clean = [float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None for v in values]
    return to_float(pa.array(clean, pa.float64()))


def _detail(details: list[Any], key: str) -> list[str | None]:
    out: list[str | None] = []
    for d in details:
        v = d.get(key) if isinstance(d, dict) else None
        out.append(v.strip() or None if isinstance(v, str) else None)
    return out


def _on_ground(alt: Any) -> bool | None:
    """'ground' -> True, an altitude -> False, no altitude -> unknown."""
    if alt == "ground":
        return True
    return False if isinstance(alt, int | float) and not isinstance(alt, bool) else None


def trace_points(icao: str, base: float, trace: list[Any], rejects: Rejects) -> pa.Table:
    """The trace's points as an AIRCRAFT_POINTS_SCHEMA table (bad points counted in rejects)."""
    row_all = np.arange(1, len(trace) + 1, dtype=np.int64)
    ok = np.array([isinstance(p, list) and len(p) >= MIN_FIELDS and _flags_ok(p[6]) for p in trace], dtype=np.bool_)
    count_rejects(rejects, REASON_POINT, pa.array(row_all[~ok]))
    pts = [p for p, good in zip(trace, ok, strict=True) if good]
    rows = row_all[ok]
    n = len(pts)
    alt_raw = _field(pts, 3)
    flags = np.array([f if isinstance(f, int) and not isinstance(f, bool) else 0 for f in _field(pts, 6)],
                     dtype=np.int64)
    new_leg = (flags & FLAG_NEW_LEG) > 0
    alt_is_geom = pa.array((flags & FLAG_ALT_GEOMETRIC) > 0)
    alt_m = pc.multiply(_numbers(alt_raw), FT_TO_M)
    geom_m = pc.multiply(_numbers(_field(pts, 10)), FT_TO_M)
    null_f = pa.scalar(None, pa.float64())
    vrate = pc.coalesce(_numbers(_field(pts, 7)), _numbers(_field(pts, 11)))
    details = _field(pts, 8)
    leg_start = new_leg.copy()
    leg_start[:1] = True
    columns: dict[str, AnyArray] = {
        "icao24": pa.array([icao] * n, pa.string()),
        "lat": _numbers(_field(pts, 1)),
        "lon": _numbers(_field(pts, 2)),
        "alt_baro_m": pc.if_else(alt_is_geom, null_f, alt_m),
        "alt_geom_m": pc.coalesce(geom_m, pc.if_else(alt_is_geom, alt_m, null_f)),
        "gs_ms": pc.multiply(_numbers(_field(pts, 4)), KT_TO_MS),
        "track_deg": _numbers(_field(pts, 5)),
        "vrate_ms": pc.multiply(vrate, FPM_TO_MS),
        **forward_fill({"callsign": pa.array(_detail(details, "flight"), pa.string()),
                        "squawk": pa.array(_detail(details, "squawk"), pa.string())}, leg_start),
        "on_ground": pa.array([_on_ground(a) for a in alt_raw], pa.bool_()),
        "new_leg": pa.array(new_leg),
    }
    time_s = pc.add(_numbers(_field(pts, 0)), base)
    return build_points(columns, time_s, pa.array(rows), rejects)


def aircraft_row(doc: dict[str, Any]) -> pa.Table:
    """The aircraft facts the trace carries (registration, type, operator, military flag)."""

    def text(key: str) -> str | None:
        v = doc.get(key)
        return v.strip() or None if isinstance(v, str) else None

    flags = doc.get("dbFlags")
    military = bool(flags & DB_MILITARY) if isinstance(flags, int) and not isinstance(flags, bool) else None
    row = {
        "icao24": str(doc.get("icao", "")).strip().lower(),
        "registration": text("r"),
        "typecode": text("t"),
        "type_desc": text("desc"),
        "operator": text("ownOp"),
        "military": military,
        "origin": "readsb",
    }
    table = pa.Table.from_pylist([row], schema=AIRCRAFT_SCHEMA)
    valid = pc.match_substring_regex(table.column("icao24"), r"^[0-9a-f]{6}$")
    return table.append_column("row_no", pa.array([1], pa.int64())).filter(valid)


READER = ReadsbTraceReader()
