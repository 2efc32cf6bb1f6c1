"""Which watched site a dark period is near (only within a radius), and regularity within one recording."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from basewatch.maritime import DarkRules, MaritimeRules, build
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file
from tests.maritime.conftest import add_track, radial


def _regular_then_silent(km: float) -> list[tuple[float, float, float | None]]:
    """12 positions 10 min apart `km` north of the test port, 8 h of silence, two positions 200 km on."""
    return [*((i * 10.0, km, 12.0) for i in range(12)), (590, km + 200, 12.0), (600, km + 202, 12.0)]


def _sites(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.con.execute(
        "SELECT near_site, near_site_km, start_site, start_site_km, end_site, end_site_km FROM dark_periods"
    ).fetchall()


def test_a_site_is_named_only_within_the_radius(port_ws: Workspace) -> None:
    # Dark from 150 km north of the test port to 350 km north: the port is 150 km from the start and
    # 350 km from the end (one meridian, so the distances are the differences of the km offsets).
    add_track(port_ws, "273000001", radial(_regular_then_silent(150)))
    build(port_ws)
    assert _sites(port_ws) == [(None, None, None, None, None, None)]
    build(port_ws, MaritimeRules(dark=DarkRules(site_radius_km=200)))
    assert _sites(port_ws) == [("testport", 150.0, "testport", 150.0, None, None)]
    build(port_ws, MaritimeRules(dark=DarkRules(site_radius_km=400)))
    assert _sites(port_ws) == [("testport", 150.0, "testport", 150.0, "testport", 350.0)]


def test_site_distances_are_rounded_to_100_m(port_ws: Workspace) -> None:
    # 50.04 km north of the port: 50.0 km (the unrounded value differs from it by 40 m).
    add_track(port_ws, "273000001", radial(_regular_then_silent(50.04)))
    build(port_ws)
    ((near, near_km, *_),) = _sites(port_ws)
    assert (near, near_km) == ("testport", 50.0)
    jump = port_ws.con.execute("SELECT jump_km FROM dark_periods").fetchone()
    assert jump == (200.0,)


def test_negative_radius_is_refused() -> None:
    with pytest.raises(ValueError, match="radius"):
        DarkRules(site_radius_km=-1)


@pytest.fixture(scope="module")
def two_recordings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    from basewatch.ingest.pipeline import ingest_file

    amsa, spire = shared_file("ais/amsa_risky_ais.txt"), shared_file("ais/aisdb_test_data_20210701_spire.csv")
    ws = Workspace(tmp_path_factory.mktemp("dark") / "ws.duckdb")
    try:
        ingest_file(ws, amsa, "nmea")
        ingest_file(ws, spire)
        build(ws)
        yield ws
    finally:
        ws.close()


def test_sorrento_off_melbourne_is_not_dark_near_qamishli(two_recordings: Workspace) -> None:
    """SORRENTO (MMSI 503320500), read by hand from the two files:

    * amsa_risky_ais.txt (27 January 2012, 09:57-11:53 UTC): 94 type 1-3 sentences (decoded with pyais)
      between 11:47 and 11:53, every few seconds, all at 38.2652 S 144.6722 E (Sorrento, Port Phillip).
    * aisdb_test_data_20210701_spire.csv line 1590: one report, 2021-07-01 04:10:21.830 UTC, 38.2790683 S
      144.689135 E, 9.7 kn; no other line of this MMSI in the file.

    Heard once in the 2021 recording, it was never "regularly received" there: its ten prior intervals
    lie in 2012 (nine of them) or span the nine years between the files. It used to be reported dark
    for 19.8 h "near qamishli, 13486 km" (the nearest site of the default Syria watchlist, a Qamishli
    airbase at 37.02 N 41.19 E). No dark period of this vessel now, and no site that far from anything.
    """
    assert two_recordings.con.execute(
        "SELECT count(*) FROM dark_periods WHERE mmsi = '503320500'").fetchone() == (0,)
    far = two_recordings.con.execute(
        "SELECT count(*) FROM dark_periods WHERE near_site_km > 100 OR start_site_km > 100 OR end_site_km > 100"
    ).fetchone()
    assert far == (0,)
