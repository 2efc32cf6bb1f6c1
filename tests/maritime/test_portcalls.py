"""Port calls on hand-made tracks: hysteresis, stops, in-port gaps, still in port, voyages."""

from __future__ import annotations

import datetime as dt

from basewatch.maritime import MaritimeRules, PortCallRules, PortZones, build
from basewatch.workspace.core import Workspace
from tests.maritime.conftest import T0, add_track, radial


def _calls(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.con.execute(
        "SELECT mmsi, site_id, arrival, departure, stops, port_gaps, positions, first_row_no, last_row_no, "
        "arrival_observed FROM port_calls ORDER BY mmsi, arrival"
    ).fetchall()


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def test_hovering_between_radii_does_not_flap(port_ws: Workspace) -> None:
    # Approach, enter at 2.5 km (row 3), hover 3.5-3.9 km (inside the 4 km exit radius), dip to 2.9, leave.
    track = radial([(0, 10, 10), (30, 5, 8), (60, 2.5, 0.1), (90, 3.5, 0.3), (120, 3.9, 0.1), (150, 3.5, 0.1),
                    (180, 2.9, 0.1), (210, 3.5, 0.3), (240, 4.5, 6), (270, 10, 10)])
    add_track(port_ws, "273000001", track)
    # Another ship only hovers at 3.5 km: never within the enter radius, so no call.
    add_track(port_ws, "273000002", radial([(0, 10, 10), (30, 3.5, 0.1), (60, 3.6, 0.1), (90, 3.4, 0.1),
                                            (120, 10, 10)]))
    build(port_ws)
    assert _calls(port_ws) == [
        ("273000001", "testport", at(60), at(210), 1, 0, 6, 3, 8, True),
    ]


def test_without_hysteresis_the_same_track_would_give_two_calls(port_ws: Workspace) -> None:
    # Same kind of track, but with enter = exit = 3 km the hover outside 3 km ends the first call.
    track = radial([(0, 10, 10), (30, 2.5, 0.1), (60, 3.5, 0.1), (90, 2.9, 0.1), (120, 10, 10)])
    add_track(port_ws, "273000001", track)
    build(port_ws, MaritimeRules(port_calls=PortCallRules(zones=PortZones(enter_km=3.0, exit_km=3.0))))
    assert [(c[2], c[3]) for c in _calls(port_ws)] == [(at(30), at(30)), (at(90), at(90))]
    build(port_ws)
    assert [(c[2], c[3]) for c in _calls(port_ws)] == [(at(30), at(90))]


def test_stops_start_below_0_2_and_end_above_0_5_knots(port_ws: Workspace) -> None:
    # In port: 0.1 starts a stop; 0.3, 0.4 keep it; 0.6 ends it; 0.3 does not start one; 0.1 does -> 2 stops.
    kn = [0.1, 0.3, 0.4, 0.1, 0.6, 0.3, 0.1]
    track = radial([(0, 10, 10)] + [(10 * (i + 1), 1.0, k) for i, k in enumerate(kn)] + [(90, 10, 10)])
    add_track(port_ws, "273000001", track)
    # A ship that creeps through at 0.3-0.4 kn never stops: a visit but no call.
    add_track(port_ws, "273000002", radial([(0, 10, 10), (10, 1, 0.3), (20, 0.5, 0.4), (30, 1, 0.3),
                                            (40, 10, 10)]))
    # A ship passing at 12 kn within 1 km: no call.
    add_track(port_ws, "273000003", radial([(0, 6, 12), (10, 1, 12), (20, -4.5, 12)]))
    build(port_ws)
    calls = _calls(port_ws)
    assert [(c[0], c[4], c[2], c[3]) for c in calls] == [("273000001", 2, at(10), at(70))]
    first_stop = port_ws.con.execute("SELECT first_stop FROM port_calls").fetchone()
    assert first_stop == (at(10),)


def test_in_port_gap_of_4_hours_makes_a_call(port_ws: Workspace) -> None:
    # Never slower than 1 kn (no stop) but silent 5 h inside the port: a call with one port gap.
    add_track(port_ws, "273000001", radial([(0, 10, 8), (30, 2, 1), (330, 2, 1), (360, 10, 8)]))
    # Silent only 3 h: not a call.
    add_track(port_ws, "273000002", radial([(0, 10, 8), (30, 2, 1), (210, 2, 1), (240, 10, 8)]))
    build(port_ws)
    assert [(c[0], c[2], c[3], c[5]) for c in _calls(port_ws)] == [("273000001", at(30), at(330), 1)]


def test_still_in_port_and_first_seen_in_port(port_ws: Workspace) -> None:
    add_track(port_ws, "273000001", radial([(0, 1, 0.1), (30, 1, 0.1), (60, 8, 9), (90, 30, 10),
                                            (120, 2, 0.1), (150, 1, 0.0)]))
    build(port_ws)
    calls = _calls(port_ws)
    assert [(c[2], c[3], c[9]) for c in calls] == [(at(0), at(30), False), (at(120), None, True)]


def test_voyage_between_two_ports(port_ws: Workspace) -> None:
    from basewatch.watchlist.model import Site, Watchlist
    from basewatch.watchlist.store import store_watchlist

    # A second port 100 km due north of the test port.
    from tests.maritime.conftest import north_of_port

    other = Site(id="northport", name="North port", kind="port", lat=north_of_port(100), lon=-30.0, radius_km=3.0)
    store_watchlist(port_ws, Watchlist(sites=(other,)), "<test>", "")
    add_track(port_ws, "273000001", radial([(0, 0.5, 0.0), (60, 0.5, 0.0), (90, 10, 12), (300, 50, 12),
                                            (600, 99, 0.1), (660, 100, 0.0)]))
    build(port_ws)
    rows = port_ws.con.execute(
        "SELECT origin_site, destination_site, departure, arrival, distance_km, positions FROM voyages"
    ).fetchall()
    assert len(rows) == 1
    origin, dest, dep, arr, dist, positions = rows[0]
    assert (origin, dest, dep, arr, positions) == ("testport", "northport", at(60), at(600), 2)
    assert abs(dist - 100.0) < 1e-6


def test_port_on_the_antimeridian(workspace: Workspace) -> None:
    from basewatch.watchlist.model import Site, Watchlist
    from basewatch.watchlist.store import store_watchlist

    # Port at 179.99 E on the equator; the ship stops at 179.995 W, 1.7 km east across the antimeridian
    # (0.015 degrees of longitude at the equator = 0.015 * 111.195 km).
    site = Site(id="dateline", name="Dateline port", kind="port", lat=0.0, lon=179.99, radius_km=3.0)
    store_watchlist(workspace, Watchlist(sites=(site,)), "<test>", "")
    add_track(workspace, "273000001", [(0, 0.0, -179.9, 8.0), (30, 0.0, -179.995, 0.0), (60, 0.0, -179.995, 0.0),
                                        (90, 0.0, -179.8, 8.0)])
    build(workspace)
    rows = workspace.con.execute("SELECT site_id, arrival, departure, min_distance_km FROM port_calls").fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [("dateline", at(30), at(60))]
    assert abs(rows[0][3] - 0.015 * 6371.0088 * 3.141592653589793 / 180) < 1e-6


def test_watchlist_port_absorbs_the_world_port_index_entry(workspace: Workspace) -> None:
    # The default watchlist's Tartus site and WPI 45003 "Tartus" (34.9 N, 35.866667 E) are one place:
    # a ship stopped 1 km west of it makes one call, labelled with both.
    lon = 35.866667 - 1.0 / (111.195 * 0.8202)  # cos(34.9 deg) = 0.8202
    add_track(workspace, "273000001", [(0, 34.9, 35.7, 10.0), (30, 34.9, lon, 0.0), (60, 34.9, lon, 0.0),
                                        (90, 34.9, 35.7, 10.0)])
    build(workspace)
    rows = workspace.con.execute("SELECT site_id, port, port_country, min_distance_km FROM port_calls").fetchall()
    assert len(rows) == 1 and rows[0][:3] == ("tartus", "Tartus", "SY")
    assert abs(rows[0][3] - 1.0) < 0.01


def test_overlapping_zones_keep_the_closer_port(port_ws: Workspace) -> None:
    from basewatch.watchlist.model import Site, Watchlist
    from basewatch.watchlist.store import store_watchlist
    from tests.maritime.conftest import north_of_port

    # A second port 3 km north of the test port; the ship stops 1 km north of the test port, which is
    # within both entry radii (1 km and 2 km): one call, at the closer test port.
    other = Site(id="northport", name="North port", kind="port", lat=north_of_port(3.0), lon=-30.0, radius_km=3.0)
    store_watchlist(port_ws, Watchlist(sites=(other,)), "<test>", "")
    add_track(port_ws, "273000001", radial([(0, 20, 10), (30, 1, 0.0), (60, 1, 0.0), (90, 20, 10)]))
    build(port_ws)
    assert port_ws.con.execute("SELECT site_id FROM port_calls").fetchall() == [("testport",)]


def test_moored_status_stands_in_for_a_missing_speed(port_ws: Workspace) -> None:
    # No speeds at all (e.g. a feed without SOG): "moored" (5) starts a stop, "under way" (0) does not.
    track = radial([(0, 10, None), (30, 1, None), (60, 1, None), (90, 10, None)])
    add_track(port_ws, "273000001", track, nav_status=[0, 5, 5, 0])
    add_track(port_ws, "273000002", track, nav_status=[0, 0, 0, 0])
    build(port_ws)
    assert [(c[0], c[4]) for c in _calls(port_ws)] == [("273000001", 1)]


def test_stop_begun_at_the_outer_anchorage_carries_into_the_call(port_ws: Workspace) -> None:
    # Anchored 3.5 km out (0 kn: stopped, but outside the 3 km entry radius), then creeps in at 0.3 kn
    # (neither slow nor fast: the stop goes on) to 2.5 km and 2 km, then leaves at 8 kn.
    add_track(port_ws, "273000001", radial([(0, 10, 10), (30, 3.5, 0.0), (60, 3.5, 0.0), (90, 2.5, 0.3),
                                            (120, 2.0, 0.3), (150, 6, 8)]))
    build(port_ws)
    assert [(c[2], c[3], c[4], c[6]) for c in _calls(port_ws)] == [(at(90), at(120), 1, 2)]
    assert port_ws.con.execute("SELECT first_stop FROM port_calls").fetchone() == (at(90),)
