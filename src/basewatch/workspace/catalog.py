"""What a workspace holds, for front ends: its sites, actors, source files and contents at a glance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.workspace.core import Workspace

SOURCE_COLUMNS = ("source_id", "path", "sha256", "input_format", "ingested_at", "accepted", "rejected",
                  "duplicates")
# (label, table) counted by `info`, in the order shown
COUNTED: tuple[tuple[str, str], ...] = (
    ("source files", "sources"), ("aircraft positions", "aircraft_points"), ("aircraft known", "aircraft"),
    ("ship positions", "ais_positions"), ("reports", "reports"), ("claims", "claims"), ("sites", "sites"),
    ("actors", "actors"), ("flights", "flights"), ("site visits", "visits"), ("port calls", "port_calls"),
    ("voyages", "voyages"), ("dark periods", "dark_periods"),
)


def sites(ws: Workspace) -> pa.Table:
    """The watched sites (polygon as its JSON ring of [lon, lat] pairs), by id."""
    return ws.con.execute(
        "SELECT site_id, name, kind, country, lat, lon, radius_km, icao, aliases, CAST(polygon AS VARCHAR) "
        "AS polygon FROM sites ORDER BY site_id"
    ).fetch_arrow_table()


def actors(ws: Workspace) -> pa.Table:
    """The watched actors with the number of their rules and the airframes and vessels listed for them."""
    import pyarrow as pa

    from basewatch.watchlist.store import read_actors

    found = read_actors(ws)
    return pa.table({
        "actor_id": pa.array([a.id for a in found], pa.string()),
        "name": pa.array([a.name for a in found], pa.string()),
        "rules": pa.array([len(a.rules) for a in found], pa.int64()),
        "aircraft": pa.array([[k.registration or k.icao24 for k in a.aircraft] for a in found],
                             pa.list_(pa.string())),
        "vessels": pa.array([[v.name or v.mmsi for v in a.vessels] for a in found], pa.list_(pa.string())),
    })


def sources(ws: Workspace) -> pa.Table:
    """Every ingested file: the integer `source_id` other tables cite, its path, sha256, format, counts."""
    return ws.con.execute(f"SELECT {', '.join(SOURCE_COLUMNS)} FROM sources ORDER BY source_id").fetch_arrow_table()


@dataclass(frozen=True)
class ProductInfo:
    name: str
    built_at: dt.datetime | None   # None: never built
    fresh: bool


@dataclass(frozen=True)
class WorkspaceInfo:
    """A workspace at a glance (`basewatch info`)."""

    path: str
    schema_version: int
    size_bytes: int
    counts: tuple[tuple[str, int], ...]            # (label, rows), labels of COUNTED
    first_time: dt.datetime | None                 # earliest aircraft or ship position
    last_time: dt.datetime | None
    products: tuple[ProductInfo, ...]

    def as_json(self) -> dict[str, object]:
        return {"path": self.path, "schema_version": self.schema_version, "size_bytes": self.size_bytes,
                **{label.replace(" ", "_"): n for label, n in self.counts},
                "first_time": self.first_time, "last_time": self.last_time,
                "products": {p.name: {"built_at": p.built_at, "fresh": p.fresh} for p in self.products}}


def info(ws: Workspace) -> WorkspaceInfo:
    from basewatch.products import all_products, is_stale, last_state

    tables = {str(r[0]) for r in ws.con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()}
    counts: list[tuple[str, int]] = []
    for label, table in COUNTED:
        row = ws.con.execute(f"SELECT count(*) FROM {table}").fetchone() if table in tables else None
        counts.append((label, int(row[0]) if row else 0))
    span = ws.con.execute(
        "SELECT least((SELECT min(time) FROM aircraft_points), (SELECT min(time) FROM ais_positions)), "
        "greatest((SELECT max(time) FROM aircraft_points), (SELECT max(time) FROM ais_positions))"
    ).fetchone()
    products = []
    for product in all_products():
        state = last_state(ws, product.name)
        products.append(ProductInfo(product.name, state.built_at if state else None,
                                    state is not None and not is_stale(ws, product.name)))
    size = ws.path.stat().st_size if ws.path.exists() else 0
    return WorkspaceInfo(str(ws.path), ws.schema_version(), size, tuple(counts),
                         span[0] if span else None, span[1] if span else None, tuple(products))
