"""Flight splitting and attribution on hand-made tracks, with answers worked out by hand.

Every aircraft has its own address, so one build per parameter set serves many tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from basewatch.flights.params import AttributeParams, FlightParams, SplitParams
from basewatch.flights.store import build_flights
from basewatch.watchlist.model import Site, Watchlist
from basewatch.watchlist.store import store_watchlist
from basewatch.workspace.core import Workspace
from tests.flights.builders import LFPG, LFPO, T0, Track, cruise, insert, points_table

S = dt.timedelta(seconds=1)
CRUISE = ((46.0, 0.5), (46.0, 3.5), (11000.0, 11000.0))
# aircraft -> silence (s) between two 10-minute cruise legs, for the default 15-minute gap
GAPS = {"ab0001": 16 * 60, "ab0002": 14 * 60, "ab0003": 15 * 60, "ab0004": 15 * 60 + 1}


def flights_of(ws: Workspace, icao24: str) -> list[dict[str, Any]]:
    rel = ws.con.execute("SELECT * FROM flights WHERE icao24 = ? ORDER BY start", [icao24])
    cols = [d[0] for d in rel.description]
    return [dict(zip(cols, r, strict=True)) for r in rel.fetchall()]


def gapped(icao24: str, silence_s: float) -> Track:
    t = cruise(icao24, T0, 10)                      # 61 points, 10 s apart
    return t.then(silence_s, 600, 10, *CRUISE, track=90.0)


def lfpg_to_lfpo(icao24: str, start: dt.datetime, callsign: str = "TST1") -> Track:
    """Taxi at LFPG, climb out east, turn, descend into LFPO, taxi there (10 s steps)."""
    east, south = (49.0128, 2.70), (48.80, 2.70)
    t = Track(icao24, callsign)
    t.leg(start, 300, 10, LFPG, (49.0128, 2.56), (None, None), ground=True)           # 31 ground points
    t.then(10, 300, 10, (49.0128, 2.57), east, (150.0, 3000.0), track=90.0)          # 31 airborne
    t.then(10, 300, 10, east, south, (3000.0, 3000.0), track=180.0)                  # 31 airborne
    t.then(10, 300, 10, south, (48.7233, 2.40), (3000.0, 150.0), track=250.0)        # 31 airborne
    t.then(10, 300, 10, (48.7233, 2.39), LFPO, (None, None), ground=True)            # 31 ground
    return t


def default_tracks() -> tuple[list[Track], list[dict[str, Any]]]:
    tracks = [gapped(icao, silence) for icao, silence in GAPS.items()]
    tracks.append(cruise("ac0001", T0, 10))
    leg = cruise("ac0002", T0, 20)                   # 121 points without a gap
    leg.rows[60]["new_leg"] = True
    tracks.append(leg)
    tracks.append(cruise("ac0003", T0, 5))           # rows tied in time, see `extra`
    nulls = cruise("ac0004", T0, 5)
    for i in (0, 10, 30):
        nulls.rows[i]["lat"] = None
    tracks.append(nulls)
    tracks.append(lfpg_to_lfpo("ac0005", T0))
    twice = lfpg_to_lfpo("ac0006", T0)
    twice.rows += lfpg_to_lfpo("ac0006", twice.end_time + 10 * S, "TST2").rows
    tracks.append(twice)
    for icao, heading in (("ac0007", 90.0), ("ac0008", 270.0)):
        tracks.append(Track(icao).leg(T0, 600, 10, (49.0128, 2.605), (49.0128, 3.5), (450.0, 5000.0),
                                      track=heading))
    fiji = Track("ac000b").leg(T0, 600, 10, (-18.0, 178.0), (-18.56, 179.9), (3000.0, 100.0), track=100.0)
    tracks.append(fiji.then(10, 180, 10, (-18.5667, -179.99), (-18.5667, -179.99), (None, None), ground=True))
    flicker = cruise("ac0009", T0, 10)
    flicker.rows[30]["on_ground"] = True             # "on ground" at cruise speed: not plausible, ignored
    flicker.rows[31].update(on_ground=True, gs_ms=50.0, alt_baro_m=100.0)  # a single slow report: noise
    tracks.append(flicker)
    extra = [
        {"icao24": "ac0003", "time": T0, "lat": 45.9, "lon": 0.5, "alt_baro_m": 11000.0, "gs_ms": 200.0,
         "on_ground": False, "row_no": 1_000_000},
        {"icao24": "ac0003", "time": T0 + 300 * S, "lat": 45.9, "lon": 3.5, "alt_baro_m": 11000.0,
         "gs_ms": 200.0, "on_ground": False, "row_no": 1_000_001},
    ]
    return tracks, extra


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    w = Workspace(Path(tmp_path_factory.mktemp("seg")) / "ws.duckdb")
    # a watched region drawn as a polygon (lon, lat) around Orly, but not Charles de Gaulle
    ring = ((2.30, 48.65), (2.45, 48.65), (2.45, 48.78), (2.30, 48.78))
    store_watchlist(w, Watchlist(sites=(Site("orly-area", "Orly area", "region", "FR", polygon=ring),)), "t", "")
    tracks, extra = default_tracks()
    insert(w, points_table(tracks, extra))
    build_flights(w)
    yield w
    w.close()


@pytest.fixture(scope="module")
def ws_params(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """Other thresholds: a 20-minute gap; airborne ends count as low only within 3 km."""
    w = Workspace(Path(tmp_path_factory.mktemp("seg2")) / "ws.duckdb")
    low = Track("ad0002").leg(T0, 600, 10, (46.0, 0.6), (46.0, 1.2), (5000.0, 300.0), track=90.0)
    insert(w, points_table([gapped("ad0001", 16 * 60), low]))
    build_flights(w, params=FlightParams(SplitParams(gap_s=20 * 60.0), AttributeParams(low_radius_km=3.0)))
    yield w
    w.close()


@pytest.mark.parametrize("icao24", sorted(GAPS))
def test_gap_longer_than_threshold_splits(ws: Workspace, icao24: str) -> None:
    silence = GAPS[icao24]
    got = flights_of(ws, icao24)
    expected = 2 if silence > 15 * 60 else 1          # strictly longer than the gap splits
    assert len(got) == expected
    assert sum(f["points"] for f in got) == 122
    if expected == 2:
        assert got[0]["end"] == T0 + 600 * S
        assert got[1]["start"] == T0 + (600 + silence) * S
        assert [f["points"] for f in got] == [61, 61]


def test_gap_threshold_is_configurable(ws_params: Workspace) -> None:
    assert len(flights_of(ws_params, "ad0001")) == 1  # 16 min < 20 min


def test_cruise_gets_no_airport_and_says_why(ws: Workspace) -> None:
    (f,) = flights_of(ws, "ac0001")
    assert f["origin_airport"] is None and f["destination_airport"] is None
    assert f["origin_site"] is None and f["destination_site"] is None
    assert f["origin_method"] == f["destination_method"] == "airborne"
    assert "first seen airborne at 11000 m" in f["origin_note"]
    assert "no airport assigned" in f["destination_note"]
    assert (f["first_lat"], f["first_lon"]) == (46.0, 0.5)
    assert f["last_lat"] == pytest.approx(46.0) and f["last_lon"] == pytest.approx(3.5)


def test_new_leg_flag_starts_a_flight(ws: Workspace) -> None:
    got = flights_of(ws, "ac0002")
    assert [f["start"] for f in got] == [T0, T0 + 600 * S]
    assert got[0]["end"] == T0 + 590 * S
    assert [f["points"] for f in got] == [60, 61]


def test_ties_in_time_are_broken_by_row_number(ws: Workspace) -> None:
    # the track's own first row and row 1,000,000 share the first instant: the first point is the
    # track's row (lat 46.0), although row 1,000,000 is stored first (lower latitude); the track's
    # last row and row 1,000,001 share the last instant: the last point is row 1,000,001
    (f,) = flights_of(ws, "ac0003")
    first_row = ws.con.execute(
        "SELECT min(row_no) FROM aircraft_points WHERE icao24 = 'ac0003' AND lat = 46.0").fetchone()
    assert first_row is not None
    assert (f["first_row_no"], f["first_lat"]) == (first_row[0], 46.0)
    assert (f["last_row_no"], f["last_lat"]) == (1_000_001, 45.9)
    assert f["points"] == 33


def test_null_positions_are_ignored(ws: Workspace) -> None:
    (f,) = flights_of(ws, "ac0004")
    assert f["points"] == 28
    assert f["start"] == T0 + 10 * S           # row 0 had no position
    assert f["end"] == T0 + 290 * S


def test_take_off_and_landing_at_airports(ws: Workspace) -> None:
    (f,) = flights_of(ws, "ac0005")
    assert (f["origin_airport"], f["origin_method"]) == ("LFPG", "ground")
    assert (f["destination_airport"], f["destination_method"]) == ("LFPO", "ground")
    assert (f["origin_site"], f["destination_site"]) == (None, "orly-area")   # inside the polygon
    assert f["start"] == T0 + 300 * S             # the last ground point before take-off
    assert f["end"] == T0 + 1240 * S              # the first ground point after landing
    assert f["points"] == 93 + 2
    assert f["origin_note"].startswith("took off: last ground point")
    assert f["source_ids"] == [1]


def test_ground_stay_separates_two_flights(ws: Workspace) -> None:
    got = flights_of(ws, "ac0006")
    assert [f["callsign"] for f in got] == ["TST1", "TST2"]
    assert got[0]["end"] == T0 + 1240 * S
    assert got[1]["start"] == T0 + (1550 + 300) * S   # the second copy starts 10 s after the first ends


@pytest.mark.parametrize(("icao24", "expected"), [("ac0007", "LFPG"), ("ac0008", None)])
def test_first_seen_low_near_an_airfield(ws: Workspace, icao24: str, expected: str | None) -> None:
    """First seen 4 km east of LFPG at 450 m: a take-off when flying away (east), not when flying at it."""
    (f,) = flights_of(ws, icao24)
    assert f["origin_airport"] == expected
    assert f["origin_method"] == ("low" if expected else "airborne")


def test_low_end_beyond_the_radius_gets_no_airport(ws_params: Workspace) -> None:
    (f,) = flights_of(ws_params, "ad0002")
    assert f["destination_airport"] is None
    assert f["destination_method"] == "airborne"


def test_flickering_ground_flag_does_not_split(ws: Workspace) -> None:
    assert len(flights_of(ws, "ac0009")) == 1


def test_airfield_across_the_antimeridian(ws: Workspace) -> None:
    """Lands 6 km east of Moala (NFMO, 179.951 E) at 179.99 W: the nearest airfield is across 180."""
    (f,) = flights_of(ws, "ac000b")
    assert (f["destination_airport"], f["destination_method"]) == ("NFMO", "ground")


def test_parameters_stored_by_an_older_build_still_load() -> None:
    """flight_builds rows written before sub-cells were dropped carry `subcell_s`; it is ignored."""
    old = {"split": {"gap_s": 1200.0, "cell_s": 600.0, "subcell_s": 60.0}, "attribute": {"low_agl_m": 400.0}}
    params = FlightParams.from_json(old)
    assert params.split.gap_s == 1200.0
    assert params.attribute.low_agl_m == 400.0
    assert params.attribute.ground_radius_km == AttributeParams().ground_radius_km
