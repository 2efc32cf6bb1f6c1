"""Tiny synthetic flight records for tests: straight legs sampled at a fixed step, inserted through
the real ingest path (basewatch.ingest.pipeline.write_result)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from basewatch.ingest.base import AIRCRAFT_POINTS_SCHEMA, ReadResult, Rejects
from basewatch.ingest.pipeline import write_result
from basewatch.workspace.core import Workspace

T0 = dt.datetime(2024, 12, 14, 6, 3, 7, tzinfo=dt.UTC)

# airportsdata reference points (lat, lon) and elevations (m)
LFPG = (49.0128, 2.55)
LFPO = (48.7233, 2.3794)
OSLK = (35.4011, 35.9487)   # Khmeimim (a watched site of the default watchlist)
HLLB = (32.0968, 20.2695)   # Benina (a watched site of the default watchlist)


@dataclass
class Track:
    """Points of one aircraft, appended leg by leg."""

    icao24: str
    callsign: str | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def end_time(self) -> dt.datetime:
        return self.rows[-1]["time"] if self.rows else T0

    def leg(self, start: dt.datetime, seconds: float, step_s: float, a: tuple[float, float],
            b: tuple[float, float], alt: tuple[float | None, float | None], ground: bool | None = False,
            gs: float | None = None, track: float | None = None) -> Track:
        """Points from a to b (inclusive), altitude linear from alt[0] to alt[1]."""
        n = int(seconds // step_s)
        for i in range(n + 1):
            f = i / n if n else 0.0
            a0, a1 = alt
            self.rows.append({
                "time": start + dt.timedelta(seconds=i * step_s),
                "lat": a[0] + (b[0] - a[0]) * f,
                "lon": a[1] + (b[1] - a[1]) * f,
                "alt_baro_m": None if a0 is None or a1 is None else a0 + (a1 - a0) * f,
                "gs_ms": gs if gs is not None else (5.0 if ground else 200.0),
                "track_deg": track,
                "on_ground": ground,
                "callsign": self.callsign,
            })
        return self

    def then(self, gap_s: float, seconds: float, step_s: float, a: tuple[float, float], b: tuple[float, float],
             alt: tuple[float | None, float | None], **kw: Any) -> Track:
        """A leg starting `gap_s` after the last point."""
        return self.leg(self.end_time + dt.timedelta(seconds=gap_s), seconds, step_s, a, b, alt, **kw)


def points_table(tracks: list[Track], extra: list[dict[str, Any]] | None = None) -> pa.Table:
    rows: list[dict[str, Any]] = []
    for t in tracks:
        rows += [{"icao24": t.icao24, **r} for r in t.rows]
    rows += extra or []
    cols: dict[str, list[Any]] = {name: [] for name in AIRCRAFT_POINTS_SCHEMA.names}
    for i, r in enumerate(rows, start=1):
        for name in AIRCRAFT_POINTS_SCHEMA.names:
            cols[name].append(r.get(name, i if name == "row_no" else None))
    return pa.table(cols, schema=AIRCRAFT_POINTS_SCHEMA)


def insert(ws: Workspace, table: pa.Table, name: str = "synthetic", shift_s: float = 0.0) -> int:
    """Insert points as one source file would be; returns its source_id.

    shift_s: move every point this many seconds later (another receiver's copy of the same track).
    """
    if shift_s:
        import pyarrow.compute as pc

        i = table.schema.get_field_index("time")
        shifted = pc.add(table.column(i), pa.scalar(dt.timedelta(seconds=shift_s), pa.duration("us")))
        table = table.set_column(i, "time", shifted.cast(table.schema.field(i).type))
    digest = hashlib.sha256(name.encode() + str(table.num_rows).encode()).hexdigest()
    report = write_result(ws, Path(f"/synthetic/{name}"), digest, "test",
                          ReadResult({"aircraft_points": table}, Rejects(), ("aircraft_points",)))
    assert report.source_id is not None
    return report.source_id


def cruise(icao24: str, start: dt.datetime, minutes: float, step_s: float = 10.0,
           a: tuple[float, float] = (46.0, 0.5), b: tuple[float, float] = (46.0, 3.5)) -> Track:
    """Level flight at 11,000 m over central France, far from any airfield's approach."""
    return Track(icao24, "CRZ1").leg(start, minutes * 60, step_s, a, b, (11000.0, 11000.0), track=90.0)
