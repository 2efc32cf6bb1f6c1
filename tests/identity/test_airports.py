"""Every airport as a known place: the airportsdata table and the vectorised nearest-airport lookup,
checked against a brute-force great-circle scan (basewatch.geo.haversine_km, plain Python)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from basewatch.geo import haversine_km
from basewatch.identity.airports import airport, airports_table, nearest_airports


def test_table_has_the_watched_airfields() -> None:
    t = airports_table()
    assert t.column_names == ["icao", "iata", "name", "country", "lat", "lon", "elevation_m"]
    assert t.num_rows > 20_000
    oslk = airport("oslk")
    assert oslk is not None
    # airportsdata: OSLK 35.4011 N, 35.9487 E, 157 ft, IATA LTK, Syria
    assert (oslk["lat"], oslk["lon"], oslk["iata"], oslk["country"]) == (35.4011, 35.9487, "LTK", "SY")
    assert oslk["elevation_m"] == pytest.approx(157 * 0.3048)
    assert airport("HL59") is not None and airport("HL59")["country"] == "LY"  # type: ignore[index]
    assert airport("ZZZZ") is None
    assert airport("ltk") == oslk  # by IATA code


def test_registered_for_sql() -> None:
    import duckdb

    from basewatch.identity.airports import register_airports

    con = duckdb.connect()
    name = register_airports(con)
    assert con.execute(f"SELECT name, country FROM {name} WHERE icao = 'XWSG'").fetchone() == ("Engels Airbase", "RU")


def _brute_force(lat: float, lon: float, max_km: float) -> tuple[str | None, float | None]:
    t = airports_table()
    lats = t.column("lat").to_numpy()
    lons = t.column("lon").to_numpy()
    # loose pre-filter with a vectorised haversine (1 km margin), then exact distances in plain Python
    p1, p2 = np.radians(lat), np.radians(lats)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lons - lon) / 2) ** 2
    near = np.nonzero(2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1))) <= max_km + 1.0)[0]
    best: tuple[float, str] | None = None
    codes = t.column("icao")
    for i in near:
        d = haversine_km(lat, lon, float(lats[i]), float(lons[i]))
        if d <= max_km and (best is None or (d, str(codes[i])) < best):
            best = (d, str(codes[i]))
    return (best[1], best[0]) if best else (None, None)


def test_nearest_agrees_with_brute_force() -> None:
    rng = np.random.default_rng(7)
    # points near real airports (offsets up to ~0.3 deg) and anywhere on Earth, incl. poles/antimeridian
    t = airports_table()
    pick = rng.integers(0, t.num_rows, 150)
    lat = np.concatenate([t.column("lat").to_numpy()[pick] + rng.uniform(-0.3, 0.3, 150), rng.uniform(-90, 90, 50)])
    lon = np.concatenate([t.column("lon").to_numpy()[pick] + rng.uniform(-0.3, 0.3, 150), rng.uniform(-180, 180, 50)])
    lat = np.clip(lat, -90, 90)
    lon = (lon + 180) % 360 - 180
    got = nearest_airports(lat, lon, max_distance_m=25_000).to_pylist()
    assert sum(g["icao"] is not None for g in got) > 100  # most points near airports find one
    for la, lo, row in zip(lat, lon, got, strict=True):
        code, dist_km = _brute_force(float(la), float(lo), 25.0)
        assert row["icao"] == code
        if code is not None:
            assert row["distance_m"] == pytest.approx(dist_km * 1000, abs=0.5)


def test_nearest_on_known_places() -> None:
    # Khmeimim's runway area, Engels, mid-Atlantic, a NaN, the North Pole
    got = nearest_airports([35.405, 51.48, 30.0, math.nan, 90.0], [35.95, 46.21, -40.0, 10.0, 0.0]).to_pylist()
    assert [g["icao"] for g in got[:2]] == ["OSLK", "XWSG"]
    assert got[0]["distance_m"] == pytest.approx(haversine_km(35.405, 35.95, 35.4011, 35.9487) * 1000, abs=0.5)
    assert got[2] == {"icao": None, "distance_m": None}
    assert got[3] == {"icao": None, "distance_m": None}


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        nearest_airports([1.0], [1.0, 2.0])
    with pytest.raises(ValueError):
        nearest_airports([1.0], [1.0], max_distance_m=0)
