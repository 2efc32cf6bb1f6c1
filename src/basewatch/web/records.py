"""Evidence pages of the maritime records, and the map of an alert's evidence.

A port call, a voyage or a dark period answers its row, the vessel's received positions behind it (a page
of them, each with its file and row), the files those rows are in (path, sha256, format and row range: the
ids `basewatch sources` lists) and a GeoJSON collection for the map. Every feature carries a `role`: `track`
(received positions as a line), `gap` (a dark period's silence, drawn dashed), `start` / `end` (its ends)
and `call` (a port). An alert's map is the same collection over the records its evidence names.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
from starlette.requests import Request

from basewatch.web import encode
from basewatch.web.api import JsonResponse, NotFound, _api, _dark_features, _page, _place, _places, call_place
from basewatch.web.encode import JsonValue, LonLat, Row
from basewatch.web.params import BadRequest

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

ENDPOINTS: dict[str, str] = {
    "/api/port_calls/{call_id}": "one port call: the positions in port with file and row (paged: q, offset, "
                                 "limit), their source files, map features",
    "/api/voyages/{voyage_id}": "one voyage: the positions between its port calls with file and row, their "
                                "source files, map features",
    "/api/dark_periods/{dark_id}": "one dark period: the last position before and first after the silence, the "
                                   "positions 6 h either side, their source files, map features (gap dashed)",
}

CONTEXT = dt.timedelta(hours=6)  # a dark period's page shows the vessel's positions this long either side
TRACK_POINTS = 300               # a track on an alert's map keeps at most this many of its points
ALERT_TRACKS = 200               # and the map draws at most this many flights
Feature = dict[str, JsonValue]


def _id(request: Request, name: str) -> int:
    raw = request.path_params[name]
    if not raw.isdigit() or len(raw) > 18:
        raise BadRequest(f"{name}: a number, got {raw!r}")
    return int(raw)


def _one(table: pa.Table, column: str, value: int, what: str) -> Row:
    found = table.filter(pc.equal(table[column], value)) if table.num_rows else table
    if found.num_rows == 0:
        raise NotFound(f"no {what} {value}")
    row = encode.rows(found.drop_columns([c for c in ("source_ids",) if c in found.column_names]))[0]
    return row


def _time(v: JsonValue) -> dt.datetime | None:
    return dt.datetime.fromisoformat(v.replace("Z", "+00:00")) if isinstance(v, str) else None


def provenance(api: Workspace, positions: pa.Table) -> list[Row]:
    """Per source file of `positions`: the file's id, path, sha256 and format, the rows' range and count."""
    if positions.num_rows == 0:
        return []
    per = positions.group_by(["source_id"]).aggregate([
        ("row_no", "min"), ("row_no", "max"), ("row_no", "count"), ("time", "min"), ("time", "max")])
    per = per.rename_columns(["source_id", "first_row", "last_row", "points", "first_time", "last_time"])
    files = {r["source_id"]: r for r in encode.rows(api.sources())}
    out = []
    for r in sorted(encode.rows(per), key=lambda r: (str(r["first_time"]), str(r["source_id"]))):
        f = files.get(r["source_id"], {})
        out.append({"source_id": r["source_id"], "path": f.get("path"), "input_format": f.get("input_format"),
                    "sha256": f.get("sha256"), **{k: r[k] for k in ("first_row", "last_row", "points",
                                                                    "first_time", "last_time")}})
    return out


def _coords(table: pa.Table) -> list[LonLat]:
    if table.num_rows == 0:
        return []
    return [(float(x), float(y)) for x, y in zip(table["lon"].to_pylist(), table["lat"].to_pylist(), strict=True)
            if x is not None and y is not None]


def thin(coords: Sequence[LonLat], most: int = TRACK_POINTS) -> list[LonLat]:
    """Every n-th point (n so that at most `most` remain), always keeping the last."""
    if len(coords) <= most:
        return list(coords)
    step = math.ceil(len(coords) / most)
    kept = list(coords[::step])
    return kept if kept[-1] == coords[-1] else [*kept, coords[-1]]


def _track(coords: Sequence[LonLat], props: Row) -> list[Feature]:
    return [encode.feature(encode.line(coords), {**props, "role": "track"})] if len(coords) > 1 else []


def _end_points(coords: Sequence[LonLat], props: Row) -> list[Feature]:
    if not coords:
        return []
    return [encode.feature(encode.point(*coords[0]), {**props, "role": "start"}),
            encode.feature(encode.point(*coords[-1]), {**props, "role": "end"})]


def _call_point(places: dict[str, LonLat], r: Row) -> list[Feature]:
    at = call_place(places, r)
    return [encode.feature(encode.point(*at), {**r, "role": "call"})] if at is not None else []


def _voyage_lines(api: Workspace, voyages: list[Row], extra: Row) -> list[Feature]:
    """Each voyage as the great circle between its two places (site, else port)."""
    places = _places(api)

    def ends(r: Row) -> tuple[LonLat | None, LonLat | None]:
        return (_place(places, r["origin_site"]) or _place(places, r["origin_port"]),
                _place(places, r["destination_site"]) or _place(places, r["destination_port"]))

    return encode.link_features([{"voyage_id": r["voyage_id"], "mmsi": r["mmsi"], **extra, **_ends(r)}
                                 for r in voyages], ends)


def _ends(r: Row) -> Row:
    return {k: r.get(k) for k in ("origin_site", "origin_port", "destination_site", "destination_port")}


def _tagged(features: list[Feature], kind: str) -> list[Feature]:
    out: list[Feature] = []
    for f in features:
        props = f["properties"]
        out.append({**f, "properties": {**props, "kind": kind} if isinstance(props, dict) else {"kind": kind}})
    return out


def _answer(api: Workspace, request: Request, key: str, record: Row, positions: pa.Table,
            features: list[Feature]) -> JsonResponse:
    return JsonResponse({key: record, "positions": encode.page(positions, _page(request.query_params)),
                         "sources": provenance(api, positions), "map": encode.collection(features)})


def port_call(request: Request) -> JsonResponse:
    api = _api(request)
    r = _one(api.port_calls(), "call_id", _id(request, "call_id"), "port call")
    positions = api.vessel_positions(str(r["mmsi"]), since=_time(r["arrival"]), until=_time(r["departure"]))
    brief = {"call_id": r["call_id"], "mmsi": r["mmsi"]}
    return _answer(api, request, "port_call", r, positions, [*_track(_coords(positions), brief),
                                                                    *_call_point(_places(api), r)])


def _voyage_track(api: Workspace, v: Row, props: Row) -> list[Feature]:
    """The positions received between the voyage's departure and arrival, as a thinned line."""
    positions = api.vessel_positions(str(v["mmsi"]), since=_time(v["departure"]), until=_time(v["arrival"]))
    return _track(thin(_coords(positions)), props)


def voyage(request: Request) -> JsonResponse:
    api = _api(request)
    r = _one(api.voyages(), "voyage_id", _id(request, "voyage_id"), "voyage")
    positions = api.vessel_positions(str(r["mmsi"]), since=_time(r["departure"]), until=_time(r["arrival"]))
    coords = _coords(positions)
    brief = {"voyage_id": r["voyage_id"], "mmsi": r["mmsi"]}
    features = _track(coords, brief) + _end_points(coords, brief)
    if not features:  # nothing received on the way: the great circle between the two ports
        features = _voyage_lines(api, [r], {"role": "track"})
    return _answer(api, request, "voyage", r, positions, features)


def dark_period(request: Request) -> JsonResponse:
    api = _api(request)
    r = _one(api.dark_periods(), "dark_id", _id(request, "dark_id"), "dark period")
    start, end = _time(r["start_time"]), _time(r["end_time"])
    assert start is not None  # NOT NULL in the table
    positions = api.vessel_positions(str(r["mmsi"]), since=start - CONTEXT, until=(end or start) + CONTEXT)
    brief = {"dark_id": r["dark_id"], "mmsi": r["mmsi"]}
    times = positions["time"].to_pylist() if positions.num_rows else []
    before = positions.filter(pa.array([t <= start for t in times], pa.bool_())) if times else positions
    after = positions.filter(pa.array([end is not None and t >= end for t in times], pa.bool_())) \
        if times else positions
    features = [*_track(_coords(before), brief), *_track(_coords(after), brief), *_dark_features([r])]
    record: Row = {**r, "boundary_rows": _boundary(positions, r)}
    return _answer(api, request, "dark_period", record, positions, features)


def _boundary(positions: pa.Table, r: Row) -> list[JsonValue]:
    """The dark period's two ends as received: the rows its start_/end_source_id and _row_no name."""
    rows = encode.rows(positions)
    out: list[JsonValue] = []
    for role in ("start", "end"):
        want = (r.get(f"{role}_source_id"), r.get(f"{role}_row_no"))
        out += [{"role": role, **p} for p in rows if (p["source_id"], p["row_no"]) == want]
    return out


def alert_map(api: Workspace, evidence: dict[str, list[Row]]) -> dict[str, JsonValue]:
    """The records an alert's evidence names, as map features: flights as tracks, dark periods as dashed gaps
    with their ends, voyages as lines, port calls as points."""
    features: list[Feature] = []
    for f in evidence.get("flight", [])[:ALERT_TRACKS]:
        flight_id = str(f["flight_id"])
        features += _track(thin(_coords(api.flight_points(flight_id))), {"flight_id": flight_id, "kind": "flight"})
    features += _tagged(_dark_features(evidence.get("dark_period", [])), "dark_period")
    for v in evidence.get("voyage", []):
        track = _voyage_track(api, v, {"voyage_id": v["voyage_id"], "mmsi": v["mmsi"], "kind": "voyage"})
        features += track or _voyage_lines(api, [v], {"kind": "voyage", "role": "track"})
    places = _places(api) if evidence.get("port_call") else {}
    for c in evidence.get("port_call", []):
        features += _tagged(_call_point(places, c), "port_call")
    return encode.collection(features)
