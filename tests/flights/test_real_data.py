"""Flights from real recordings in ../shared/data/adsb, checked against what the raw points show.

Each expectation below was read by hand from the raw records (first/last points, ground flags,
altitudes, positions against the airports' coordinates), not from this code's output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from basewatch.flights.store import build_flights
from basewatch.geo import haversine_km
from basewatch.ingest.pipeline import ingest_file
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file

PARIS = "adsb/traffic_quickstart_paris_20211007.json.gz"


def flights_of(ws: Workspace, icao24: str) -> list[dict[str, Any]]:
    rel = ws.con.execute("SELECT * FROM flights WHERE icao24 = ? ORDER BY start", [icao24])
    cols = [d[0] for d in rel.description]
    return [dict(zip(cols, r, strict=True)) for r in rel.fetchall()]


@pytest.fixture(scope="module")
def paris(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    path = shared_file(PARIS)
    ws = Workspace(Path(tmp_path_factory.mktemp("paris")) / "ws.duckdb")
    ingest_file(ws, path)
    build_flights(ws)
    yield ws
    ws.close()


def utc(hms: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"2021-10-07T{hms}+00:00")


def test_paris_hand_checked_landings(paris: Workspace) -> None:
    # MSR799 (0101de): last points descending to 76 m at 48.9963 N 2.6286 E, 83 m/s, track 265:
    # on final for Charles de Gaulle's southern runways; first seen at 4,161 m: no origin.
    (f,) = flights_of(paris, "0101de")
    assert (f["origin_airport"], f["destination_airport"]) == (None, "LFPG")
    assert f["destination_method"] == "low"
    # SVW50MC (4d0218): ends on the ground at 48.9604 N 2.443 E, Le Bourget.
    (f,) = flights_of(paris, "4d0218")
    assert (f["destination_airport"], f["destination_method"]) == ("LFPB", "ground")
    # VLG8030 lands at Orly, turns round and leaves as VLG8031 (345359): two flights.
    first, second = flights_of(paris, "345359")
    assert (first["callsign"], first["destination_airport"]) == ("VLG8030", "LFPO")
    assert (second["callsign"], second["origin_airport"], second["origin_method"]) == ("VLG8031", "LFPO", "ground")
    assert second["start"] == utc("13:59:02")      # last ground point; first airborne report at 13:59:03


def test_paris_landing_with_a_frozen_nonsense_altitude(paris: Workspace) -> None:
    # AFR53HM (3944e1), read by hand from the raw points: on final for Charles de Gaulle at 76 m,
    # 48.9960 N 2.6240 E, 67 m/s, track 265, last at 12:20:21; from the next report on the position stays
    # frozen there with a pressure altitude of 11,575 m for the last 177 s. The landing is recognised by
    # the lowest altitude near the end, and the note says which altitude decided it.
    f = flights_of(paris, "3944e1")[0]
    assert (f["callsign"], f["destination_airport"], f["destination_method"]) == ("AFR53HM", "LFPG", "low")
    assert f["last_alt_m"] == pytest.approx(11574.78)
    assert "lowest 76 m in the last minutes; 11575 m at the last point" in f["destination_note"]


def test_paris_hand_checked_take_offs(paris: Workspace) -> None:
    # DAH1011 (0a0046): taxis at Orly (48.73 N 2.36 E, on ground) until 13:04:11, airborne from 13:04:12.
    (f,) = flights_of(paris, "0a0046")
    assert (f["origin_airport"], f["origin_method"], f["start"]) == ("LFPO", "ground", utc("13:04:11"))
    assert f["destination_airport"] is None        # last seen at 7,483 m leaving the area
    # AFR58TG (392ae9): first seen at 175 m, 49.0237 N 2.5708 E, track 86, climbing: leaving CDG.
    (f,) = flights_of(paris, "392ae9")
    assert (f["origin_airport"], f["origin_method"]) == ("LFPG", "low")
    # QQE940 (06a133): first seen at -69 m (pressure altitude) at 48.964 N 2.4265 E heading 85: Le Bourget.
    (f,) = flights_of(paris, "06a133")
    assert f["origin_airport"] == "LFPB"


def test_paris_airports_are_the_paris_airfields(paris: Workspace) -> None:
    rows = paris.con.execute(
        "SELECT origin_airport AS a, count(*) FROM flights WHERE origin_airport IS NOT NULL GROUP BY 1 "
        "UNION ALL SELECT destination_airport, count(*) FROM flights WHERE destination_airport IS NOT NULL "
        "GROUP BY 1"
    ).fetchall()
    used = {a for a, _ in rows}
    assert {"LFPG", "LFPO", "LFPB"} <= used
    from basewatch.identity.airports import airport

    for code in used:                         # the sample covers about 150 km around Paris
        a = airport(code)
        assert a is not None
        assert haversine_km(48.86, 2.35, float(a["lat"]), float(a["lon"])) < 150  # type: ignore[arg-type]
    for place in ("origin", "destination"):
        bad = paris.con.execute(
            f"SELECT count(*) FROM flights WHERE {place}_airport IS NULL AND {place}_method <> 'airborne'"
            f" AND {place}_method <> 'ground-no-airfield'"
        ).fetchone()
        assert bad == (0,)


def test_paris_counts(paris: Workspace) -> None:
    n_aircraft, n_points = paris.con.execute(
        "SELECT count(DISTINCT icao24), count(*) FROM aircraft_points").fetchone() or (0, 0)
    assert (n_aircraft, n_points) == (213, 284_505)
    # every aircraft flew: some fly twice (e.g. 345359), none vanish
    assert paris.con.execute("SELECT count(DISTINCT icao24) FROM flights").fetchone() == (213,)


@pytest.fixture
def one(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace(tmp_path / "ws.duckdb")
    yield ws
    ws.close()


def test_edelweiss_takes_off_from_zurich(one: Workspace) -> None:
    # EDW24 (4b1901): on the ground at Zurich (47.45-47.48 N 8.54-8.56 E) until 11:04:28, then airborne;
    # last seen at 11:08:04 climbing through 1,394 m: no landing in the data.
    ingest_file(one, shared_file("adsb/opensky_trino_state_vectors_data4_EDW24_20240406.parquet"))
    build_flights(one)
    (f,) = flights_of(one, "4b1901")
    assert (f["origin_airport"], f["origin_method"]) == ("LSZH", "ground")
    assert f["start"] == dt.datetime(2024, 4, 6, 11, 4, 28, tzinfo=dt.UTC)
    assert (f["destination_airport"], f["destination_method"]) == (None, "airborne")


@pytest.mark.parametrize("name", ["RYR_20220202", "EZY158T_20170205"])
def test_cruise_samples_get_no_airport(one: Workspace, name: str) -> None:
    # RYR2RG: level at 11,278 m from 45.86 N 4.96 E to 44.57 N 2.25 E. EZY158T: first seen at cruise,
    # touches Toulouse's runway for 6 s at 16:26 (on-ground flag at 73 m/s) and climbs away: a
    # touch-and-go, not a stop; last seen at 4,267 m. Neither take-off nor landing is in the data.
    ingest_file(one, shared_file(f"adsb/opensky_trino_state_vectors_data4_{name}.parquet"))
    build_flights(one)
    (f,) = one.con.execute(
        "SELECT origin_airport, destination_airport, origin_method, destination_method FROM flights").fetchall()
    assert f == (None, None, "airborne", "airborne")


def test_spoofed_track_invents_no_airport(one: Workspace) -> None:
    # THY9BP (4baac6) over the Baltic with spoofed positions: first seen at 1,273 m near Istanbul,
    # last at 11,582 m; it never reports being on the ground.
    ingest_file(one, shared_file("adsb/traffic_noisy_spoofing.json.gz"))
    build_flights(one)
    got = one.con.execute(
        "SELECT origin_airport, destination_airport, origin_site, destination_site FROM flights").fetchall()
    assert got and all(row == (None, None, None, None) for row in got)
