"""Voyages need continuity: two calls of one MMSI years apart in unrelated recordings are no voyage."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest

from basewatch.maritime import MaritimeRules, VoyageRules, build
from basewatch.watchlist.model import Site, Watchlist
from basewatch.watchlist.store import store_watchlist
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file
from tests.maritime.conftest import T0, add_track, north_of_port, radial

DAY_MIN = 24 * 60


@pytest.fixture(scope="module")
def two_recordings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """The AMSA terrestrial NMEA log (January 2012) and the Spire satellite CSV (1 July 2021) together."""
    from basewatch.ingest.pipeline import ingest_file

    amsa, spire = shared_file("ais/amsa_risky_ais.txt"), shared_file("ais/aisdb_test_data_20210701_spire.csv")
    ws = Workspace(tmp_path_factory.mktemp("voyages") / "ws.duckdb")
    try:
        ingest_file(ws, amsa, "nmea")
        ingest_file(ws, spire)
        yield ws
    finally:
        ws.close()


def _voyages(ws: Workspace, mmsi: str) -> list[tuple[object, ...]]:
    return ws.con.execute(
        "SELECT origin_port, destination_port, departure, arrival, distance_km FROM voyages WHERE mmsi = ? "
        "ORDER BY departure", [mmsi]
    ).fetchall()


def test_calls_nine_years_apart_in_two_recordings_are_no_voyage(two_recordings: Workspace) -> None:
    """MMSI 444444444 (a placeholder number two unrelated ships transmitted), read by hand:

    * amsa_risky_ais.txt line 38459, `!AIVDM,1,1,,A,16Wng70P00KlmlGd=Qm@2Ovp20S2,0*74,1327665149`: type 1,
      34.5831 S 58.3618 W, 0.0 kn, status 0, received 2012-01-27 11:52:29 UTC (trailing epoch; decoded
      with pyais too). World Port Index 13760 Buenos Aires lies at 34.6 S 58.366667 W (1.9 km).
    * aisdb_test_data_20210701_spire.csv line 125: 14.60074 N 61.065235 W, SOG 0.1 kn, 2021-07-01
      05:59:36.710 UTC. WPI 11550 Fort De France lies at 14.6 N 61.066667 W (0.2 km).

    Both are stopped in port: two port calls. Nine and a half years lie between them, with no position
    in between: no voyage (it used to be one, Buenos Aires -> Fort De France, 5,478 km).
    """
    build(two_recordings)
    calls = two_recordings.con.execute(
        "SELECT port FROM port_calls WHERE mmsi = '444444444' ORDER BY arrival").fetchall()
    assert calls == [("Buenos Aires",), ("Fort De France",)]
    assert _voyages(two_recordings, "444444444") == []
    # the rule, not something else, is what keeps it out: without a limit the old chain comes back
    build(two_recordings, MaritimeRules(voyages=VoyageRules(max_duration_s=None)))
    ((origin, dest, dep, arr, _),) = _voyages(two_recordings, "444444444")
    assert (origin, dest) == ("Buenos Aires", "Fort De France")
    assert (dep, arr) == (dt.datetime(2012, 1, 27, 11, 52, 29, tzinfo=dt.UTC),
                          dt.datetime(2021, 7, 1, 5, 59, 36, 710000, tzinfo=dt.UTC))


@pytest.fixture
def two_ports(port_ws: Workspace) -> Workspace:
    other = Site(id="northport", name="North port", kind="port", lat=north_of_port(100), lon=-30.0, radius_km=3.0)
    store_watchlist(port_ws, Watchlist(sites=(other,)), "<test>", "")
    return port_ws


def _leg(days: float) -> list[tuple[float, float, float | None]]:
    """Stopped at the test port, out at 50 km after 3 h, stopped at the north port `days` after leaving."""
    end = 60 + days * DAY_MIN
    return [(0, 0.5, 0.0), (60, 0.5, 0.0), (240, 50, 12), (end, 99.5, 0.0), (end + 60, 100, 0.0)]


def test_voyage_up_to_30_days_counts_longer_does_not(two_ports: Workspace) -> None:
    # Departure from testport at minute 60 (last position within its 4 km exit radius), arrival at the
    # north port (100 km north) 29 or 31 days later.
    add_track(two_ports, "273000001", radial(_leg(29)))
    add_track(two_ports, "273000002", radial(_leg(31)))
    build(two_ports)
    rows = two_ports.con.execute("SELECT mmsi, departure, arrival FROM voyages ORDER BY mmsi").fetchall()
    assert rows == [("273000001", T0 + dt.timedelta(minutes=60), T0 + dt.timedelta(minutes=60 + 29 * DAY_MIN))]
    build(two_ports, MaritimeRules(voyages=VoyageRules(max_duration_s=32 * 86400.0)))
    assert two_ports.con.execute("SELECT count(*) FROM voyages").fetchone() == (2,)


def test_silence_limit_when_set(two_ports: Workspace) -> None:
    # A 2-day leg whose longest interval between positions is 60 -> 240 min (3 h) then 240 min -> 2 days.
    add_track(two_ports, "273000001", radial(_leg(2)))
    rules = MaritimeRules()
    build(two_ports, dataclasses.replace(rules, voyages=VoyageRules(max_silence_s=2 * 86400.0)))
    assert two_ports.con.execute("SELECT count(*) FROM voyages").fetchone() == (1,)
    # longest silence: from minute 240 to 60 + 2 days = 2 days - 3 h; a limit of 1 day refuses it
    build(two_ports, dataclasses.replace(rules, voyages=VoyageRules(max_silence_s=86400.0)))
    assert two_ports.con.execute("SELECT count(*) FROM voyages").fetchone() == (0,)


def test_rules_refuse_a_non_positive_limit() -> None:
    with pytest.raises(ValueError, match="max_duration_s"):
        VoyageRules(max_duration_s=0)
