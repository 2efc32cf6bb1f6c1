"""Sites, visits, activity (air and sea), corridors and exports on a hand-made Khmeimim -> Benina case.

Truth by construction: RA-82038 (ICAO 154076, An-124 of the 224th Flight Unit per the default
watchlist) comes in from the sea, lands at Khmeimim, stays overnight (transponder off for 20 h), then
flies to Benina and stays there.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from basewatch.flights import export, query
from basewatch.flights.store import build_flights
from basewatch.workspace.core import Workspace
from tests.flights.builders import HLLB, OSLK, T0, Track, insert, points_table

S = dt.timedelta(seconds=1)
ICAO = "154076"
# constructed times (see track()):
ARRIVE_KHMEIMIM = T0 + 1210 * S                 # first ground point at Khmeimim
DEPART_KHMEIMIM = T0 + (1210 + 1800 + 72000 + 600) * S   # last ground point before take-off
ARRIVE_BENINA = DEPART_KHMEIMIM + (10 + 9000 + 10) * S


def track() -> Track:
    t = Track(ICAO, "RFF7021")
    t.leg(T0, 1200, 20, (34.6, 34.2), (35.39, 35.90), (9000.0, 150.0), track=60.0)       # descent
    t.then(10, 1800, 60, OSLK, (35.405, 35.95), (None, None), ground=True)               # parked
    t.then(72000, 600, 60, (35.405, 35.95), OSLK, (None, None), ground=True)             # 20 h later
    t.then(10, 9000, 30, (35.39, 35.90), (32.11, 20.30), (200.0, 150.0), track=250.0)     # to Benina
    for r in t.rows[-270:-30]:                                                            # cruise
        r["alt_baro_m"] = 10000.0
    t.then(10, 600, 60, (32.10, 20.28), HLLB, (None, None), ground=True)                 # at Benina
    return t


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    w = Workspace(Path(tmp_path_factory.mktemp("sites")) / "ws.duckdb")
    insert(w, points_table([track()]))
    build_flights(w)
    yield w
    w.close()


def rows(table: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = table.to_pylist()
    return out


def test_flights_land_and_take_off_at_watched_sites(ws: Workspace) -> None:
    got = rows(query.flights(ws))
    assert [(f["origin_site"], f["origin_airport"], f["destination_site"], f["destination_airport"])
            for f in got] == [(None, None, "khmeimim", "OSLK"), ("khmeimim", "OSLK", "benina", "HLLB")]
    assert got[0]["end"] == ARRIVE_KHMEIMIM
    assert got[1]["start"] == DEPART_KHMEIMIM
    assert got[1]["end"] == ARRIVE_BENINA
    assert {f["actor"] for f in got} == {"ru-mod-transport"}
    assert {f["typecode"] for f in got} == {"A124"}
    assert {f["registration"] for f in got} == {"RA-82038"}
    assert got[0]["flight_id"] == f"{ICAO}-20241214T060307Z"


def test_filters(ws: Workspace) -> None:
    assert len(query.flights(ws, site="benina")) == 1
    assert len(query.flights(ws, site="khmeimim")) == 2
    assert len(query.flights(ws, actor="ru-mod-transport")) == 2
    day2 = dt.date(2024, 12, 15)
    assert len(query.flights(ws, window=query.Window.of(day2, day2))) == 1
    assert len(query.flights(ws, window=query.Window.of(None, dt.date(2024, 12, 14)))) == 1
    with pytest.raises(query.QueryError, match="unknown site"):
        query.flights(ws, site="atlantis")


def test_visits(ws: Workspace) -> None:
    got = rows(ws.con.execute("SELECT * FROM visits ORDER BY site_id DESC").fetch_arrow_table())
    kh, be = got
    assert (kh["site_id"], kh["arrival"], kh["departure"]) == ("khmeimim", ARRIVE_KHMEIMIM, DEPART_KHMEIMIM)
    assert kh["dwell_s"] == (DEPART_KHMEIMIM - ARRIVE_KHMEIMIM).total_seconds()
    assert kh["arrival_flight_id"] == f"{ICAO}-20241214T060307Z"
    assert kh["departure_flight_id"] == f"{ICAO}-{DEPART_KHMEIMIM:%Y%m%dT%H%M%SZ}"
    assert (be["site_id"], be["arrival"], be["departure"]) == ("benina", ARRIVE_BENINA, None)


def test_activity_air_and_sea(ws: Workspace) -> None:
    ws.con.execute(
        "INSERT INTO port_calls (call_id, mmsi, actor, site_id, port, arrival, departure, arrival_observed, "
        "stops, port_gaps, min_distance_km, positions, source_ids, first_source_id, first_row_no, "
        "last_source_id, last_row_no) VALUES (1, '273396130', 'ru-mod-transport', 'khmeimim', NULL, "
        "?, ?, true, 1, 0, 0.5, 10, [9], 9, 1, 9, 10)",
        [dt.datetime(2024, 12, 14, 12, tzinfo=dt.UTC), dt.datetime(2024, 12, 14, 18, tzinfo=dt.UTC)],
    )
    try:
        total = {r["mode"]: r for r in rows(query.activity(ws, "khmeimim"))}
        assert (total["air"]["arrivals"], total["air"]["departures"], total["air"]["vehicles"]) == (1, 1, 1)
        assert total["air"]["median_dwell_h"] == round((DEPART_KHMEIMIM - ARRIVE_KHMEIMIM).total_seconds()
                                                       / 3600, 2)
        assert (total["sea"]["arrivals"], total["sea"]["median_dwell_h"]) == (1, 6.0)
        daily = [(r["day"], r["mode"], r["arrivals"], r["departures"], r["present"])
                 for r in rows(query.activity(ws, "khmeimim", by_day=True))]
        assert daily == [
            (dt.date(2024, 12, 14), "air", 1, 0, 1),
            (dt.date(2024, 12, 14), "sea", 1, 1, 1),
            (dt.date(2024, 12, 15), "air", 0, 1, 1),
        ]
    finally:
        ws.con.execute("DELETE FROM port_calls")


def test_corridors_air_and_sea(ws: Workspace) -> None:
    got = [(r["origin"], r["destination"], r["mode"], r["day"], r["movements"]) for r in rows(query.corridors(ws))]
    assert got == [(None, "khmeimim", "air", dt.date(2024, 12, 14), 1),
                   ("khmeimim", "benina", "air", dt.date(2024, 12, 15), 1)]
    assert len(query.corridors(ws, typecode="IL76")) == 0
    assert len(query.corridors(ws, typecode="a124", known_only=True)) == 1
    ws.con.execute(
        "INSERT INTO voyages (voyage_id, mmsi, actor, origin_call_id, destination_call_id, origin_site, "
        "destination_site, destination_port, departure, arrival, positions) VALUES "
        "(1, '273396130', 'ru-mod-transport', 1, 2, 'tartus', NULL, 'BANGHAZI', ?, ?, 100)",
        [dt.datetime(2024, 12, 15, 3, tzinfo=dt.UTC), dt.datetime(2024, 12, 17, 3, tzinfo=dt.UTC)],
    )
    try:
        total = rows(query.corridors(ws, by_day=False, actor="ru-mod-transport"))
        assert {(r["origin"], r["destination"], r["mode"], r["movements"]) for r in total} == {
            (None, "khmeimim", "air", 1), ("khmeimim", "benina", "air", 1), ("tartus", "BANGHAZI", "sea", 1)}
    finally:
        ws.con.execute("DELETE FROM voyages")


def test_kml_and_geojson(ws: Workspace) -> None:
    flights = rows(query.flights(ws))
    tracks = export.flight_tracks(ws, [f["flight_id"] for f in flights])
    root = ET.fromstring(export.flights_kml(flights, tracks))
    ns = {"k": export.KML_NS}
    marks = root.findall(".//k:Placemark", ns)
    assert len(marks) == 2
    coords = marks[1].find(".//k:coordinates", ns)
    assert coords is not None and coords.text is not None
    first = coords.text.split()[0].split(",")
    assert (float(first[0]), float(first[1])) == pytest.approx((OSLK[1], OSLK[0]), abs=1e-6)  # take-off point
    gj = export.flights_geojson(flights, tracks)
    line = gj["features"][1]["geometry"]["coordinates"]
    assert line[-1] == pytest.approx([20.28, 32.10], abs=1e-6)   # the first ground point at Benina
    totals = export.corridor_totals(rows(query.corridors(ws)))
    places = query.place_coordinates(ws, ["khmeimim", "benina"])
    kml = ET.fromstring(export.corridors_kml(totals, places))
    assert len(kml.findall(".//k:Placemark", ns)) == 2
    feats = export.corridors_geojson(totals, places)["features"]
    known = [f for f in feats if f["geometry"] and f["geometry"]["type"] == "LineString"]
    assert known[0]["geometry"]["coordinates"] == [[OSLK[1], OSLK[0]], [HLLB[1], HLLB[0]]]
    # the approach from the sea (origin unknown) is an open corridor: a point at Khmeimim
    (open_end,) = [f for f in feats if f["properties"]["origin"] is None]
    assert open_end["geometry"] == {"type": "Point", "coordinates": [OSLK[1], OSLK[0]]}


def test_cli_json_and_errors(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "copy.duckdb"
    ws.con.execute("CHECKPOINT")
    path.write_bytes(ws.path.read_bytes())
    run = [sys.executable, "-m", "basewatch", "-w", str(path)]
    out = subprocess.run([*run, "flights", "--site", "benina", "--format", "json"], capture_output=True,
                         text=True, check=True)
    (f,) = json.loads(out.stdout)
    assert f["start"] == DEPART_KHMEIMIM.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (f["origin_site"], f["origin_airport"], f["destination_airport"], f["icao24"]) == (
        "khmeimim", "OSLK", "HLLB", ICAO)
    assert f["callsign"] == "RFF7021" and f["actor"] == "ru-mod-transport"
    bad = subprocess.run([*run, "flights", "--site", "atlantis"], capture_output=True, text=True)
    assert bad.returncode == 2
    assert "unknown site 'atlantis'" in bad.stderr and "Traceback" not in bad.stderr
    par = subprocess.run([*run, "corridors", "--format", "parquet"], capture_output=True, text=True)
    assert par.returncode == 2 and "--out" in par.stderr
