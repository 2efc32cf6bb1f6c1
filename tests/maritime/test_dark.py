"""Dark periods on hand-made tracks: regular vs irregular reception, threshold, implied speed, ongoing."""

from __future__ import annotations

import datetime as dt

import pytest

from basewatch.maritime import DarkRules, MaritimeRules, build
from basewatch.workspace.core import Workspace
from tests.maritime.conftest import KM_PER_DEG, T0, add_track, radial


def _regular(start_min: float, n: int, km: float, step_min: float = 10) -> list[tuple[float, float, float | None]]:
    return [(start_min + i * step_min, km, 12.0) for i in range(n)]


def _dark(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.con.execute(
        "SELECT mmsi, start_time, end_time, duration_s, ongoing, jump_km, implied_speed_ms, start_row_no, "
        "end_row_no, start_site, start_site_km, prior_median_interval_s FROM dark_periods ORDER BY mmsi, start_time"
    ).fetchall()


def test_regular_reception_then_8_hours_silent(port_ws: Workspace) -> None:
    # 12 positions 10 min apart at 50 km north of the port, then silence 8 h, reappears 250 km north.
    before = _regular(0, 12, 50)
    add_track(port_ws, "273000001", radial([*before, (110 + 480, 250, 12), (600, 252, 12)]))
    build(port_ws)
    rows = _dark(port_ws)
    assert len(rows) == 1
    mmsi, start, end, duration, ongoing, jump, speed, srow, erow, site, site_km, median = rows[0]
    assert (mmsi, start, end, duration, ongoing, srow, erow, site) == (
        "273000001", T0 + dt.timedelta(minutes=110), T0 + dt.timedelta(minutes=590), 8 * 3600.0, False, 12, 13,
        "testport",
    )
    assert jump == pytest.approx(200.0, abs=1e-6)          # 250 km - 50 km along one meridian
    assert speed == pytest.approx(200_000 / 28_800, rel=1e-9)  # 6.944 m/s
    assert site_km == pytest.approx(50.0, abs=1e-6)
    assert median == 600.0


def test_irregular_reception_is_not_dark(port_ws: Workspace) -> None:
    # Heard once an hour (median interval 60 min > 30 min): an 8 h silence is not a dark period.
    add_track(port_ws, "273000001", radial([*_regular(0, 8, 50, step_min=60), (420 + 480, 60, 12)]))
    # Too few prior positions (3 intervals < 5): not a dark period either.
    add_track(port_ws, "273000002", radial([*_regular(0, 4, 50), (30 + 480, 60, 12)]))
    build(port_ws)
    assert _dark(port_ws) == []


def test_threshold_is_configurable(port_ws: Workspace) -> None:
    add_track(port_ws, "273000001", radial([*_regular(0, 10, 50), (90 + 300, 80, 12), (400, 81, 12)]))
    build(port_ws)
    assert _dark(port_ws) == []  # 5 h < 6 h
    build(port_ws, MaritimeRules(dark=DarkRules(threshold_s=4 * 3600.0)))
    rows = _dark(port_ws)
    assert [(r[3], r[5]) for r in rows] == [(5 * 3600.0, pytest.approx(30.0, abs=1e-6))]


def test_ongoing_silence_until_the_end_of_data(port_ws: Workspace) -> None:
    # Vessel 1 stops transmitting at minute 90; vessel 2 is heard until minute 90 + 420 (7 h later).
    add_track(port_ws, "273000001", radial(_regular(0, 10, 50)))
    add_track(port_ws, "273000002", radial(_regular(0, 52, 400)))
    build(port_ws)
    rows = _dark(port_ws)
    assert [(r[0], r[2], r[3], r[4], r[5], r[6]) for r in rows] == [("273000001", None, 7 * 3600.0, True, None, None)]
    ends = port_ws.con.execute("SELECT end_site, end_site_km, near_site, near_site_km FROM dark_periods").fetchall()
    assert ends == [(None, None, "testport", pytest.approx(50.0, abs=1e-6))]


def test_silence_inside_a_port_call_is_a_port_gap_not_dark(port_ws: Workspace) -> None:
    inport = [(i * 10.0, 1.0, 0.0) for i in range(10)]
    add_track(port_ws, "273000001", radial([*inport, (90 + 480, 1.0, 0.0), (600, 10, 10), (610, 12, 10)]))
    build(port_ws)
    assert _dark(port_ws) == []
    assert port_ws.con.execute("SELECT port_gaps FROM port_calls").fetchall() == [(1,)]
    build(port_ws, MaritimeRules(dark=DarkRules(include_in_port=True)))
    assert len(_dark(port_ws)) == 1


def test_km_per_degree_matches_the_geo_module() -> None:
    from basewatch.geo import haversine_km

    assert haversine_km(0, -30, 1, -30) == pytest.approx(KM_PER_DEG, rel=1e-12)


def test_silence_between_recordings_far_apart_is_not_dark(port_ws: Workspace) -> None:
    # File 1 hears the vessel regularly for 90 min; file 2 (another vessel too) starts 30 days later.
    add_track(port_ws, "273000001", radial(_regular(0, 10, 50)), source_id=1)
    add_track(port_ws, "273000001", radial(_regular(30 * 1440, 10, 60)), source_id=2)
    add_track(port_ws, "273000002", radial(_regular(30 * 1440, 10, 400)), source_id=2)
    build(port_ws)
    assert _dark(port_ws) == []


def test_silence_across_adjacent_recordings_is_dark(port_ws: Workspace) -> None:
    # Two receivers' files that follow each other (file 2 begins 30 min after file 1 ends) cover the silence.
    add_track(port_ws, "273000002", radial(_regular(0, 61, 400)), source_id=1)          # file 1: 0-600 min
    add_track(port_ws, "273000002", radial(_regular(630, 60, 400)), source_id=2)        # file 2: 630-1220 min
    add_track(port_ws, "273000001", radial(_regular(0, 10, 50)), source_id=1)
    add_track(port_ws, "273000001", radial([(1000, 120, 12)]), source_id=2)
    build(port_ws)
    rows = _dark(port_ws)
    assert [(r[1], r[2]) for r in rows] == [(T0 + dt.timedelta(minutes=90), T0 + dt.timedelta(minutes=1000))]


def test_receiver_outage_is_not_a_dark_period(port_ws: Workspace) -> None:
    # Two vessels heard every 10 min by one receiver; from minute 90 to 600 the receiver hears nobody at all
    # (an outage), then both again. Neither vessel went dark.
    for mmsi, km in (("273000001", 50), ("273000002", 80)):
        add_track(port_ws, mmsi, radial([*_regular(0, 10, km), *_regular(600, 10, km + 5)]))
    build(port_ws)
    assert _dark(port_ws) == []
    # With the second vessel heard throughout, the first one's silence is a dark period.
    port_ws.con.execute("DELETE FROM ais_positions WHERE mmsi = '273000002'")
    add_track(port_ws, "273000002", radial(_regular(0, 70, 80)))
    build(port_ws)
    assert [(r[0], r[1], r[2]) for r in _dark(port_ws)] == [
        ("273000001", T0 + dt.timedelta(minutes=90), T0 + dt.timedelta(minutes=600))
    ]
