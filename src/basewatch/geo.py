"""Small geodesy helpers (spherical Earth, mean radius)."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def haversine_sql(lat1: str, lon1: str, lat2: str, lon2: str) -> str:
    """The same distance as a SQL expression (DuckDB and Spark SQL), in km; NULL if any input is NULL.

    least() skips NULLs in both engines, so the NULL case is explicit rather than left to propagation.
    """
    anynull = " OR ".join(f"{c} IS NULL" for c in (lat1, lon1, lat2, lon2))
    return (
        f"(CASE WHEN {anynull} THEN NULL ELSE 2 * {EARTH_RADIUS_KM} * asin(least(1.0, sqrt("
        f"pow(sin(radians({lat2} - {lat1}) / 2), 2) + "
        f"cos(radians({lat1})) * cos(radians({lat2})) * pow(sin(radians({lon2} - {lon1}) / 2), 2)))) END)"
    )
