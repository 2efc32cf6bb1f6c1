"""The JSON/GeoJSON API: one small function per endpoint, each a call into the workspace façade.

Every list takes `q` (search in its text columns), `offset` and `limit` (at most 1000) and answers
{total, offset, limit, rows}; with `format=geojson` the map lists answer a FeatureCollection of the same
page. Filters: site, actor, type (aircraft type code), mode (air|sea), since/until (YYYY-MM-DD, or an ISO
time with a zone; `until` as a date includes that day). ENDPOINTS below is served at /api.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
from starlette.requests import Request
from starlette.responses import Response

from basewatch.errors import FusionError
from basewatch.web import encode
from basewatch.web.encode import JsonValue, LonLat, PageRequest, Row
from basewatch.web.params import MAX_LIMIT, BadRequest, Filters, ident, number, text

if TYPE_CHECKING:
    from basewatch.web.source import WorkspaceSource
    from basewatch.workspace.core import Workspace

ENDPOINTS: dict[str, str] = {
    "/api": "this list",
    "/api/meta": "workspace name, time span, actors, aircraft types, which tables exist",
    "/api/sites": "watched sites (format=geojson: points)",
    "/api/actors": "watched actors",
    "/api/sources": "ingested files with accepted/rejected/duplicate counts",
    "/api/flights": "flights; site, actor, type, since, until, origin, destination (geojson: first-last point)",
    "/api/flights/{flight_id}": "one flight, its source files with row ranges, its track as GeoJSON",
    "/api/flights/{flight_id}/points": "the flight's reported positions, each with file and row",
    "/api/activity": "per day and mode (air, sea): arrivals, departures, present at one site (site required)",
    "/api/corridors": "origin -> destination totals; actor, mode, since, until (format=geojson: great circles)",
    "/api/port_calls": "port calls; site, actor, since, until (format=geojson: points)",
    "/api/voyages": "voyages between port calls; site, actor, since, until (format=geojson: lines)",
    "/api/dark_periods": "AIS dark periods; site (near), actor, since, until (format=geojson: start-end lines)",
    "/api/vessels": "vessels seen; actor",
    "/api/vessels/{mmsi}": "one vessel: its port calls, voyages, dark periods, track and source files",
    "/api/claims": "claims from reports; site, event",
    "/api/reports/{report_id}": "one report's text and its claims (character offsets into the text)",
}


class JsonResponse(Response):
    media_type = "application/json"

    def render(self, content: object) -> bytes:
        return encode.dumps(content)


class NotFound(BadRequest):
    """The id names nothing in the workspace."""


def _api(request: Request) -> Workspace:
    source: WorkspaceSource = request.app.state.source
    return source.workspace()


def _page(params: Mapping[str, str]) -> PageRequest:
    return PageRequest(text(params, "q"), number(params, "offset", 0, 0, 10**9),
                       number(params, "limit", 100, 1, MAX_LIMIT))


def _listing(table: pa.Table, request: Request) -> JsonResponse:
    return JsonResponse(encode.page(table, _page(request.query_params)))


def _eq(table: pa.Table, column: str, value: str | None) -> pa.Table:
    if value is None or column not in table.column_names:
        return table
    return table.filter(pc.fill_null(pc.equal(table[column], value), False))


@functools.cache
def _ports() -> dict[tuple[str, str | None], LonLat]:
    """World Port Index ports by (name, country) and by (name, None), as the maritime tables name them.

    Built once per process (the index is shipped and never changes); callers must not modify it.
    """
    from basewatch.maritime.ports import wpi_ports

    wpi = wpi_ports()
    out: dict[tuple[str, str | None], LonLat] = {}
    for name, country, lat, lon in zip(*(wpi[c].to_pylist() for c in ("name", "country", "lat", "lon")), strict=True):
        if name is not None and lat is not None and lon is not None:
            out.setdefault((name, country), (float(lon), float(lat)))
            out.setdefault((name, None), (float(lon), float(lat)))
    return out


def _places(api: Workspace) -> dict[str, LonLat]:
    """(lon, lat) of every site (by id), port (by World Port Index name) and, on demand, airport."""
    out: dict[str, LonLat] = {name: where for (name, country), where in _ports().items() if country is None}
    for s in api.sites().to_pylist():
        if s["lat"] is not None and s["lon"] is not None:
            out[s["site_id"]] = (float(s["lon"]), float(s["lat"]))
        elif s["polygon"]:
            ring = json.loads(s["polygon"])
            out[s["site_id"]] = (sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))
    return out


def _place(places: dict[str, LonLat], name: JsonValue) -> LonLat | None:
    if not isinstance(name, str):
        return None
    if name not in places:
        from basewatch.identity.airports import airport

        a = airport(name)
        if a is not None:
            places[name] = (float(a["lon"]), float(a["lat"]))  # type: ignore[arg-type]
    return places.get(name)


# -- endpoints --------------------------------------------------------------------------------------
def index(request: Request) -> JsonResponse:
    return JsonResponse({"endpoints": ENDPOINTS})


def meta(request: Request) -> JsonResponse:
    api = _api(request)
    info = api.info()
    flights = api.flights()
    types = sorted({t for t in flights["typecode"].to_pylist() if t}) if flights.num_rows else []
    return JsonResponse({
        "workspace": api.path.name, "counts": dict(info.counts), "types": types,
        "span": [encode.value(info.first_time), encode.value(info.last_time)],
        "actors": encode.rows(api.actors()), "alerts": hasattr(api, "alerts"),
    })


def sites(request: Request) -> JsonResponse:
    table = _api(request).sites().drop_columns(["polygon"])
    if Filters.of(request.query_params).geojson:
        return JsonResponse(encode.collection(encode.point_features(encode.rows(table), "lon", "lat")))
    return _listing(table, request)


def actors(request: Request) -> JsonResponse:
    return _listing(_api(request).actors(), request)


def sources(request: Request) -> JsonResponse:
    return _listing(_api(request).sources(), request)


def _flights(api: Workspace, params: Mapping[str, str]) -> pa.Table:
    f = Filters.of(params)
    table = api.flights(site=f.site, actor=f.actor, since=f.since, until=f.until)
    if table.num_rows == 0:
        return table
    table = table.drop_columns(["source_ids"])
    origin, destination = ident(params, "origin"), ident(params, "destination")
    if origin is not None or destination is not None:
        o = pc.coalesce(table["origin_site"], table["origin_airport"])
        d = pc.coalesce(table["destination_site"], table["destination_airport"])
        keep = pc.and_(pc.fill_null(pc.equal(o, origin), False) if origin else pa.scalar(True),
                       pc.fill_null(pc.equal(d, destination), False) if destination else pa.scalar(True))
        table = table.filter(keep)
    if f.typecode is not None:
        table = table.filter(pc.fill_null(pc.equal(pc.utf8_upper(table["typecode"]), f.typecode.upper()), False))
    return table


def flights(request: Request) -> JsonResponse:
    table = _flights(_api(request), request.query_params)
    if Filters.of(request.query_params).geojson:
        found = encode.search(table, text(request.query_params, "q"))
        items = encode.rows(found.slice(0, number(request.query_params, "limit", MAX_LIMIT, 1, MAX_LIMIT)))
        feats = encode.link_features(items, lambda r: (_lonlat(r, "first"), _lonlat(r, "last")))
        return JsonResponse(encode.collection(feats))
    return _listing(table, request)


def _lonlat(r: Row, prefix: str) -> LonLat | None:
    lon, lat = r.get(f"{prefix}_lon"), r.get(f"{prefix}_lat")
    return (float(lon), float(lat)) if isinstance(lon, int | float) and isinstance(lat, int | float) else None


def flight(request: Request) -> JsonResponse:
    api = _api(request)
    flight_id = request.path_params["flight_id"]
    table = _eq(api.flights(), "flight_id", flight_id)
    if table.num_rows == 0:
        raise NotFound(f"no flight {flight_id!r}")
    points = api.flight_points(flight_id)
    track = [(float(x), float(y)) for x, y in zip(points["lon"].to_pylist(), points["lat"].to_pylist(), strict=True)
             if x is not None and y is not None]
    return JsonResponse({
        "flight": encode.rows(table.drop_columns(["source_ids"]))[0],
        "sources": encode.rows(api.flight_sources(flight_id)),
        "track": encode.collection([encode.feature(encode.line(track), {"flight_id": flight_id})] if track else []),
    })


def flight_points(request: Request) -> JsonResponse:
    return _listing(_api(request).flight_points(request.path_params["flight_id"]), request)


def activity(request: Request) -> JsonResponse:
    f = Filters.of(request.query_params)
    if f.site is None:
        raise BadRequest("site: required")
    table = _api(request).activity(f.site, since=f.since, until=f.until, actor=f.actor)
    return JsonResponse({"site": f.site, "rows": encode.rows(table)})


def _totals(table: pa.Table) -> pa.Table:
    """Corridor totals over days, whether the façade answers per day or already in totals."""
    if "day" not in table.column_names:
        return table
    return table.group_by(["origin", "destination", "mode"]).aggregate(
        [("movements", "sum"), ("day", "count_distinct"), ("day", "min"), ("day", "max")]
    ).rename_columns(["origin", "destination", "mode", "movements", "days", "first_day", "last_day"])


def _type_corridors(flights: pa.Table) -> pa.Table:
    if flights.num_rows == 0:
        return pa.table({"origin": pa.array([], pa.string()), "destination": pa.array([], pa.string()),
                         "mode": pa.array([], pa.string()), "movements": pa.array([], pa.int64())})
    day = pc.strftime(flights["start"], "%Y-%m-%d")
    ends = pa.table({"origin": pc.coalesce(flights["origin_site"], flights["origin_airport"]),
                     "destination": pc.coalesce(flights["destination_site"], flights["destination_airport"]),
                     "day": day})
    ends = ends.append_column("mode", pa.array(["air"] * ends.num_rows))
    return ends.group_by(["origin", "destination", "mode"]).aggregate(
        [("day", "count"), ("day", "count_distinct"), ("day", "min"), ("day", "max")]
    ).rename_columns(["origin", "destination", "mode", "movements", "days", "first_day", "last_day"])


def corridors(request: Request) -> JsonResponse:
    api = _api(request)
    f = Filters.of(request.query_params)
    if f.typecode is not None:  # corridors of one aircraft type: counted from that type's flights
        table = _type_corridors(_flights(api, request.query_params))
    else:
        table = _totals(api.corridors(actor=f.actor, since=f.since, until=f.until, mode=f.mode))
    if f.site is not None and table.num_rows:
        table = table.filter(pc.fill_null(pc.or_(pc.equal(table["origin"], f.site),
                                                 pc.equal(table["destination"], f.site)), False))
    if table.num_rows:
        table = table.sort_by([("movements", "descending"), ("origin", "ascending")])
    if f.geojson:
        places = _places(api)
        items = encode.rows(table)
        return JsonResponse(encode.collection(encode.link_features(
            items, lambda r: (_place(places, r["origin"]), _place(places, r["destination"])))))
    return _listing(table, request)


def call_place(places: dict[str, LonLat], r: Row) -> LonLat | None:
    """Where a port call was: its watched site, else its World Port Index port."""
    site, port, country = r.get("site"), r.get("port"), r.get("port_country")
    at = places.get(site) if isinstance(site, str) else None
    if at is None and isinstance(port, str):
        at = _ports().get((port, country if isinstance(country, str) else None))
    return at


def port_calls(request: Request) -> JsonResponse:
    f = Filters.of(request.query_params)
    table = _api(request).port_calls(site=f.site, actor=f.actor, since=f.since, until=f.until)
    table = _eq(table, "mmsi", ident(request.query_params, "mmsi"))
    if f.geojson:
        places = _places(_api(request))
        feats = []
        for r in encode.rows(table):
            at = call_place(places, r)
            if at is not None:
                feats.append(encode.feature(encode.point(*at), r))
        return JsonResponse(encode.collection(feats))
    return _listing(table, request)


def _voyage_features(api: Workspace, table: pa.Table) -> list[dict[str, JsonValue]]:
    places = _places(api)
    return encode.link_features(encode.rows(table), lambda r: (
        _place(places, r["origin_site"]) or _place(places, r["origin_port"]),
        _place(places, r["destination_site"]) or _place(places, r["destination_port"])))


def voyages(request: Request) -> JsonResponse:
    api = _api(request)
    f = Filters.of(request.query_params)
    table = _eq(api.voyages(site=f.site, actor=f.actor, since=f.since, until=f.until),
                "mmsi", ident(request.query_params, "mmsi"))
    for end in ("origin", "destination"):
        name = ident(request.query_params, end)
        if name is not None and table.num_rows:
            place = pc.coalesce(table[f"{end}_site"], table[f"{end}_port"])
            table = table.filter(pc.fill_null(pc.equal(place, name), False))
    if f.geojson:
        return JsonResponse(encode.collection(_voyage_features(api, table)))
    return _listing(table, request)


def _dark_features(items: list[Row]) -> list[dict[str, JsonValue]]:
    """Per dark period: a dashed gap line (when it has ended) and its start and end as points."""
    out = []
    for r in items:
        a, b = _lonlat(r, "start"), _lonlat(r, "end")
        if a is not None and b is not None:
            out.append(encode.feature(encode.line([a, b]), {**r, "role": "gap"}))
        if a is not None:
            out.append(encode.feature(encode.point(*a), {**r, "role": "start"}))
        if b is not None:
            out.append(encode.feature(encode.point(*b), {**r, "role": "end"}))
    return out


def dark_periods(request: Request) -> JsonResponse:
    f = Filters.of(request.query_params)
    table = _api(request).dark_periods(near=f.site, actor=f.actor, since=f.since, until=f.until)
    table = _eq(table, "mmsi", ident(request.query_params, "mmsi"))
    if f.geojson:
        return JsonResponse(encode.collection(_dark_features(encode.rows(table))))
    return _listing(table, request)


def vessels(request: Request) -> JsonResponse:
    return _listing(_api(request).vessels(actor=Filters.of(request.query_params).actor), request)


def vessel(request: Request) -> JsonResponse:
    api = _api(request)
    mmsi = request.path_params["mmsi"]
    found = _eq(api.vessels(), "mmsi", mmsi)
    if found.num_rows == 0:
        raise NotFound(f"no vessel {mmsi!r}")
    positions = api.vessel_positions(mmsi)
    track = [(float(x), float(y)) for x, y in zip(positions["lon"].to_pylist(), positions["lat"].to_pylist(),
                                                  strict=True)] if positions.num_rows else []
    files = (positions.group_by(["source_id", "path"]).aggregate([("row_no", "min"), ("row_no", "max"),
                                                                  ("row_no", "count")])
             if positions.num_rows else pa.table({}))
    voyages = _eq(api.voyages(), "mmsi", mmsi)
    return JsonResponse({
        "vessel": encode.rows(found)[0],
        "port_calls": encode.rows(_eq(api.port_calls(), "mmsi", mmsi)),
        "voyages": encode.rows(voyages),
        "dark_periods": encode.rows(_eq(api.dark_periods(), "mmsi", mmsi)),
        "sources": encode.rows(files),
        "track": encode.collection([encode.feature(encode.line(track), {"mmsi": mmsi})] if len(track) > 1 else []),
    })


def statuses(api: Workspace, site: str | None = None, status: str | None = None) -> pa.Table | None:
    """Fusion's claim statuses, or None when the workspace has none."""
    try:
        return api.claim_statuses(site=site, status=status)
    except FusionError:
        return None


def with_status(api: Workspace, claims: pa.Table) -> pa.Table:
    """The claims with fusion's status and why joined on (report_id, claim_no), when fused."""
    found = statuses(api)
    if found is None or claims.num_rows == 0:
        return claims
    by = {(r, c): (s, w) for r, c, s, w in zip(*(found[k].to_pylist() for k in ("report_id", "claim_no", "status",
                                                                                   "why")), strict=True)}
    keys = zip(claims["report_id"].to_pylist(), claims["claim_no"].to_pylist(), strict=True)
    got = [by.get(k, (None, None)) for k in keys]
    return (claims.append_column("fusion_status", pa.array([g[0] for g in got], pa.string()))
            .append_column("fusion_why", pa.array([g[1] for g in got], pa.string())))


def claims(request: Request) -> JsonResponse:
    params = request.query_params
    api = _api(request)
    table = with_status(api, api.claims(site=ident(params, "site"), event=ident(params, "event")))
    return _listing(table, request)


def report(request: Request) -> JsonResponse:
    raw = request.path_params["report_id"]
    if not raw.isdigit() or len(raw) > 12:
        raise BadRequest(f"report id: a number, got {raw!r}")
    api = _api(request)
    table = api.report(int(raw))
    if table.num_rows == 0:
        raise NotFound(f"no report {raw}")
    found = api.claims()
    found = with_status(api, found.filter(pc.equal(found["report_id"], int(raw)))) if found.num_rows else found
    return JsonResponse({"report": encode.rows(table)[0], "claims": encode.rows(found)})
