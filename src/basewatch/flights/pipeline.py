"""The whole flight pipeline on one engine: points -> flights -> attributed flights, visits, corridors.

`run()` returns Arrow tables whose times are integer microseconds (t_us); `basewatch.flights.store`
turns them into the workspace tables. Identical inputs give identical outputs on DuckDB and Spark.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import pyarrow as pa
from ibis import _

from basewatch.flights import aggregate, atoms, attribute, segment
from basewatch.flights import references as reference_data
from basewatch.flights.params import FlightParams

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from basewatch.flights.engine import Engine
    from basewatch.watchlist.model import Site

IDENTITY_COLUMNS = ("icao24", "actor", "typecode", "registration", "country", "military")
IDENTITY_SCHEMA = pa.schema(
    [("icao24", pa.string()), ("actor", pa.string()), ("typecode", pa.string()), ("registration", pa.string()),
     ("country", pa.string()), ("military", pa.bool_())]
)


@dataclass(frozen=True)
class PipelineResult:
    flights: pa.Table    # one row per flight, times in t_us, keyed by (icao24, flight_seq)
    visits: pa.Table
    corridors: pa.Table
    engine: str


def identity_for_flights(identity: pa.Table) -> pa.Table:
    """The identity API's table (icao24, actor_id, ...) reduced to the columns flights carry."""
    cols = {
        "icao24": identity.column("icao24"),
        "actor": identity.column("actor_id"),
        "typecode": identity.column("typecode"),
        "registration": identity.column("registration"),
        "country": identity.column("country"),
        "military": identity.column("military"),
    }
    return pa.table(cols).cast(IDENTITY_SCHEMA)


def _ends(att: ir.Table, ends: ir.Table, which: str, prefix: str) -> ir.Table:
    e = ends.filter(_.which == which).join(att.filter(_.which == which), ["icao24", "flight_seq", "which"])
    return e.select(
        "icao24",
        "flight_seq",
        **{
            f"{prefix}_site": e.site,
            f"{prefix}_airport": e.airport,
            f"{prefix}_method": e.method,
            f"{prefix}_distance_km": e.distance_km,
            f"{prefix}_projected_km": e.projected_km,   # (for the note only)
            f"{prefix}_vrate_ms": e.vrate_ms,           # (for the note only)
            f"{prefix}_lat": e.lat,
            f"{prefix}_lon": e.lon,
            f"{prefix}_alt_m": e.alt_m,
            f"{prefix}_low_m": e.alt_low_m,
            f"{prefix}_source_id": e.source_id,
            f"{prefix}_row_no": e.row_no,
        },
    )


@dataclass(frozen=True)
class References:
    """The small reference tables the pipeline joins, as Ibis tables of one engine (or unbound)."""

    airfields: ir.Table
    sites: ir.Table
    site_edges: ir.Table
    identity: ir.Table


class StageRunner(Protocol):
    """What the pipeline needs of an engine: the points and a way to compute a stage once."""

    points: ir.Table
    atoms: ir.Table | None  # per-source atoms computed earlier (else computed from the points)

    def materialize(self, expr: ir.Table) -> ir.Table: ...


# reference table name -> Arrow schema (what `references` builds; a compiled plan names them so)
REFERENCE_SCHEMAS: dict[str, pa.Schema] = {
    "airfields": reference_data.AIRFIELDS_SCHEMA,
    "sites": reference_data.SITES_SCHEMA,
    "site_edges": reference_data.EDGES_SCHEMA,
    "identity": IDENTITY_SCHEMA,
}


def reference_tables(sites: Sequence[Site], airports: pa.Table, identity: pa.Table) -> dict[str, pa.Table]:
    """The reference data as Arrow tables, keyed like REFERENCE_SCHEMAS."""
    return {
        "airfields": reference_data.airfields_arrow(airports, sites),
        "sites": reference_data.sites_arrow(sites, airports),
        "site_edges": reference_data.site_edges_arrow(sites),
        "identity": identity_for_flights(identity),
    }


def references(engine: Engine, sites: Sequence[Site], airports: pa.Table, identity: pa.Table) -> References:
    """Upload the reference data to `engine`."""
    data = reference_tables(sites, airports, identity)
    return References(**{name: engine.table(table) for name, table in data.items()})


def build_flights(engine: Engine, sites: Sequence[Site], airports: pa.Table, identity: pa.Table,
                  params: FlightParams) -> ir.Table:
    """The attributed flights as a materialised backend table (visits and corridors reuse it)."""
    return attributed_flights(engine, references(engine, sites, airports, identity), params)


def attributed_flights(runner: StageRunner, refs: References, params: FlightParams) -> ir.Table:
    """The pipeline proper, from the points and reference tables to one row per attributed flight."""
    sp = params.split
    keep = runner.materialize
    window_s = params.attribute.end_window_s
    per_source = runner.atoms if runner.atoms is not None else atoms.source_atoms(runner.points, sp, window_s)
    merged = atoms.merge_atoms(per_source, runner.points, sp, window_s)
    numbered = keep(segment.number_runs(merged, sp))
    fruns = keep(segment.flight_runs(segment.runs(numbered), sp))
    flight = keep(segment.flights(fruns, sp))
    ends = keep(attribute.projection_vectors(segment.endpoints(numbered, flight, sp, window_s), params.attribute))
    att = keep(attribute.attribute(ends, refs.airfields, refs.sites, refs.site_edges, params.attribute))
    wide = (
        flight.join(_ends(att, ends, "o", "origin"), segment.FLIGHT_KEY)
        .join(_ends(att, ends, "d", "destination"), segment.FLIGHT_KEY)
        .join(segment.flight_sources(fruns, segment.run_sources(numbered), flight), segment.FLIGHT_KEY)
        .left_join(refs.identity, "icao24")
    )
    wide = wide.select(*[c for c in wide.columns if not c.endswith("_right")])  # (select: stable SQL text)
    return keep(wide)


def outputs(wide: ir.Table) -> dict[str, ir.Table]:
    """The three result tables (flights, visits, corridors) of the attributed flights, in output order."""
    return {
        "flights": wide.order_by("icao24", "start_us"),
        "visits": aggregate.visits(wide).order_by("site_id", "icao24", "arrival_us", "departure_us"),
        "corridors": aggregate.corridors(wide).order_by("day", "origin", "destination", "actor", "typecode"),
    }


def run(engine: Engine, sites: Sequence[Site], airports: pa.Table, identity: pa.Table,
        params: FlightParams | None = None) -> PipelineResult:
    params = params or FlightParams()
    out = outputs(build_flights(engine, sites, airports, identity, params))
    return PipelineResult(
        flights=engine.to_arrow(out["flights"]),
        visits=engine.to_arrow(out["visits"]),
        corridors=engine.to_arrow(out["corridors"]),
        engine=engine.name,
    )
