"""Corridor maps from real recordings: every corridor between two known places has a line, an open one
(one end unknown) a point at its known end, and movements with neither end known are no corridor."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from basewatch.flights import export, query
from basewatch.flights.store import build_flights
from basewatch.ingest.pipeline import ingest_file
from basewatch.maritime import MaritimeRules, VoyageRules, build
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file

KML = "{http://www.opengis.net/kml/2.2}"


def features(ws: Workspace, include_unknown: bool = False) -> dict[tuple[str, Any, Any], dict[str, Any]]:
    totals = export.corridor_totals(query.corridors(ws, include_unknown=include_unknown).to_pylist())
    names = sorted({n for t in totals for n in (t["origin"], t["destination"]) if n})
    places = query.place_coordinates(ws, names)
    out = {}
    for f in export.corridors_geojson(totals, places)["features"]:
        p = f["properties"]
        out[(p["mode"], p["origin"], p["destination"])] = f
    return out


def close(coords: list[float], lon: float, lat: float, tol: float = 0.01) -> bool:
    return abs(coords[0] - lon) <= tol and abs(coords[1] - lat) <= tol


@pytest.fixture(scope="module")
def paris(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    path = shared_file("adsb/traffic_quickstart_paris_20211007.json.gz")
    ws = Workspace(Path(tmp_path_factory.mktemp("corridors")) / "ws.duckdb")
    ingest_file(ws, path)
    build_flights(ws)
    yield ws
    ws.close()


def test_air_corridors_of_the_paris_sample(paris: Workspace) -> None:
    """FHMAC (39b002) takes off from Toussus-le-Noble and lands at Etampes-Mondesir; many airliners leave
    Charles de Gaulle and climb out of the recording. Aerodrome reference points from the French AIP:
    LFPN 48 45 07 N 002 06 22 E, LFOX 48 22 55 N 002 04 31 E, LFPG 49 00 46 N 002 33 00 E."""
    got = features(paris)
    line = got[("air", "LFPN", "LFOX")]["geometry"]
    assert line["type"] == "LineString"
    (a, b) = line["coordinates"]
    assert close(a, 2.1061, 48.7519) and close(b, 2.0753, 48.3819)
    out_of_cdg = got[("air", "LFPG", None)]["geometry"]
    assert out_of_cdg["type"] == "Point" and close(out_of_cdg["coordinates"], 2.55, 49.0128)
    # flights seen only in the air (neither end placed) are no corridor: listed only on request
    assert ("air", None, None) not in got
    everything = features(paris, include_unknown=True)
    assert everything[("air", None, None)]["geometry"] is None
    assert set(everything) - set(got) == {("air", None, None)}
    assert all(f["geometry"] is not None for f in got.values())


def test_unknown_pairs_left_out_of_tables_by_default(paris: Workspace) -> None:
    by_day = query.corridors(paris).to_pylist()
    assert by_day and all(r["origin"] is not None or r["destination"] is not None for r in by_day)
    totals = query.corridors(paris, by_day=False, include_unknown=True).to_pylist()
    assert any(r["origin"] is None and r["destination"] is None for r in totals)


@pytest.fixture(scope="module")
def sea(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    amsa, spire = shared_file("ais/amsa_risky_ais.txt"), shared_file("ais/aisdb_test_data_20210701_spire.csv")
    ws = Workspace(Path(tmp_path_factory.mktemp("sea")) / "ws.duckdb")
    ingest_file(ws, amsa, "nmea")
    ingest_file(ws, spire)
    # without the voyage continuity limit the two recordings chain three calls into voyages: enough to
    # draw sea corridors between World Port Index ports (none of them a watched site)
    build(ws, MaritimeRules(voyages=VoyageRules(max_duration_s=None)))
    yield ws
    ws.close()


def test_sea_corridors_between_world_port_index_ports(sea: Workspace) -> None:
    """Port positions read from nga_wpi_UpdatedPub150.csv (../shared/data/reference): 13760 Buenos Aires
    34.6 S 58.366667 W, 11550 Fort De France 14.6 N 61.066667 W; 54520 Fremantle and 54470 Albany (WA)."""
    got = features(sea)
    line = got[("sea", "Buenos Aires", "Fort De France")]["geometry"]
    assert line["type"] == "LineString"
    (a, b) = line["coordinates"]
    assert close(a, -58.366667, -34.6, 1e-6) and close(b, -61.066667, 14.6, 1e-6)
    assert all(f["geometry"] is not None and f["geometry"]["type"] == "LineString"
               for key, f in got.items() if key[0] == "sea")
    kml = ET.fromstring(export.corridors_kml(
        export.corridor_totals(query.corridors(sea).to_pylist()),
        query.place_coordinates(sea, ["Buenos Aires", "Fort De France", "Fremantle", "Albany"])))
    lines = [pm.find(f"{KML}LineString/{KML}coordinates") for pm in kml.iter(f"{KML}Placemark")
             if "Buenos Aires" in (pm.findtext(f"{KML}name") or "")]
    assert [e.text for e in lines if e is not None] == ["-58.366667,-34.600000,0 -61.066667,14.600000,0"]
