"""Sanity of the maritime detectors on real AIS (AMSA terrestrial NMEA, ../shared/data/ais)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from basewatch.ingest.pipeline import ingest_file
from basewatch.maritime import build
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file


@pytest.fixture(scope="module")
def amsa_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    path = shared_file("ais/amsa_risky_ais.txt")
    workspace = Workspace(tmp_path_factory.mktemp("amsa") / "ws.duckdb")
    try:
        ingest_file(workspace, path, "nmea")  # a broken reader fails these tests (no skip)
        build(workspace)
        yield workspace
    finally:
        workspace.close()


def test_named_harbour_craft_call_at_their_home_ports(amsa_ws: Workspace) -> None:
    # Names read from the file's type 5 messages: two Sydney harbour ferries (the RiverCat EVONNE GOOLAGONG,
    # the Lady-class LADY NORTHCOTT) and the Darwin pilot boat. Each lies stopped in its home port.
    rows = amsa_ws.con.execute(
        "SELECT mmsi, port, port_country FROM port_calls WHERE mmsi IN ('503376300', '503602000', '503390000') "
        "ORDER BY mmsi"
    ).fetchall()
    assert rows == [("503376300", "Sydney", "AU"), ("503390000", "Darwin", "AU"), ("503602000", "Sydney", "AU")]


def test_ships_never_slower_than_half_a_knot_make_no_call(amsa_ws: Workspace) -> None:
    # Two vessels that pass within 3 km of a World Port Index port (Botany Bay, Gladstone) but never report
    # a speed below 0.5 kn in this two-hour recording: no stop, no 4 h gap, hence no port call.
    speeds = amsa_ws.con.execute(
        "SELECT mmsi, min(sog_ms) / (1852.0 / 3600.0), count(*) FROM ais_positions "
        "WHERE mmsi IN ('503093300', '503642000') GROUP BY mmsi ORDER BY mmsi"
    ).fetchall()
    assert [s[0] for s in speeds] == ["503093300", "503642000"] and all(s[1] > 0.5 for s in speeds)
    calls = amsa_ws.con.execute(
        "SELECT count(*) FROM port_calls WHERE mmsi IN ('503093300', '503642000')"
    ).fetchone()
    assert calls == (0,)
    # And in general: every call has a stop (or an in-port gap, impossible in two hours of data).
    bad = amsa_ws.con.execute("SELECT count(*) FROM port_calls WHERE stops = 0 AND port_gaps = 0").fetchone()
    assert bad == (0,)


def test_two_hours_of_data_have_no_six_hour_dark_period(amsa_ws: Workspace) -> None:
    assert amsa_ws.con.execute("SELECT count(*) FROM dark_periods").fetchone() == (0,)


def test_receiver_gap_in_the_recording_is_not_going_dark(amsa_ws: Workspace) -> None:
    # The file holds two stretches of reception (09:57-10:05 and 11:47-11:53 UTC) with 102 minutes in which
    # nobody is heard. Vessels are silent for more than 30 min across that gap...
    silences = amsa_ws.con.execute(
        "SELECT count(*) FROM (SELECT epoch(time) - epoch(lag(time) OVER (PARTITION BY mmsi ORDER BY time)) AS d "
        "FROM ais_positions) WHERE d > 1800"
    ).fetchone()
    assert silences is not None and silences[0] > 10
    # ...but none of them is a dark period, even at a 30 min threshold: the receiver was down (and each of
    # these vessels had been heard only once before the gap, which is no regular reception either).
    from basewatch.maritime import DarkRules, MaritimeRules

    build(amsa_ws, MaritimeRules(dark=DarkRules(threshold_s=1800.0)))
    assert amsa_ws.con.execute("SELECT count(*) FROM dark_periods").fetchone() == (0,)
    build(amsa_ws)
