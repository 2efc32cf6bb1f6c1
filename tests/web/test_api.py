"""The API through an in-process client, each answer checked against the workspace's tables read with SQL,
the source files themselves, or facts known beforehand (the watchlist's coordinates, the reports written)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
from starlette.testclient import TestClient

from basewatch.web.source import WorkspaceSource
from tests.web.conftest import source_rows as _sql

from .conftest import HOSTILE_TITLE


def test_index_lists_every_documented_endpoint(client: TestClient) -> None:
    endpoints = client.get("/api").json()["endpoints"]
    assert {"/api/sites", "/api/flights", "/api/corridors", "/api/activity", "/api/claims"} <= set(endpoints)
    for path in endpoints:
        if "{" not in path and path not in ("/api/activity", "/api/bands"):  # these need a site
            assert client.get(path).status_code == 200, path


def test_sites_carry_the_watchlist_coordinates(client: TestClient) -> None:
    # BRIEF.md: OSLK Khmeimim 35.4011 N 35.9487 E; HL59 al-Khadim 31.9985 N 21.1918 E
    rows = {r["site_id"]: r for r in client.get("/api/sites", params={"limit": 1000}).json()["rows"]}
    assert (rows["khmeimim"]["lat"], rows["khmeimim"]["lon"]) == (35.4011, 35.9487)
    assert (rows["al-khadim"]["lat"], rows["al-khadim"]["lon"]) == (31.9985, 21.1918)
    geo = client.get("/api/sites", params={"format": "geojson"}).json()
    point = next(f for f in geo["features"] if f["properties"]["site_id"] == "khmeimim")
    assert point["geometry"] == {"type": "Point", "coordinates": [35.9487, 35.4011]}


def test_flights_at_a_site_match_the_table(client: TestClient, source: WorkspaceSource) -> None:
    expected = _sql(source, "SELECT flight_id FROM flights WHERE origin_site = 'khmeimim' "
                            "OR destination_site = 'khmeimim' ORDER BY start, icao24")
    body = client.get("/api/flights", params={"site": "khmeimim", "limit": 1000}).json()
    assert body["total"] == len(expected) > 5
    assert [r["flight_id"] for r in body["rows"]] == [e[0] for e in expected]


def test_paging_and_search(client: TestClient, source: WorkspaceSource) -> None:
    total = _sql(source, "SELECT count(*) FROM flights")[0][0]
    first = client.get("/api/flights", params={"limit": 7}).json()
    second = client.get("/api/flights", params={"limit": 7, "offset": 7}).json()
    assert first["total"] == second["total"] == total
    assert len(first["rows"]) == len(second["rows"]) == 7
    assert not {r["flight_id"] for r in first["rows"]} & {r["flight_id"] for r in second["rows"]}
    want = _sql(source, "SELECT count(*) FROM flights WHERE registration ILIKE '%ra-82%' OR callsign ILIKE '%ra-82%' "
                        "OR flight_id ILIKE '%ra-82%'")[0][0]
    found = client.get("/api/flights", params={"q": "RA-82", "limit": 1000}).json()
    assert found["total"] == want > 0
    assert all("ra-82" in (r["registration"] or "").lower() for r in found["rows"])


def test_since_until_are_utc_days_until_inclusive(client: TestClient, source: WorkspaceSource) -> None:
    want = _sql(source, "SELECT count(*) FROM flights WHERE start >= TIMESTAMPTZ '2024-12-18 00:00:00+00' "
                        "AND start < TIMESTAMPTZ '2024-12-19 00:00:00+00'")[0][0]
    body = client.get("/api/flights", params={"since": "2024-12-18", "until": "2024-12-18"}).json()
    assert body["total"] == want > 0
    assert all(r["start"].startswith("2024-12-18T") and r["start"].endswith("Z") for r in body["rows"])


def test_corridor_totals_and_their_flights(client: TestClient, source: WorkspaceSource) -> None:
    n = _sql(source, "SELECT count(*) FROM flights WHERE coalesce(origin_site, origin_airport) = 'khmeimim' "
                     "AND coalesce(destination_site, destination_airport) = 'al-khadim'")[0][0]
    rows = client.get("/api/corridors", params={"mode": "air", "limit": 1000}).json()["rows"]
    bridge = next(r for r in rows if (r["origin"], r["destination"]) == ("khmeimim", "al-khadim"))
    assert bridge["movements"] == n > 0
    flights = client.get("/api/flights", params={"origin": "khmeimim", "destination": "al-khadim"}).json()
    assert flights["total"] == n
    geo = client.get("/api/corridors", params={"format": "geojson", "mode": "air"}).json()
    line = next(f for f in geo["features"] if (f["properties"]["origin"], f["properties"]["destination"])
                == ("khmeimim", "al-khadim"))
    coords = line["geometry"]["coordinates"]
    assert coords[0] == [35.9487, 35.4011] and coords[-1] == [21.1918, 31.9985]


def test_corridors_of_one_type(client: TestClient, source: WorkspaceSource) -> None:
    n = _sql(source, "SELECT count(*) FROM flights WHERE typecode = 'IL76' AND origin_site = 'khmeimim' "
                     "AND destination_site = 'al-khadim'")[0][0]
    rows = client.get("/api/corridors", params={"type": "il76", "limit": 1000}).json()["rows"]
    got = [r["movements"] for r in rows if (r["origin"], r["destination"]) == ("khmeimim", "al-khadim")]
    assert got == ([n] if n else [])


def test_a_flight_leads_to_its_source_rows(client: TestClient, source: WorkspaceSource) -> None:
    # a flight with reports in an OpenSky Parquet file: the row numbers must point at those very rows
    flight_id, icao24 = _sql(source, "SELECT f.flight_id, f.icao24 FROM flights f JOIN aircraft_points p "
                             "ON p.icao24 = f.icao24 AND p.time BETWEEN f.start AND f.\"end\" JOIN sources s "
                             "USING (source_id) WHERE s.input_format = 'opensky' ORDER BY f.flight_id LIMIT 1")[0]
    body = client.get(f"/api/flights/{flight_id}").json()
    assert body["flight"]["flight_id"] == flight_id
    assert body["track"]["features"][0]["geometry"]["type"] == "LineString"
    points = client.get(f"/api/flights/{flight_id}/points", params={"limit": 1000}).json()
    assert sum(s["points"] for s in body["sources"]) == points["total"] > 10
    from_parquet = [p for p in points["rows"] if p["path"].endswith(".parquet")][:5]
    assert from_parquet
    for p in from_parquet:
        row = pq.read_table(Path(p["path"])).slice(p["row_no"] - 1, 1).to_pylist()[0]
        assert row["icao24"] == icao24
        assert (row["lat"], row["lon"]) == (p["lat"], p["lon"])
        t = row["time"]
        when = dt.datetime.fromtimestamp(t, dt.UTC) if isinstance(t, int) else t.to_pydatetime()
        when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)  # OpenSky times are UTC
        assert when == dt.datetime.fromisoformat(p["time"])


def test_activity_counts_arrivals_per_day(client: TestClient, source: WorkspaceSource) -> None:
    want = dict(_sql(source, "SELECT strftime(arrival, '%Y-%m-%d'), count(*) FROM visits WHERE site_id = 'al-khadim' "
                             "AND arrival IS NOT NULL GROUP BY 1"))
    rows = client.get("/api/activity", params={"site": "al-khadim"}).json()["rows"]
    got = {r["day"]: r["arrivals"] for r in rows if r["mode"] == "air" and r["arrivals"]}
    assert got == want and sum(got.values()) > 0


def test_ships_voyages_and_dark_periods(client: TestClient, source: WorkspaceSource) -> None:
    dark = _sql(source, "SELECT mmsi, start_lon, start_lat, end_lon, end_lat FROM dark_periods "
                        "WHERE end_time IS NOT NULL ORDER BY dark_id LIMIT 1")[0]
    geo = client.get("/api/dark_periods", params={"format": "geojson"}).json()["features"]
    gaps = [f for f in geo if f["properties"]["role"] == "gap" and f["properties"]["mmsi"] == dark[0]]
    assert gaps[0]["geometry"]["coordinates"] == [[dark[1], dark[2]], [dark[3], dark[4]]]
    calls = _sql(source, "SELECT count(*) FROM port_calls WHERE site_id = 'tartus'")[0][0]
    assert client.get("/api/port_calls", params={"site": "tartus"}).json()["total"] == calls > 0
    vessel = client.get(f"/api/vessels/{dark[0]}").json()
    assert vessel["vessel"]["mmsi"] == dark[0]
    assert any(d["mmsi"] == dark[0] for d in vessel["dark_periods"])


def test_claims_and_report_text(client: TestClient) -> None:
    claims = client.get("/api/claims", params={"site": "khmeimim"}).json()["rows"]
    assert {c["title"] for c in claims} >= {"Russia pulls aircraft out of Syria (Example Wire)"}
    wire = next(c for c in claims if (c["title"] or "").startswith("Russia pulls"))
    report = client.get(f"/api/reports/{wire['report_id']}").json()
    text = report["report"]["text"]
    span = text[wire["start_char"]:wire["end_char"]]
    assert span.startswith("Russian transport aircraft flew from Khmeimim") and span.endswith("official said.")
    hostile = next(c for c in client.get("/api/claims").json()["rows"] if HOSTILE_TITLE in (c["title"] or ""))
    raw = client.get(f"/api/reports/{hostile['report_id']}").content
    assert b"<" not in raw and b"\\u003cscript\\u003e" in raw


def test_bad_parameters_are_one_line_400s(client: TestClient) -> None:
    cases = {"/api/flights?since=yesterday": "since", "/api/flights?limit=5000": "limit",
             "/api/flights?site=x%27%20OR%201=1": "site", "/api/activity": "site",
             "/api/flights?since=2024-12-18T00:00": "zone", "/api/corridors?mode=rail": "mode"}
    for url, word in cases.items():
        r = client.get(url)
        assert r.status_code == 400, url
        assert word in r.json()["error"], url
    assert client.get("/api/flights?site=nowhere").status_code == 400
    assert client.get("/api/flights/nope").status_code == 404
    assert client.get("/api/reports/99999").status_code == 404
