"""Ends first (last) seen a few hundred metres up, climbing (descending) steeply near an airfield: the
vertical rate projected to the ground decides the airport; an end at cruise, or a shallow one, gets none."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from basewatch.flights.store import build_flights
from basewatch.ingest.pipeline import ingest_file
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file
from tests.flights.builders import LFPG, T0, Track, cruise, insert, points_table

LFPG_ELEV_M = 119.0                        # 392 ft (AIP France)
KM_PER_DEG_LON = 6371.0088 * math.pi / 180 * math.cos(math.radians(LFPG[0]))


def _flight(ws: Workspace, flight_id: str) -> dict[str, Any]:
    rel = ws.con.execute("SELECT * FROM flights WHERE flight_id = ?", [flight_id])
    cols = [d[0] for d in rel.description]
    (row,) = rel.fetchall()
    return dict(zip(cols, row, strict=True))


@pytest.fixture(scope="module")
def paris(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = Workspace(Path(tmp_path_factory.mktemp("projection")) / "ws.duckdb")
    ingest_file(ws, shared_file("adsb/traffic_quickstart_paris_20211007.json.gz"))
    build_flights(ws)
    yield ws
    ws.close()


def test_climbing_out_of_le_bourget(paris: Workspace) -> None:
    """VLJ681N (39a415): its first record in traffic_quickstart_paris_20211007.json.gz (list index 236188)
    is 2021-10-07 12:00:01 UTC (the recording's first second), 48.95438 N 2.38866 E, 2,050 ft (625 m),
    155 kt (79.7 m/s), track 248.1, vertical rate +2,560 ft/min (13.0 m/s), not on the ground.

    By hand: Le Bourget (LFPB, reference point 48.9694 N 2.4414 E, elevation 218 ft = 66 m) is 4.2 km
    east-north-east; 559 m above it at 13.0 m/s is 43 s of climb, 3.4 km of ground track back along 68.1:
    lift-off at about 48.966 N 2.432 E, 0.8 km from the reference point, on the field (runway 25 points
    247). It was 66 m too high for the "low" rule (500 m above the field): no airport before.
    """
    f = _flight(paris, "39a415-20211007T120001Z")
    assert (f["origin_airport"], f["origin_method"]) == ("LFPB", "projected")
    assert f["origin_note"] == ("first seen climbing 13.0 m/s at 625 m, 4.2 km from LFPB: projected back to "
                                "the ground: lift-off 0.8 km from it, take-off assumed")


def test_climbing_out_of_beauvais(paris: Workspace) -> None:
    """RYR98HG (4ca75f): first record (index 276425) 13:53:07 UTC, 49.43792 N 2.18175 E, 2,025 ft (617 m),
    166 kt (85.4 m/s), track 89.0, +1,792 ft/min (9.1 m/s): mid-recording, so it was missed low down.

    By hand: Beauvais-Tille (LFOB, 49.4544 N 2.1128 E, elevation 359 ft = 109 m) is 5.3 km to the west;
    508 m at 9.1 m/s is 56 s, 4.8 km back along 269: lift-off near 49.437 N 2.116 E, 1.9 km from the
    reference point (the field's runways reach about 1.5 km from it). A Ryanair flight out of Beauvais.
    """
    f = _flight(paris, "4ca75f-20211007T135307Z")
    assert (f["origin_airport"], f["origin_method"]) == ("LFOB", "projected")
    assert "lift-off 1.9 km from it" in f["origin_note"]


def test_paris_ends_at_altitude_stay_unplaced(paris: Workspace) -> None:
    # MSR799 (0101de) is first seen at 4,161 m: far above any projection; still no origin.
    (flight_id,) = paris.con.execute("SELECT flight_id FROM flights WHERE icao24 = '0101de'").fetchone() or ("",)
    f = _flight(paris, flight_id)
    assert (f["origin_airport"], f["origin_method"]) == (None, "airborne")


def _climb_out(icao24: str, vrate: float, track: float = 270.0) -> Track:
    """First seen 560 m above LFPG, 4.48 km west of its reference point, flying west at 80 m/s climbing at
    `vrate`: projected back (560 / vrate s at 80 m/s) it lifts off at the reference point when vrate = 10."""
    start = (LFPG[0], LFPG[1] - 4.48 / KM_PER_DEG_LON)
    end = (LFPG[0], start[1] - 48.0 / KM_PER_DEG_LON)        # 600 s at 80 m/s
    alt0 = LFPG_ELEV_M + 560.0
    t = Track(icao24, "CLB1").leg(T0, 600, 10, start, end, (alt0, alt0 + 600 * vrate), gs=80.0, track=track)
    for r in t.rows:
        r["vrate_ms"] = vrate
    return t


def _descent_in(icao24: str, vrate: float) -> Track:
    """Last seen 700 m above LFPG, 9.8 km east of it, flying west at 70 m/s descending at `vrate` (negative):
    projected forward, 700 / 5 = 140 s at 70 m/s = 9.8 km, it touches down at the reference point."""
    end = (LFPG[0], LFPG[1] + 9.8 / KM_PER_DEG_LON)
    start = (LFPG[0], end[1] + 42.0 / KM_PER_DEG_LON)          # 600 s at 70 m/s
    alt1 = LFPG_ELEV_M + 700.0
    t = Track(icao24, "DSC1").leg(T0, 600, 10, start, end, (alt1 - 600 * vrate, alt1), gs=70.0, track=270.0)
    for r in t.rows:
        r["vrate_ms"] = vrate
    return t


@pytest.fixture
def synthetic(workspace: Workspace) -> Workspace:
    tracks = [_climb_out("a00001", 10.0), _climb_out("a00002", 1.0), _climb_out("a00003", 10.0, track=180.0),
              _descent_in("a00004", -5.0), _descent_in("a00005", -1.0),
              cruise("a00006", T0 + dt.timedelta(hours=1), 20)]
    for r in tracks[-1].rows:
        r["vrate_ms"] = -10.0       # even descending steeply, an end at 11,000 m is not projected
    insert(workspace, points_table(tracks))
    build_flights(workspace)
    return workspace


def test_hand_made_climbs_and_descents(synthetic: Workspace) -> None:
    got = {f: synthetic.con.execute(
        "SELECT origin_airport, origin_method, destination_airport, destination_method FROM flights "
        "WHERE icao24 = ?", [f]).fetchone() for f in ("a00001", "a00002", "a00003", "a00004", "a00005", "a00006")}
    assert got["a00001"][:2] == ("LFPG", "projected")       # lift-off at the reference point
    assert got["a00002"][:2] == (None, "airborne")          # 1 m/s is no steep climb
    assert got["a00003"][:2] == (None, "airborne")          # heading south: lift-off 6.3 km from it
    assert got["a00004"][2:] == ("LFPG", "projected")       # touch-down at the reference point
    assert got["a00005"][2:] == (None, "airborne")          # -1 m/s: would touch down 49 km on
    assert got["a00006"] == (None, "airborne", None, "airborne")
    note = synthetic.con.execute("SELECT destination_note FROM flights WHERE icao24 = 'a00004'").fetchone()
    assert note == ("last seen descending 5.0 m/s at 819 m, 9.8 km from LFPG: projected forward to the ground: "
                    "touch-down 0.0 km from it, landing assumed",)
