"""Tiny synthetic tracks near a test port in the open Atlantic (no World Port Index port within 500 km)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import pyarrow as pa
import pytest

from basewatch.watchlist.model import Site, Watchlist
from basewatch.watchlist.store import store_watchlist
from basewatch.workspace.core import Workspace

# Test port: 0 N 30 W. Along a meridian one degree of latitude is R * pi / 180 km (R = 6371.0088 km).
PORT_LAT, PORT_LON = 0.0, -30.0
KM_PER_DEG = 6371.0088 * math.pi / 180.0
KT = 1852.0 / 3600.0
T0 = dt.datetime(2024, 12, 1, tzinfo=dt.UTC)


def north_of_port(km: float) -> float:
    """Latitude of a point `km` kilometres due north of the test port."""
    return PORT_LAT + km / KM_PER_DEG


@pytest.fixture
def port_ws(workspace: Workspace) -> Workspace:
    site = Site(id="testport", name="Test port", kind="port", country="XX", lat=PORT_LAT, lon=PORT_LON,
                radius_km=3.0)
    store_watchlist(workspace, Watchlist(sites=(site,)), "<test>", "")
    return workspace


def add_track(
    ws: Workspace,
    mmsi: str,
    points: Sequence[tuple[float, float, float, float | None]],
    source_id: int = 1,
    nav_status: Sequence[int | None] | None = None,
) -> None:
    """Insert positions (minutes after T0, lat, lon, speed in knots or None); row_no = index + 1."""
    start = ws.con.execute("SELECT count(*) FROM ais_positions WHERE source_id = ?", [source_id]).fetchone()
    base = int(start[0]) if start else 0
    table = pa.table(
        {
            "mmsi": [mmsi] * len(points),
            "time": pa.array([T0 + dt.timedelta(minutes=p[0]) for p in points], pa.timestamp("us", tz="UTC")),
            "lat": [p[1] for p in points],
            "lon": [p[2] for p in points],
            "sog_ms": [None if p[3] is None else p[3] * KT for p in points],
            "nav_status": pa.array(nav_status or [None] * len(points), pa.int32()),
            "source_id": [source_id] * len(points),
            "row_no": list(range(base + 1, base + len(points) + 1)),
        }
    )
    ws.con.register("_t", table)
    ws.con.execute(
        "INSERT INTO ais_positions (mmsi, time, lat, lon, sog_ms, nav_status, source_id, row_no) "
        "SELECT mmsi, time, lat, lon, sog_ms, nav_status, source_id, row_no FROM _t"
    )
    ws.con.unregister("_t")


Point = tuple[float, float, float, float | None]


def radial(minutes_km_kn: Sequence[tuple[float, float, float | None]]) -> list[Point]:
    """Points given as (minute, km north of the port, knots)."""
    return [(m, north_of_port(km), PORT_LON, kn) for m, km, kn in minutes_km_kn]
