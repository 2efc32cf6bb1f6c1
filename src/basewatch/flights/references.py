"""The small reference tables of flight attribution, built in Python from airportsdata and the watchlist.

No Ibis here (ingest and the first analysis build them; `basewatch.flights.plan` keeps them in the
workspace): airfields (every airport with an ICAO code, plus watched airbases airportsdata lacks),
watched sites with a position, and the edges of the sites' polygons.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    from basewatch.watchlist.model import Site

SITE_KIND_RANK = {"airbase": 0, "port": 0, "region": 1}

SITES_SCHEMA = pa.schema(
    [("site_id", pa.string()), ("kind_rank", pa.int64()), ("site_lat", pa.float64()), ("site_lon", pa.float64()),
     ("radius_km", pa.float64()), ("has_polygon", pa.bool_()), ("site_icao", pa.string()),
     ("site_elev_m", pa.float64())]
)
EDGES_SCHEMA = pa.schema(
    [("site_id", pa.string()), ("x1", pa.float64()), ("y1", pa.float64()), ("x2", pa.float64()),
     ("y2", pa.float64())]
)
AIRFIELDS_SCHEMA = pa.schema(
    [("code", pa.string()), ("af_lat", pa.float64()), ("af_lon", pa.float64()), ("elev_m", pa.float64())]
)


# -- reference tables (small, built in Python) -------------------------------------------------------
def _centroid(site: Site) -> tuple[float, float] | None:
    if site.lat is not None and site.lon is not None:
        return site.lat, site.lon
    if site.polygon:
        return (sum(p[1] for p in site.polygon) / len(site.polygon),
                sum(p[0] for p in site.polygon) / len(site.polygon))
    return None


def airfields_arrow(airports: pa.Table, sites: Sequence[Site]) -> pa.Table:
    """Airports (icao, lat, lon, elevation_m) plus watched airbases whose code airportsdata lacks."""
    base = pa.table(
        {"code": airports.column("icao"), "af_lat": airports.column("lat"), "af_lon": airports.column("lon"),
         "elev_m": airports.column("elevation_m")},
        schema=AIRFIELDS_SCHEMA,
    )
    known = set(airports.column("icao").to_pylist())
    extra = [s for s in sites if s.icao and s.icao not in known and _centroid(s) is not None]
    if not extra:
        return base
    rows = [(s.icao, *_centroid(s), None) for s in extra]  # type: ignore[misc]
    more = pa.table({k: [r[i] for r in rows] for i, k in enumerate(AIRFIELDS_SCHEMA.names)},
                    schema=AIRFIELDS_SCHEMA)
    return pa.concat_tables([base, more])


def sites_arrow(sites: Sequence[Site], airports: pa.Table) -> pa.Table:
    elev = dict(zip(airports.column("icao").to_pylist(), airports.column("elevation_m").to_pylist(), strict=True))
    rows = []
    for s in sites:
        c = _centroid(s)
        if c is None:
            continue
        rows.append((s.id, SITE_KIND_RANK.get(s.kind, 1), c[0], c[1], s.radius_km, bool(s.polygon), s.icao,
                     elev.get(s.icao or "") or 0.0))
    return pa.table({k: [r[i] for r in rows] for i, k in enumerate(SITES_SCHEMA.names)}, schema=SITES_SCHEMA)


def site_edges_arrow(sites: Sequence[Site]) -> pa.Table:
    rows: list[tuple[str, float, float, float, float]] = []
    for s in sites:
        ring = list(s.polygon or ())
        if len(ring) < 3:
            continue
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (x1, y1) != (x2, y2):
                rows.append((s.id, x1, y1, x2, y2))
    return pa.table({k: [r[i] for r in rows] for i, k in enumerate(EDGES_SCHEMA.names)}, schema=EDGES_SCHEMA)


def polygon_json(site_polygon: str | None) -> list[list[float]] | None:
    return json.loads(site_polygon) if site_polygon else None
