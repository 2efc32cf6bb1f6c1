"""The default watchlist (founding case): required sites, their coordinates checked against independent
sources (the airportsdata package for airfields, the World Port Index in ../shared for ports), aliases,
and the default actor."""

from __future__ import annotations

import csv

import airportsdata
import pytest

from basewatch.watchlist.load import default_watchlist
from basewatch.watchlist.store import read_actors, read_sites
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file

# site id -> ICAO code of the airfield (issue 2 / BRIEF section 4)
AIRFIELDS = {
    "khmeimim": "OSLK",
    "al-khadim": "HL59",
    "benina": "HLLB",
    "al-jufra": "HL69",
    "maaten-al-sarra": "HL56",
    "tobruk-airport": "HLGN",
    "hama": "OS58",
    "qamishli": "OSKL",
    "chkalovsky": "UUMU",
    "engels": "XWSG",
    "bamako": "GABS",
}
# site id -> World Port Index number (NGA Pub 150)
PORTS = {"tartus": "45003", "latakia-port": "45010", "tobruk-port": "45220", "benghazi-port": "45280"}


@pytest.mark.parametrize(("site_id", "icao"), sorted(AIRFIELDS.items()))
def test_airfields_agree_with_airportsdata(site_id: str, icao: str) -> None:
    site = default_watchlist().site(site_id)
    assert site is not None and site.kind == "airbase" and site.icao == icao
    ref = airportsdata.load("ICAO")[icao]
    assert site.lat == pytest.approx(ref["lat"], abs=0.01)
    assert site.lon == pytest.approx(ref["lon"], abs=0.01)
    assert site.country == ref["country"]


def test_ports_agree_with_the_world_port_index() -> None:
    path = shared_file("reference/nga_wpi_UpdatedPub150.csv")
    with path.open(newline="", encoding="utf-8") as fh:
        wpi = {
            r["World Port Index Number"]: r
            for r in csv.DictReader(fh)
            if r["World Port Index Number"] in PORTS.values()
        }
    wl = default_watchlist()
    for site_id, number in PORTS.items():
        site = wl.site(site_id)
        assert site is not None and site.kind == "port"
        assert site.lat == pytest.approx(float(wpi[number]["Latitude"]), abs=0.01)
        assert site.lon == pytest.approx(float(wpi[number]["Longitude"]), abs=0.01)


@pytest.mark.parametrize(
    ("site_id", "spellings"),
    [
        ("khmeimim", ["Khmeimim", "Hmeimim", "Hmeymim"]),
        ("tartus", ["Tartus", "Tartous"]),
        ("al-khadim", ["al-Khadim", "Al Khadim"]),
    ],
)
def test_aliases(site_id: str, spellings: list[str]) -> None:
    site = default_watchlist().site(site_id)
    assert site is not None
    assert set(spellings) <= set(site.all_names)


def test_default_actor() -> None:
    actor = default_watchlist().actor("ru-mod-transport")
    assert actor is not None
    known = {k.icao24: k for k in actor.aircraft}
    assert known["154076"].registration == "RA-82038" and known["154076"].typecode == "A124"
    typecodes = {t for r in actor.rules for t in r.typecodes}
    assert {"A124", "IL76", "IL62", "T154", "T204"} <= typecodes
    assert any(r.callsigns and any(p.startswith("RFF") for p in r.callsigns) for r in actor.rules)


def test_new_workspace_holds_the_default_watchlist(workspace: Workspace) -> None:
    ids = {s.id for s in read_sites(workspace)}
    assert set(AIRFIELDS) | set(PORTS) <= ids
    assert [a.id for a in read_actors(workspace)] == ["ru-mod-transport", "ru-navy"]
    assert read_actors(workspace)[0] == default_watchlist().actor("ru-mod-transport")
