"""Evidence of the maritime records and the map of an alert's evidence, on twenty demo days.

Expected values come from SQL on the workspace's tables (ais_positions, sources, port_calls, dark_periods,
flights, aircraft_points), never from the endpoints' own code.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

from basewatch.web.source import WorkspaceSource
from tests.web.conftest import get_json as _get
from tests.web.conftest import source_rows as _sql


def _files(source: WorkspaceSource, where: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Per file: path, sha256, first and last row, count, of the AIS positions `where` selects (SQL)."""
    return _sql(source, "SELECT s.path, s.sha256, min(p.row_no), max(p.row_no), count(*) FROM ais_positions p "
                        f"JOIN sources s USING (source_id) WHERE p.lat IS NOT NULL AND p.lon IS NOT NULL AND {where} "
                        "GROUP BY ALL ORDER BY min(p.time)", params)


def _got_files(body: Any) -> list[tuple[Any, ...]]:
    return [(f["path"], f["sha256"], f["first_row"], f["last_row"], f["points"]) for f in body["sources"]]


def test_a_port_call_shows_the_positions_in_port_and_their_files(month_client: TestClient,
                                                                month_source: WorkspaceSource) -> None:
    ((call_id, mmsi, arrival, departure, lon, lat),) = _sql(
        month_source, "SELECT c.call_id, c.mmsi, c.arrival, c.departure, s.lon, s.lat FROM port_calls c JOIN sites s "
                      "USING (site_id) WHERE c.departure IS NOT NULL ORDER BY c.positions DESC, c.call_id LIMIT 1")
    body = _get(month_client, f"/api/port_calls/{call_id}?limit=5")
    assert body["port_call"]["call_id"] == call_id and body["port_call"]["mmsi"] == mmsi
    where = "p.mmsi = ? AND p.time BETWEEN ? AND ?"
    ((n,),) = _sql(month_source, f"SELECT count(*) FROM ais_positions p WHERE lat IS NOT NULL AND {where}",
                   [mmsi, arrival, departure])
    assert body["positions"]["total"] == n > 1 and len(body["positions"]["rows"]) == 5
    assert _got_files(body) == _files(month_source, where, [mmsi, arrival, departure])
    roles = sorted(f["properties"]["role"] for f in body["map"]["features"])
    assert roles == ["call", "track"]
    call = next(f for f in body["map"]["features"] if f["properties"]["role"] == "call")
    assert call["geometry"]["coordinates"] == [lon, lat]
    track = next(f for f in body["map"]["features"] if f["properties"]["role"] == "track")
    assert len(track["geometry"]["coordinates"]) == n


def test_a_dark_period_shows_its_two_ends_as_received(month_client: TestClient,
                                                      month_source: WorkspaceSource) -> None:
    ((dark_id, s_src, s_row, s_lon, s_lat, e_src, e_row, e_lon, e_lat),) = _sql(
        month_source, "SELECT dark_id, start_source_id, start_row_no, start_lon, start_lat, end_source_id, "
                      "end_row_no, end_lon, end_lat FROM dark_periods WHERE end_time IS NOT NULL "
                      "ORDER BY duration_s DESC LIMIT 1")
    body = _get(month_client, f"/api/dark_periods/{dark_id}")
    ends = {r["role"]: r for r in body["dark_period"]["boundary_rows"]}
    assert (ends["start"]["source_id"], ends["start"]["row_no"]) == (s_src, s_row)
    assert (ends["end"]["source_id"], ends["end"]["row_no"]) == (e_src, e_row)
    # the rows named are the positions the period was measured from
    assert (ends["start"]["lon"], ends["start"]["lat"], ends["end"]["lon"], ends["end"]["lat"]) == (
        s_lon, s_lat, e_lon, e_lat)
    gap = [f for f in body["map"]["features"] if f["properties"]["role"] == "gap"]
    assert [g["geometry"]["coordinates"] for g in gap] == [[[s_lon, s_lat], [e_lon, e_lat]]]
    points = {f["properties"]["role"]: f["geometry"]["coordinates"] for f in body["map"]["features"]
              if f["geometry"]["type"] == "Point"}
    assert points == {"start": [s_lon, s_lat], "end": [e_lon, e_lat]}
    paths = {f["path"] for f in body["sources"]}
    assert {p for (p,) in _sql(month_source, "SELECT path FROM sources WHERE source_id IN (?, ?)",
                               [s_src, e_src])} <= paths


def test_a_voyage_shows_the_positions_between_its_calls(month_client: TestClient,
                                                        month_source: WorkspaceSource) -> None:
    ((voyage_id, mmsi, departure, arrival),) = _sql(
        month_source, "SELECT voyage_id, mmsi, departure, arrival FROM voyages ORDER BY positions DESC LIMIT 1")
    body = _get(month_client, f"/api/voyages/{voyage_id}")
    where = "p.mmsi = ? AND p.time BETWEEN ? AND ?"
    assert _got_files(body) == _files(month_source, where, [mmsi, departure, arrival])
    assert body["positions"]["total"] == sum(f[4] for f in _got_files(body))


def test_unknown_and_malformed_record_ids(month_client: TestClient) -> None:
    for kind in ("port_calls", "voyages", "dark_periods"):
        assert month_client.get(f"/api/{kind}/999999999").status_code == 404
        assert month_client.get(f"/api/{kind}/x1").status_code == 400


def test_an_alert_map_draws_its_flights_and_its_dark_periods(month_client: TestClient,
                                                             month_source: WorkspaceSource) -> None:
    ((alert_id, evidence),) = _sql(month_source, "SELECT alert_id, evidence FROM alerts WHERE kind = 'new-corridor' "
                                                 "AND mode = 'air' ORDER BY alert_id LIMIT 1")
    flights = sorted(r["id"] for r in json.loads(evidence) if r["kind"] == "flight")
    body = _get(month_client, f"/api/alerts/{alert_id}")
    tracks = {f["properties"]["flight_id"]: f["geometry"]["coordinates"] for f in body["map"]["features"]}
    assert sorted(tracks) == flights and flights
    for flight_id, coords in tracks.items():
        ends = [_sql(month_source, "SELECT [p.lon, p.lat] FROM flights f JOIN aircraft_points p ON p.icao24 = "
                                   "f.icao24 AND p.time BETWEEN f.start AND f.\"end\" WHERE f.flight_id = ? AND "
                                   f"p.lon IS NOT NULL ORDER BY p.time {way}, p.source_id {way}, p.row_no {way} "
                                   "LIMIT 1", [flight_id])[0] for way in ("ASC", "DESC")]
        assert [coords[0], coords[-1]] == [e[0] for e in ends]  # a track from take-off to landing
    # a new sea corridor: its voyage drawn from the positions received between departure and arrival
    ((alert_id, evidence),) = _sql(month_source, "SELECT alert_id, evidence FROM alerts WHERE kind = 'new-corridor' "
                                                 "AND mode = 'sea' ORDER BY alert_id LIMIT 1")
    ((voyage_id,),) = [(int(r["id"]),) for r in json.loads(evidence) if r["kind"] == "voyage"]
    ((first, last),) = _sql(month_source, "SELECT arg_min([p.lon, p.lat], p.time), arg_max([p.lon, p.lat], p.time) "
                                          "FROM voyages v JOIN ais_positions p ON p.mmsi = v.mmsi AND p.time BETWEEN "
                                          "v.departure AND v.arrival WHERE v.voyage_id = ? AND p.lon IS NOT NULL",
                            [voyage_id])
    ((track),) = [f for f in _get(month_client, f"/api/alerts/{alert_id}")["map"]["features"]]
    assert track["properties"]["voyage_id"] == voyage_id and track["properties"]["role"] == "track"
    assert [track["geometry"]["coordinates"][0], track["geometry"]["coordinates"][-1]] == [first, last]
    dark = _sql(month_source, "SELECT alert_id, evidence FROM alerts WHERE kind = 'dark' ORDER BY alert_id LIMIT 1")
    assert dark, "the demo has dark alerts"
    ids = [int(r["id"]) for r in json.loads(dark[0][1]) if r["kind"] == "dark_period"]
    body = _get(month_client, f"/api/alerts/{dark[0][0]}")
    want = _sql(month_source, "SELECT dark_id, [start_lon, start_lat], [end_lon, end_lat] FROM dark_periods "
                              "WHERE list_contains(?, dark_id) AND end_time IS NOT NULL ORDER BY dark_id", [ids])
    gaps = sorted((f["properties"]["dark_id"], f["geometry"]["coordinates"]) for f in body["map"]["features"]
                  if f["properties"]["role"] == "gap")
    assert gaps == [(d, [a, b]) for d, a, b in want]
    ends = [f["properties"]["role"] for f in body["map"]["features"] if f["properties"]["kind"] == "dark_period"
            and f["geometry"]["type"] == "Point"]
    assert ends.count("start") == len(ids) and ends.count("end") == len(want)
