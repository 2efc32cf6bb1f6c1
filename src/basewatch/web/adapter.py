"""TEMPORARY: the Workspace façade's read methods (COMMON.md signatures) over today's query modules.

The web app calls only these names, with exactly the façade's signatures. When the façade lands on
Workspace itself, `facade()` returns the Workspace and this module goes away.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

from basewatch.flights import query
from basewatch.workspace.core import Workspace

Since = dt.date | dt.datetime | None


def _rows(ws: Workspace, sql: str, params: list[Any] | None = None) -> pa.Table:
    table: pa.Table = ws.con.execute(sql, params or []).fetch_arrow_table()
    return table


def _window(col: str, since: Since, until: Since, params: list[Any]) -> str:
    w = query.Window.of(since, until)
    parts = query._time_filter(col, w, params)
    return " AND ".join(["TRUE", *parts])


class Facade:
    """The read half of the façade, bound to one Workspace (one thread's cursor)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.path = ws.path

    def has(self, table: str) -> bool:
        return query.table_exists(self.ws, table)

    def sites(self) -> pa.Table:
        return _rows(self.ws, "SELECT site_id, name, aliases, kind, country, lat, lon, radius_km, polygon, icao "
                              "FROM sites ORDER BY site_id")

    def actors(self) -> pa.Table:
        return _rows(self.ws, "SELECT actor_id, name FROM actors ORDER BY actor_id")

    def sources(self) -> pa.Table:
        return _rows(self.ws, "SELECT source_id, path, sha256, input_format, ingested_at, accepted, rejected, "
                              "duplicates FROM sources ORDER BY source_id")

    def flights(self, *, site: str | None = None, actor: str | None = None, since: Since = None,
                until: Since = None, limit: int | None = None) -> pa.Table:
        if not self.has("flights"):
            return pa.table({})
        table = query.flights(self.ws, site, actor, query.Window.of(since, until))
        return table.slice(0, limit) if limit is not None else table

    def activity(self, site: str, *, since: Since = None, until: Since = None, actor: str | None = None) -> pa.Table:
        return query.activity(self.ws, site, True, query.Window.of(since, until), actor)

    def corridors(self, *, actor: str | None = None, since: Since = None, until: Since = None,
                  mode: str | None = None) -> pa.Table:
        table = query.corridors(self.ws, query.Window.of(since, until), actor, by_day=False)
        if mode is not None:
            table = table.filter(pa.compute.equal(table["mode"], mode))
        return table

    def port_calls(self, *, site: str | None = None, actor: str | None = None, since: Since = None,
                   until: Since = None) -> pa.Table:
        if not self.has("port_calls"):
            return pa.table({})
        params: list[Any] = [site, site, actor, actor]
        where = _window("arrival", since, until, params)
        return _rows(self.ws, "SELECT * EXCLUDE (source_ids) FROM port_calls WHERE (? IS NULL OR site_id = ?) "
                              f"AND (? IS NULL OR actor = ?) AND {where} ORDER BY arrival, mmsi", params)

    def voyages(self, *, site: str | None = None, actor: str | None = None, since: Since = None,
                until: Since = None) -> pa.Table:
        if not self.has("voyages"):
            return pa.table({})
        params: list[Any] = [site, site, site, actor, actor]
        where = _window("departure", since, until, params)
        return _rows(self.ws, "SELECT * FROM voyages WHERE (? IS NULL OR origin_site = ? OR destination_site = ?) "
                              f"AND (? IS NULL OR actor = ?) AND {where} ORDER BY departure, mmsi", params)

    def dark_periods(self, *, near: str | None = None, actor: str | None = None, since: Since = None,
                     until: Since = None) -> pa.Table:
        if not self.has("dark_periods"):
            return pa.table({})
        params: list[Any] = [near, near, actor, actor]
        where = _window("start_time", since, until, params)
        return _rows(self.ws, "SELECT * FROM dark_periods WHERE (? IS NULL OR near_site = ?) "
                              f"AND (? IS NULL OR actor = ?) AND {where} ORDER BY start_time, mmsi", params)

    def vessels(self, *, actor: str | None = None) -> pa.Table:
        if not self.has("port_calls"):
            return pa.table({})
        return _rows(self.ws, "SELECT mmsi, any_value(vessel_name) AS name, any_value(actor) AS actor, "
                              "count(*) AS port_calls FROM port_calls WHERE (? IS NULL OR actor = ?) "
                              "GROUP BY mmsi ORDER BY mmsi", [actor, actor])

    def claims(self, *, site: str | None = None, event: str | None = None, status: str | None = None) -> pa.Table:
        params: list[Any] = [site, site, event, event]
        return _rows(self.ws, "SELECT c.report_id, c.claim_no, r.title, r.report_date, r.publisher, c.event, "
                              "c.certainty, c.source, c.source_kind, c.reliability, c.credibility, c.site_ids, "
                              "c.actors, c.date_start, c.date_end, c.start_char, c.end_char, c.text "
                              "FROM claims c JOIN reports r USING (report_id) "
                              "WHERE (? IS NULL OR list_contains(c.site_ids, ?)) AND (? IS NULL OR c.event = ?) "
                              "ORDER BY c.report_id, c.claim_no", params)


def facade(ws: Workspace) -> Facade:
    return Facade(ws)
