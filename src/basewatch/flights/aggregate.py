"""Visits and corridors from attributed flights (Ibis; DuckDB and Spark alike). Times in t_us."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
from ibis import _

from basewatch.flights.params import DAY_US, US

if TYPE_CHECKING:
    import ibis.expr.types as ir


def visits(flight: ir.Table) -> ir.Table:
    """An aircraft at a site from landing to the next take-off from the same site.

    A landing with no later take-off from the site has no departure (still there, or out of the data);
    a take-off from a site without a landing there before it has no arrival.
    """
    w = ibis.window(group_by="icao24", order_by="start_us")
    f = flight.mutate(
        next_origin=_.origin_site.lead().over(w),
        next_start=_.start_us.lead().over(w),
        next_seq=_.flight_seq.lead().over(w),
        prev_dest=_.destination_site.lag().over(w),
    )
    stays = f.next_origin.notnull() & (f.next_origin == f.destination_site)
    arrivals = f.filter(_.destination_site.notnull()).select(
        site_id=_.destination_site,
        icao24=_.icao24,
        arrival_us=_.end_us,
        departure_us=ibis.ifelse(stays, f.next_start, ibis.null("int64")),
        arrival_seq=_.flight_seq,
        departure_seq=ibis.ifelse(stays, f.next_seq, ibis.null("int64")),
    )
    no_landing = f.origin_site.notnull() & (f.prev_dest.isnull() | (f.prev_dest != f.origin_site))
    departures = f.filter(no_landing).select(
        site_id=_.origin_site,
        icao24=_.icao24,
        arrival_us=ibis.null("int64"),
        departure_us=_.start_us,
        arrival_seq=ibis.null("int64"),
        departure_seq=_.flight_seq,
    )
    v = arrivals.union(departures)
    return v.mutate(dwell_s=(_.departure_us - _.arrival_us) / US)


def corridors(flight: ir.Table) -> ir.Table:
    """Movements per UTC day (integer days since 1970-01-01, from take-off time) per ordered pair."""
    f = flight.mutate(
        origin=ibis.coalesce(_.origin_site, _.origin_airport),
        destination=ibis.coalesce(_.destination_site, _.destination_airport),
        day=_.start_us // DAY_US,
    )
    return f.group_by("origin", "destination", "day", "actor", "typecode").aggregate(
        movements=_.count(), aircraft=_.icao24.nunique()
    )
