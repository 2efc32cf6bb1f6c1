"""The `flights` product: flights, site visits and corridors, rebuilt when their inputs change.

Its inputs are the aircraft points (through the per-source atoms kept at ingest), the aircraft
identity (aircraft database, callsigns, actor rules: `basewatch.identity.cache`) and the watched
sites. The atoms, the identity cache and the reference tables are caches inside this product's build
(each refreshed there when its own fingerprint changed), not products of their own: nothing else reads
them. Fingerprint and build bind no query parameters, so `basewatch analyse` imports no pandas.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from basewatch.flights.params import FlightParams
from basewatch.products.base import BuildSummary
from basewatch.products.registry import register

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

# Bump when the build's result changes for the same inputs and parameters (every workspace rebuilds).
FLIGHTS_FORMAT = 1

_INPUTS_SQL = """
SELECT
    (SELECT count(*) FROM aircraft_points),
    (SELECT count(*) || ':' || coalesce(max(source_id), 0) || ':' || coalesce(sum(atoms), 0)
       FROM atom_sources),
    (SELECT coalesce(md5(string_agg(concat_ws(';', site_id, kind, lat, lon, radius_km, CAST(polygon AS VARCHAR),
                                              icao), ',' ORDER BY site_id)), '') FROM sites)
"""


@dataclass(frozen=True)
class FlightsBuild:
    """The flights product's parameters: the pipeline's thresholds, and where to run it.

    The engine (and Spark master, work folder) are not part of the fingerprint: both engines give
    identical tables (checked in CI), so a build on Spark is fresh for DuckDB and the reverse.
    """

    params: FlightParams = field(default_factory=FlightParams)
    engine: str = "duckdb"
    master: str | None = None
    workdir: Path | None = None

    def as_json(self) -> dict[str, object]:
        return self.params.as_json()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FlightsBuild:
        return cls(FlightParams.from_json(data))


class FlightsProduct:
    name = "flights"
    inputs: tuple[str, ...] = ("aircraft_points", "atom_sources", "aircraft", "aircraft_callsigns", "actors",
                               "sites")
    tables: tuple[str, ...] = ("flights", "visits", "flight_corridors")

    def default_params(self) -> FlightsBuild:
        return FlightsBuild()

    def fingerprint(self, ws: Workspace, params: Any) -> str:
        from basewatch.identity import cache

        row = ws.con.execute(_INPUTS_SQL).fetchone()
        text = f"{FLIGHTS_FORMAT}|{row!r}|{cache.fingerprint(ws)}"
        return hashlib.sha256(text.encode()).hexdigest()

    def build(self, ws: Workspace, params: Any) -> BuildSummary:
        from basewatch.flights.store import build_flights

        assert isinstance(params, FlightsBuild)
        started = time.perf_counter()
        report = build_flights(ws, params.engine, params.master, params.params, params.workdir)
        rows = {"flights": report.flights, "visits": report.visits, "flight_corridors": report.corridor_rows}
        return BuildSummary(self.name, rows, time.perf_counter() - started,
                            details={"engine": report.engine, "points": report.points})


register(FlightsProduct())
