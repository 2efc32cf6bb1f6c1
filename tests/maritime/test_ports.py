"""The packaged World Port Index extract and the places built from it and the watchlist."""

from __future__ import annotations

import pyarrow.compute as pc
import pytest

from basewatch.maritime.ports import PortZones, create_places, wpi_ports
from basewatch.watchlist.store import read_sites
from basewatch.workspace.core import Workspace


def test_one_row_per_index_number() -> None:
    t = wpi_ports()
    assert t.num_rows == 3766  # 3,768 rows in Pub 150, numbers 400 and 49460 listed twice
    assert pc.count_distinct(t.column("wpi")).as_py() == t.num_rows


@pytest.mark.parametrize(
    ("name", "country", "lat", "lon"),
    # Read by hand from nga_wpi_UpdatedPub150.csv (BRIEF section 4 quotes Tartus as 34.90 N 35.867 E).
    [("Tartus", "SY", 34.9, 35.866667), ("Banghazi", "LY", 32.116667, 20.05),
     ("Mersa Tobruq", "LY", 32.083333, 23.983333), ("Al Ladhiqiyah", "SY", 35.533333, 35.766667),
     ("Novorossiysk", "RU", 44.716667, 37.783333)],
)
def test_known_ports(name: str, country: str, lat: float, lon: float) -> None:
    rows = [r for r in wpi_ports().to_pylist() if r["name"] == name]
    assert [(r["country"], r["lat"], r["lon"]) for r in rows] == [(country, lat, lon)]


def test_places_are_unique_and_watchlist_ports_absorb_wpi(workspace: Workspace) -> None:
    create_places(workspace.con, read_sites(workspace), PortZones())
    keys = workspace.con.execute("SELECT count(*), count(DISTINCT place_key) FROM _places").fetchone()
    assert keys is not None and keys[0] == keys[1]
    # The default watchlist's 7 ports each lie at (or within 1 km of) a WPI port.
    site_rows = workspace.con.execute(
        "SELECT site_id, port FROM _places WHERE site_id IS NOT NULL ORDER BY site_id"
    ).fetchall()
    assert dict(site_rows)["tartus"] == "Tartus" and dict(site_rows)["baniyas"] == "Baniyas"
    # Each of them absorbs exactly one WPI entry: 3,766 WPI rows - 7 absorbed + 7 sites.
    assert len(site_rows) == 7 and all(port for _, port in site_rows) and keys[0] == 3766
